"""Writes of publishing: the editorial workflow of a publication.

    draft ──approve(now)──────────────▶ published ──withdraw(reason)──▶ withdrawn
      │                                    ▲                              │
      └─approve(at a future time)─▶ approved (scheduled) ─publish_due─┘  reopen → draft

One function owns each change of state and writes a PublicationEvent with who did it. Edits:
a draft is edited freely; an approved or published publication may be corrected in place (it
stays public: a typo fix should not take a page offline), and the views let only those who may
approve do that; a withdrawn one must be reopened first. Permissions are checked by the views
and the API (kehoach.accounts.access), not here.
"""

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.activities.models import Record, RecordKind
from kehoach.lib.richtext import sanitised_text
from kehoach.plans.models import Plan

from .models import (
    Licence,
    Publication,
    PublicationAction,
    PublicationEvent,
    PublicationKind,
    PublicationState,
)

User = AbstractBaseUser | AnonymousUser | None

# Records that can be products for the public: what was made or aired, not meetings or
# trainings (their attendees are personal data) nor internal monitoring bulletins.
PUBLISHABLE_KINDS = (
    RecordKind.PRODUCT,
    RecordKind.BROADCAST,
    RecordKind.PORTAL_POST,
    RecordKind.CONTEST,
    RecordKind.VISUAL,
)
EDITABLE_STATES = (PublicationState.DRAFT, PublicationState.APPROVED, PublicationState.PUBLISHED)
TITLE_MAX = 500


def _by(by: User) -> Any:
    return by if by is not None and by.is_authenticated else None


def _event(pub: Publication, action: str, by: User, comment: str = "") -> PublicationEvent:
    return PublicationEvent.objects.create(
        publication=pub, action=action, by=_by(by), at=timezone.now(), comment=comment
    )


def _locked(pub: Publication) -> Publication:
    """The row again, locked until the transaction ends, so two approvals never cross (callers
    use the returned object)."""
    return Publication.objects.select_for_update().get(pk=pub.pk)


