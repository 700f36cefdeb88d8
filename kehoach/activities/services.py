"""Writes of execution records, their attachments and the rules that compute targets.

Permissions are not checked here: views and the API ask kehoach.accounts.access before calling.
Every write validates first (a ValidationError keyed by field, nothing saved) and runs in one
transaction. Targets are never stored: selectors.target_progress counts the records each time,
so a write here is visible to the targets at once.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from kehoach.audit.services import created_logged
from kehoach.lib import uploads
from kehoach.people.models import Duty, Person
from kehoach.plans.models import Convention, Plan, Target, Task, Theme
from kehoach.units.models import Unit, UnitKind

from .models import (
    Attachment,
    Attendance,
    Broadcast,
    Bulletin,
    ContestEntry,
    Language,
    LanguageGroup,
    Platform,
    PortalPost,
    PressBriefing,
    Product,
    ProductKind,
    Record,
    RecordKind,
    RuleKind,
    TargetRule,
    Training,
    TrainingKind,
    VisualCampaign,
    VisualItem,
)

Errors = dict[str, str]

# The detail table of each kind, by the related name on Record.
DETAIL_FIELD = {
    RecordKind.PRODUCT: "product",
    RecordKind.TRAINING: "training",
    RecordKind.BRIEFING: "briefing",
    RecordKind.BROADCAST: "broadcast",
    RecordKind.PORTAL_POST: "portal_post",
    RecordKind.VISUAL: "visual",
    RecordKind.CONTEST: "contest_entry",
    RecordKind.BULLETIN: "bulletin",
}

# The keys `detail` accepts per kind (see the contract in selectors/services docs).
DETAIL_KEYS: dict[str, tuple[str, ...]] = {
    RecordKind.PRODUCT: (
        "product_kind",
        "languages",
        "platforms",
        "url",
        "digitised",
        "published_online",
    ),
    RecordKind.TRAINING: ("training_kind", "organiser", "attendees"),
    RecordKind.BRIEFING: ("spokesperson", "journalists"),
    RecordKind.BROADCAST: ("product", "station", "first_aired", "last_aired", "times_aired"),
    RecordKind.PORTAL_POST: ("url", "product"),
    RecordKind.VISUAL: ("item", "quantity", "location"),
    RecordKind.CONTEST: ("contest", "url"),
    RecordKind.BULLETIN: ("period_start", "period_end", "items"),
}

# --- small parsers: each returns the clean value or records an error under its key -------------


def _text(
    values: Mapping[str, Any], key: str, errors: Errors, *, required: bool, limit: int
) -> str:
    value = " ".join(str(values.get(key) or "").split())
    if required and not value:
        errors[key] = _("This field is required.")
    elif len(value) > limit:
        errors[key] = _("Keep this under %(limit)d characters.") % {"limit": limit}
    return value


def _url(values: Mapping[str, Any], key: str, errors: Errors, *, required: bool) -> str:
    value = str(values.get(key) or "").strip()
    if not value:
        if required:
            errors[key] = _("A link is required.")
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        errors[key] = _("%(value)s is not a web address (it should start with https://).") % {
            "value": value
        }
    if len(value) > 500:
        errors[key] = _("Keep this under %(limit)d characters.") % {"limit": 500}
    return value


def parse_date(value: Any, key: str, errors: Errors, *, required: bool) -> dt.date | None:
    """A date from a date or a YYYY-MM-DD string (the bulk importer also passes strings)."""
    if value in (None, ""):
        if required:
            errors[key] = _("A date is required.")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            errors[key] = _("%(value)s is not a date (expected YYYY-MM-DD).") % {"value": value}
            return None
    if not 1945 <= day.year <= 2100:
        errors[key] = _("%(value)s is not a plausible date.") % {"value": day.isoformat()}
        return None
    return day


def _int(
    values: Mapping[str, Any],
    key: str,
    errors: Errors,
    *,
    minimum: int,
    default: int | None,
) -> int | None:
    value = values.get(key)
    if value in (None, ""):
        if default is None and minimum > 0:
            errors[key] = _("This field is required.")
        return default
    if isinstance(value, bool):
        errors[key] = _("%(value)s is not a whole number.") % {"value": value}
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[key] = _("%(value)s is not a whole number.") % {"value": value}
        return None
    if number < minimum:
        errors[key] = _("The number must be at least %(minimum)d.") % {"minimum": minimum}
        return None
    return number


def _bool(values: Mapping[str, Any], key: str, errors: Errors) -> bool:
    value = values.get(key, False)
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().casefold()
    if text in ("", "0", "false", "no", "không", "khong"):
        return False
    if text in ("1", "true", "yes", "có", "co", "x"):
        return True
    errors[key] = _("%(value)s is not yes or no.") % {"value": value}
    return False


def _choice(values: Mapping[str, Any], key: str, errors: Errors, choices: Sequence[str]) -> str:
    value = str(values.get(key) or "").strip()
    if not value:
        errors[key] = _("This field is required.")
    elif value not in choices:
        errors[key] = _("%(value)s is not one of the allowed values.") % {"value": value}
    return value


def _pk(value: Any) -> int | None:
    """An id from a model instance or an int-like value; None when it is neither."""
    if isinstance(value, Model):
        return int(value.pk)
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _codes(values: Mapping[str, Any], key: str) -> list[str]:
    raw = values.get(key) or []
    if isinstance(raw, str):
        raw = raw.replace(";", ",").split(",")
    codes: list[str] = []
    for item in raw:
        code = str(item.code if isinstance(item, Language | Platform) else item).strip()
        if code and code not in codes:
            codes.append(code)
    return codes


def _product_ref(value: Any, key: str, errors: Errors) -> int | None:
    """A product is referenced by its record's id (Product's primary key is the record)."""
    if value in (None, ""):
        return None
    if isinstance(value, Product):
        return value.record_id
    record_id = _pk(value)
    if record_id is None or not Product.objects.filter(record_id=record_id).exists():
        errors[key] = _("Record %(value)s is not a communication product.") % {"value": value}
        return None
    return record_id


def _person_ref(value: Any, key: str, errors: Errors) -> int | None:
    if value in (None, ""):
        return None
    person_id = _pk(value)
    if person_id is None or not Person.objects.filter(pk=person_id, erased_at=None).exists():
        errors[key] = _("Person %(value)s is not in the people registry.") % {"value": value}
        return None
    return person_id


# --- per-kind detail: clean (validate into plain values) and write ------------------------------


def _clean_product(values: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    clean: dict[str, Any] = {
        "product_kind": _choice(values, "product_kind", errors, ProductKind.values),
        "url": _url(values, "url", errors, required=False),
        "digitised": _bool(values, "digitised", errors),
        "published_online": _bool(values, "published_online", errors),
    }
    language_codes = _codes(values, "languages")
    languages = list(Language.objects.filter(code__in=language_codes))
    unknown = sorted(set(language_codes) - {lang.code for lang in languages})
    if not language_codes:
        errors["languages"] = _("Choose at least one language.")
    elif unknown:
        errors["languages"] = _("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)}
    platform_codes = _codes(values, "platforms")
    platforms = list(Platform.objects.filter(code__in=platform_codes))
    unknown = sorted(set(platform_codes) - {platform.code for platform in platforms})
    if not platform_codes:
        errors["platforms"] = _("Choose at least one platform.")
    elif unknown:
        errors["platforms"] = _("Unknown platform: %(codes)s.") % {"codes": ", ".join(unknown)}
    clean["languages"] = languages
    clean["platforms"] = platforms
    return clean


def _write_product(record: Record, clean: Mapping[str, Any]) -> None:
    languages: list[Language] = clean["languages"]
    platforms: list[Platform] = clean["platforms"]
    # Updated in place, never deleted and recreated: broadcasts and portal posts point at it.
    product, _created = Product.objects.update_or_create(
        record=record,
        defaults={
            "product_kind": clean["product_kind"],
            "url": clean["url"],
            "digitised": clean["digitised"],
            "published_online": clean["published_online"],
            # The two flags are what targets count; they follow the languages and platforms set
            # here and are refreshed by product_flags_refresh when a language or platform
            # row changes.
            "in_minority_or_foreign_language": any(
                lang.group in (LanguageGroup.MINORITY, LanguageGroup.FOREIGN) for lang in languages
            ),
            "on_digital_platform": any(platform.digital for platform in platforms),
        },
    )
    product.languages.set(languages)
    product.platforms.set(platforms)


def _clean_training(values: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    clean: dict[str, Any] = {
        "training_kind": _choice(values, "training_kind", errors, TrainingKind.values),
        "organiser": _text(values, "organiser", errors, required=False, limit=255),
    }
    raw = values.get("attendees") or []
    ids: list[int] = []
    bad: list[str] = []
    for item in raw if isinstance(raw, list | tuple | set) else [raw]:
        person_id = _pk(item)
        if person_id is None:
            bad.append(str(item))
        elif person_id not in ids:
            ids.append(person_id)
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids, erased_at=None)}
    bad += [str(pk) for pk in ids if pk not in people]
    if bad:
        errors["attendees"] = _("Not in the people registry: %(ids)s.") % {"ids": ", ".join(bad)}
    clean["attendees"] = [people[pk] for pk in ids if pk in people]
    return clean


def _write_training(record: Record, clean: Mapping[str, Any]) -> None:
    training, _created = Training.objects.update_or_create(
        record=record,
        defaults={"training_kind": clean["training_kind"], "organiser": clean["organiser"]},
    )
    attendees: list[Person] = clean["attendees"]
    training.attendance.exclude(person__in=attendees).delete()
    present = set(training.attendance.values_list("person_id", flat=True))
    # Duties are copied as held on the day of recording: a later change of post does not
    # rewrite who was trained as what (attendees already recorded keep theirs).
    added = Attendance.objects.bulk_create(
        Attendance(training=training, person=person, duties=",".join(str(d) for d in person.duties))
        for person in attendees
        if person.pk not in present
    )
    created_logged(added)


def _clean_briefing(values: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    return {
        "spokesperson_id": _person_ref(values.get("spokesperson"), "spokesperson", errors),
        "journalists": _int(values, "journalists", errors, minimum=0, default=None),
    }


def _clean_broadcast(values: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    first = parse_date(values.get("first_aired"), "first_aired", errors, required=True)
    last = parse_date(values.get("last_aired"), "last_aired", errors, required=False)
    if first and last and last < first:
        errors["last_aired"] = _("The last airing cannot be earlier than the first.")
    return {
        "product_id": _product_ref(values.get("product"), "product", errors),
        "station": _text(values, "station", errors, required=True, limit=255),
        "first_aired": first,
        "last_aired": last,
        "times_aired": _int(values, "times_aired", errors, minimum=1, default=1),
    }


def _clean_portal_post(values: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    return {
        "url": _url(values, "url", errors, required=True),
        "product_id": _product_ref(values.get("product"), "product", errors),
    }


def _clean_visual(values: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    return {
        "item": _choice(values, "item", errors, VisualItem.values),
        "quantity": _int(values, "quantity", errors, minimum=1, default=None),
        "location": _text(values, "location", errors, required=True, limit=255),
    }


def _clean_contest(values: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    return {
        "contest": _text(values, "contest", errors, required=True, limit=255),
        "url": _url(values, "url", errors, required=False),
    }


def _clean_bulletin(values: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    start = parse_date(values.get("period_start"), "period_start", errors, required=True)
    end = parse_date(values.get("period_end"), "period_end", errors, required=True)
    if start and end and end < start:
        errors["period_end"] = _("The end date cannot be earlier than the start date.")
    return {
        "period_start": start,
        "period_end": end,
        "items": _int(values, "items", errors, minimum=0, default=0),
    }


def _simple_writer(model: type[Model]) -> Callable[[Record, Mapping[str, Any]], None]:
    def write(record: Record, clean: Mapping[str, Any]) -> None:
        model._default_manager.update_or_create(record=record, defaults=dict(clean))

    return write


CLEANERS: dict[str, Callable[[Mapping[str, Any], Errors], dict[str, Any]]] = {
    RecordKind.PRODUCT: _clean_product,
    RecordKind.TRAINING: _clean_training,
    RecordKind.BRIEFING: _clean_briefing,
    RecordKind.BROADCAST: _clean_broadcast,
    RecordKind.PORTAL_POST: _clean_portal_post,
    RecordKind.VISUAL: _clean_visual,
    RecordKind.CONTEST: _clean_contest,
    RecordKind.BULLETIN: _clean_bulletin,
}
WRITERS: dict[str, Callable[[Record, Mapping[str, Any]], None]] = {
    RecordKind.PRODUCT: _write_product,
    RecordKind.TRAINING: _write_training,
    RecordKind.BRIEFING: _simple_writer(PressBriefing),
    RecordKind.BROADCAST: _simple_writer(Broadcast),
    RecordKind.PORTAL_POST: _simple_writer(PortalPost),
    RecordKind.VISUAL: _simple_writer(VisualCampaign),
    RecordKind.CONTEST: _simple_writer(ContestEntry),
    RecordKind.BULLETIN: _simple_writer(Bulletin),
}


def record_detail(record: Record) -> dict[str, Any]:
    """The detail of a record in the form `record_create(detail=...)` takes (codes and ids)."""
    detail = getattr(record, DETAIL_FIELD[RecordKind(record.kind)], None)
    if detail is None:
        return {}
    if isinstance(detail, Product):
        return {
            "product_kind": detail.product_kind,
            "languages": [lang.code for lang in detail.languages.all()],
            "platforms": [platform.code for platform in detail.platforms.all()],
            "url": detail.url,
            "digitised": detail.digitised,
            "published_online": detail.published_online,
        }
    if isinstance(detail, Training):
        return {
            "training_kind": detail.training_kind,
            "organiser": detail.organiser,
            "attendees": [a.person_id for a in detail.attendance.all()],
        }
    if isinstance(detail, PressBriefing):
        return {"spokesperson": detail.spokesperson_id, "journalists": detail.journalists}
    if isinstance(detail, Broadcast):
        return {
            "product": detail.product_id,
            "station": detail.station,
            "first_aired": detail.first_aired,
            "last_aired": detail.last_aired,
            "times_aired": detail.times_aired,
        }
    if isinstance(detail, PortalPost):
        return {"url": detail.url, "product": detail.product_id}
    if isinstance(detail, VisualCampaign):
        return {"item": detail.item, "quantity": detail.quantity, "location": detail.location}
    if isinstance(detail, ContestEntry):
        return {"contest": detail.contest, "url": detail.url}
    assert isinstance(detail, Bulletin)
    return {
        "period_start": detail.period_start,
        "period_end": detail.period_end,
        "items": detail.items,
    }


# --- records -----------------------------------------------------------------------------------


def _rows(
    model: type[Model], items: Iterable[Any], key: str, errors: Errors, message: str
) -> list[Any]:
    """Model rows for ids or instances; every one must exist."""
    ids: list[int] = []
    bad: list[str] = []
    for item in items:
        pk = _pk(item)
        if pk is None:
            bad.append(str(item))
        elif pk not in ids:
            ids.append(pk)
    found = {row.pk: row for row in model._default_manager.filter(pk__in=ids)}
    bad += [str(pk) for pk in ids if pk not in found]
    if bad:
        errors[key] = message % {"ids": ", ".join(bad)}
    return [found[pk] for pk in ids if pk in found]


def _clean_record(
    *,
    kind: str,
    unit: Unit | None,
    date: Any,
    title: str,
    description: str,
    tasks: Iterable[Any],
    themes: Iterable[Any],
    conventions: Iterable[Any],
    detail: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate everything at once so a form or an import row shows every error together."""
    errors: Errors = {}
    if kind not in RecordKind.values:
        errors["kind"] = _("%(value)s is not a kind of record.") % {"value": kind}
    if not isinstance(unit, Unit) or unit.pk is None:
        errors["unit"] = _("Choose the unit that did this.")
    values: dict[str, Any] = {
        "kind": kind,
        "unit": unit,
        "date": parse_date(date, "date", errors, required=True),
        "title": _text({"title": title}, "title", errors, required=True, limit=500),
        "description": (description or "").strip(),
        "tasks": _rows(Task, tasks, "tasks", errors, _("Unknown task: %(ids)s.")),
        "themes": _rows(Theme, themes, "themes", errors, _("Unknown theme: %(ids)s.")),
        "conventions": _rows(
            Convention, conventions, "conventions", errors, _("Unknown convention: %(ids)s.")
        ),
    }
    if not values["tasks"] and "tasks" not in errors:
        errors["tasks"] = _("Link the record to at least one task of a plan.")
    clean_detail: dict[str, Any] = {}
    if kind in RecordKind.values:
        unknown = sorted(set(detail) - set(DETAIL_KEYS[kind]))
        if unknown:
            errors[unknown[0]] = _("%(keys)s is not a field of this kind of record.") % {
                "keys": ", ".join(unknown)
            }
        clean_detail = CLEANERS[kind](detail, errors)
    if errors:
        raise ValidationError(errors)
    return values, clean_detail


