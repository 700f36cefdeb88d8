"""Reads of the public pages, feeds, embed and sitemap. Everything starts from
`selectors.public_publications()`, the one definition of public: a withdrawn or future item never
reaches a page, a feed, the embed or the sitemap."""

import mimetypes
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import get_language

from kehoach.activities.models import (
    Attachment,
    Language,
    Platform,
    Product,
    Record,
    RecordKind,
)
from kehoach.plans.models import Convention, Plan, Theme
from kehoach.units.models import Unit

from .files import public_file_url
from .models import Publication, PublicationKind
from .search import search_publications
from .selectors import public_publications

# Types the browser plays or shows inline; the rest is offered as a download.
AUDIO, VIDEO, IMAGE, DOCUMENT = "audio", "video", "image", "document"
# Extensions that the standard table guesses badly or not at all (mimetypes varies by system).
_TYPES_BY_EXTENSION = {
    ".mp3": "audio/mpeg",
    ".oga": "audio/ogg",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".m4a": "audio/mp4",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".webp": "image/webp",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}


# --- what a product shows --------------------------------------------------------------------


@dataclass(frozen=True)
class LocalText:
    """A text in the page's language when a translation exists, else the Vietnamese original;
    `lang` goes into the markup so screen readers pronounce it right."""

    text: str
    lang: str

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def is_english() -> bool:
    return (get_language() or "vi").split("-")[0] == "en"


def shown_title(publication: Publication) -> LocalText:
    if is_english() and publication.title_en.strip():
        return LocalText(publication.title_en, "en")
    return LocalText(publication.title, "vi")


def shown_summary(publication: Publication) -> LocalText:
    if is_english() and publication.summary_en.strip():
        return LocalText(publication.summary_en, "en")
    return LocalText(publication.summary, "vi")


@dataclass(frozen=True)
class PublicFile:
    """An attached file of a public product, with its public address."""

    attachment: Attachment
    name: str
    url: str
    content_type: str
    size: int | None
    kind: str  # AUDIO, VIDEO, IMAGE or DOCUMENT

    @property
    def label(self) -> str:
        return self.attachment.caption or self.name

    @property
    def extension(self) -> str:
        return posixpath.splitext(self.name)[1].lstrip(".").upper()


@dataclass(frozen=True)
class PublicLink:
    url: str
    label: str


def _content_type(attachment: Attachment) -> str:
    # The type found from the content at upload; files older than that check go by extension.
    if attachment.content_type:
        return attachment.content_type
    extension = posixpath.splitext(attachment.file.name)[1].lower()
    return (
        _TYPES_BY_EXTENSION.get(extension)
        or mimetypes.guess_type(attachment.file.name)[0]
        or "application/octet-stream"
    )


def _size(attachment: Attachment) -> int | None:
    if attachment.size is not None:
        return attachment.size
    try:
        return int(attachment.file.size)
    except (OSError, ValueError):
        return None


def _kind_of(content_type: str) -> str:
    major = content_type.split("/")[0]
    return major if major in (AUDIO, VIDEO, IMAGE) else DOCUMENT


def public_file(attachment: Attachment) -> PublicFile:
    content_type = _content_type(attachment)
    return PublicFile(
        attachment=attachment,
        name=posixpath.basename(attachment.file.name),
        url=public_file_url(attachment),
        content_type=content_type,
        size=_size(attachment),
        kind=_kind_of(content_type),
    )


@dataclass
class ProductMedia:
    """A product's files by how the page shows them, and its links."""

    audio: list[PublicFile] = field(default_factory=list)
    video: list[PublicFile] = field(default_factory=list)
    images: list[PublicFile] = field(default_factory=list)
    documents: list[PublicFile] = field(default_factory=list)
    links: list[PublicLink] = field(default_factory=list)

    @property
    def playable(self) -> list[PublicFile]:
        return [*self.audio, *self.video]


def _detail_product(record: Record) -> Product | None:
    """The product whose languages and platforms describe the record: its own, or for a
    broadcast the product aired."""
    if record.kind == RecordKind.PRODUCT:
        return getattr(record, "product", None)
    if record.kind == RecordKind.BROADCAST:
        broadcast = getattr(record, "broadcast", None)
        return broadcast.product if broadcast is not None else None
    return None


