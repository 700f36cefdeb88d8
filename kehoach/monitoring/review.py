"""Writes of the people who review monitoring: decisions about stories, articles and claim
matches, fact-checks (typed in or imported from schema.org ClaimReview markup), coverage alerts
and the news sources themselves.

Every decision is kept as a Review row; the analysis learns from them and never overwrites them.
"""

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from kehoach.lib.vntext import search_key
from kehoach.units.models import Unit

from . import selectors
from .models import (
    Article,
    ClaimMatch,
    Decision,
    FactCheck,
    Language,
    Review,
    Source,
    Story,
    Verdict,
)

UserLike = AbstractBaseUser | AnonymousUser | None

THEME_CODES = ("T1", "T2", "T3", "T4", "T5")
STORY_DECISIONS = {Decision.RELEVANT, Decision.NOT_RELEVANT}
MATCH_DECISIONS = {Decision.CONFIRMED, Decision.REJECTED, Decision.ANSWERED}


def _user(by: UserLike) -> User | None:
    return by if isinstance(by, User) else None


# --- decisions ----------------------------------------------------------------------------------


@transaction.atomic
def review_record(
    *,
    by: UserLike,
    story: Story | None = None,
    article: Article | None = None,
    claim_match: ClaimMatch | None = None,
    decision: str,
    themes: Iterable[str] = (),
    note: str = "",
) -> Review:
    """Keep a reviewer's decision about exactly one story, article or claim match. A reviewed
    story leaves the queue and its coverage alert is cleared."""
    targets = [t for t in (story, article, claim_match) if t is not None]
    if len(targets) != 1:
        raise ValidationError(_("A review is about one story, one article or one claim match."))
    allowed = MATCH_DECISIONS if claim_match is not None else STORY_DECISIONS
    if decision not in allowed:
        raise ValidationError(_("This decision does not apply here."), code="decision")
    codes = sorted(set(themes))
    unknown = [code for code in codes if code not in THEME_CODES]
    if unknown:
        raise ValidationError(
            _("Unknown themes: %(codes)s.") % {"codes": ", ".join(unknown)}, code="themes"
        )
    note = note.strip()
    if decision == Decision.ANSWERED and not note:
        raise ValidationError(_("Write the answer given."), code="note")
    review = Review.objects.create(
        story=story,
        article=article,
        claim_match=claim_match,
        decision=decision,
        themes=codes,
        note=note,
        by=_user(by),
    )
    if story is not None and story.alert_at is not None:
        story.alert_at = None
        story.save(update_fields=["alert_at"])
    return review


def alerts_refresh(*, now: dt.datetime | None = None) -> int:
    """Open a coverage alert on every relevant story whose coverage rose sharply and that has
    none open; returns how many were opened."""
    now = now or timezone.now()
    rising = selectors.rising_stories(now=now).filter(relevant=True, alert_at__isnull=True)
    ids = list(rising.values_list("pk", flat=True))
    return Story.objects.filter(pk__in=ids).update(alert_at=now)


# --- fact-checks --------------------------------------------------------------------------------


def fact_check_create(
    *,
    by: UserLike,
    claim: str,
    verdict: str,
    verdict_as_written: str = "",
    explanation: str = "",
    source_url: str = "",
    publisher: str = "",
    published: dt.date | None = None,
    lang: str = Language.VIETNAMESE,
) -> FactCheck:
    fact_check = FactCheck(
        claim=claim.strip(),
        verdict=verdict,
        verdict_as_written=verdict_as_written.strip()[:200],
        explanation=explanation.strip(),
        source_url=source_url.strip(),
        publisher=publisher.strip()[:255],
        published=published,
        lang=lang,
        created_by=_user(by),
    )
    fact_check.full_clean()
    fact_check.save()
    return fact_check


FACT_CHECK_FIELDS = (
    "claim",
    "verdict",
    "verdict_as_written",
    "explanation",
    "source_url",
    "publisher",
    "published",
    "lang",
)


