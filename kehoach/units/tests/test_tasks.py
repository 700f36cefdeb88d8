"""Background work goes through the real database backend and the real worker command."""

from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from kehoach.testing import KehoachTestCase
from kehoach.units.models import Unit
from kehoach.units.tasks import unit_keys_rebuild_task


class UnitKeysRebuildTaskTest(KehoachTestCase):
    def test_the_worker_runs_a_queued_task(self):
        Unit.objects.filter(pk=self.commune_a.pk).update(search_text="", sort_key="")
        result = unit_keys_rebuild_task.enqueue()
        assert DBTaskResult.objects.get(id=result.id).status == "READY"

        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

        result.refresh()
        assert result.status == "SUCCESSFUL"
        assert result.return_value == Unit.objects.count()
        self.commune_a.refresh_from_db()
        assert "tam xuan 1" in self.commune_a.search_text
