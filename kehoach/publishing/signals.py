"""Signal receivers of publishing: the search index follows records and publications.

Saves through the services and the admin reach these receivers; bulk loads that bypass `save()`
are caught up by `kehoach search-rebuild` (search.search_rebuild).
"""

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from kehoach.activities.models import Record

from . import search
from .models import Publication, SearchKind


@receiver(post_save, sender=Record, dispatch_uid="publishing_index_record")
def index_record(sender: type[Record], instance: Record, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # fixtures being loaded: their documents come with search_rebuild
        search.search_index_record(instance)


@receiver(post_delete, sender=Record, dispatch_uid="publishing_unindex_record")
def unindex_record(sender: type[Record], instance: Record, **kwargs: Any) -> None:
    search.search_unindex(SearchKind.RECORD, instance.pk)


@receiver(pre_save, sender=Publication, dispatch_uid="publishing_publication_search_key")
def publication_search_key(sender: type[Publication], instance: Publication, **kwargs: Any) -> None:
    instance.search_key = search.publication_search_key(instance)


@receiver(post_save, sender=Publication, dispatch_uid="publishing_index_publication")
def index_publication(
    sender: type[Publication], instance: Publication, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        search.search_index_publication(instance)


@receiver(post_delete, sender=Publication, dispatch_uid="publishing_unindex_publication")
def unindex_publication(sender: type[Publication], instance: Publication, **kwargs: Any) -> None:
    search.search_unindex(SearchKind.PUBLICATION, instance.pk)
