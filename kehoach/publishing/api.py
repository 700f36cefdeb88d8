"""Publishing API (staff): publications and their workflow.

A publication is seen by the staff of its unit and of its plan's issuer (accounts.access
.publication_visibility_q), otherwise it does not exist (404). Its unit's staff create and edit
drafts; the plan's managers approve, withdraw, reopen and correct approved ones; anyone else who
sees it gets 403. Invalid steps (withdrawing a draft...) answer 422 with the service's message.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from kehoach.accounts import access
from kehoach.accounts.api import ERROR_RESPONSES, api_user, patch_changes
from kehoach.activities.selectors import records_for_user
from kehoach.lib.pagination import PageNumberPagination
from kehoach.lib.vntext import search_key
from kehoach.plans.models import Plan

from . import services
from .models import (
    Licence,
    Publication,
    PublicationEvent,
    PublicationKind,
    PublicationState,
)
from .selectors import public_publications
from .views import can_edit

router = Router(tags=["publishing"])


# -- schemas ----------------------------------------------------------------------------------


class PublicationFilters(Schema):
    state: PublicationState | None = None
    kind: PublicationKind | None = None
    plan: int | None = Field(None, description="A plan id")
    unit: int | None = Field(None, description="A unit id")
    q: str = Field("", description="Words of the title or summary, with or without marks")


class PublicationEventOut(Schema):
    action: str
    by: str | None
    at: dt.datetime
    comment: str

    @staticmethod
    def resolve_by(event: PublicationEvent) -> str | None:
        if event.by is None:
            return None
        return event.by.get_full_name() or event.by.get_username()


class PublicationOut(Schema):
    id: int
    kind: str
    state: str
    record_id: int | None
    plan_id: int
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    title: str
    title_en: str
    summary: str
    summary_en: str
    licence: str
    publish_at: dt.datetime | None
    published_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime
    public: bool = Field(description="Public now (selectors.public_publications)")
    public_url: str | None = Field(description="The public page while it is public")
    events: list[PublicationEventOut]

    @staticmethod
    def resolve_public(pub: Publication) -> bool:
        return bool(getattr(pub, "is_public", False))

    @staticmethod
    def resolve_public_url(pub: Publication, context: dict[str, Any]) -> str | None:
        if not getattr(pub, "is_public", False):
            return None
        product = pub.kind == PublicationKind.PRODUCT
        name, pk = ("public:product", pub.pk) if product else ("public:plan", pub.plan_id)
        try:
            path = reverse(name, args=[pk])
        except NoReverseMatch:
            return None
        request = context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @staticmethod
    def resolve_events(pub: Publication) -> list[PublicationEvent]:
        return list(pub.events.all())


class PublicationCreateIn(Schema):
    record_id: int | None = Field(None, description="A product record to publish")
    plan_id: int | None = Field(None, description="Or a plan, for its public results page")
    title: str | None = Field(None, description="Default: the record's or the plan's title")
    summary: str | None = Field(None, description="Default: the record's description")
    title_en: str = ""
    summary_en: str = ""
    licence: Licence = Licence.CC_BY_4


class PublicationChangeIn(Schema):
    title: str | None = None
    title_en: str | None = None
    summary: str | None = None
    summary_en: str | None = None
    licence: Licence | None = None


class PublicationApproveIn(Schema):
    publish_at: dt.datetime | None = Field(
        None, description="Empty or past: published now; future: scheduled"
    )


class PublicationWithdrawIn(Schema):
    reason: str


# -- access helpers ---------------------------------------------------------------------------


def _visible(request: HttpRequest) -> QuerySet[Publication]:
    return (
        Publication.objects.filter(access.publication_visibility_q(api_user(request)))
        .select_related("unit", "plan__issuer")
        .prefetch_related("events__by")
        .annotate(is_public=Exists(public_publications().filter(pk=OuterRef("pk"))))
    )


def _get_publication_for_user(
    request: HttpRequest, publication_id: int, *, edit: bool = False, approve: bool = False
) -> Publication:
    """404 for a publication the user does not see; 403 for a change they may not make."""
    pub = _visible(request).filter(pk=publication_id).first()
    if pub is None:
        raise Http404
    user = api_user(request)
    if edit and pub.state == PublicationState.WITHDRAWN:
        # Those who may reopen it are told by the service why not (422: reopen first).
        approve = True
    elif edit and not can_edit(user, pub):
        raise PermissionDenied
    if approve and not access.can_approve_publication(user, pub.plan):
        raise PermissionDenied
    return pub


def _fresh(request: HttpRequest, pub: Publication) -> Publication:
    return _visible(request).get(pk=pub.pk)


# -- endpoints --------------------------------------------------------------------------------


@router.get("/publishing/publications", response={200: list[PublicationOut], **ERROR_RESPONSES})
@paginate(PageNumberPagination, page_size=settings.KEHOACH_PAGE_SIZE)
def publication_list(
    request: HttpRequest, filters: Query[PublicationFilters]
) -> QuerySet[Publication]:
    """Publications of the user's units and of the plans issued there, last changed first."""
    publications = _visible(request).order_by("-updated_at", "-pk")
    if filters.state is not None:
        publications = publications.filter(state=filters.state)
    if filters.kind is not None:
        publications = publications.filter(kind=filters.kind)
    if filters.plan is not None:
        publications = publications.filter(plan_id=filters.plan)
    if filters.unit is not None:
        publications = publications.filter(unit_id=filters.unit)
    for word in search_key(filters.q).split():
        publications = publications.filter(search_key__contains=word)
    return publications


