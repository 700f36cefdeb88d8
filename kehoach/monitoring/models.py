"""Monitoring of public news: sources staff configure, the articles fetched from them, stories
(the same event across outlets), fact-checks and the matches of articles against them, reviews
and bulletins.

Content, not people: no model here holds a profile of a person, an account or an author. Every
automatic tag, score or match is a suggestion kept with its evidence; a Review keeps what a
person decided.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kehoach.activities.models import Record
from kehoach.plans.models import Plan, Theme
from kehoach.units.models import Unit


class SourceKind(models.TextChoices):
    FEED = "feed", _("RSS or Atom feed")
    SITEMAP = "sitemap", _("Sitemap")
    LISTING = "listing", _("Listing page")


class Source(models.Model):
    """A public news outlet's feed, sitemap or listing page, fetched on its own schedule.

    `unit` is the unit whose staff configure it and review what it brings (the district's
    Phòng Văn hóa và Thông tin for the seed plan)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="news_sources"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=SourceKind.choices)
    url = models.URLField(_("address"), max_length=1000, unique=True)
    active = models.BooleanField(_("active"), default=True)
    interval_minutes = models.PositiveIntegerField(_("fetch every (minutes)"), default=60)
    max_items = models.PositiveIntegerField(_("most items read per fetch"), default=200)
    # Flagged when nothing new has come for this long.
    silent_after_days = models.PositiveSmallIntegerField(_("silent after (days)"), default=7)
    # Conditional GET validators of the last successful fetch.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_fetch_at = models.DateTimeField(_("next fetch"), null=True, blank=True)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_new_article_at = models.DateTimeField(_("last new article"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("news source")
        verbose_name_plural = _("news sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HostState(models.Model):
    """Politeness per host, shared by every worker process: when the next request may go, and
    the host's robots.txt as last read."""

    host = models.CharField(max_length=255, unique=True)
    next_request_at = models.DateTimeField(null=True, blank=True)
    robots_txt = models.TextField(blank=True)
    robots_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("host")
        verbose_name_plural = _("hosts")

    def __str__(self) -> str:
        return self.host


class FetchOutcome(models.TextChoices):
    OK = "ok", _("Fetched")
    NOT_MODIFIED = "not_modified", _("Not modified")
    ERROR = "error", _("Error")
    SKIPPED = "skipped", _("Skipped")


class FetchRun(models.Model):
    """One fetch of a source: kept, failures included, so a source's history shows its errors."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=15, choices=FetchOutcome.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    items_seen = models.PositiveIntegerField(_("items seen"), default=0)
    articles_new = models.PositiveIntegerField(_("new articles"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("fetch")
        verbose_name_plural = _("fetches")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["source", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.source}: {self.outcome}"


class Language(models.TextChoices):
    VIETNAMESE = "vi", _("Vietnamese")
    ENGLISH = "en", _("English")
    OTHER = "other", _("Other")


class Story(models.Model):
    """Articles about the same event across outlets: near-duplicates and follow-ups."""

    title = models.CharField(_("title"), max_length=500)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    article_count = models.PositiveIntegerField(_("articles"), default=0)
    outlets = models.JSONField(_("outlets"), default=list, blank=True)
    relevance = models.FloatField(_("relevance"), default=0)
    relevant = models.BooleanField(_("relevant"), default=False)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    conventions = models.JSONField(_("conventions"), default=list, blank=True)
    places = models.JSONField(_("places"), default=list, blank=True)
    # Set when the story's coverage rose sharply; cleared by a review.
    alert_at = models.DateTimeField(_("coverage alert"), null=True, blank=True)

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-last_seen", "-pk"]
        indexes = [models.Index(fields=["relevant", "-last_seen"])]

    def __str__(self) -> str:
        return self.title


class Article(models.Model):
    """One article per canonical address, with its extracted text and its analysis."""

    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    url = models.URLField(_("address"), max_length=2000)
    canonical_url = models.URLField(_("canonical address"), max_length=2000)
    # sha256 of the canonical address: unique, and short enough for every database's index.
    url_hash = models.CharField(max_length=64, unique=True)
    outlet = models.CharField(_("outlet"), max_length=255, blank=True)  # the host name
    title = models.CharField(_("title"), max_length=1000)
    text = models.TextField(_("text"), blank=True)
    lang = models.CharField(_("language"), max_length=5, choices=Language.choices, default="other")
    published = models.DateTimeField(_("published"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched"))
    search_text = models.TextField(blank=True, editable=False)  # lib.vntext.search_key
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # Analysis: suggestions with their evidence, never decisions.
    relevance = models.FloatField(_("relevance"), default=0)
    relevant = models.BooleanField(_("relevant"), default=False)
    themes = models.JSONField(_("themes"), default=list, blank=True)  # ["T1", ...]
    conventions = models.JSONField(_("conventions"), default=list, blank=True)  # ["CRC", ...]
    places = models.JSONField(_("places"), default=list, blank=True)  # unit names found
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)  # terms and passages
    analysed_at = models.DateTimeField(_("analysed"), null=True, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published", "-pk"]
        indexes = [
            models.Index(fields=["relevant", "-published"]),
            models.Index(fields=["story"]),
        ]

    def __str__(self) -> str:
        return self.title


class RawPage(models.Model):
    """The page as fetched, kept for audit: what the extraction read."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="raw"
    )
    final_url = models.URLField(max_length=2000)
    http_status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=200, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body_gzip = models.BinaryField()  # the bytes as received, gzip-compressed
    fetched_at = models.DateTimeField()

    class Meta:
        verbose_name = _("raw page")
        verbose_name_plural = _("raw pages")
        # The daily purge of old pages (services.raw_pages_purge) reads this index, not the pages.
        indexes = [models.Index(fields=["fetched_at"])]

    def __str__(self) -> str:
        return self.final_url


