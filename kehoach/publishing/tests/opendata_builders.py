"""Builders for the search and open-data tests: publications made directly as rows (the
editorial services have their own tests), in the state a test needs."""

import datetime as dt
from typing import Any

from django.utils import timezone

from kehoach.activities.models import Record
from kehoach.plans.models import Plan
from kehoach.publishing.models import Publication, PublicationKind, PublicationState


def make_publication(
    record: Record,
    *,
    state: str = PublicationState.PUBLISHED,
    published_at: dt.datetime | None = None,
    **fields: Any,
) -> Publication:
    """A product publication of the record (its first task's plan, its unit, its title)."""
    if state == PublicationState.PUBLISHED and published_at is None:
        published_at = timezone.now() - dt.timedelta(minutes=1)
    plan = record.tasks.order_by("pk").first()
    assert plan is not None
    values: dict[str, Any] = {
        "kind": PublicationKind.PRODUCT,
        "record": record,
        "plan": plan.plan,
        "unit": record.unit,
        "title": record.title,
        "state": state,
        "published_at": published_at,
        **fields,
    }
    return Publication.objects.create(**values)


def make_results(
    plan: Plan, *, state: str = PublicationState.PUBLISHED, **fields: Any
) -> Publication:
    """The public results page of a plan."""
    values: dict[str, Any] = {
        "kind": PublicationKind.RESULTS,
        "plan": plan,
        "unit": plan.issuer,
        "title": plan.title,
        "state": state,
        "published_at": timezone.now() - dt.timedelta(minutes=1)
        if state == PublicationState.PUBLISHED
        else None,
        **fields,
    }
    return Publication.objects.create(**values)