@router.post("/publishing/publications", response={201: PublicationOut, **ERROR_RESPONSES})
def publication_create(request: HttpRequest, payload: PublicationCreateIn) -> Status[Publication]:
    """A draft from a product record (its unit's staff) or a plan's results page (its managers).
    A record or plan the user cannot see is unknown (422)."""
    user = api_user(request)
    record = plan = None
    if payload.record_id is not None:
        record = records_for_user(user).filter(pk=payload.record_id).first()
        if record is None:
            raise ValidationError(
                {"record_id": _("Unknown record: %(id)s.") % {"id": payload.record_id}}
            )
        if not access.can_draft_publication(user, record.unit):
            raise PermissionDenied
    elif payload.plan_id is not None:
        plan = (
            Plan.objects.filter(access.plan_visibility_q(user, issuer_field="issuer"))
            .filter(pk=payload.plan_id)
            .first()
        )
        if plan is None:
            raise ValidationError({"plan_id": _("Unknown plan: %(id)s.") % {"id": payload.plan_id}})
        if not access.can_approve_publication(user, plan):
            raise PermissionDenied
    pub = services.publication_create(
        by=user,
        record=record,
        plan=plan,
        title=payload.title,
        summary=payload.summary,
        title_en=payload.title_en,
        summary_en=payload.summary_en,
        licence=payload.licence,
    )
    return Status(201, _fresh(request, pub))


@router.get(
    "/publishing/publications/{publication_id}", response={200: PublicationOut, **ERROR_RESPONSES}
)
def publication_detail(request: HttpRequest, publication_id: int) -> Publication:
    """A publication with its history."""
    return _get_publication_for_user(request, publication_id)


@router.patch(
    "/publishing/publications/{publication_id}", response={200: PublicationOut, **ERROR_RESPONSES}
)
def publication_change(
    request: HttpRequest, publication_id: int, payload: PublicationChangeIn
) -> Publication:
    """Change the texts or the licence: drafts by their unit's staff; approved or published
    ones (they stay public) by the plan's managers."""
    pub = _get_publication_for_user(request, publication_id, edit=True)
    pub = services.publication_update(pub, by=api_user(request), **patch_changes(payload))
    return _fresh(request, pub)


@router.post(
    "/publishing/publications/{publication_id}/approve",
    response={200: PublicationOut, **ERROR_RESPONSES},
)
def publication_approve(
    request: HttpRequest, publication_id: int, payload: PublicationApproveIn
) -> Publication:
    """Approve: published now, or at `publish_at` when it is in the future."""
    pub = _get_publication_for_user(request, publication_id, approve=True)
    pub = services.publication_approve(pub, by=api_user(request), publish_at=payload.publish_at)
    return _fresh(request, pub)


@router.post(
    "/publishing/publications/{publication_id}/withdraw",
    response={200: PublicationOut, **ERROR_RESPONSES},
)
def publication_withdraw(
    request: HttpRequest, publication_id: int, payload: PublicationWithdrawIn
) -> Publication:
    """Take it off the public site at once; the reason is required and kept."""
    pub = _get_publication_for_user(request, publication_id, approve=True)
    pub = services.publication_withdraw(pub, by=api_user(request), reason=payload.reason)
    return _fresh(request, pub)


@router.post(
    "/publishing/publications/{publication_id}/reopen",
    response={200: PublicationOut, **ERROR_RESPONSES},
)
def publication_reopen(request: HttpRequest, publication_id: int) -> Publication:
    """A withdrawn publication back to draft."""
    pub = _get_publication_for_user(request, publication_id, approve=True)
    pub = services.publication_reopen(pub, by=api_user(request))
    return _fresh(request, pub)
