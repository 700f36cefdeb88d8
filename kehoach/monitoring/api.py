"""JSON API of monitoring: news sources, the review queue, stories, articles, decisions,
fact-checks (typed or imported from ClaimReview markup) and bulletins.

The same selectors and services as the pages (monitoring/selectors.py, review.py, bulletins.py):
what comes through the sources of the user's units exists for them, the rest answers 404;
a decision or change they may not make answers 403.
"""

import datetime as dt
from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from kehoach.accounts import access
from kehoach.accounts.api import ERROR_RESPONSES, api_user
from kehoach.lib.pagination import PageNumberPagination
from kehoach.plans import selectors as plan_selectors
from kehoach.units.models import Unit

from . import bulletins, review, selectors
from .models import (
    Article,
    BulletinKind,
    Decision,
    FactCheck,
    Language,
    MonitoringBulletin,
    Review,
    Source,
    SourceKind,
    Story,
    Verdict,
)

router = Router(tags=["monitoring"])


# -- shapes -----------------------------------------------------------------------------------


class SourceOut(Schema):
    id: int
    unit_id: int
    name: str
    kind: str
    url: str
    active: bool
    interval_minutes: int
    max_items: int
    silent_after_days: int
    last_fetched_at: dt.datetime | None
    last_success_at: dt.datetime | None
    last_new_article_at: dt.datetime | None
    consecutive_failures: int
    last_error: str


class SourceIn(Schema):
    unit_id: int
    name: str = Field(max_length=200)
    kind: SourceKind
    url: str = Field(max_length=1000)
    interval_minutes: int = Field(60, ge=5)
    max_items: int = Field(200, ge=1)
    silent_after_days: int = Field(7, ge=1)


class StoryOut(Schema):
    id: int
    title: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    article_count: int
    outlets: list[str]
    relevance: float
    relevant: bool
    themes: list[str]
    conventions: list[str]
    places: list[str]
    alert_at: dt.datetime | None


class ArticleOut(Schema):
    id: int
    source_id: int | None
    story_id: int | None
    url: str
    canonical_url: str
    outlet: str
    title: str
    text: str
    lang: str
    published: dt.datetime | None
    fetched_at: dt.datetime
    relevance: float
    relevant: bool
    themes: list[str]
    conventions: list[str]
    places: list[str]
    evidence: dict[str, object]


class FactCheckOut(Schema):
    id: int
    claim: str
    verdict: str
    verdict_as_written: str
    explanation: str
    source_url: str
    publisher: str
    published: dt.date | None
    lang: str


class FactCheckIn(Schema):
    claim: str = Field(min_length=1)
    verdict: Verdict
    verdict_as_written: str = Field("", max_length=200)
    explanation: str = ""
    source_url: str = Field("", max_length=2000)
    publisher: str = Field("", max_length=255)
    published: dt.date | None = None
    lang: Language = Language.VIETNAMESE


class ClaimReviewIn(Schema):
    document: str = Field(description="A page's HTML with ClaimReview JSON-LD, or the JSON-LD")


class MatchOut(Schema):
    id: int
    article_id: int
    fact_check: FactCheckOut
    score: float
    strength: str
    sentence: str
    passage: str


class QueueItemOut(Schema):
    kind: Literal["story", "match"]
    at: dt.datetime
    story: StoryOut | None
    match: MatchOut | None


class QueueFilters(Schema):
    theme: Literal["", "T1", "T2", "T3", "T4", "T5"] = ""
    outlet: str = ""
    strength: Literal["", "suggested", "strong"] = ""


class StoryReviewIn(Schema):
    decision: Literal["relevant", "not_relevant"]
    themes: list[Literal["T1", "T2", "T3", "T4", "T5"]] = []
    note: str = ""


class MatchReviewIn(Schema):
    decision: Literal["confirmed", "rejected", "answered"]
    note: str = Field("", description="For an answer: the answer given")


class ReviewOut(Schema):
    id: int
    story_id: int | None
    article_id: int | None
    claim_match_id: int | None
    decision: str
    themes: list[str]
    note: str
    at: dt.datetime


class BulletinIn(Schema):
    kind: BulletinKind
    start: dt.date
    end: dt.date
    task_id: int


class BulletinOut(Schema):
    id: int
    plan_id: int
    kind: str
    start: dt.date
    end: dt.date
    record_id: int | None
    content: dict[str, object]


# -- access helpers ---------------------------------------------------------------------------


def _get_source(request: HttpRequest, source_id: int) -> Source:
    source = selectors.sources_for_user(api_user(request)).filter(pk=source_id).first()
    if source is None:
        raise Http404
    return source


def _get_story(request: HttpRequest, story_id: int, *, review_it: bool = False) -> Story:
    user = api_user(request)
    story = selectors.stories_for_user(user).filter(pk=story_id).first()
    if story is None:
        raise Http404
    if review_it and not selectors.stories_for_user(user, write=True).filter(pk=story_id):
        raise PermissionDenied
    return story


# -- sources ----------------------------------------------------------------------------------


@router.get("/monitoring/sources", response={200: list[SourceOut], **ERROR_RESPONSES})
@paginate(PageNumberPagination, page_size=settings.KEHOACH_PAGE_SIZE)
def source_list(request: HttpRequest) -> QuerySet[Source]:
    """News sources of the user's units and of the units above them."""
    return selectors.sources_for_user(api_user(request)).order_by("name", "pk")


@router.post("/monitoring/sources", response={201: SourceOut, **ERROR_RESPONSES})
def source_create(request: HttpRequest, payload: SourceIn) -> Status[Source]:
    user = api_user(request)
    unit = access.readable_units(user).filter(pk=payload.unit_id).first()
    if unit is None:
        raise ValidationError({"unit_id": _("Unknown unit: %(ids)s.") % {"ids": payload.unit_id}})
    if not access.can_manage_source(user, unit):
        raise PermissionDenied
    data = payload.dict(exclude={"unit_id"})
    return Status(201, review.source_create(unit=unit, by=user, **data))


