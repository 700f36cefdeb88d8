"""kehoach search_rebuild (alias search-rebuild): write every search document afresh, after
records were loaded without signals (bulk loads, restores, raw SQL)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kehoach.publishing.search import search_rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index of records and publications."

    def handle(self, *args: Any, **options: Any) -> None:
        count = search_rebuild()
        self.stdout.write(_("%(count)s documents indexed.") % {"count": count})