def product_media(publication: Publication) -> ProductMedia:
    """Files and links of a product publication (attachments prefetched by the caller)."""
    media = ProductMedia()
    record = publication.record
    if record is None:
        return media
    for attachment in record.attachments.all():
        if attachment.file:
            item = public_file(attachment)
            {
                AUDIO: media.audio,
                VIDEO: media.video,
                IMAGE: media.images,
                DOCUMENT: media.documents,
            }[item.kind].append(item)
        elif attachment.url:
            media.links.append(PublicLink(attachment.url, attachment.caption or attachment.url))
    # The link of the record's own detail (a product's, a portal post's, a contest entry's).
    detail_name = {
        RecordKind.PRODUCT: "product",
        RecordKind.PORTAL_POST: "portal_post",
        RecordKind.CONTEST: "contest_entry",
    }.get(RecordKind(record.kind))
    detail = getattr(record, detail_name, None) if detail_name else None
    url = str(getattr(detail, "url", "") or "")
    if url and all(link.url != url for link in media.links):
        media.links.append(PublicLink(url, url))
    return media


def product_facets(publication: Publication) -> dict[str, list[Any]]:
    """Themes, conventions, languages and platforms of a product (prefetched by the caller)."""
    record = publication.record
    if record is None:
        return {"themes": [], "conventions": [], "languages": [], "platforms": []}
    product = _detail_product(record)
    return {
        "themes": list(record.themes.all()),
        "conventions": list(record.conventions.all()),
        "languages": list(product.languages.all()) if product else [],
        "platforms": list(product.platforms.all()) if product else [],
    }


# --- lists -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductFilters:
    theme_id: int | None = None
    convention_id: int | None = None
    language_id: int | None = None
    platform_id: int | None = None
    unit_id: int | None = None  # the unit and the units under it
    plan_id: int | None = None
    query: str = ""

    @property
    def any(self) -> bool:
        return any(
            (
                self.theme_id,
                self.convention_id,
                self.language_id,
                self.platform_id,
                self.unit_id,
                self.plan_id,
                self.query.strip(),
            )
        )


def public_products() -> QuerySet[Publication]:
    return public_publications().filter(kind=PublicationKind.PRODUCT)


def _with_list_data(queryset: QuerySet[Publication]) -> QuerySet[Publication]:
    return queryset.select_related(
        "unit",
        "plan",
        "record",
        "record__product",
        "record__broadcast",
        "record__portal_post",
        "record__contest_entry",
    ).prefetch_related(
        Prefetch("record__attachments", queryset=Attachment.objects.order_by("pk")),
    )


def _search(query: str, queryset: QuerySet[Publication]) -> QuerySet[Publication]:
    """Full-text search, ranked; diacritics and tone placement ignored."""
    return search_publications(query, queryset=queryset)


def _language_or_platform(field_name: str, pk: int) -> Q:
    # A broadcast is described by the product it aired.
    products = Product.objects.filter(**{field_name: pk})
    return Q(record__product__in=products) | Q(record__broadcast__product__in=products)


def product_list(filters: ProductFilters) -> QuerySet[Publication]:
    """Public products matching the filters, newest first (ranked by relevance when searching),
    with what the list shows loaded in a fixed number of queries."""
    queryset = public_products()
    if filters.theme_id:
        queryset = queryset.filter(
            Exists(
                Record.themes.through.objects.filter(
                    record_id=OuterRef("record_id"), theme_id=filters.theme_id
                )
            )
        )
    if filters.convention_id:
        queryset = queryset.filter(
            Exists(
                Record.conventions.through.objects.filter(
                    record_id=OuterRef("record_id"), convention_id=filters.convention_id
                )
            )
        )
    if filters.language_id:
        queryset = queryset.filter(_language_or_platform("languages", filters.language_id))
    if filters.platform_id:
        queryset = queryset.filter(_language_or_platform("platforms", filters.platform_id))
    if filters.unit_id:
        queryset = queryset.filter(unit__in=_units_under(filters.unit_id))
    if filters.plan_id:
        queryset = queryset.filter(plan_id=filters.plan_id)
    if filters.query.strip():
        return _with_list_data(_search(filters.query, queryset))
    return _with_list_data(queryset.order_by("-published_at", "-pk"))


