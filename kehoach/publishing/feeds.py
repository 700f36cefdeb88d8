"""Atom and RSS feeds of public products: all, per plan, per theme, per unit.

A feed object is shared by every request, so what depends on the request (absolute file URLs of
the enclosures) is computed in `get_object` into a `FeedScope` and its items, never kept on self.
A plan, theme or unit gets a feed only while it has something public, so a feed never names a
plan that nothing public belongs to.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from kehoach.lib.richtext import sanitised_html
from kehoach.plans.models import Plan, Theme
from kehoach.units.models import Unit

from . import public_selectors as ps
from .models import Publication

FEED_ITEMS = 50


@dataclass(frozen=True)
class FeedItem:
    publication: Publication
    link: str
    enclosures: list[feedgenerator.Enclosure]
    categories: list[str]


@dataclass(frozen=True)
class FeedScope:
    title: str
    link: str
    description: str
    items: list[FeedItem]


def _item(request: HttpRequest, publication: Publication) -> FeedItem:
    media = ps.product_media(publication)
    record = publication.record
    return FeedItem(
        publication=publication,
        link=reverse("public:product", args=[publication.pk]),
        # Audio and video only: what podcast readers play. Length is required by RSS.
        enclosures=[
            feedgenerator.Enclosure(
                url=request.build_absolute_uri(item.url),
                length=str(item.size or 0),
                mime_type=item.content_type,
            )
            for item in media.playable
        ],
        categories=[theme.short_title for theme in record.themes.all()] if record else [],
    )


def _scope(
    request: HttpRequest,
    queryset: QuerySet[Publication],
    *,
    title: str,
    link: str,
    description: str,
) -> FeedScope:
    return FeedScope(
        title=title,
        link=link,
        description=description,
        items=[_item(request, pub) for pub in ps.feed_items(queryset, limit=FEED_ITEMS)],
    )


class ProductsFeed(Feed[FeedItem, FeedScope]):
    """All public products (RSS 2.0; AtomProductsFeed below for Atom)."""

    feed_type: type[feedgenerator.SyndicationFeed] = feedgenerator.Rss201rev2Feed
    language = "vi"

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedScope:
        return _scope(
            request,
            ps.public_products(),
            title=_("Communication products on human rights"),
            link=reverse("public:products"),
            description=_("The latest communication products published by the units."),
        )

    def title(self, obj: FeedScope) -> str:
        return obj.title

    def link(self, obj: FeedScope) -> str:
        return obj.link

    def description(self, obj: FeedScope) -> str:
        return obj.description

    def subtitle(self, obj: FeedScope) -> str:
        return obj.description

    def items(self, obj: FeedScope) -> list[FeedItem]:
        return obj.items

    def item_title(self, item: FeedItem) -> str:
        return item.publication.title

    def item_description(self, item: FeedItem) -> str:
        return sanitised_html(item.publication.summary)  # readers show it as HTML

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_guid(self, item: FeedItem) -> str:
        # Stable whatever the domain the feed is read from.
        return f"tag:kehoach,2024:publication:{item.publication.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedItem) -> dt.datetime | None:
        pub = item.publication
        return pub.published_at or pub.publish_at

    def item_updateddate(self, item: FeedItem) -> dt.datetime:
        return item.publication.updated_at

    def item_author_name(self, item: FeedItem) -> str:
        return item.publication.unit.name

    def item_categories(self, item: FeedItem) -> list[str]:
        return item.categories

    def item_enclosures(self, item: FeedItem) -> list[feedgenerator.Enclosure]:
        return item.enclosures


class PlanFeed(ProductsFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedScope:
        plan = Plan.objects.filter(pk=kwargs["pk"]).first()
        if plan is None or not ps.plan_has_public_content(plan.pk):
            raise Http404
        return _scope(
            request,
            ps.public_products().filter(plan=plan),
            title=_("Products of the plan %(plan)s") % {"plan": plan.number or plan.title},
            link=reverse("public:products") + f"?ke-hoach={plan.pk}",
            description=plan.title,
        )


class ThemeFeed(ProductsFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedScope:
        theme = Theme.objects.select_related("plan").filter(pk=kwargs["pk"]).first()
        if theme is None or not ps.plan_has_public_content(theme.plan_id):
            raise Http404
        return _scope(
            request,
            ps.public_products().filter(record__themes=theme),
            title=_("Products on the theme “%(theme)s”") % {"theme": theme.short_title},
            link=reverse("public:products") + f"?chu-de={theme.pk}",
            description=theme.text,
        )


class UnitFeed(ProductsFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedScope:
        unit = Unit.objects.filter(pk=kwargs["pk"]).first()
        if unit is None:
            raise Http404
        products = ps.public_products().filter(
            unit__in=Unit.objects.filter(path__startswith=unit.path)
        )
        if not products.exists():
            raise Http404
        return _scope(
            request,
            products,
            title=_("Products of %(unit)s") % {"unit": unit.name},
            link=reverse("public:products") + f"?don-vi={unit.pk}",
            description=unit.name,
        )


def _atom(feed: type[ProductsFeed]) -> type[ProductsFeed]:
    return type(f"Atom{feed.__name__}", (feed,), {"feed_type": feedgenerator.Atom1Feed})


def _view(feed: type[ProductsFeed]) -> Callable[..., HttpResponse]:
    return require_safe(cache_control(public=True, max_age=60)(feed()))


rss_all = _view(ProductsFeed)
atom_all = _view(_atom(ProductsFeed))
rss_plan = _view(PlanFeed)
atom_plan = _view(_atom(PlanFeed))
rss_theme = _view(ThemeFeed)
atom_theme = _view(_atom(ThemeFeed))
rss_unit = _view(UnitFeed)
atom_unit = _view(_atom(UnitFeed))
