"""The analysis of an article, end to end: for the batch command (`classify_records`, plain data,
no database) and for ingest (`article_analyse`, writes the article, its story and claim matches).
"""

import datetime as dt
import threading
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kehoach.lib.vntext import nfc

from .claims import ClaimMatcher
from .places import Gazetteer, default_gazetteer, gazetteer_for_units
from .stories import StoryIndex, signature, signature_of
from .text import Text, language
from .themes import Analysis, ThemeSet, parse_terms, seed_conventions, train

if TYPE_CHECKING:
    from kehoach.monitoring.models import Article
    from kehoach.plans.models import Plan

# Articles of the last STORY_WINDOW_DAYS are the ones a new article may join.
STORY_WINDOW_DAYS = 14
# Beyond this many characters a page is not an article (a dump, a list): the rest is not read.
MAX_CHARS = 100_000
RETRAIN_EVERY = 10


def analyse_text(
    title: str, text: str, *, themes: ThemeSet, gazetteer: Gazetteer
) -> tuple[Analysis, str, Any]:
    """Relevance, themes, conventions and places of one article, its language and its MinHash
    signature (from the same tokens)."""
    title = nfc(title or "")[:1000].strip()
    text = (text or "")[:MAX_CHARS]
    body = Text(f"{title}\n\n{text}" if title else text)
    places = gazetteer.find(body)
    analysis = themes.analyse(body, title_end=len(title), places=places)
    return analysis, language(body.text), signature_of(body)


def classify_records(
    items: Iterable[Mapping[str, Any]],
    *,
    themes: ThemeSet | None = None,
    gazetteer: Gazetteer | None = None,
    stories: StoryIndex | None = None,
) -> Iterator[dict[str, Any]]:
    """One output record per input record ({"id","url","title","text","published"}), in order,
    streaming: {"id","relevant","score","themes","conventions","locality","lang","story"}, the
    story being the id of the first record of its group."""
    themes = themes or ThemeSet.from_seed()
    gazetteer = gazetteer or default_gazetteer()
    stories = stories if stories is not None else StoryIndex()
    for position, item in enumerate(items):
        key: Hashable = item.get("id", position)
        key = key if isinstance(key, (str, int)) else str(key)
        title, text = str(item.get("title") or ""), str(item.get("text") or "")
        analysis, lang, minhash = analyse_text(title, text, themes=themes, gazetteer=gazetteer)
        story, _score = stories.assign(
            key, title, text, minhash=minhash, published=item.get("published")
        )
        yield {
            "id": key,
            "relevant": analysis.relevant,
            "score": analysis.score,
            "themes": analysis.themes,
            "conventions": analysis.conventions,
            "locality": analysis.places,
            "lang": lang,
            "story": story,
        }


# --- From the database ------------------------------------------------------------------------


def themes_for_plan(plan: "Plan") -> ThemeSet:
    """The plan's active ThemeDefinitions, the conventions' keywords (plus the seed's) and a
    model trained from reviewers' decisions when there are enough of them."""
    from kehoach.monitoring.models import ThemeDefinition
    from kehoach.monitoring.services import review_examples
    from kehoach.plans.models import Convention

    from .themes import ThemeSpec

    specs = []
    for definition in ThemeDefinition.objects.filter(plan=plan, active=True).order_by("code"):
        excluded = [t for t, _w in parse_terms(definition.exclusions)]
        specs.append(
            ThemeSpec(
                definition.code,
                definition.name,
                tuple(parse_terms(definition.terms)),
                tuple(excluded),
            )
        )
    conventions = seed_conventions()
    for convention in Convention.objects.all():
        conventions.setdefault(convention.abbr, []).extend(
            [convention.name_vi, *(k for k in convention.keywords.splitlines() if k.strip())]
        )
    theme_set = ThemeSet(specs, conventions)
    theme_set.model = train(review_examples())
    return theme_set


