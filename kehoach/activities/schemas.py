"""API shapes of records, attachments and computed progress (django-ninja schemas).

A record's kind-specific fields travel in `detail`, an object whose keys are those of
services.record_create's `detail` (product: languages, platforms …); each kind's input schema
below parses it, so dates and numbers arrive typed and unknown keys are refused.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from kehoach.people.models import Person

from .models import (
    Attachment,
    ProductKind,
    Record,
    RecordKind,
    TrainingKind,
    VisualItem,
)

# Which one-to-one table holds a kind's fields (the related_name on Record).
DETAIL_ATTR: dict[str, str] = {
    RecordKind.PRODUCT: "product",
    RecordKind.TRAINING: "training",
    RecordKind.BRIEFING: "briefing",
    RecordKind.BROADCAST: "broadcast",
    RecordKind.PORTAL_POST: "portal_post",
    RecordKind.VISUAL: "visual",
    RecordKind.CONTEST: "contest_entry",
    RecordKind.BULLETIN: "bulletin",
}


class _DetailIn(Schema):
    model_config = ConfigDict(extra="forbid")


class ProductDetailIn(_DetailIn):
    product_kind: ProductKind | None = None
    languages: list[str] | None = Field(None, description="Language codes, e.g. ['vi', 'cor']")
    platforms: list[str] | None = Field(None, description="Platform codes")
    url: str | None = Field(None, max_length=500)
    digitised: bool | None = None
    published_online: bool | None = None


class TrainingDetailIn(_DetailIn):
    training_kind: TrainingKind | None = None
    organiser: str | None = Field(None, max_length=255)
    attendees: list[int] | None = Field(None, description="Ids of people who attended")


class BriefingDetailIn(_DetailIn):
    spokesperson: int | None = Field(None, description="Id of the person who spoke")
    journalists: int | None = Field(None, ge=0)


class BroadcastDetailIn(_DetailIn):
    product: int | None = Field(None, description="Id of the product record aired")
    station: str | None = Field(None, max_length=255)
    first_aired: dt.date | None = None
    last_aired: dt.date | None = None
    times_aired: int | None = Field(None, ge=1)


class PortalPostDetailIn(_DetailIn):
    url: str | None = Field(None, max_length=500)
    product: int | None = Field(None, description="Id of the product record posted")


class VisualDetailIn(_DetailIn):
    item: VisualItem | None = None
    quantity: int | None = Field(None, ge=0)
    location: str | None = Field(None, max_length=255)


class ContestDetailIn(_DetailIn):
    contest: str | None = Field(None, max_length=255)
    url: str | None = Field(None, max_length=500)


class BulletinDetailIn(_DetailIn):
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    items: int | None = Field(None, ge=0)


DETAIL_SCHEMAS: dict[str, type[_DetailIn]] = {
    RecordKind.PRODUCT: ProductDetailIn,
    RecordKind.TRAINING: TrainingDetailIn,
    RecordKind.BRIEFING: BriefingDetailIn,
    RecordKind.BROADCAST: BroadcastDetailIn,
    RecordKind.PORTAL_POST: PortalPostDetailIn,
    RecordKind.VISUAL: VisualDetailIn,
    RecordKind.CONTEST: ContestDetailIn,
    RecordKind.BULLETIN: BulletinDetailIn,
}

_DETAIL_DOC = (
    "The kind's own fields. product: product_kind, languages, platforms, url, digitised, "
    "published_online; training: training_kind, organiser, attendees; briefing: spokesperson, "
    "journalists; broadcast: product, station, first_aired, last_aired, times_aired; "
    "portal_post: url, product; visual: item, quantity, location; contest: contest, url; "
    "bulletin: period_start, period_end, items."
)


class RecordCreateIn(Schema):
    kind: RecordKind
    unit_id: int
    date: dt.date
    title: str = Field(..., max_length=500)
    description: str = ""
    task_ids: list[int] = []
    theme_ids: list[int] = []
    convention_ids: list[int] = []
    detail: dict[str, Any] = Field(default_factory=dict, description=_DETAIL_DOC)


class RecordPatchIn(Schema):
    """Only the fields sent change; `detail` changes only the keys it holds."""

    unit_id: int | None = None
    date: dt.date | None = None
    title: str | None = Field(None, max_length=500)
    description: str | None = None
    task_ids: list[int] | None = None
    theme_ids: list[int] | None = None
    convention_ids: list[int] | None = None
    detail: dict[str, Any] | None = Field(None, description=_DETAIL_DOC)


class RecordFiltersIn(Schema):
    kind: RecordKind | None = None
    unit: int | None = Field(None, description="A unit id; records of the units under it count")
    task: int | None = None
    theme: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""


class AttachmentIn(Schema):
    url: str = Field(..., max_length=500)
    caption: str = Field("", max_length=255)


class AttachmentOut(Schema):
    id: int
    url: str
    file: str | None
    caption: str

    @staticmethod
    def resolve_file(attachment: Attachment) -> str | None:
        return attachment.file.url if attachment.file else None


def _ids(manager: Any) -> list[int]:
    # .all() so a prefetch of record_list is used.
    return [obj.pk for obj in manager.all()]


def _codes(manager: Any) -> list[str]:
    return [obj.code for obj in manager.all()]


def _product_id(product: Any) -> int | None:
    return product.pk if product is not None else None


def record_detail(record: Record) -> dict[str, Any]:
    """The kind's own fields, in the keys `detail` is written with."""
    detail = getattr(record, DETAIL_ATTR[record.kind], None)
    if detail is None:
        return {}
    match record.kind:
        case RecordKind.PRODUCT:
            return {
                "product_kind": detail.product_kind,
                "languages": _codes(detail.languages),
                "platforms": _codes(detail.platforms),
                "url": detail.url,
                "digitised": detail.digitised,
                "published_online": detail.published_online,
                "in_minority_or_foreign_language": detail.in_minority_or_foreign_language,
                "on_digital_platform": detail.on_digital_platform,
            }
        case RecordKind.TRAINING:
            return {
                "training_kind": detail.training_kind,
                "organiser": detail.organiser,
                "attendees": [a.person_id for a in detail.attendance.all()],
                "attendance": [
                    {"person_id": a.person_id, "duties": a.duties} for a in detail.attendance.all()
                ],
            }
        case RecordKind.BRIEFING:
            return {"spokesperson": detail.spokesperson_id, "journalists": detail.journalists}
        case RecordKind.BROADCAST:
            return {
                "product": detail.product_id,
                "station": detail.station,
                "first_aired": detail.first_aired,
                "last_aired": detail.last_aired,
                "times_aired": detail.times_aired,
            }
        case RecordKind.PORTAL_POST:
            return {"url": detail.url, "product": detail.product_id}
        case RecordKind.VISUAL:
            return {"item": detail.item, "quantity": detail.quantity, "location": detail.location}
        case RecordKind.CONTEST:
            return {"contest": detail.contest, "url": detail.url}
        case RecordKind.BULLETIN:
            return {
                "period_start": detail.period_start,
                "period_end": detail.period_end,
                "items": detail.items,
            }
    return {}


