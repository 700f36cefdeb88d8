"""The checker the permission matrix runs with: it must notice a change that is not in the trail
or is in it under another user, or it would prove nothing."""

from kehoach.activities.models import Record
from kehoach.activities.testing import make_record
from kehoach.audit.context import audit_context
from kehoach.audit.models import Source
from kehoach.audit.testing import changes_between, missing_entries, snapshot
from kehoach.testing import KehoachTestCase


def last_entry_id() -> int:
    from kehoach.audit.testing import _last_entry_id

    return _last_entry_id()


class CheckerTest(KehoachTestCase):
    def setUp(self) -> None:
        self.record = make_record(
            unit=self.commune_a, tasks=[self.commune_task], title="Hội thi tìm hiểu pháp luật"
        )

    def test_a_change_that_bypasses_the_trail_is_reported(self):
        before, since = snapshot(), last_entry_id()
        Record.objects.filter(pk=self.record.pk).update(title="Sửa không để lại dấu vết")
        changes = changes_between(before, snapshot())
        assert missing_entries(changes, since, self.commune_a_staff.pk) == [
            f"change of activities.Record #{self.record.pk}"
        ]

    def test_a_change_recorded_under_another_user_is_reported(self):
        before, since = snapshot(), last_entry_id()
        with audit_context(source=Source.WEB, actor=self.commune_b_staff):
            self.record.title = "Hội thi tìm hiểu Công ước quyền trẻ em"
            self.record.save()
        changes = changes_between(before, snapshot())
        assert missing_entries(changes, since, self.commune_a_staff.pk) != []
        assert missing_entries(changes, since, self.commune_b_staff.pk) == []

    def test_a_deletion_needs_a_deletion_entry(self):
        before, since = snapshot(), last_entry_id()
        with audit_context(source=Source.WEB, actor=self.commune_a_staff):
            self.record.delete()
        changes = changes_between(before, snapshot())
        assert any(change.deleted for change in changes)
        assert missing_entries(changes, since, self.commune_a_staff.pk) == []

    def test_links_changed_through_a_many_to_many_field_count_as_a_change(self):
        before, since = snapshot(), last_entry_id()
        with audit_context(source=Source.WEB, actor=self.commune_a_staff):
            self.record.tasks.add(self.office_task)
        changes = changes_between(before, snapshot())
        assert [(c.label, c.pk) for c in changes] == [("activities.Record", self.record.pk)]
        assert missing_entries(changes, since, self.commune_a_staff.pk) == []