def _clean_texts(title: str, title_en: str, summary: str, summary_en: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    values = {
        "title": " ".join(title.split()),
        "title_en": " ".join(title_en.split()),
        # Simple formatting is kept, anything unsafe removed (shown again through `richtext`).
        "summary": sanitised_text(summary),
        "summary_en": sanitised_text(summary_en),
    }
    if not values["title"]:
        errors["title"] = _("Give the title the public will see.")
    for field in ("title", "title_en"):
        if len(values[field]) > TITLE_MAX:
            errors[field] = _("At most %(n)d characters.") % {"n": TITLE_MAX}
    if errors:
        raise ValidationError(errors)
    return values


def _licence(licence: str) -> str:
    if licence not in Licence.values:
        raise ValidationError({"licence": _("Choose a licence from the list.")})
    return licence


def record_plan(record: Record) -> Plan | None:
    """The plan a record's publication belongs to: that of its first task."""
    task = record.tasks.select_related("plan").order_by("pk").first()
    return task.plan if task is not None else None


@transaction.atomic
def publication_create(
    *,
    by: User,
    record: Record | None = None,
    plan: Plan | None = None,
    title: str | None = None,
    summary: str | None = None,
    title_en: str = "",
    summary_en: str = "",
    licence: str = Licence.CC_BY_4,
) -> Publication:
    """A draft: of a product record (title and summary default to the record's title and
    description) or, with `plan` alone, of the plan's public results page (one per plan)."""
    if record is not None:
        if record.kind not in PUBLISHABLE_KINDS:
            raise ValidationError(
                _("A record of this kind (%(kind)s) cannot be published.")
                % {"kind": record.get_kind_display()}
            )
        if Publication.objects.filter(record=record).exists():
            raise ValidationError(_("This record already has a publication."))
        found = record_plan(record)
        if found is None:
            raise ValidationError(_("The record belongs to no task of a plan."))
        kind, plan, unit = PublicationKind.PRODUCT, found, record.unit
        default_title, default_summary = record.title, record.description
    elif plan is not None:
        if Publication.objects.filter(plan=plan, kind=PublicationKind.RESULTS).exists():
            raise ValidationError(_("This plan already has a results page."))
        kind, unit = PublicationKind.RESULTS, plan.issuer
        default_title, default_summary = plan.title, ""
    else:
        raise ValidationError(_("Give a record or a plan."))
    texts = _clean_texts(
        default_title if title is None else title,
        title_en,
        default_summary if summary is None else summary,
        summary_en,
    )
    pub = Publication.objects.create(
        kind=kind,
        record=record,
        plan=plan,
        unit=unit,
        licence=_licence(licence),
        created_by=_by(by),
        state=PublicationState.DRAFT,
        **texts,
    )
    _event(pub, PublicationAction.CREATED, by)
    return pub


@transaction.atomic
def publication_update(
    pub: Publication,
    *,
    by: User,
    title: str | None = None,
    title_en: str | None = None,
    summary: str | None = None,
    summary_en: str | None = None,
    licence: str | None = None,
) -> Publication:
    """Change the texts or the licence (None keeps a value). Drafts, and approved or published
    publications in place; a withdrawn one must be reopened first."""
    fresh = _locked(pub)
    if fresh.state not in EDITABLE_STATES:
        raise ValidationError(_("A withdrawn publication cannot be edited: reopen it first."))
    texts = _clean_texts(
        fresh.title if title is None else title,
        fresh.title_en if title_en is None else title_en,
        fresh.summary if summary is None else summary,
        fresh.summary_en if summary_en is None else summary_en,
    )
    new_licence = fresh.licence if licence is None else _licence(licence)
    changed = [f for f, v in texts.items() if getattr(fresh, f) != v]
    if new_licence != fresh.licence:
        changed.append("licence")
    if not changed:
        return fresh
    for field, value in texts.items():
        setattr(fresh, field, value)
    fresh.licence = new_licence
    fresh.save()
    _event(fresh, PublicationAction.EDITED, by, comment=", ".join(changed))
    return fresh


@transaction.atomic
def publication_approve(
    pub: Publication, *, by: User, publish_at: dt.datetime | None = None
) -> Publication:
    """Approve a draft (or move a scheduled one): published now when `publish_at` is empty or
    past, else approved and published by the worker when the time comes (`publish_due`)."""
    fresh = _locked(pub)
    if fresh.state not in (PublicationState.DRAFT, PublicationState.APPROVED):
        raise ValidationError(
            _("Only a draft or a scheduled publication can be approved; this one is %(state)s.")
            % {"state": fresh.get_state_display().lower()}
        )
    now = timezone.now()
    _event(fresh, PublicationAction.APPROVED, by)
    if publish_at is None or publish_at <= now:
        fresh.state = PublicationState.PUBLISHED
        fresh.publish_at = None
        fresh.published_at = now
        fresh.save()
        _event(fresh, PublicationAction.PUBLISHED, by)
    else:
        fresh.state = PublicationState.APPROVED
        fresh.publish_at = publish_at
        fresh.published_at = None
        fresh.save()
        _event(fresh, PublicationAction.SCHEDULED, by, comment=publish_at.isoformat())
    return fresh


@transaction.atomic
def publication_withdraw(pub: Publication, *, by: User, reason: str) -> Publication:
    """Take a published or scheduled publication off the public site at once, saying why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the publication is withdrawn.")})
    fresh = _locked(pub)
    if fresh.state not in (PublicationState.APPROVED, PublicationState.PUBLISHED):
        raise ValidationError(
            _("Only a published or scheduled publication can be withdrawn; this one is %(state)s.")
            % {"state": fresh.get_state_display().lower()}
        )
    fresh.state = PublicationState.WITHDRAWN
    fresh.withdrawn_at = timezone.now()
    fresh.withdrawal_reason = reason
    fresh.save()
    _event(fresh, PublicationAction.WITHDRAWN, by, comment=reason)
    return fresh


@transaction.atomic
def publication_reopen(pub: Publication, *, by: User) -> Publication:
    """A withdrawn publication back to draft, to correct and approve again (the reason of the
    withdrawal stays in the history)."""
    fresh = _locked(pub)
    if fresh.state != PublicationState.WITHDRAWN:
        raise ValidationError(
            _("Only a withdrawn publication can be reopened; this one is %(state)s.")
            % {"state": fresh.get_state_display().lower()}
        )
    fresh.state = PublicationState.DRAFT
    fresh.publish_at = None
    fresh.published_at = None
    fresh.withdrawn_at = None
    fresh.withdrawal_reason = ""
    fresh.save()
    _event(fresh, PublicationAction.REOPENED, by)
    return fresh


def publication_publish_due(pub: Publication, *, now: dt.datetime | None = None) -> bool:
    """Mark one approved publication whose time has come as published (by the worker, `by`
    empty); False when it is not due any more (withdrawn, moved, or done by another run)."""
    now = now or timezone.now()
    with transaction.atomic():
        fresh = (
            Publication.objects.select_for_update()
            .filter(pk=pub.pk, state=PublicationState.APPROVED, publish_at__lte=now)
            .first()
        )
        if fresh is None:
            return False
        # Public since publish_at already (selectors.public_publications): that is its date.
        fresh.state = PublicationState.PUBLISHED
        fresh.published_at = fresh.publish_at
        fresh.save()
        _event(fresh, PublicationAction.PUBLISHED, None)
    return True


def publications_publish_due(*, now: dt.datetime | None = None) -> int:
    """Publish every approved publication whose time has come; how many were published."""
    now = now or timezone.now()
    due = Publication.objects.filter(state=PublicationState.APPROVED, publish_at__lte=now).order_by(
        "publish_at", "pk"
    )
    return sum(publication_publish_due(pub, now=now) for pub in due)
