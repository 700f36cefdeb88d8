"""What the public sees: products and plan results that staff approved, and the search index.

A `Publication` is the editorial envelope of one product record (kind "product") or of one
plan's public progress page (kind "results"): draft → approved → published (now or at a set
time) → withdrawn. Only what `selectors.public_publications()` returns is public; every public
output (pages, feeds, embeds, sitemap, open data, files) asks it and nothing else.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kehoach.activities.models import Record
from kehoach.plans.models import Plan
from kehoach.units.models import Unit


class PublicationKind(models.TextChoices):
    PRODUCT = "product", _("Communication product")
    RESULTS = "results", _("Plan results")


class PublicationState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("publication state", "Draft")
    APPROVED = "approved", pgettext_lazy("publication state", "Approved")
    PUBLISHED = "published", pgettext_lazy("publication state", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("publication state", "Withdrawn")


class Licence(models.TextChoices):
    CC_BY_4 = "CC-BY-4.0", _("Creative Commons Attribution 4.0 International")
    CC0 = "CC0-1.0", _("Creative Commons Zero 1.0 (public domain)")


LICENCE_URLS = {
    Licence.CC_BY_4: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}


class Publication(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=PublicationKind.choices)
    record = models.OneToOneField(
        Record,
        verbose_name=_("record"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="publication",
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="publications"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="publications"
    )
    title = models.CharField(_("title"), max_length=500)
    title_en = models.CharField(_("title in English"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=PublicationState.choices, default=PublicationState.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.CC_BY_4
    )
    search_key = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["state", "published_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(kind="results"),
                name="publishing_one_results_page_per_plan",
            ),
            models.CheckConstraint(
                condition=Q(kind="results") | Q(record__isnull=False),
                name="publishing_product_has_record",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PublicationAction(models.TextChoices):
    CREATED = "created", pgettext_lazy("publication event", "created")
    EDITED = "edited", pgettext_lazy("publication event", "edited")
    APPROVED = "approved", pgettext_lazy("publication event", "approved")
    SCHEDULED = "scheduled", pgettext_lazy("publication event", "scheduled")
    PUBLISHED = "published", pgettext_lazy("publication event", "published")
    WITHDRAWN = "withdrawn", pgettext_lazy("publication event", "withdrawn")
    REOPENED = "reopened", pgettext_lazy("publication event", "returned to draft")


class PublicationEvent(models.Model):
    """One step of a publication's workflow: who, when, what, and why when it matters."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=PublicationAction.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("publication event")
        verbose_name_plural = _("publication events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class SearchKind(models.TextChoices):
    RECORD = "record", _("record")
    PUBLICATION = "publication", _("publication")


class SearchDocument(models.Model):
    """One searchable object: its text as a search key (no diacritics, one tone placement,
    casefolded; `kehoach.lib.vntext.search_key`), indexed by SQLite FTS5 or PostgreSQL full-text
    search (see search.py)."""

    kind = models.CharField(max_length=12, choices=SearchKind.choices)
    object_id = models.BigIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    public = models.BooleanField(default=False)
    title = models.CharField(max_length=500)
    body = models.TextField()
    date = models.DateField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="publishing_one_search_document"
            )
        ]

    def __str__(self) -> str:
        return self.title
