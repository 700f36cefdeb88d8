"""Writes of monitoring."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kehoach.plans.models import Plan

from .models import Decision, RawPage, Review, ThemeDefinition

# --- Themes and analysis ----------------------------------------------------------------------
# Exclusions of every active theme mask their spans for all themes ("quyền sử dụng đất" is no
# right in any theme); the seed keeps its shared exclusions on the theme where "quyền" is
# ambiguous most often.
SEED_EXCLUSIONS_THEME = "T2"
# Decisions used to learn relevance: the newest per item, at most this many.
MAX_TRAINING_DECISIONS = 5000


@transaction.atomic
def theme_definitions_seed(*, plan: Plan, replace: bool = False) -> list[ThemeDefinition]:
    """ThemeDefinitions T1–T5 of `plan` from data/themes-seed.json, linked to the plan's content
    themes in order. Existing ones are kept as staff edited them unless `replace`."""
    from .analysis.themes import load_seed

    seed = load_seed()
    plan_themes = list(plan.themes.order_by("order", "pk"))
    shared = list(seed.get("exclusions", []))
    out = []
    for item in seed["themes"]:
        exclusions = list(item.get("exclusions", []))
        if item["code"] == SEED_EXCLUSIONS_THEME:
            exclusions += shared
        order = int(item.get("theme_order", -1))
        values: dict[str, Any] = {
            "name": item["name"][:200],
            "terms": "\n".join(item["terms"]),
            "exclusions": "\n".join(exclusions),
            "theme": plan_themes[order] if 0 <= order < len(plan_themes) else None,
            "active": True,
        }
        definition = ThemeDefinition.objects.filter(plan=plan, code=item["code"]).first()
        if definition is None:
            definition = ThemeDefinition.objects.create(plan=plan, code=item["code"], **values)
        elif replace:
            for name, value in values.items():
                setattr(definition, name, value)
            definition.save()
        out.append(definition)
    return out


def review_examples() -> list[tuple[str, bool, list[str]]]:
    """(text, relevant, themes) from reviewers' relevance decisions on articles and stories,
    the newest decision per item: what the themes model learns from."""
    seen: set[tuple[str, int]] = set()
    examples: list[tuple[str, bool, list[str]]] = []
    reviews = (
        Review.objects.filter(decision__in=[Decision.RELEVANT, Decision.NOT_RELEVANT])
        .filter(article__isnull=False)
        .select_related("article")
        .order_by("-at", "-pk")[:MAX_TRAINING_DECISIONS]
    )
    for review in reviews:
        article = review.article
        assert article is not None
        if ("a", article.pk) in seen:
            continue
        seen.add(("a", article.pk))
        examples.append(
            (
                f"{article.title}\n\n{article.text}",
                review.decision == Decision.RELEVANT,
                list(review.themes or []),
            )
        )
    story_reviews = (
        Review.objects.filter(decision__in=[Decision.RELEVANT, Decision.NOT_RELEVANT])
        .filter(story__isnull=False, article__isnull=True)
        .order_by("-at", "-pk")[:MAX_TRAINING_DECISIONS]
    )
    for review in story_reviews:
        assert review.story_id is not None
        if ("s", review.story_id) in seen:
            continue
        seen.add(("s", review.story_id))
        first = review.story.articles.order_by("pk").first() if review.story else None
        if first is None:
            continue
        examples.append(
            (
                f"{first.title}\n\n{first.text}",
                review.decision == Decision.RELEVANT,
                list(review.themes or []),
            )
        )
    return examples


# --- end of themes and analysis ---------------------------------------------------------------


# --- Retention ---------------------------------------------------------------------------------


def raw_pages_purge(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete the raw pages fetched more than `days` (KEHOACH_RAW_PAGE_RETENTION_DAYS) ago; the
    articles keep their extracted text, analysis and reviews. Returns how many were deleted."""
    keep = days if days is not None else settings.KEHOACH_RAW_PAGE_RETENTION_DAYS
    cutoff = (now or timezone.now()) - dt.timedelta(days=keep)
    deleted, _by_model = RawPage.objects.filter(fetched_at__lt=cutoff).delete()
    return deleted