def gazetteer_for_plan(plan: "Plan") -> Gazetteer:
    """Administrative units of the plan's issuer: its subtree, its ancestors, and the units
    they were merged into (the 2025 successors), with their aliases."""
    from kehoach.units.models import ADMINISTRATIVE_KINDS, Unit, UnitMerge
    from kehoach.units.selectors import unit_ancestor_ids

    issuer = plan.issuer
    while issuer.parent_id and issuer.kind not in ADMINISTRATIVE_KINDS:
        issuer = issuer.parent  # type: ignore[assignment]
    ids = set(Unit.objects.filter(path__startswith=issuer.path).values_list("pk", flat=True))
    ids.update(unit_ancestor_ids(issuer))
    merges = list(UnitMerge.objects.values_list("source_id", "successor_id"))
    frontier = set(ids)
    while frontier:
        following = {t for s, t in merges if s in frontier} - ids
        ids |= following
        frontier = following
    successors = Unit.objects.filter(pk__in=ids)
    ancestors: set[int] = set()
    for unit in successors:
        ancestors.update(unit_ancestor_ids(unit))
    ids |= ancestors
    units = list(
        Unit.objects.filter(pk__in=ids, kind__in=ADMINISTRATIVE_KINDS).prefetch_related("aliases")
    )
    return gazetteer_for_units(units, merges)


@dataclass
class _Context:
    version: tuple[Any, ...]
    themes: ThemeSet
    gazetteer: Gazetteer


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    contexts: dict[int | None, _Context] = field(default_factory=dict)
    stories: StoryIndex | None = None
    stories_seen_pk: int = 0
    claims: tuple[tuple[Any, ...], ClaimMatcher] | None = None


_state = _State()


def reset_caches() -> None:
    """Forget what this process has built (tests; after bulk edits)."""
    global _state
    _state = _State()


def plan_for_article(article: "Article") -> "Plan | None":
    """The newest plan with monitoring themes whose issuer is the source's unit or above it."""
    from kehoach.plans.models import Plan
    from kehoach.units.selectors import unit_ancestor_ids

    plans = Plan.objects.filter(monitoring_themes__isnull=False).distinct()
    if article.source_id is not None and article.source is not None:
        unit = article.source.unit
        scoped = plans.filter(issuer_id__in=[unit.pk, *unit_ancestor_ids(unit)])
        plans = scoped if scoped.exists() else plans
    return plans.order_by("-year", "-pk").first()


