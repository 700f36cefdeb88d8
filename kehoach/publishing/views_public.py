"""Public pages without sign-in: home, products, product, plan results, embed, language switch.

Every page reads through public_selectors (which start from `public_publications()`), may be
kept by a shared cache (a reverse proxy) for a minute but is asked afresh by browsers, so that a
withdrawn product is gone from a visitor's next page at once; pages vary by the language cookie.
The language switch is a link, not a form: a cached public page must not carry a CSRF token.
"""

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_cookie

from kehoach.activities.selectors import plan_targets_progress, task_progress_map
from kehoach.plans.models import Plan
from kehoach.units.models import Unit

from . import public_selectors as ps
from .models import LICENCE_URLS, Licence, Publication

View = Callable[..., HttpResponse]
EMBED_MAX_ITEMS = 20


def public_page(view: View) -> View:
    """GET/HEAD only; a minute in shared caches, none in browsers; one copy per language."""
    return require_safe(cache_control(public=True, max_age=0, s_maxage=60)(vary_on_cookie(view)))


def _int(params: QueryDict, name: str) -> int | None:
    value = params.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def _licence(publication: Publication) -> dict[str, str]:
    licence = Licence(publication.licence)
    return {"code": licence.value, "name": str(licence.label), "url": LICENCE_URLS[licence]}


@public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/home.html",
        {
            "products": ps.latest_products(limit=6),
            "results": list(ps.public_results()[:20]),
            "nav": "home",
        },
    )


# Query parameters of the product list (Vietnamese, like the paths).
FILTER_PARAMS = {
    "theme_id": "chu-de",
    "convention_id": "cong-uoc",
    "language_id": "ngon-ngu",
    "platform_id": "nen-tang",
    "unit_id": "don-vi",
    "plan_id": "ke-hoach",
}


@public_page
def product_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    filters = ps.ProductFilters(
        **{name: _int(params, key) for name, key in FILTER_PARAMS.items()},
        query=params.get("q", "").strip()[:200],
    )
    paginator = Paginator(ps.product_list(filters), settings.KEHOACH_PAGE_SIZE)
    page = paginator.get_page(params.get("trang"))
    kept = {key: params[key] for key in [*FILTER_PARAMS.values(), "q"] if params.get(key)}
    return render(
        request,
        "public/product_list.html",
        {
            "page": page,
            "filters": filters,
            "nav": "products",
            "choices": ps.filter_choices(),
            "query_string": urlencode(kept),
        },
    )


@public_page
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(ps.product_detail_queryset(), pk=pk)
    return render(
        request,
        "public/product_detail.html",
        {
            "pub": publication,
            "record": publication.record,
            "media": ps.product_media(publication),
            "facets": ps.product_facets(publication),
            "licence": _licence(publication),
            "has_results_page": ps.public_results().filter(plan_id=publication.plan_id).exists(),
        },
    )


@public_page
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    results = get_object_or_404(ps.public_results(), plan_id=pk)
    plan = results.plan
    today = timezone.localdate()
    tasks = list(plan.tasks.order_by("order", "pk"))
    progress = task_progress_map(tasks=tasks, today=today)
    return render(
        request,
        "public/plan_detail.html",
        {
            "pub": results,
            "plan": plan,
            # Targets count the plan's year: after it ends, what is shown is its final state.
            "counted_to": min(today, dt.date(plan.year, 12, 31)),
            "targets": plan_targets_progress(plan=plan, as_of=today),
            "tasks": [(task, progress.get(task.pk)) for task in tasks],
            "counts": ps.plan_record_counts(plan),
            "products": ps.latest_products(limit=10, plan=plan),
            "product_count": ps.public_products().filter(plan=plan).count(),
            "licence": _licence(results),
        },
    )


@xframe_options_exempt
@public_page
def embed(request: HttpRequest) -> HttpResponse:
    """The latest public products, small and self-contained, for an <iframe> on other sites."""
    params = request.GET
    limit = min(max(_int(params, "so-luong") or 5, 1), EMBED_MAX_ITEMS)
    plan = unit = None
    if (plan_id := _int(params, "ke-hoach")) is not None:
        plan = Plan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise Http404
    if (unit_id := _int(params, "don-vi")) is not None:
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None:
            raise Http404
    more = reverse("public:products")
    if plan is not None:
        more += "?" + urlencode({"ke-hoach": plan.pk})
    elif unit is not None:
        more += "?" + urlencode({"don-vi": unit.pk})
    return render(
        request,
        "public/embed.html",
        {
            "products": ps.latest_products(limit=limit, plan=plan, unit=unit),
            "more": more,
            # Links leave the frame for this site, wherever the frame is.
            "site": request.build_absolute_uri("/").rstrip("/"),
        },
    )


def embed_snippet(request: HttpRequest, plan: Plan, *, items: int = 5) -> SafeString:
    """The <iframe> another site pastes to show a plan's latest public products."""
    url = request.build_absolute_uri(
        reverse("public:embed") + "?" + urlencode({"ke-hoach": plan.pk, "so-luong": items})
    )
    return format_html(
        '<iframe src="{}" title="{}" width="100%" height="{}" style="border:0" '
        'loading="lazy"></iframe>',
        url,
        _("Latest publications of the plan"),
        120 + 56 * items,
    )


@require_safe
def language(request: HttpRequest, code: str) -> HttpResponse:
    """Switch the public pages' language (a preference cookie) and go back."""
    if code not in dict(settings.LANGUAGES) or not check_for_language(code):
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("public:home")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