@router.get("/monitoring/sources/{source_id}", response={200: SourceOut, **ERROR_RESPONSES})
def source_detail(request: HttpRequest, source_id: int) -> Source:
    return _get_source(request, source_id)


# -- queue, stories, articles, decisions ------------------------------------------------------


@router.get("/monitoring/queue", response={200: list[QueueItemOut], **ERROR_RESPONSES})
def queue(request: HttpRequest, filters: Query[QueueFilters]) -> list[dict[str, object]]:
    """Relevant stories and claim matches nobody has reviewed yet, newest first."""
    items = selectors.review_queue(
        api_user(request), theme=filters.theme, outlet=filters.outlet, strength=filters.strength
    )
    return [
        {"kind": item.kind, "at": item.at, "story": item.story, "match": item.match}
        for item in items
    ]


@router.get("/monitoring/stories/{story_id}", response={200: StoryOut, **ERROR_RESPONSES})
def story_detail(request: HttpRequest, story_id: int) -> Story:
    return _get_story(request, story_id)


@router.post("/monitoring/stories/{story_id}/reviews", response={201: ReviewOut, **ERROR_RESPONSES})
def story_review(request: HttpRequest, story_id: int, payload: StoryReviewIn) -> Status[Review]:
    """Keep a decision about the story: it leaves the queue and its alert is cleared."""
    story = _get_story(request, story_id, review_it=True)
    kept = review.review_record(
        by=api_user(request),
        story=story,
        decision=payload.decision,
        themes=payload.themes,
        note=payload.note,
    )
    return Status(201, kept)


@router.get("/monitoring/articles/{article_id}", response={200: ArticleOut, **ERROR_RESPONSES})
def article_detail(request: HttpRequest, article_id: int) -> Article:
    article = selectors.articles_for_user(api_user(request)).filter(pk=article_id).first()
    if article is None:
        raise Http404
    return article


@router.post("/monitoring/matches/{match_id}/reviews", response={201: ReviewOut, **ERROR_RESPONSES})
def match_review(request: HttpRequest, match_id: int, payload: MatchReviewIn) -> Status[Review]:
    """Confirm or reject a claim match, or keep the answer given to it."""
    user = api_user(request)
    match = selectors.claim_matches_for_user(user).filter(pk=match_id).first()
    if match is None:
        raise Http404
    if not selectors.claim_matches_for_user(user, write=True).filter(pk=match_id):
        raise PermissionDenied
    kept = review.review_record(
        by=user, claim_match=match, decision=Decision(payload.decision), note=payload.note
    )
    return Status(201, kept)


# -- fact-checks ------------------------------------------------------------------------------


@router.get("/monitoring/fact-checks", response={200: list[FactCheckOut], **ERROR_RESPONSES})
@paginate(PageNumberPagination, page_size=settings.KEHOACH_PAGE_SIZE)
def fact_check_list(request: HttpRequest) -> QuerySet[FactCheck]:
    return selectors.fact_checks_for_user(api_user(request)).order_by("-published", "-pk")


@router.post("/monitoring/fact-checks", response={201: FactCheckOut, **ERROR_RESPONSES})
def fact_check_create(request: HttpRequest, payload: FactCheckIn) -> Status[FactCheck]:
    user = api_user(request)
    if not selectors.may_manage_fact_checks(user):
        raise PermissionDenied
    return Status(201, review.fact_check_create(by=user, **payload.dict()))


@router.post(
    "/monitoring/fact-checks/import", response={201: list[FactCheckOut], **ERROR_RESPONSES}
)
def fact_check_import(request: HttpRequest, payload: ClaimReviewIn) -> Status[list[FactCheck]]:
    """Import every schema.org ClaimReview of the document; nothing is saved if one is bad."""
    user = api_user(request)
    if not selectors.may_manage_fact_checks(user):
        raise PermissionDenied
    return Status(201, review.fact_check_import_claimreview(payload.document, by=user))


# -- bulletins --------------------------------------------------------------------------------


@router.post(
    "/monitoring/plans/{plan_id}/bulletins", response={201: BulletinOut, **ERROR_RESPONSES}
)
def bulletin_issue(
    request: HttpRequest, plan_id: int, payload: BulletinIn
) -> Status[MonitoringBulletin]:
    """Issue a bulletin of the plan as a record of one of its tasks; e-mailed to its managers."""
    user = api_user(request)
    plan = plan_selectors.plans_for_user(user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    task = plan.tasks.filter(pk=payload.task_id).first()
    if task is None:
        raise ValidationError({"task_id": _("The task is not one of the plan's.")})
    source_units: list[Unit] = [
        source.unit
        for source in selectors.sources_for_user(user, write=True).filter(
            unit__path__startswith=plan.issuer.path
        )
    ]
    if not access.can_issue_bulletin(
        user, plan.issuer, plan_selectors.lead_units(task), source_units
    ):
        raise PermissionDenied
    bulletin = bulletins.bulletin_issue(
        plan=plan, kind=payload.kind, start=payload.start, end=payload.end, task=task, by=user
    )
    return Status(201, bulletin)


@router.get("/monitoring/bulletins/{bulletin_id}", response={200: BulletinOut, **ERROR_RESPONSES})
def bulletin_detail(request: HttpRequest, bulletin_id: int) -> MonitoringBulletin:
    bulletin = selectors.bulletins_for_user(api_user(request)).filter(pk=bulletin_id).first()
    if bulletin is None:
        raise Http404
    return bulletin
