"""Background work goes through the real database backend and a real worker process."""

import os
import subprocess
import sys

from django.db import connection
from django.test import TransactionTestCase

from kehoach.units.models import Unit, UnitKind
from kehoach.units.services import unit_create
from kehoach.units.tasks import unit_keys_rebuild_task


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class WorkerProcessTest(TransactionTestCase):
    def test_kehoach_worker_runs_a_queued_task_in_its_own_process(self):
        commune = unit_create(name="Xã Tam Xuân I", kind=UnitKind.COMMUNE, aliases=["Tam Xuân 1"])
        Unit.objects.filter(pk=commune.pk).update(search_text="", sort_key="")
        result = unit_keys_rebuild_task.enqueue()
        assert result.status == "READY"

        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "kehoach.settings",
        }
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from kehoach.cli import main; main()",
                "worker",
                "--batch",
                "--no-startup-delay",
            ],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )

        result.refresh()
        assert result.status == "SUCCESSFUL"
        assert result.return_value == 1
        commune.refresh_from_db()
        assert "tam xuan 1" in commune.search_text
