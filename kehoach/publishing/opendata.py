"""Open data: what is public, as datasets anyone may download and reuse (CSV, JSON, DCAT).

Three datasets, each built from `selectors.public_publications()` only, so a withdrawn product or
results page leaves every file at once:
- `products`: the public communication products, one row each;
- `activities`: for plans whose results page is public, how many records each unit made per
  task, kind and month (counts only: never a person's name, nor a record's text);
- `targets`: for the same plans, each computed target with its value and progress today.

Rows are dicts of plain values; CSV joins lists with "; " and writes dates as ISO 8601.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kehoach.activities.models import Product, Record
from kehoach.activities.selectors import plan_targets_progress
from kehoach.lib.richtext import plain_text
from kehoach.plans.models import Plan, Task
from kehoach.units.models import Unit

from .files import public_file_url
from .models import LICENCE_URLS, Licence, Publication, PublicationKind
from .selectors import public_publications

# The licence of the datasets as wholes; each product row also names its own.
DATASET_LICENCE = Licence.CC_BY_4
LIST_SEPARATOR = "; "

Absolute = Callable[[str], str]
Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    key: str
    description: Promise


@dataclass(frozen=True)
class Dataset:
    name: str
    title: Promise
    description: Promise
    columns: tuple[Column, ...]

    @property
    def keys(self) -> list[str]:
        return [column.key for column in self.columns]


PRODUCTS = Dataset(
    name="products",
    title=_("Published communication products"),
    description=_(
        "Every communication product that is public now: its date, titles, unit, plan, kind, "
        "languages, platforms, themes, conventions, links, public page, files and licence."
    ),
    columns=(
        Column("id", _("Number of the publication")),
        Column("published", _("When it was published (ISO 8601)")),
        Column("date", _("Date of the product (ISO 8601)")),
        Column("title", _("Title in Vietnamese")),
        Column("title_en", _("Title in English, if translated")),
        Column("summary", _("Summary in Vietnamese")),
        Column("unit_id", _("Number of the unit that made it")),
        Column("unit", _("Unit that made it")),
        Column("plan_id", _("Number of the plan it carries out")),
        Column("plan", _("Plan it carries out")),
        Column("record_kind", _("Kind of record: product, broadcast, portal_post, contest …")),
        Column("product_kind", _("Kind of product: article, radio, video, poster …")),
        Column("languages", _("Language codes")),
        Column("platforms", _("Platform codes")),
        Column("themes", _("Themes of the plan")),
        Column("conventions", _("Conventions (abbreviations)")),
        Column("links", _("Links to the product elsewhere")),
        Column("page_url", _("Public page of the product")),
        Column("file_urls", _("Files of the product")),
        Column("licence", _("Licence (SPDX identifier)")),
        Column("licence_url", _("Licence text")),
    ),
)
ACTIVITIES = Dataset(
    name="activities",
    title=_("Activities carried out, by month"),
    description=_(
        "For plans whose results are public: the number of records of activity per plan, task, "
        "unit, kind of record and month. Counts only, no personal data."
    ),
    columns=(
        Column("plan_id", _("Number of the plan")),
        Column("plan", _("Plan")),
        Column("task_id", _("Number of the task")),
        Column("task_number", _("Number of the task as written in the plan")),
        Column("task", _("Task")),
        Column("unit_id", _("Number of the unit")),
        Column("unit", _("Unit that carried it out")),
        Column("record_kind", _("Kind of record")),
        Column("month", _("Month (YYYY-MM)")),
        Column("records", _("Number of records")),
    ),
)
TARGETS = Dataset(
    name="targets",
    title=_("Targets and their progress"),
    description=_(
        "For plans whose results are public: each target computed from the records, with its "
        "goal, its value today, the progress towards the goal and its status."
    ),
    columns=(
        Column("plan_id", _("Number of the plan")),
        Column("plan", _("Plan")),
        Column("target_id", _("Number of the target")),
        Column("target", _("Target as written in the plan")),
        Column("unit_of_measure", _("Unit of measure")),
        Column("is_share", _("Whether the value is a percentage")),
        Column("goal", _("Goal")),
        Column("goal_max", _("Upper end of the goal, for a range")),
        Column("deadline", _("Deadline (ISO 8601)")),
        Column("value", _("Value computed from the records")),
        Column("numerator", _("What is counted")),
        Column("denominator", _("What it is a share of")),
        Column("progress", _("Value as a percentage of the goal")),
        Column("status", _("Status: met, on_track, behind or exceeded")),
        Column("as_of", _("Day of the computation (ISO 8601)")),
    ),
)
DATASETS: dict[str, Dataset] = {d.name: d for d in (PRODUCTS, ACTIVITIES, TARGETS)}


# --- what is public ------------------------------------------------------------------------------


def public_results_plans() -> QuerySet[Plan]:
    """Plans whose results page is public: their activities and targets are open data."""
    results = public_publications().filter(kind=PublicationKind.RESULTS)
    return Plan.objects.filter(pk__in=results.values("plan_id"))


def public_plans() -> QuerySet[Plan]:
    """Plans with anything public (a product or the results page): the catalogue's filter."""
    return Plan.objects.filter(pk__in=public_publications().values("plan_id")).order_by(
        "-year", "title"
    )