def _units_under(unit_id: int) -> QuerySet[Unit]:
    unit = Unit.objects.filter(pk=unit_id).only("path").first()
    if unit is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=unit.path)


def latest_products(
    *, limit: int, plan: Plan | None = None, unit: Unit | None = None
) -> list[Publication]:
    queryset = public_products()
    if plan is not None:
        queryset = queryset.filter(plan=plan)
    if unit is not None:
        queryset = queryset.filter(unit__in=Unit.objects.filter(path__startswith=unit.path))
    return list(_with_list_data(queryset.order_by("-published_at", "-pk"))[:limit])


def product_detail_queryset() -> QuerySet[Publication]:
    """Public products with everything the detail page shows."""
    return (
        public_products()
        .select_related(
            "unit",
            "plan",
            "record__product",
            "record__broadcast__product",
            "record__portal_post",
            "record__contest_entry",
        )
        .prefetch_related(
            Prefetch("record__attachments", queryset=Attachment.objects.order_by("pk")),
            "record__themes",
            "record__conventions",
            "record__product__languages",
            "record__product__platforms",
            "record__broadcast__product__languages",
            "record__broadcast__product__platforms",
        )
    )


@dataclass(frozen=True)
class FilterChoices:
    themes: Sequence[Theme]
    conventions: Sequence[Convention]
    languages: Sequence[Language]
    platforms: Sequence[Platform]
    units: Sequence[Unit]
    plans: Sequence[Plan]


def filter_choices() -> FilterChoices:
    """What the filters of the product list offer: only values that public products use, so
    no filter leads to an empty page and nothing unpublished is named (six queries)."""
    public = public_products()
    records = Record.objects.filter(publication__in=public)
    products = Product.objects.filter(Q(record__in=records) | Q(broadcasts__record__in=records))
    return FilterChoices(
        themes=list(
            Theme.objects.filter(records__in=records)
            .select_related("plan")
            .distinct()
            .order_by("plan__pk", "order", "pk")
        ),
        conventions=list(Convention.objects.filter(records__in=records).distinct()),
        languages=list(
            Language.objects.filter(pk__in=products.values("languages")).order_by("order", "name")
        ),
        platforms=list(
            Platform.objects.filter(pk__in=products.values("platforms")).order_by("order", "name")
        ),
        units=list(Unit.objects.filter(publications__in=public).distinct().order_by("sort_key")),
        plans=list(Plan.objects.filter(publications__in=public).distinct()),
    )


# --- plans -------------------------------------------------------------------------------------


def public_results() -> QuerySet[Publication]:
    """Plans' results pages that are public, newest first, with their plan and unit."""
    return (
        public_publications()
        .filter(kind=PublicationKind.RESULTS)
        .select_related("plan", "unit")
        .order_by("-published_at", "-pk")
    )


def plan_has_public_content(plan_id: int) -> bool:
    """Whether a plan may be named in public: its results page or one of its products is."""
    return public_publications().filter(plan_id=plan_id).exists()


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    count: int


def plan_record_counts(plan: Plan) -> list[KindCount]:
    """How many records of each kind the plan's tasks have (aggregates, no names)."""
    rows = (
        Record.objects.filter(
            Exists(
                Record.tasks.through.objects.filter(record_id=OuterRef("pk"), task__plan_id=plan.pk)
            )
        )
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    )
    counts = {row["kind"]: row["n"] for row in rows}
    return [
        KindCount(kind=kind.value, label=str(kind.label), count=counts[kind.value])
        for kind in RecordKind
        if counts.get(kind.value)
    ]


def sitemap_products() -> QuerySet[Publication]:
    return public_products().only("pk", "updated_at", "published_at").order_by("pk")


def sitemap_plans() -> QuerySet[Publication]:
    return (
        public_publications()
        .filter(kind=PublicationKind.RESULTS)
        .only("pk", "plan_id", "updated_at", "published_at")
        .order_by("plan_id")
    )


def feed_items(queryset: QuerySet[Publication], *, limit: int = 50) -> Iterable[Publication]:
    return _with_list_data(queryset.order_by("-published_at", "-pk")).prefetch_related(
        "record__themes"
    )[:limit]
