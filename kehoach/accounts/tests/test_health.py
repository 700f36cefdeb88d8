"""/health/: database, worker queue age and disk space; 200 when fine, 503 otherwise."""

from datetime import timedelta
from typing import Any
from unittest import mock

from django.contrib.auth.models import User
from django.db import OperationalError, connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kehoach.accounts import health
from kehoach.testing import KehoachTestCase

URL = "/health/"


def _enqueue(*, waited: timedelta) -> "DBTaskResult[Any, Any]":
    """A due task nobody has picked up yet, enqueued `waited` ago."""
    from kehoach.activities.tasks import reminders_task  # any registered task

    result = reminders_task.enqueue(reschedule=False)
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - waited)
    return DBTaskResult.objects.get(pk=result.id)


class HealthTest(KehoachTestCase):
    def test_the_url_is_slash_health(self):
        assert reverse("accounts:health") == URL

    def test_all_fine_answers_200_with_each_check(self):
        response = self.client.get(URL)
        assert response.status_code == 200
        data = response.json()
        assert data["ok"] is True
        assert data["database"]["ok"] is True
        assert data["database"]["latency_ms"] >= 0
        assert data["worker_queue"] == {
            "ok": True,
            "waiting": 0,
            "running_past_lease": 0,
            "oldest_age_seconds": 0,
            "max_age_seconds": health.QUEUE_MAX_AGE_SECONDS,
        }
        for place in ("var", "media"):
            disk = data["disk"][place]
            assert disk["free_bytes"] > 0
            assert 0 < disk["free_share"] <= 1
        assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]

    def test_it_holds_no_secrets_paths_or_personal_data(self):
        body = self.client.get(URL).content.decode()
        for user in User.objects.all():
            assert user.username not in body
            if user.email:
                assert user.email not in body
        from django.conf import settings

        assert settings.SECRET_KEY not in body
        assert str(settings.VAR_DIR) not in body
        assert str(settings.MEDIA_ROOT) not in body

    def test_a_recent_waiting_task_is_fine_an_old_one_answers_503(self):
        _enqueue(waited=timedelta(minutes=2))
        data = self.client.get(URL).json()
        assert data["worker_queue"]["ok"] is True
        assert data["worker_queue"]["waiting"] == 1
        assert 100 < data["worker_queue"]["oldest_age_seconds"] < 200

        _enqueue(waited=timedelta(hours=1))
        response = self.client.get(URL)
        assert response.status_code == 503
        data = response.json()
        assert data["ok"] is False
        assert data["worker_queue"]["ok"] is False
        assert data["worker_queue"]["waiting"] == 2
        assert data["worker_queue"]["oldest_age_seconds"] >= 3600

    def test_a_task_scheduled_for_later_does_not_count(self):
        task = _enqueue(waited=timedelta(hours=3))
        DBTaskResult.objects.filter(pk=task.pk).update(
            run_after=timezone.now() + timedelta(hours=1)
        )
        data = self.client.get(URL).json()
        assert data["worker_queue"]["waiting"] == 0
        assert self.client.get(URL).status_code == 200

    def test_a_task_left_running_past_the_lease_answers_503(self):
        task = _enqueue(waited=timedelta(hours=3))
        DBTaskResult.objects.filter(pk=task.pk).update(
            status="RUNNING", started_at=timezone.now() - timedelta(minutes=10)
        )
        data = self.client.get(URL).json()
        assert data["worker_queue"]["running_past_lease"] == 0
        assert data["worker_queue"]["ok"] is True
        DBTaskResult.objects.filter(pk=task.pk).update(
            started_at=timezone.now() - timedelta(hours=2)
        )
        response = self.client.get(URL)
        assert response.status_code == 503
        assert response.json()["worker_queue"]["running_past_lease"] == 1

    def test_a_finished_task_does_not_count(self):
        task = _enqueue(waited=timedelta(hours=3))
        DBTaskResult.objects.filter(pk=task.pk).update(status="SUCCESSFUL")
        assert self.client.get(URL).status_code == 200

    @override_settings(KEHOACH_HEALTH_DISK_MIN_FREE_SHARE=1.01)
    def test_too_little_free_disk_answers_503(self):
        response = self.client.get(URL)
        assert response.status_code == 503
        assert response.json()["disk"]["ok"] is False
        assert response.json()["database"]["ok"] is True

    def test_a_failing_database_answers_503_without_the_error_text(self):
        with mock.patch.object(
            connection, "cursor", side_effect=OperationalError("password=geheim")
        ):
            data = health.health_database()
        assert data == {"ok": False, "error": "OperationalError"}

    def test_without_the_database_queue_the_queue_check_is_fine(self):
        with override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        ):
            assert health.health_worker_queue()["ok"] is True