def public_products(*, plan: Plan | None = None) -> QuerySet[Publication]:
    queryset = public_publications().filter(kind=PublicationKind.PRODUCT)
    if plan is not None:
        queryset = queryset.filter(plan=plan)
    return queryset


# --- rows --------------------------------------------------------------------------------------


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _number(value: Decimal | int | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return float(value)
    return int(value)


def _product_of(record: Record) -> Product | None:
    """The product detail that says the kind, languages and platforms: the record's own, or the
    product a broadcast aired or a portal post carried. (A missing reverse one-to-one raises an
    AttributeError subclass, so getattr's default applies.)"""
    for name, inner in (("product", None), ("broadcast", "product"), ("portal_post", "product")):
        detail = getattr(record, name, None)
        if detail is None:
            continue
        found = detail if inner is None else getattr(detail, inner, None)
        if isinstance(found, Product):
            return found
    return None


def _links(record: Record) -> list[str]:
    links: list[str] = []
    for name in ("product", "portal_post", "contest_entry"):
        detail = getattr(record, name, None)
        url = getattr(detail, "url", "") if detail is not None else ""
        if url and url not in links:
            links.append(url)
    for attachment in record.attachments.all():
        if attachment.url and not attachment.file and attachment.url not in links:
            links.append(attachment.url)
    return links


def product_rows(*, plan: Plan | None = None, absolute: Absolute = str) -> list[Row]:
    """One row per public product, newest first."""
    publications = (
        public_products(plan=plan)
        .select_related(
            "unit",
            "plan",
            "record__product",
            "record__broadcast__product",
            "record__portal_post__product",
            "record__contest_entry",
        )
        .prefetch_related(
            "record__themes",
            "record__conventions",
            "record__attachments",
            "record__product__languages",
            "record__product__platforms",
            "record__broadcast__product__languages",
            "record__broadcast__product__platforms",
            "record__portal_post__product__languages",
            "record__portal_post__product__platforms",
        )
        .order_by("-published_at", "-publish_at", "-pk")
    )
    rows: list[Row] = []
    for publication in publications:
        record = publication.record
        assert record is not None  # a product publication always has its record
        product = _product_of(record)
        files = [a for a in record.attachments.all() if a.file]
        rows.append(
            {
                "id": publication.pk,
                "published": _iso(publication.published_at or publication.publish_at),
                "date": _iso(record.date),
                "title": publication.title,
                "title_en": publication.title_en,
                "summary": plain_text(publication.summary),
                "unit_id": publication.unit_id,
                "unit": publication.unit.name,
                "plan_id": publication.plan_id,
                "plan": publication.plan.title,
                "record_kind": record.kind,
                "product_kind": product.product_kind if product else "",
                "languages": [lang.code for lang in product.languages.all()] if product else [],
                "platforms": [p.code for p in product.platforms.all()] if product else [],
                "themes": [theme.short_title for theme in record.themes.all()],
                "conventions": [c.abbr for c in record.conventions.all()],
                "links": _links(record),
                "page_url": absolute(reverse("public:product", args=[publication.pk])),
                "file_urls": [absolute(public_file_url(a)) for a in files],
                "licence": publication.licence,
                "licence_url": LICENCE_URLS.get(Licence(publication.licence), ""),
            }
        )
    return rows


def activity_rows(*, plan: Plan | None = None) -> list[Row]:
    """Counts of records per plan, task, unit, kind and month, for plans with public results."""
    plans = public_results_plans()
    if plan is not None:
        plans = plans.filter(pk=plan.pk)
    links = (
        Record.tasks.through.objects.filter(task__plan__in=plans)
        .values("task_id", "record__unit_id", "record__kind", month=TruncMonth("record__date"))
        .annotate(records=Count("record_id", distinct=True))
        .order_by()
    )
    counts = list(links)
    tasks = {
        t.pk: t
        for t in Task.objects.select_related("plan").filter(pk__in={c["task_id"] for c in counts})
    }
    units = {u.pk: u for u in Unit.objects.filter(pk__in={c["record__unit_id"] for c in counts})}
    rows: list[Row] = []
    for count in counts:
        task, unit = tasks[count["task_id"]], units[count["record__unit_id"]]
        month = count["month"]
        rows.append(
            {
                "plan_id": task.plan_id,
                "plan": task.plan.title,
                "task_id": task.pk,
                "task_number": task.number,
                "task": task.title,
                "unit_id": unit.pk,
                "unit": unit.name,
                "record_kind": count["record__kind"],
                "month": f"{month:%Y-%m}" if month else None,
                "records": count["records"],
                "_order": (task.plan_id, task.order, task.pk, unit.sort_key, count["record__kind"]),
            }
        )
    rows.sort(key=lambda row: (row.pop("_order"), row["month"] or ""))
    return rows


def target_rows(*, plan: Plan | None = None, as_of: dt.date | None = None) -> list[Row]:
    """Each computed target of the plans with public results, as computed on `as_of` (today)."""
    day = as_of or timezone.localdate()
    plans = public_results_plans().order_by("-year", "pk")
    if plan is not None:
        plans = plans.filter(pk=plan.pk)
    rows: list[Row] = []
    for each in plans:
        for progress in plan_targets_progress(plan=each, as_of=day):
            target = progress.target
            share = None
            if progress.value is not None and progress.goal:
                share = (progress.value * 100 / progress.goal).quantize(Decimal("0.1"))
            rows.append(
                {
                    "plan_id": each.pk,
                    "plan": each.title,
                    "target_id": target.pk,
                    "target": target.text,
                    "unit_of_measure": "%" if progress.is_share else target.unit_of_measure,
                    "is_share": progress.is_share,
                    "goal": _number(progress.goal),
                    "goal_max": _number(progress.goal_max),
                    "deadline": _iso(target.deadline),
                    "value": _number(progress.value),
                    "numerator": progress.numerator,
                    "denominator": progress.denominator,
                    "progress": _number(share),
                    "status": progress.status,
                    "as_of": _iso(progress.as_of),
                }
            )
    return rows


def dataset_rows(name: str, *, plan: Plan | None = None, absolute: Absolute = str) -> list[Row]:
    """The rows of a dataset by name (KeyError for an unknown name)."""
    if name not in DATASETS:
        raise KeyError(name)
    if name == PRODUCTS.name:
        return product_rows(plan=plan, absolute=absolute)
    if name == ACTIVITIES.name:
        return activity_rows(plan=plan)
    return target_rows(plan=plan)


# --- metadata ----------------------------------------------------------------------------------


def dataset_modified(name: str, *, plan: Plan | None = None) -> dt.datetime | None:
    """When the dataset last changed: the newest public product (or withdrawal of one); for
    activities and targets, the newest record of a plan with public results, or a results page
    published or withdrawn."""
    now = timezone.now()
    kind = PublicationKind.PRODUCT if name == PRODUCTS.name else PublicationKind.RESULTS
    # A withdrawal takes rows away: the day it happened is a change of the dataset too.
    withdrawn = Publication.objects.filter(kind=kind, withdrawn_at__isnull=False)
    if plan is not None:
        withdrawn = withdrawn.filter(plan=plan)
    moments = [withdrawn.aggregate(latest=Max("withdrawn_at"))["latest"]]
    if name == PRODUCTS.name:
        found = public_products(plan=plan).aggregate(
            updated=Max("updated_at"), published=Max("published_at"), due=Max("publish_at")
        )
        moments += found.values()
    else:
        plans = public_results_plans()
        if plan is not None:
            plans = plans.filter(pk=plan.pk)
        records = Record.objects.filter(tasks__plan__in=plans)
        moments.append(records.aggregate(latest=Max("updated_at"))["latest"])
        results = public_publications().filter(kind=kind, plan__in=plans)
        moments += results.aggregate(
            updated=Max("updated_at"), published=Max("published_at"), due=Max("publish_at")
        ).values()
    # A scheduled publication becomes public at publish_at, not before.
    return max((m for m in moments if m is not None and m <= now), default=None)


def dataset_publisher(name: str, *, plan: Plan | None = None) -> Unit | None:
    """The unit that publishes the dataset: the plan's issuer, or the lowest unit above the
    issuers of every plan in it (the district when the plans are the district's and communes')."""
    if plan is not None:
        return plan.issuer
    if name == PRODUCTS.name:
        plans = Plan.objects.filter(pk__in=public_products().values("plan_id"))
    else:
        plans = public_results_plans()
    paths = sorted(set(plans.values_list("issuer__path", flat=True)))
    if not paths:
        return None
    common: list[str] = []
    for parts in zip(*(p.strip("/").split("/") for p in paths), strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return Unit.objects.filter(pk=int(common[-1])).first() if common else None


@dataclass(frozen=True)
class DatasetInfo:
    dataset: Dataset
    modified: dt.datetime | None
    publisher: Unit | None
    rows: int
    csv_url: str
    json_url: str
    api_url: str

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS[DATASET_LICENCE]

    @property
    def licence_label(self) -> str:
        return str(DATASET_LICENCE.label)


def _with_plan(url: str, plan: Plan | None, key: str = "ke-hoach") -> str:
    return f"{url}?{key}={plan.pk}" if plan is not None else url


def catalog(*, plan: Plan | None = None, absolute: Absolute = str) -> list[DatasetInfo]:
    """What the catalogue lists: each dataset with its metadata and download addresses."""
    infos = []
    for dataset in DATASETS.values():
        infos.append(
            DatasetInfo(
                dataset=dataset,
                modified=dataset_modified(dataset.name, plan=plan),
                publisher=dataset_publisher(dataset.name, plan=plan),
                rows=_row_count(dataset.name, plan=plan),
                csv_url=absolute(
                    _with_plan(reverse("opendata:dataset_csv", args=[dataset.name]), plan)
                ),
                json_url=absolute(
                    _with_plan(reverse("opendata:dataset_json", args=[dataset.name]), plan)
                ),
                api_url=absolute(
                    _with_plan(
                        reverse("api:opendata_dataset", kwargs={"name": dataset.name}),
                        plan,
                        "plan_id",
                    )
                ),
            )
        )
    return infos


def _row_count(name: str, *, plan: Plan | None) -> int:
    if name == PRODUCTS.name:
        return public_products(plan=plan).count()
    if name == ACTIVITIES.name:
        plans = public_results_plans()
        if plan is not None:
            plans = plans.filter(pk=plan.pk)
        return (
            Record.tasks.through.objects.filter(task__plan__in=plans)
            .values("task_id", "record__unit_id", "record__kind", month=TruncMonth("record__date"))
            .distinct()
            .count()
        )
    plans = public_results_plans()
    if plan is not None:
        plans = plans.filter(pk=plan.pk)
    # Targets that plan_targets_progress computes: those with a rule.
    found: int = Plan.objects.filter(pk__in=plans).aggregate(
        n=Count("targets", filter=Q(targets__rule__isnull=False))
    )["n"]
    return found


def catalog_jsonld(*, plan: Plan | None = None, absolute: Absolute = str) -> dict[str, Any]:
    """The catalogue as DCAT (JSON-LD): dcat:Catalog of dcat:Dataset with dcat:Distribution."""
    licence = LICENCE_URLS[DATASET_LICENCE]
    datasets = []
    for info in catalog(plan=plan, absolute=absolute):
        dataset = info.dataset
        entry: dict[str, Any] = {
            "@id": absolute(reverse("opendata:catalog")) + f"#{dataset.name}",
            "@type": "dcat:Dataset",
            "dct:identifier": dataset.name,
            "dct:title": str(dataset.title),
            "dct:description": str(dataset.description),
            "dct:language": {"@id": "http://id.loc.gov/vocabulary/iso639-1/vi"},
            "dct:license": {"@id": licence},
            "dct:accessRights": {
                "@id": "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
            },
            "dcat:distribution": [
                _distribution(info.csv_url, "text/csv", "CSV", licence),
                _distribution(info.json_url, "application/json", "JSON", licence),
            ],
        }
        if info.modified is not None:
            entry["dct:modified"] = {"@value": _iso(info.modified), "@type": "xsd:dateTime"}
        if info.publisher is not None:
            entry["dct:publisher"] = {
                "@type": "foaf:Organization",
                "foaf:name": info.publisher.name,
                **({"dct:identifier": info.publisher.code} if info.publisher.code else {}),
            }
        if plan is not None:
            entry["dct:isPartOf"] = {"dct:title": plan.title}
        datasets.append(entry)
    modified = [d["dct:modified"]["@value"] for d in datasets if "dct:modified" in d]
    result: dict[str, Any] = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": absolute(_with_plan(reverse("opendata:catalog_jsonld"), plan)),
        "@type": "dcat:Catalog",
        "dct:title": str(_("Open data of the communication plans")),
        "dct:description": str(
            _("Published products, activities and targets of the plans, free to reuse.")
        ),
        "dct:language": {"@id": "http://id.loc.gov/vocabulary/iso639-1/vi"},
        "dct:license": {"@id": licence},
        "foaf:homepage": {"@id": absolute(_with_plan(reverse("opendata:catalog"), plan))},
        "dcat:dataset": datasets,
    }
    if modified:
        result["dct:modified"] = {"@value": max(modified), "@type": "xsd:dateTime"}
    return result


def _distribution(url: str, media_type: str, title: str, licence: str) -> dict[str, Any]:
    return {
        "@type": "dcat:Distribution",
        "dct:title": title,
        "dcat:downloadURL": {"@id": url},
        "dcat:accessURL": {"@id": url},
        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media_type}"},
        "dct:format": title,
        "dct:license": {"@id": licence},
    }


# --- formats -----------------------------------------------------------------------------------

# A spreadsheet runs a cell that starts like a formula ("=HYPERLINK(...)"): such text is quoted.
_FORMULA_START = ("=", "+", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(_csv_cell(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(dataset: Dataset, rows: Iterable[Row]) -> str:
    """The rows as CSV: UTF-8, a header row of the column keys, lists joined by "; "."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(dataset.keys)
    for row in rows:
        writer.writerow([_csv_cell(row.get(key)) for key in dataset.keys])
    return buffer.getvalue()


def dataset_document(
    dataset: Dataset,
    rows: Sequence[Row],
    *,
    plan: Plan | None = None,
    modified: dt.datetime | None = None,
) -> dict[str, Any]:
    """The rows as one JSON document, with what a reuser needs to read them."""
    return {
        "name": dataset.name,
        "title": str(dataset.title),
        "licence": str(DATASET_LICENCE),
        "licence_url": LICENCE_URLS[DATASET_LICENCE],
        "plan_id": plan.pk if plan is not None else None,
        "modified": _iso(modified),
        "columns": [{"key": c.key, "description": str(c.description)} for c in dataset.columns],
        "count": len(rows),
        "rows": list(rows),
    }
