"""Staff search (/search/?q=): the records the user may see and the publications they see on the
staff pages, found with or without diacritics (search.py), titles highlighted, one list at a
time (?in=records or ?in=publications), paginated."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kehoach.accounts import access
from kehoach.activities.models import Record

from . import search
from .models import Publication
from .selectors import public_publications

RECORDS, PUBLICATIONS = "records", "publications"
MAX_QUERY = 200


def _publications_for(request: HttpRequest) -> QuerySet[Publication]:
    return Publication.objects.filter(access.publication_visibility_q(request.user))


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    terms = search.query_terms(q)
    records: QuerySet[Record] = Record.objects.none()
    publications: QuerySet[Publication] = Publication.objects.none()
    if terms:
        records = search.search_records(q, user=request.user).select_related("unit")
        publications = search.search_publications(
            q, queryset=_publications_for(request)
        ).select_related("unit", "plan")
    counts = {RECORDS: records.count(), PUBLICATIONS: publications.count()}
    shown = request.GET.get("in")
    if shown not in counts:
        shown = PUBLICATIONS if counts[RECORDS] == 0 and counts[PUBLICATIONS] else RECORDS
    results = records if shown == RECORDS else publications
    page = Paginator(results, settings.KEHOACH_PAGE_SIZE).get_page(request.GET.get("page"))
    public_ids: set[int] = set()
    if shown == PUBLICATIONS:
        ids = [p.pk for p in page.object_list]
        public_ids = set(public_publications().filter(pk__in=ids).values_list("pk", flat=True))
    items = [
        {
            "object": obj,
            "title": search.highlight(obj.title, q),
            # A publication may be found by its English title: shown under the Vietnamese one.
            "title_en": search.highlight(getattr(obj, "title_en", ""), q),
            "public": obj.pk in public_ids,
        }
        for obj in page.object_list
    ]
    return render(
        request,
        "search/search.html",
        {
            "nav": "search",
            "q": q,
            "searched": bool(terms),
            "counts": counts,
            "shown": shown,
            "page": page,
            "items": items,
        },
    )