def _context(plan: "Plan | None") -> _Context:
    from django.db.models import Count, Max

    from kehoach.monitoring.models import Review, ThemeDefinition

    if plan is None:
        version: tuple[Any, ...] = ("seed",)
    else:
        defs = ThemeDefinition.objects.filter(plan=plan).aggregate(
            n=Count("pk"), at=Max("updated_at")
        )
        # Retrained after every RETRAIN_EVERY new decisions, not after each one.
        version = (defs["n"], defs["at"], Review.objects.count() // RETRAIN_EVERY)
    key = plan.pk if plan is not None else None
    cached = _state.contexts.get(key)
    if cached is not None and cached.version == version:
        return cached
    if plan is None:
        context = _Context(version, ThemeSet.from_seed(), default_gazetteer())
    else:
        gazetteer = gazetteer_for_plan(plan)
        context = _Context(
            version,
            themes_for_plan(plan),
            gazetteer if len(gazetteer.index) else default_gazetteer(),
        )
    _state.contexts[key] = context
    return context


def _story_index() -> StoryIndex:
    """The process's story index: recent articles loaded once, then only what others added."""
    from django.utils import timezone

    from kehoach.monitoring.models import Article

    if _state.stories is None:
        _state.stories = StoryIndex()
        since = timezone.now() - dt.timedelta(days=STORY_WINDOW_DAYS)
        recent = Article.objects.filter(story__isnull=False, fetched_at__gte=since)
    else:
        recent = Article.objects.filter(story__isnull=False, pk__gt=_state.stories_seen_pk)
    index = _state.stories
    for pk, story_id, title, text, published in (
        recent.order_by("pk")
        .values_list("pk", "story_id", "title", "text", "published")
        .iterator(chunk_size=500)
    ):
        if pk not in index:
            index.add(pk, signature(title, text), story_id, published=published)
        _state.stories_seen_pk = max(_state.stories_seen_pk, pk)
    return index


def _claim_matcher() -> ClaimMatcher:
    from django.db.models import Count, Max, Sum
    from django.db.models.functions import Length

    from kehoach.monitoring.models import FactCheck

    # FactCheck has no modification time: the total length of the claims notices most edits.
    stats = FactCheck.objects.aggregate(
        n=Count("pk"), last=Max("pk"), at=Max("created_at"), size=Sum(Length("claim"))
    )
    version = (stats["n"], stats["last"], stats["at"], stats["size"])
    if _state.claims is None or _state.claims[0] != version:
        rows = FactCheck.objects.values_list("pk", "claim")
        _state.claims = (version, ClaimMatcher(list(rows)))
    return _state.claims[1]


def article_analyse(article: "Article", *, plan: "Plan | None" = None) -> "Article":
    """Analyse a saved article: relevance, themes, conventions, places and evidence on the
    article, its story (joined or started, counts and tags updated) and its claim matches."""
    from django.db import transaction
    from django.utils import timezone

    from kehoach.monitoring.models import Article, ClaimMatch, Story

    with _state.lock:
        context = _context(plan if plan is not None else plan_for_article(article))
        analysis, lang, minhash = analyse_text(
            article.title, article.text, themes=context.themes, gazetteer=context.gazetteer
        )
        index = _story_index()
        story_id, similarity = (None, 0.0)
        if not minhash.is_empty():
            story_id, similarity = index.match(minhash, published=article.published)
        hits = _claim_matcher().match(article.title, article.text)

    now = timezone.now()
    seen = article.published or article.fetched_at or now
    with transaction.atomic():
        story = (
            Story.objects.select_for_update().filter(pk=int(str(story_id))).first()
            if story_id is not None
            else None
        )
        if story is None:
            story = Story.objects.create(title=article.title[:500], first_seen=seen, last_seen=seen)
        article.relevance = analysis.score
        article.relevant = analysis.relevant
        article.themes = analysis.themes
        article.conventions = analysis.conventions
        article.places = analysis.places
        article.evidence = {**analysis.evidence, "story_similarity": round(similarity, 4)}
        article.lang = lang
        article.analysed_at = now
        article.story = story
        article.save(
            update_fields=[
                "relevance",
                "relevant",
                "themes",
                "conventions",
                "places",
                "evidence",
                "lang",
                "analysed_at",
                "story",
            ]
        )
        story_update(story)
        for hit in hits:
            ClaimMatch.objects.update_or_create(
                article=article,
                fact_check_id=int(str(hit.claim)),
                defaults={
                    "score": hit.score,
                    "strength": hit.strength,
                    "sentence": hit.sentence,
                    "passage": hit.passage,
                },
            )
    with _state.lock:
        index.add(article.pk, minhash, story.pk, published=article.published)
        _state.stories_seen_pk = max(_state.stories_seen_pk, article.pk)
    assert isinstance(article, Article)
    return article


def story_update(story: Any) -> None:
    """Recompute a story's counts, dates, outlets and tags from its articles."""
    articles = list(
        story.articles.values_list(
            "published", "fetched_at", "outlet", "relevance", "themes", "conventions", "places"
        ).order_by("pk")
    )
    if not articles:
        return
    dates = [published or fetched for published, fetched, *_rest in articles]
    outlets: list[str] = []
    themes: set[str] = set()
    conventions: set[str] = set()
    places: list[str] = []
    for _p, _f, outlet, _r, art_themes, art_conventions, art_places in articles:
        if outlet and outlet not in outlets:
            outlets.append(outlet)
        themes.update(art_themes or [])
        conventions.update(art_conventions or [])
        places.extend(p for p in art_places or [] if p not in places)
    from .themes import CONVENTIONS, RELEVANCE_THRESHOLD

    story.first_seen = min(dates)
    story.last_seen = max(dates)
    story.article_count = len(articles)
    story.outlets = outlets
    story.relevance = max(row[3] for row in articles)
    story.relevant = story.relevance >= RELEVANCE_THRESHOLD
    story.themes = sorted(themes)
    story.conventions = [c for c in CONVENTIONS if c in conventions]
    story.places = places
    story.save(
        update_fields=[
            "first_seen",
            "last_seen",
            "article_count",
            "outlets",
            "relevance",
            "relevant",
            "themes",
            "conventions",
            "places",
        ]
    )
