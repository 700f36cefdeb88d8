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
