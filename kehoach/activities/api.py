"""JSON API of records (every kind), their attachments, and the computed progress of targets
and tasks.

Records belong to units: a user reads and writes the records of their units' subtrees (404
outside); naming a unit they only read (one above them) answers 403. Targets and tasks are read
wherever their plan is (plans.selectors). Lists behind a target's value leave out what the user
may not see; the counts in /progress are always the whole.
"""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ValidationError as PydanticValidationError

from kehoach.accounts import access
from kehoach.accounts.api import ERROR_RESPONSES, api_user, patch_changes
from kehoach.lib.pagination import PageNumberPagination
from kehoach.people.models import Person
from kehoach.plans import selectors as plan_selectors
from kehoach.plans.models import Convention, Target, Task, Theme
from kehoach.units.api import readable_units_by_id
from kehoach.units.models import Unit

from . import selectors, services
from .models import Attachment, Record
from .schemas import (
    DETAIL_SCHEMAS,
    AttachmentIn,
    AttachmentOut,
    MemberOut,
    MembersQuery,
    ProgressQuery,
    RecordCreateIn,
    RecordFiltersIn,
    RecordOut,
    RecordPatchIn,
    TargetProgressOut,
    TaskProgressOut,
)

router = Router(tags=["records"])


# -- access helpers ---------------------------------------------------------------------------


def _get_record_for_user(request: HttpRequest, record_id: int, *, write: bool = False) -> Record:
    """404 for a record outside the user's subtrees; 403 for a write they may not make."""
    user = api_user(request)
    record = selectors.records_for_user(user).select_related("unit").filter(pk=record_id).first()
    if record is None:
        raise Http404
    if write and not access.can_write_unit(user, record.unit):
        raise PermissionDenied
    return record


def _get_target_for_user(request: HttpRequest, target_id: int) -> Target:
    plans = plan_selectors.plans_for_user(api_user(request))
    target = Target.objects.select_related("plan").filter(pk=target_id, plan__in=plans).first()
    if target is None:
        raise Http404
    return target


def _get_task_for_user(request: HttpRequest, task_id: int) -> Task:
    task = plan_selectors.task_for_user(api_user(request), task_id)
    if task is None:
        raise Http404
    return task


def _writable_unit(user: User, unit_id: int) -> Unit:
    """A unit named in the body: unknown or unreadable → 422; readable, not writable → 403."""
    [unit] = readable_units_by_id(user, [unit_id], field="unit_id")
    if not access.can_write_unit(user, unit):
        raise PermissionDenied
    return unit


def _by_ids(queryset: QuerySet[Any], ids: Sequence[int], *, field: str) -> list[Any]:
    """Objects named by id, in the order given; any id not in `queryset` is a 422."""
    found = queryset.in_bulk(list(ids))
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            {
                field: [
                    _("No item with id %(id)s was found for %(field)s.")
                    % {"id": pk, "field": field}
                    for pk in missing
                ]
            }
        )
    return [found[pk] for pk in ids]


def _tasks(user: User, ids: Sequence[int]) -> list[Task]:
    return _by_ids(plan_selectors.tasks_for_user(user), ids, field="task_ids")


def _themes(user: User, ids: Sequence[int]) -> list[Theme]:
    plans = plan_selectors.plans_for_user(user)
    return _by_ids(Theme.objects.filter(plan__in=plans), ids, field="theme_ids")


def _conventions(ids: Sequence[int]) -> list[Convention]:
    # Conventions are a shared taxonomy, readable by everyone.
    return _by_ids(Convention.objects.all(), ids, field="convention_ids")


