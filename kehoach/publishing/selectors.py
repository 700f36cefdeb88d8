"""Read-side of publishing. `public_publications` is the one definition of "public"."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Publication, PublicationState


def public_publications() -> QuerySet[Publication]:
    """What anyone may see: published, or approved for a time that has come (the worker marks
    those published, but the public does not wait for it)."""
    now = timezone.now()
    return Publication.objects.filter(
        Q(state=PublicationState.PUBLISHED, published_at__lte=now)
        | Q(state=PublicationState.APPROVED, publish_at__isnull=False, publish_at__lte=now)
    )
