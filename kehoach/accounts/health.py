"""`/health/` for operators' probes: database, worker queue and disk, as JSON.

200 when everything is fine, 503 otherwise. No sign-in is needed, so the answer holds no secrets,
no paths and no personal data: only states, durations and sizes.
"""

import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Case, DateTimeField, F, When
from django.db.models.functions import Greatest
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# Thresholds, overridable in settings: a task waiting longer than this means no worker runs;
# less free disk than either limit means uploads and the database are about to fail.
QUEUE_MAX_AGE_SECONDS = 15 * 60
DISK_MIN_FREE_BYTES = 200 * 1024 * 1024
DISK_MIN_FREE_SHARE = 0.05


def health_database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure is the answer, not a crash
        return {"ok": False, "error": type(error).__name__}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def _uses_database_queue() -> bool:
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    return backend.startswith("django_tasks_db.")


def health_worker_queue() -> dict[str, Any]:
    """Age of the oldest task that is due and still waiting (0 when none waits), and tasks left
    running longer than the lease (kehoach.units.worker: no live worker took them back)."""
    if not _uses_database_queue():
        return {"ok": True, "backend": "not-queued", "waiting": 0, "oldest_age_seconds": 0}
    from django_tasks_db.models import DBTaskResult, get_date_max

    from kehoach.units.worker import lease

    max_age = getattr(settings, "KEHOACH_HEALTH_QUEUE_MAX_AGE", QUEUE_MAX_AGE_SECONDS)
    try:
        ready = DBTaskResult.objects.ready().annotate(
            waiting_since=Case(
                When(run_after=get_date_max(), then=F("enqueued_at")),
                default=Greatest("enqueued_at", "run_after"),
                output_field=DateTimeField(),
            )
        )
        waiting = ready.count()
        oldest = ready.order_by("waiting_since").values_list("waiting_since", flat=True).first()
        # Running past the lease: its worker died and no worker is left to take it back.
        stuck = (
            DBTaskResult.objects.running().filter(started_at__lt=timezone.now() - lease()).count()
        )
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}
    age = max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0
    return {
        "ok": age <= max_age and not stuck,
        "waiting": waiting,
        "running_past_lease": stuck,
        "oldest_age_seconds": round(age, 1),
        "max_age_seconds": max_age,
    }


def _disk(path: Path) -> dict[str, Any]:
    min_bytes = getattr(settings, "KEHOACH_HEALTH_DISK_MIN_FREE_BYTES", DISK_MIN_FREE_BYTES)
    min_share = getattr(settings, "KEHOACH_HEALTH_DISK_MIN_FREE_SHARE", DISK_MIN_FREE_SHARE)
    try:
        usage = shutil.disk_usage(path)
    except OSError as error:
        return {"ok": False, "error": type(error).__name__}
    share = usage.free / usage.total if usage.total else 0.0
    return {
        "ok": usage.free >= min_bytes and share >= min_share,
        "free_bytes": usage.free,
        "total_bytes": usage.total,
        "free_share": round(share, 4),
    }


def health_disk() -> dict[str, Any]:
    """Free space where the SQLite database and logs live (var) and where uploads go (media)."""
    media = Path(settings.MEDIA_ROOT)
    var = _disk(Path(settings.VAR_DIR))
    media_result = _disk(media if media.exists() else media.parent)
    return {"ok": var["ok"] and media_result["ok"], "var": var, "media": media_result}


def health_report() -> dict[str, Any]:
    checks = {
        "database": health_database(),
        "worker_queue": health_worker_queue(),
        "disk": health_disk(),
    }
    return {"ok": all(check["ok"] for check in checks.values()), **checks}


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)
