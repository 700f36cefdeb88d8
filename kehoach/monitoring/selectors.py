"""Reads of monitoring: what a user sees (through the sources of their units), the review queue
and the stories whose coverage rose sharply.

Everything is scoped by Source.unit (kehoach/accounts/access.py): a story is visible when at
least one of its articles came from a source the user reads.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from kehoach.accounts import access

from .models import Article, ClaimMatch, FactCheck, MonitoringBulletin, Review, Source, Story

UserLike = AbstractBaseUser | AnonymousUser

# A story's coverage "rose sharply" when, in the last ALERT_WINDOW, it gained at least
# ALERT_MIN_ARTICLES articles and at least ALERT_RATIO times its daily average over the
# ALERT_BASELINE_DAYS before that window. The one place these numbers live.
ALERT_WINDOW = dt.timedelta(hours=24)
ALERT_MIN_ARTICLES = 3
ALERT_RATIO = 3
ALERT_BASELINE_DAYS = 7


def sources_for_user(user: UserLike, *, write: bool = False) -> QuerySet[Source]:
    return Source.objects.filter(
        access.source_visibility_q(user, unit_field="unit", write=write)
    ).select_related("unit")


def articles_for_user(user: UserLike, *, write: bool = False) -> QuerySet[Article]:
    return Article.objects.filter(
        access.source_visibility_q(user, unit_field="source__unit", write=write)
    )


def stories_for_user(user: UserLike, *, write: bool = False) -> QuerySet[Story]:
    """Stories with at least one article from a source the user reads (or manages)."""
    visible = articles_for_user(user, write=write).filter(story=OuterRef("pk"))
    return Story.objects.filter(Exists(visible))


def claim_matches_for_user(user: UserLike, *, write: bool = False) -> QuerySet[ClaimMatch]:
    return ClaimMatch.objects.filter(
        access.source_visibility_q(user, unit_field="article__source__unit", write=write)
    ).select_related("article", "fact_check")


def fact_checks_for_user(user: UserLike) -> QuerySet[FactCheck]:
    """Fact-checks are public verdicts shared by all: every signed-in user of a unit reads them."""
    if access.scope_for(user).is_anonymous:
        return FactCheck.objects.none()
    return FactCheck.objects.all()


def may_manage_fact_checks(user: UserLike) -> bool:
    units = {source.unit for source in sources_for_user(user, write=True)}
    return access.can_manage_fact_checks(user, units)


def bulletins_for_user(user: UserLike) -> QuerySet[MonitoringBulletin]:
    return MonitoringBulletin.objects.filter(
        access.plan_visibility_q(user, issuer_field="plan__issuer")
    ).select_related("plan", "record")


# --- the review queue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    """A story or a claim match waiting for a reviewer, newest first."""

    at: dt.datetime
    story: Story | None = None
    match: ClaimMatch | None = None

    @property
    def kind(self) -> str:
        return "story" if self.story is not None else "match"


def _has_theme(field: str, theme: str) -> Q:
    # JSON lists of codes: '"T1"' inside the list's text, the same on SQLite and PostgreSQL.
    return Q(**{f"{field}__icontains": f'"{theme}"'})


def queue_stories(user: UserLike, *, theme: str = "", outlet: str = "") -> QuerySet[Story]:
    """Relevant stories nobody has reviewed yet, and those whose coverage alert is open (a
    review clears it)."""
    reviewed = Review.objects.filter(story=OuterRef("pk"))
    stories = stories_for_user(user, write=True).filter(
        Q(relevant=True) & (~Exists(reviewed) | Q(alert_at__isnull=False))
    )
    if theme:
        stories = stories.filter(_has_theme("themes", theme))
    if outlet:
        stories = stories.filter(outlets__icontains=f'"{outlet}"')
    return stories.order_by(F("alert_at").desc(nulls_last=True), "-last_seen", "-pk")


def queue_matches(
    user: UserLike, *, theme: str = "", outlet: str = "", strength: str = ""
) -> QuerySet[ClaimMatch]:
    reviewed = Review.objects.filter(claim_match=OuterRef("pk"))
    matches = claim_matches_for_user(user, write=True).filter(~Exists(reviewed))
    if theme:
        matches = matches.filter(_has_theme("article__themes", theme))
    if outlet:
        matches = matches.filter(article__outlet=outlet)
    if strength:
        matches = matches.filter(strength=strength)
    return matches.select_related("article__source", "fact_check").order_by("-created_at", "-pk")


def review_queue(
    user: UserLike,
    *,
    theme: str = "",
    outlet: str = "",
    strength: str = "",
    limit: int = 200,
) -> list[QueueItem]:
    """Stories and claim matches to review, newest first. A strength filter keeps only matches
    (stories have none)."""
    items: list[QueueItem] = []
    if not strength:
        for story in queue_stories(user, theme=theme, outlet=outlet)[:limit]:
            items.append(QueueItem(at=story.alert_at or story.last_seen, story=story))
    for match in queue_matches(user, theme=theme, outlet=outlet, strength=strength)[:limit]:
        items.append(QueueItem(at=match.created_at, match=match))
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


# --- alerts -------------------------------------------------------------------------------------


def rising_stories(*, now: dt.datetime | None = None) -> QuerySet[Story]:
    """Stories whose coverage rose sharply (see ALERT_*), by the date each article was
    published (or fetched, when the outlet gave no date)."""
    now = now or timezone.now()
    window_start = now - ALERT_WINDOW
    baseline_start = window_start - dt.timedelta(days=ALERT_BASELINE_DAYS)
    recent = Count("articles", filter=_article_between(window_start, now))
    before = Count("articles", filter=_article_between(baseline_start, window_start))
    return (
        Story.objects.filter(last_seen__gte=window_start)
        .annotate(recent=recent, before=before)
        .alias(
            scaled_recent=F("recent") * ALERT_BASELINE_DAYS, scaled_before=F("before") * ALERT_RATIO
        )
        # recent ≥ RATIO × before / DAYS, in integers.
        .filter(recent__gte=ALERT_MIN_ARTICLES, scaled_recent__gte=F("scaled_before"))
    )


def _article_between(start: dt.datetime, end: dt.datetime) -> Q:
    """Articles of a story dated in [start, end): published, or fetched when undated."""
    return Q(articles__published__gte=start, articles__published__lt=end) | Q(
        articles__published__isnull=True,
        articles__fetched_at__gte=start,
        articles__fetched_at__lt=end,
    )
