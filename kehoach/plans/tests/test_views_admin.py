"""The Django admin pages of plans open, and task status stays read-only there."""

from django.urls import reverse

from kehoach.plans.models import TaskStatus
from kehoach.testing import KehoachTestCase


class PlansAdminTest(KehoachTestCase):
    def setUp(self) -> None:
        self.admin.is_staff = self.admin.is_superuser = True
        self.admin.save()
        self.login(self.admin)

    def test_it_opens_every_plans_admin_page(self):
        for url in [
            reverse("admin:plans_plan_changelist"),
            reverse("admin:plans_plan_change", args=[self.district_plan.pk]),
            reverse("admin:plans_task_changelist"),
            reverse("admin:plans_task_change", args=[self.office_task.pk]),
            reverse("admin:plans_convention_changelist"),
            reverse("admin:plans_reportingduty_changelist"),
            reverse("admin:plans_unitduty_changelist"),
        ]:
            with self.subTest(url=url):
                assert self.client.get(url).status_code == 200

    def test_the_task_form_has_no_status_field(self):
        # Status changes go through services.task_set_status, which records a TaskEvent.
        response = self.client.get(reverse("admin:plans_task_change", args=[self.office_task.pk]))
        assert "status" not in response.context["adminform"].form.fields
        assert self.office_task.status == TaskStatus.NOT_STARTED