def _detail(user: User, kind: str, raw: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """The body's `detail` parsed with its kind's schema; people and products named by id must
    be visible to the user (personal data of other units stays out of reach)."""
    try:
        parsed = DETAIL_SCHEMAS[kind].model_validate(raw)
    except PydanticValidationError as error:
        # Located under body.payload.detail so the API's error handler names "detail.<key>".
        raise NinjaValidationError(
            [
                {**e, "loc": ("body", "payload", "detail", *e["loc"])}
                for e in error.errors(include_url=False)
            ]
        ) from error
    detail = parsed.model_dump(exclude_unset=True)
    if not partial:
        detail = {key: value for key, value in detail.items() if value is not None}
    people = Person.objects.filter(unit__in=access.writable_units(user))
    for key in ("attendees",):
        if detail.get(key) is not None:
            _by_ids(people, detail[key], field=f"detail.{key}")
    for key in ("spokesperson",):
        if detail.get(key) is not None:
            _by_ids(people, [detail[key]], field=f"detail.{key}")
    if detail.get("product") is not None:
        # A commune may air a product of the district above it: readable units, not only its own.
        products = Record.objects.filter(unit__in=access.readable_units(user))
        _by_ids(products, [detail["product"]], field="detail.product")
    return detail


def _with_relations(records: QuerySet[Record]) -> QuerySet[Record]:
    # What RecordOut reads beyond record_list's prefetches: a fixed number of queries per page.
    return records.prefetch_related("conventions", "training__attendance")


def _fresh(record: Record) -> Record:
    """The record as lists read it (details and relations prefetched)."""
    return _with_relations(
        selectors.record_list(
            queryset=Record.objects.filter(pk=record.pk), filters=selectors.RecordFilters()
        )
    ).get()


# The service names its arguments; the API's body names them like this.
_BODY_FIELDS = {
    "unit": "unit_id",
    "tasks": "task_ids",
    "themes": "theme_ids",
    "conventions": "convention_ids",
}
_RECORD_FIELDS = {"kind", "date", "title", "description"}


def _in_body_terms(error: ValidationError) -> ValidationError:
    """A service error keyed by the body's field names (detail keys under "detail.")."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list[str]] = {}
    for key, messages in error.message_dict.items():
        if key in _BODY_FIELDS:
            name = _BODY_FIELDS[key]
        elif key in _RECORD_FIELDS or key == "__all__":
            name = key
        else:
            name = f"detail.{key}"
        renamed.setdefault(name, []).extend(messages)
    return ValidationError(renamed)


# -- records ----------------------------------------------------------------------------------


@router.get("/records", response={200: list[RecordOut], **ERROR_RESPONSES})
@paginate(PageNumberPagination, page_size=settings.KEHOACH_PAGE_SIZE)
def record_list(request: HttpRequest, filters: Query[RecordFiltersIn]) -> QuerySet[Record]:
    """Records of the user's units, newest first; `unit` includes the units under it."""
    records = selectors.record_list(
        queryset=selectors.records_for_user(api_user(request)),
        filters=selectors.RecordFilters(
            kind=filters.kind or "",
            unit_id=filters.unit,
            task_id=filters.task,
            theme_id=filters.theme,
            date_from=filters.date_from,
            date_to=filters.date_to,
            query=filters.q,
        ),
    )
    return _with_relations(records)


@router.post("/records", response={201: RecordOut, **ERROR_RESPONSES})
def record_add(request: HttpRequest, payload: RecordCreateIn) -> Status[Record]:
    user = api_user(request)
    # Every id is checked before the service writes anything.
    unit = _writable_unit(user, payload.unit_id)
    arguments: dict[str, Any] = {
        "tasks": _tasks(user, payload.task_ids),
        "themes": _themes(user, payload.theme_ids),
        "conventions": _conventions(payload.convention_ids),
        "detail": _detail(user, payload.kind, payload.detail, partial=False),
    }
    try:
        record = services.record_create(
            kind=payload.kind,
            unit=unit,
            date=payload.date,
            title=payload.title,
            description=payload.description,
            by=user,
            **arguments,
        )
    except ValidationError as error:
        raise _in_body_terms(error) from error
    return Status(201, _fresh(record))


@router.get("/records/{record_id}", response={200: RecordOut, **ERROR_RESPONSES})
def record_detail(request: HttpRequest, record_id: int) -> Record:
    return _fresh(_get_record_for_user(request, record_id))


@router.patch("/records/{record_id}", response={200: RecordOut, **ERROR_RESPONSES})
def record_change(request: HttpRequest, record_id: int, payload: RecordPatchIn) -> Record:
    """Change the fields sent; the kind of a record does not change."""
    record = _get_record_for_user(request, record_id, write=True)
    user = api_user(request)
    changes = patch_changes(payload)
    arguments: dict[str, Any] = {}
    if "unit_id" in changes:
        arguments["unit"] = _writable_unit(user, changes.pop("unit_id"))
    if "task_ids" in changes:
        arguments["tasks"] = _tasks(user, changes.pop("task_ids"))
    if "theme_ids" in changes:
        arguments["themes"] = _themes(user, changes.pop("theme_ids"))
    if "convention_ids" in changes:
        arguments["conventions"] = _conventions(changes.pop("convention_ids"))
    if "detail" in changes:
        arguments["detail"] = _detail(user, record.kind, changes.pop("detail"), partial=True)
    arguments.update(changes)  # date, title, description
    try:
        services.record_update(record=record, by=user, **arguments)
    except ValidationError as error:
        raise _in_body_terms(error) from error
    return _fresh(record)


@router.delete("/records/{record_id}", response={204: None, **ERROR_RESPONSES})
def record_remove(request: HttpRequest, record_id: int) -> Status[None]:
    record = _get_record_for_user(request, record_id, write=True)
    services.record_delete(record=record, by=api_user(request))
    return Status(204, None)


@router.post("/records/{record_id}/attachments", response={201: AttachmentOut, **ERROR_RESPONSES})
def attachment_add(
    request: HttpRequest, record_id: int, payload: AttachmentIn
) -> Status[Attachment]:
    """Attach a link (a published article, a photo album); files go through the web form."""
    record = _get_record_for_user(request, record_id, write=True)
    attachment = services.attachment_add(record=record, url=payload.url, caption=payload.caption)
    return Status(201, attachment)


# -- computed progress ------------------------------------------------------------------------


@router.get("/targets/{target_id}/progress", response={200: TargetProgressOut, **ERROR_RESPONSES})
def target_progress(
    request: HttpRequest, target_id: int, query: Query[ProgressQuery]
) -> dict[str, Any]:
    """The target's value computed from records by its rule, and how it got there."""
    target = _get_target_for_user(request, target_id)
    as_of = query.as_of or timezone.localdate()
    progress = selectors.target_progress(target=target, as_of=as_of)
    if progress is None:
        return {"target_id": target.pk, "computed": False}
    rule = getattr(target, "rule", None)
    return {
        "target_id": target.pk,
        "computed": True,
        "rule": rule.kind if rule is not None else None,
        "value": progress.value,
        "numerator": progress.numerator,
        "denominator": progress.denominator,
        "status": progress.status,
        "course": [{"month": month, "value": value} for month, value in progress.course],
        "explanation": progress.explanation,
    }


def _visible_members(user: User, members: QuerySet[Any]) -> QuerySet[Any]:
    """Only what the user could open elsewhere: records of their subtrees, people of units they
    write (personal data), units they read."""
    model = members.model
    if model is Record:
        return members.filter(pk__in=selectors.records_for_user(user).values("pk")).select_related(
            "unit"
        )
    if model is Person:
        return members.filter(unit__in=access.writable_units(user)).select_related("unit")
    return members.filter(pk__in=access.readable_units(user).values("pk"))


@router.get("/targets/{target_id}/members", response={200: list[MemberOut], **ERROR_RESPONSES})
@paginate(PageNumberPagination, page_size=settings.KEHOACH_PAGE_SIZE)
def target_members(
    request: HttpRequest, target_id: int, query: Query[MembersQuery]
) -> QuerySet[Any]:
    """The records, people or units behind the numerator or the denominator of a target."""
    target = _get_target_for_user(request, target_id)
    as_of = query.as_of or timezone.localdate()
    if getattr(target, "rule", None) is None:
        return Record.objects.none()
    members = selectors.target_members(target=target, part=query.part, as_of=as_of)
    return _visible_members(api_user(request), members)


@router.get("/tasks/{task_id}/progress", response={200: TaskProgressOut, **ERROR_RESPONSES})
def task_progress(request: HttpRequest, task_id: int) -> dict[str, Any]:
    """A task's status as records and dates show it (done or cancelled set by people stay)."""
    task = _get_task_for_user(request, task_id)
    progress = selectors.task_progress(task=task, today=timezone.localdate())
    return {
        "task_id": task.pk,
        "status": progress.status,
        "records": progress.records,
        "last_record": progress.last_record,
    }