class RecordOut(Schema):
    id: int
    kind: str
    kind_label: str
    unit_id: int
    unit_name: str
    date: dt.date
    title: str
    description: str
    task_ids: list[int]
    theme_ids: list[int]
    convention_ids: list[int]
    detail: dict[str, Any]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_kind_label(record: Record) -> str:
        return str(record.get_kind_display())

    @staticmethod
    def resolve_unit_name(record: Record) -> str:
        return record.unit.name

    @staticmethod
    def resolve_task_ids(record: Record) -> list[int]:
        return _ids(record.tasks)

    @staticmethod
    def resolve_theme_ids(record: Record) -> list[int]:
        return _ids(record.themes)

    @staticmethod
    def resolve_convention_ids(record: Record) -> list[int]:
        return _ids(record.conventions)

    @staticmethod
    def resolve_detail(record: Record) -> dict[str, Any]:
        return record_detail(record)

    @staticmethod
    def resolve_attachments(record: Record) -> list[Attachment]:
        return list(record.attachments.all())


class ProgressQuery(Schema):
    as_of: dt.date | None = Field(None, description="Count records up to this day (default today)")


class MembersQuery(ProgressQuery):
    part: Literal["numerator", "denominator"] = "numerator"


class CoursePointOut(Schema):
    month: dt.date
    value: Decimal | None


class TargetProgressOut(Schema):
    """`computed` is false when the target has no rule yet: the other fields are then empty."""

    target_id: int
    computed: bool
    rule: str | None = None
    value: Decimal | None = None
    numerator: int | None = None
    denominator: int | None = None
    status: str | None = None
    course: list[CoursePointOut] = []
    explanation: str = ""


class MemberOut(Schema):
    """One item behind a target's value: a record, a person or a unit."""

    type: Literal["record", "person", "unit"]
    id: int
    name: str
    unit_id: int | None = None
    unit_name: str | None = None
    date: dt.date | None = None
    kind: str | None = None

    @staticmethod
    def resolve_type(obj: Any) -> str:
        if isinstance(obj, Record):
            return "record"
        return "person" if isinstance(obj, Person) else "unit"

    @staticmethod
    def resolve_name(obj: Any) -> str:
        if isinstance(obj, Record):
            return obj.title
        return obj.full_name if isinstance(obj, Person) else obj.name

    @staticmethod
    def resolve_unit_id(obj: Any) -> int:
        return obj.unit_id if isinstance(obj, Record | Person) else obj.pk

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return obj.unit.name if isinstance(obj, Record | Person) else obj.name

    @staticmethod
    def resolve_date(obj: Any) -> dt.date | None:
        return obj.date if isinstance(obj, Record) else None

    @staticmethod
    def resolve_kind(obj: Any) -> str | None:
        return obj.kind if isinstance(obj, Record) else None


class TaskProgressOut(Schema):
    task_id: int
    status: str
    records: int
    last_record: dt.date | None
