"""Background work of the units app, run by `kehoach worker` (django-tasks database backend)."""

from django_tasks import task

from .services import unit_keys_rebuild


@task()
def unit_keys_rebuild_task() -> int:
    """Recompute the search and sort keys of every unit (after a bulk load or a rule change)."""
    return unit_keys_rebuild()
