"""The sitemap of the public pages: home and product list, every public product, every public
plan results page, with the date each last changed."""

import datetime as dt
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from . import public_selectors as ps
from .models import Publication


class PublicPagesSitemap(Sitemap[str]):
    changefreq = "daily"
    priority = 0.6

    def items(self) -> list[str]:
        return ["public:home", "public:products"]

    def location(self, item: str) -> str:
        return reverse(item)


class ProductSitemap(Sitemap[Publication]):
    changefreq = "weekly"
    priority = 0.8

    def items(self) -> Any:
        return ps.sitemap_products()

    def location(self, item: Publication) -> str:
        return reverse("public:product", args=[item.pk])

    def lastmod(self, item: Publication) -> dt.datetime:
        return item.updated_at


class PlanSitemap(Sitemap[Publication]):
    changefreq = "weekly"
    priority = 0.7

    def items(self) -> Any:
        return ps.sitemap_plans()

    def location(self, item: Publication) -> str:
        return reverse("public:plan", args=[item.plan_id])

    def lastmod(self, item: Publication) -> dt.datetime:
        return item.updated_at


SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "pages": PublicPagesSitemap(),
    "products": ProductSitemap(),
    "plans": PlanSitemap(),
}


@require_safe
@cache_control(public=True, max_age=60)
def sitemap_view(request: HttpRequest) -> HttpResponse:
    # Our own copy of Django's template: django.contrib.sitemaps need not be an installed app.
    return sitemap(request, sitemaps=SITEMAPS, template_name="public/sitemap.xml")


# Staff pages and the API are not for search engines; the public pages and open data are.
ROBOTS_DISALLOW = (
    "/admin/",
    "/api/",
    "/plans/",
    "/units/",
    "/people/",
    "/activities/",
    "/reports/",
    "/monitoring/",
    "/publishing/",
    "/search/",
    "/i18n/",
    "/cong-khai/ngon-ngu/",
    "/cong-khai/nhung/",
)


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """robots.txt naming the sitemap (mounted at /robots.txt by kehoach/urls.py)."""
    lines = [
        "User-agent: *",
        "Allow: /api/open-data/",  # the open-data API is public, the rest of /api/ is not
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
    ]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