class ThemeDefinition(models.Model):
    """What a content theme of a plan looks like in the news: terms staff edit (one per line;
    a line of several words is a phrase). Codes T1–T5 follow the seed plan's items III.1–III.5."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="monitoring_themes")
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    terms = models.TextField(_("terms"), blank=True)
    # Terms that make a match not count ("quyền sử dụng đất", "quyền Chủ tịch").
    exclusions = models.TextField(_("excluded terms"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("monitoring theme")
        verbose_name_plural = _("monitoring themes")
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="monitoringtheme_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Verdict(models.TextChoices):
    FALSE = "false", _("False")
    MISLEADING = "misleading", _("Misleading")
    MIXED = "mixed", _("Partly true")
    TRUE = "true", _("True")
    UNPROVEN = "unproven", _("Unproven")


class FactCheck(models.Model):
    """A verified fact-check: a claim, its verdict and why, with the link to the source."""

    claim = models.TextField(_("claim"))
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices)
    verdict_as_written = models.CharField(_("verdict as written"), max_length=200, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    source_url = models.URLField(_("source"), max_length=2000, blank=True)
    publisher = models.CharField(_("publisher"), max_length=255, blank=True)
    published = models.DateField(_("published"), null=True, blank=True)
    lang = models.CharField(_("language"), max_length=5, choices=Language.choices, default="vi")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fact-check")
        verbose_name_plural = _("fact-checks")
        ordering = ["-published", "-pk"]

    def __str__(self) -> str:
        return self.claim[:80]


class MatchStrength(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    STRONG = "strong", _("Strong")


class ClaimMatch(models.Model):
    """A sentence of an article that resembles a fact-checked claim, with the passages."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claim_matches")
    fact_check = models.ForeignKey(FactCheck, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField(_("score"))
    strength = models.CharField(_("strength"), max_length=10, choices=MatchStrength.choices)
    sentence = models.TextField(_("sentence of the article"))
    passage = models.TextField(_("passage of the claim"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("claim match")
        verbose_name_plural = _("claim matches")
        ordering = ["-score", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "fact_check"], name="claimmatch_once_per_article"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} ~ {self.fact_check_id} ({self.score:.2f})"


class Decision(models.TextChoices):
    RELEVANT = "relevant", _("Relevant")
    NOT_RELEVANT = "not_relevant", _("Not relevant")
    CONFIRMED = "confirmed", _("Match confirmed")
    REJECTED = "rejected", _("Match rejected")
    ANSWERED = "answered", _("Answered")


class Review(models.Model):
    """What a reviewer decided about a story, an article or a claim match, and when."""

    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    claim_match = models.ForeignKey(
        ClaimMatch, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    decision = models.CharField(_("decision"), max_length=15, choices=Decision.choices)
    # The themes the reviewer says the item has: what the model learns from.
    themes = models.JSONField(_("themes"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)  # e.g. the answer given
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.decision


class BulletinKind(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class MonitoringBulletin(models.Model):
    """A synthesis of a day or a week; issuing it writes a record of the plan's task."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="monitoring_bulletins")
    kind = models.CharField(_("kind"), max_length=10, choices=BulletinKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    content = models.JSONField(_("content"), default=dict)
    record = models.OneToOneField(
        Record, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("news bulletin")
        verbose_name_plural = _("news bulletins")
        ordering = ["-end", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}–{self.end}"