def fact_check_update(*, fact_check: FactCheck, by: UserLike, **fields: Any) -> FactCheck:
    unknown = set(fields) - set(FACT_CHECK_FIELDS)
    if unknown:
        raise TypeError(f"not fields of a fact-check: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(fact_check, name, value.strip() if isinstance(value, str) else value)
    fact_check.full_clean()
    fact_check.save()
    return fact_check


def fact_check_delete(*, fact_check: FactCheck, by: UserLike) -> None:
    """Delete a fact-check entered by mistake, with its matches; refused once a reviewer has
    decided about one of them (the decision and the answer given are kept)."""
    if Review.objects.filter(claim_match__fact_check=fact_check).exists():
        raise ValidationError(
            _("Reviewers have decided about matches of this fact-check: it is kept."),
            code="reviewed",
        )
    fact_check.delete()


# The verdicts fact-checkers write, by their search key (no diacritics, lower case), checked
# longest first so "khong dung su that" is not read as "dung su that".
VERDICT_WORDS: tuple[tuple[str, str], ...] = (
    ("sai su that", Verdict.FALSE),
    ("khong dung su that", Verdict.FALSE),
    ("tin gia", Verdict.FALSE),
    ("bia dat", Verdict.FALSE),
    ("xuyen tac", Verdict.FALSE),
    ("gay hieu lam", Verdict.MISLEADING),
    ("sai lech", Verdict.MISLEADING),
    ("dung mot phan", Verdict.MIXED),
    ("mot phan", Verdict.MIXED),
    ("chua kiem chung", Verdict.UNPROVEN),
    ("chua co can cu", Verdict.UNPROVEN),
    ("dung su that", Verdict.TRUE),
    ("chinh xac", Verdict.TRUE),
    ("sai", Verdict.FALSE),
    ("dung", Verdict.TRUE),
    ("pants on fire", Verdict.FALSE),
    ("mostly false", Verdict.MISLEADING),
    ("misleading", Verdict.MISLEADING),
    ("missing context", Verdict.MISLEADING),
    ("half true", Verdict.MIXED),
    ("mixture", Verdict.MIXED),
    ("partly false", Verdict.MIXED),
    ("partly true", Verdict.MIXED),
    ("mostly true", Verdict.TRUE),
    ("unproven", Verdict.UNPROVEN),
    ("unverified", Verdict.UNPROVEN),
    ("false", Verdict.FALSE),
    ("fake", Verdict.FALSE),
    ("incorrect", Verdict.FALSE),
    ("true", Verdict.TRUE),
    ("correct", Verdict.TRUE),
)


def verdict_from_text(text: str) -> str | None:
    key = f" {search_key(text)} "
    key = re.sub(r"[^a-z0-9]+", " ", key)
    for words, verdict in sorted(VERDICT_WORDS, key=lambda item: -len(item[0])):
        if f" {words} " in key:
            return verdict
    return None


def verdict_from_rating(rating: dict[str, Any]) -> str | None:
    """The verdict of a schema.org Rating: its words first, else its number on its scale
    (1 = worst = false, best = true)."""
    for field in ("alternateName", "name"):
        value = rating.get(field)
        if isinstance(value, str) and value.strip():
            verdict = verdict_from_text(value)
            if verdict is not None:
                return verdict
    try:
        value = float(rating["ratingValue"])
        worst = float(rating.get("worstRating", 1))
        best = float(rating.get("bestRating", 5))
    except (KeyError, TypeError, ValueError):
        return None
    if best <= worst:
        return None
    position = (value - worst) / (best - worst)
    if position <= 0.25:
        return Verdict.FALSE
    if position < 0.5:
        return Verdict.MISLEADING
    if position < 0.75:
        return Verdict.MIXED
    return Verdict.TRUE


class _JsonLdScripts(HTMLParser):
    """The text of every <script type="application/ld+json"> of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = (dict(attrs).get("type") or "").strip().lower()
        if tag == "script" and kind == "application/ld+json":
            self._inside = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.scripts[-1] += data


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement", "item"):
            if key in node:
                yield from _walk(node[key])


def _is_claim_review(node: dict[str, Any]) -> bool:
    kinds = node.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] == "ClaimReview" for k in kinds)


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("text") or ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else ""


def claim_reviews_parse(html_or_jsonld: str) -> list[dict[str, Any]]:
    """The fact-checks of a page (or of bare JSON-LD) as FactCheck fields, checked; raises
    ValidationError with every problem found."""
    document = html_or_jsonld.strip()
    if not document:
        raise ValidationError(_("Paste the page or its JSON-LD markup."), code="empty")
    if document[0] in "[{":
        sources = [document]
    else:
        parser = _JsonLdScripts()
        parser.feed(document)
        sources = parser.scripts
        if not sources:
            raise ValidationError(
                _("The page has no schema.org markup (no application/ld+json script)."),
                code="no_markup",
            )
    nodes: list[dict[str, Any]] = []
    for number, source in enumerate(sources, start=1):
        try:
            data = json.loads(source)
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("Markup block %(number)s is not valid JSON (line %(line)s): %(error)s.")
                % {"number": number, "line": error.lineno, "error": error.msg},
                code="json",
            ) from error
        nodes.extend(node for node in _walk(data) if _is_claim_review(node))
    if not nodes:
        raise ValidationError(
            _("The markup holds no ClaimReview (a schema.org fact-check)."), code="none"
        )
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, node in enumerate(nodes, start=1):
        claim = _text(node.get("claimReviewed"))
        rating = node.get("reviewRating")
        rating = rating[0] if isinstance(rating, list) and rating else rating
        if not claim:
            errors.append(_("Fact-check %(number)s has no claimReviewed.") % {"number": number})
            continue
        if not isinstance(rating, dict):
            errors.append(_("Fact-check %(number)s has no reviewRating.") % {"number": number})
            continue
        verdict = verdict_from_rating(rating)
        written = _text(rating.get("alternateName")) or _text(rating.get("name"))
        if verdict is None:
            errors.append(
                _("Fact-check %(number)s: the verdict “%(verdict)s” is not one we know.")
                % {"number": number, "verdict": written or rating.get("ratingValue", "")}
            )
            continue
        item = node.get("itemReviewed")
        appearance = ""
        if isinstance(item, dict):
            appearance = _text(item.get("appearance")) or _text(item.get("url"))
            first = item.get("appearance")
            if isinstance(first, list) and first and isinstance(first[0], dict):
                appearance = _text(first[0].get("url")) or appearance
        explanation = _text(node.get("reviewBody")) or _text(node.get("description"))
        if appearance:
            explanation = (explanation + "\n" if explanation else "") + appearance
        date_text = _text(node.get("datePublished"))
        published = None
        if date_text:
            moment = parse_datetime(date_text)
            published = moment.date() if moment else parse_date(date_text[:10])
        lang = _text(node.get("inLanguage"))[:2].lower()
        results.append(
            {
                "claim": claim,
                "verdict": verdict,
                "verdict_as_written": written,
                "explanation": explanation,
                "source_url": _text(node.get("url")),
                "publisher": _text(node.get("author")) or _text(node.get("publisher")),
                "published": published,
                "lang": lang if lang in ("vi", "en") else Language.VIETNAMESE,
            }
        )
    if errors:
        raise ValidationError(errors)
    return results


@transaction.atomic
def fact_check_import_claimreview(html_or_jsonld: str, *, by: UserLike = None) -> list[FactCheck]:
    """Import the ClaimReview fact-checks of a page. Nothing is saved unless all are valid; a
    fact-check already kept (same claim and source link) is not duplicated."""
    created: list[FactCheck] = []
    for fields in claim_reviews_parse(html_or_jsonld):
        existing = FactCheck.objects.filter(
            claim=fields["claim"], source_url=fields["source_url"]
        ).first()
        if existing is not None:
            continue
        try:
            created.append(fact_check_create(by=by, **fields))
        except ValidationError as error:
            raise ValidationError(
                _("The fact-check “%(claim)s” is not valid: %(errors)s")
                % {"claim": fields["claim"][:80], "errors": "; ".join(error.messages)}
            ) from error
    return created


# --- sources ------------------------------------------------------------------------------------

SOURCE_FIELDS = ("name", "kind", "url", "interval_minutes", "max_items", "silent_after_days")


def source_create(*, unit: Unit, by: UserLike, **fields: Any) -> Source:
    source = Source(unit=unit, created_by=_user(by), next_fetch_at=timezone.now())
    for name in SOURCE_FIELDS:
        if name in fields:
            setattr(source, name, fields[name])
    source.full_clean()
    source.save()
    return source


def source_update(*, source: Source, by: UserLike, **fields: Any) -> Source:
    unknown = set(fields) - set(SOURCE_FIELDS) - {"unit", "active"}
    if unknown:
        raise TypeError(f"not fields of a source: {sorted(unknown)}")
    address_changed = "url" in fields and fields["url"] != source.url
    for name, value in fields.items():
        setattr(source, name, value)
    if address_changed:
        # Validators of the old address do not apply to the new one.
        source.etag = source.last_modified = ""
        source.consecutive_failures = 0
        source.next_fetch_at = timezone.now()
    source.full_clean()
    source.save()
    return source


def source_deactivate(*, source: Source, by: UserLike) -> Source:
    """Stop fetching the source; its articles and fetch history stay."""
    source.active = False
    source.next_fetch_at = None
    source.save(update_fields=["active", "next_fetch_at"])
    return source


def source_activate(*, source: Source, by: UserLike) -> Source:
    source.active = True
    source.next_fetch_at = timezone.now()
    source.save(update_fields=["active", "next_fetch_at"])
    return source