def _save(record: Record, values: Mapping[str, Any], clean_detail: Mapping[str, Any]) -> None:
    for name in ("kind", "unit", "date", "title", "description"):
        setattr(record, name, values[name])
    record.refresh_keys()
    record.save()
    record.tasks.set(values["tasks"])
    record.themes.set(values["themes"])
    record.conventions.set(values["conventions"])
    WRITERS[record.kind](record, clean_detail)


@transaction.atomic
def record_create(
    *,
    kind: str,
    unit: Unit,
    date: dt.date | str,
    title: str,
    by: AbstractBaseUser | AnonymousUser | None,
    tasks: Iterable[Task | int] = (),
    themes: Iterable[Theme | int] = (),
    conventions: Iterable[Convention | int] = (),
    description: str = "",
    detail: Mapping[str, Any],
) -> Record:
    """Record what a unit did, with the detail of its kind (see DETAIL_KEYS)."""
    values, clean_detail = _clean_record(
        kind=kind,
        unit=unit,
        date=date,
        title=title,
        description=description,
        tasks=tasks,
        themes=themes,
        conventions=conventions,
        detail=detail,
    )
    record = Record(created_by=by if isinstance(by, User) else None)
    _save(record, values, clean_detail)
    return record


@transaction.atomic
def record_update(
    *,
    record: Record,
    by: AbstractBaseUser | AnonymousUser | None,
    kind: str | None = None,
    unit: Unit | None = None,
    date: dt.date | str | None = None,
    title: str | None = None,
    tasks: Iterable[Task | int] | None = None,
    themes: Iterable[Theme | int] | None = None,
    conventions: Iterable[Convention | int] | None = None,
    description: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> Record:
    """Change a record; omitted arguments keep their value, `detail` may name only some keys.

    Changing the kind replaces the detail, so the new kind's detail must then be given whole.
    """
    new_kind = kind if kind is not None else record.kind
    if new_kind == record.kind:
        merged = {**record_detail(record), **(detail or {})}
    else:
        merged = dict(detail or {})
    values, clean_detail = _clean_record(
        kind=new_kind,
        unit=unit if unit is not None else record.unit,
        date=date if date is not None else record.date,
        title=title if title is not None else record.title,
        description=description if description is not None else record.description,
        tasks=tasks if tasks is not None else list(record.tasks.all()),
        themes=themes if themes is not None else list(record.themes.all()),
        conventions=conventions if conventions is not None else list(record.conventions.all()),
        detail=merged,
    )
    if new_kind != record.kind:
        old = getattr(record, DETAIL_FIELD[RecordKind(record.kind)], None)
        if old is not None:
            old.delete()
        # Forget the cached reverse one-to-one, which still points at the deleted row.
        record._state.fields_cache.pop(DETAIL_FIELD[RecordKind(record.kind)], None)
    _save(record, values, clean_detail)
    # The detail was written through its own manager: reload it on next access.
    record._state.fields_cache.pop(DETAIL_FIELD[RecordKind(record.kind)], None)
    return record


@transaction.atomic
def record_delete(*, record: Record, by: AbstractBaseUser | AnonymousUser | None) -> None:
    """Delete a record with its detail and attachments; broadcasts of a deleted product keep
    their airing but lose the link (SET_NULL)."""
    files = [a.file for a in record.attachments.all() if a.file]
    record.delete()

    def remove_files() -> None:
        for stored in files:
            stored.storage.delete(stored.name)

    transaction.on_commit(remove_files)


@transaction.atomic
def attachment_add(
    *,
    record: Record,
    file: "File[Any] | uploads.CheckedUpload | None" = None,
    url: str = "",
    caption: str = "",
) -> Attachment:
    """Attach a file, a photo or a link as evidence that the record happened. Every file goes
    through kehoach.lib.uploads.check_upload (type from the content, size limit, photo metadata
    removed) unless it comes already checked; a refusal is a ValidationError on "file"."""
    errors: Errors = {}
    link = _url({"url": url}, "url", errors, required=False)
    text = _text({"caption": caption}, "caption", errors, required=False, limit=255)
    if file is None and not link and "url" not in errors:
        errors["file"] = _("Attach a file or give a link.")
    checked: uploads.CheckedUpload | None = None
    if isinstance(file, uploads.CheckedUpload):
        checked = file
    elif file is not None:
        try:
            checked = uploads.check_upload(file)
        except uploads.UploadRefused as refused:
            errors["file"] = refused.messages[0]
    if errors:
        raise ValidationError(errors)
    attachment = Attachment(record=record, url=link, caption=text)
    if checked is not None:
        attachment.content_type = checked.content_type
        attachment.size = checked.size
        attachment.sha256 = checked.sha256
        attachment.file.save(checked.name, checked.file, save=False)
    attachment.save()
    return attachment


def product_flags_refresh(*, products: QuerySet[Product] | None = None) -> int:
    """Recompute the two product flags from languages and platforms, in two UPDATEs.

    Called when a Language's group or a Platform's `digital` changes (admin), the other half of
    the invariant kept by _write_product."""
    queryset = products if products is not None else Product.objects.all()
    language = Product.languages.through.objects.filter(
        product_id=OuterRef("pk"),
        language__group__in=[LanguageGroup.MINORITY, LanguageGroup.FOREIGN],
    )
    platform = Product.platforms.through.objects.filter(
        product_id=OuterRef("pk"), platform__digital=True
    )
    with transaction.atomic():
        changed = queryset.update(in_minority_or_foreign_language=Exists(language))
        queryset.update(on_digital_platform=Exists(platform))
    return changed


# --- target rules ------------------------------------------------------------------------------

PRODUCT_CONDITIONS = ("language_or_digital", "digitised_online", "language", "digital")
_UNIT_KINDS = tuple(UnitKind.values)
_DUTIES = tuple(Duty.values)


def rule_params_clean(*, kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's parameters with their defaults; ValidationError on unknown ones."""
    if not isinstance(params, Mapping):
        raise ValidationError({"params": _("The parameters must be a set of named values.")})
    errors: Errors = {}
    allowed: dict[str, tuple[str, ...]] = {
        RuleKind.SPOKESPERSON_SHARE: ("unit_kinds", "require_briefing"),
        RuleKind.TRAINED_SHARE: ("duties",),
        RuleKind.PRODUCT_SHARE: ("condition",),
        RuleKind.RECORD_COUNT: ("record_kind",),
    }
    unknown = sorted(set(params) - set(allowed.get(kind, ())))
    if unknown:
        errors["params"] = _("Unknown parameter: %(names)s.") % {"names": ", ".join(unknown)}
    clean = dict(params)
    if kind == RuleKind.SPOKESPERSON_SHARE:
        kinds = list(params.get("unit_kinds") or ["office"])
        if any(k not in _UNIT_KINDS for k in kinds):
            errors["params"] = _("Unknown unit kind in the rule.")
        clean["unit_kinds"] = kinds
        clean["require_briefing"] = bool(params.get("require_briefing", True))
    elif kind == RuleKind.TRAINED_SHARE:
        duties = list(params.get("duties") or ["human_rights", "foreign_info"])
        if any(d not in _DUTIES for d in duties):
            errors["params"] = _("Unknown duty in the rule.")
        clean["duties"] = duties
    elif kind == RuleKind.PRODUCT_SHARE:
        if params.get("condition") not in PRODUCT_CONDITIONS:
            errors["params"] = _("Choose which products count: %(choices)s.") % {
                "choices": ", ".join(PRODUCT_CONDITIONS)
            }
    elif kind == RuleKind.RECORD_COUNT:
        record_kind = params.get("record_kind") or ""
        if record_kind and record_kind not in RecordKind.values:
            errors["params"] = _("%(value)s is not a kind of record.") % {"value": record_kind}
        clean["record_kind"] = record_kind
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def target_rule_set(
    *, target: Target, kind: str, params: Mapping[str, Any], explanation: str = ""
) -> TargetRule:
    """Set (or replace) how a target is computed from records."""
    if kind not in RuleKind.values:
        raise ValidationError({"kind": _("%(value)s is not a kind of rule.") % {"value": kind}})
    clean = rule_params_clean(kind=kind, params=params)
    rule, _created = TargetRule.objects.update_or_create(
        target=target,
        defaults={"kind": kind, "params": clean, "explanation": explanation.strip()},
    )
    return rule


def rule_explanation(*, kind: str, params: Mapping[str, Any]) -> str:
    """How a rule counts, in words (English msgids; Vietnamese through the catalog)."""
    if kind == RuleKind.SPOKESPERSON_SHARE:
        if params.get("require_briefing", True):
            return _(
                "Agencies directly under the issuing unit count when they have a spokesperson "
                "still in post and held at least one press briefing in the plan year. The share "
                "is counted agencies out of all such agencies in existence that year."
            )
        return _(
            "Agencies directly under the issuing unit count when they have a spokesperson "
            "still in post. The share is counted agencies out of all such agencies in existence "
            "that year."
        )
    if kind == RuleKind.TRAINED_SHARE:
        return _(
            "Officials still in post in the issuing unit and the units under it who are in "
            "charge of human-rights work or foreign information count when they attended at "
            "least one training or conference recorded in the plan year. The share is trained "
            "officials out of all such officials."
        )
    if kind == RuleKind.PRODUCT_SHARE:
        condition = params.get("condition")
        if condition == "digitised_online":
            return _(
                "Communication products recorded in the plan year by the issuing unit and the "
                "units under it count when they are digitised and published online. The share "
                "is counted products out of all products; the aim is all of them."
            )
        if condition == "language":
            return _(
                "Communication products recorded in the plan year count when they are in an "
                "ethnic-minority or a foreign language. The share is counted products out of "
                "all products."
            )
        if condition == "digital":
            return _(
                "Communication products recorded in the plan year count when they are on a "
                "digital platform. The share is counted products out of all products."
            )
        return _(
            "Communication products recorded in the plan year by the issuing unit and the units "
            "under it count when they are in an ethnic-minority or a foreign language, or are on "
            "a digital platform (portal, social network, other digital). The share is counted "
            "products out of all products."
        )
    return _(
        "The number of records made in the plan year by the issuing unit and the units under it."
    )


@transaction.atomic
def seed_target_rules(*, plan: Plan) -> list[TargetRule]:
    """The rules of the seed plan's four targets, in the order the plan states them."""
    targets = list(plan.targets.order_by("order", "pk")[:4])
    if len(targets) < 4:
        raise ValidationError(
            _("The plan has %(count)d targets; the seed plan's rules need four.")
            % {"count": len(targets)}
        )
    specs: list[tuple[str, dict[str, Any]]] = [
        (RuleKind.SPOKESPERSON_SHARE, {"unit_kinds": ["office"], "require_briefing": True}),
        (RuleKind.TRAINED_SHARE, {"duties": ["human_rights", "foreign_info"]}),
        (RuleKind.PRODUCT_SHARE, {"condition": "language_or_digital"}),
        (RuleKind.PRODUCT_SHARE, {"condition": "digitised_online"}),
    ]
    rules = []
    # Stored in the site language so the rule reads in Vietnamese wherever it is shown.
    with translation.override(settings.LANGUAGE_CODE):
        for target, (kind, params) in zip(targets, specs, strict=True):
            explanation = rule_explanation(kind=kind, params=params)
            rules.append(
                target_rule_set(target=target, kind=kind, params=params, explanation=explanation)
            )
    return rules
