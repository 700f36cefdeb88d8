"""What units did to carry out a plan: records of every kind, and the rules that turn records
into the values of a plan's targets.

A `Record` holds what every kind shares (unit, date, tasks, themes, conventions, attachments); the
kind's own fields live in a one-to-one detail table (`Product`, `Training` …) keyed by the record,
so lists across kinds are one table and bulk loads stay possible.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kehoach.lib.vntext import search_key
from kehoach.people.models import Person
from kehoach.plans.models import Convention, Target, Task, Theme
from kehoach.units.models import Unit


class RecordKind(models.TextChoices):
    PRODUCT = "product", _("Communication product")
    TRAINING = "training", _("Training or conference")
    BRIEFING = "briefing", _("Press briefing")
    BROADCAST = "broadcast", _("Radio broadcast")
    PORTAL_POST = "portal_post", _("Portal post")
    VISUAL = "visual", _("Visual campaign")
    CONTEST = "contest", _("Contest entry")
    BULLETIN = "bulletin", _("Monitoring bulletin")


class Record(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=RecordKind.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="records"
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    tasks = models.ManyToManyField(Task, verbose_name=_("tasks"), related_name="records")
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="records"
    )
    conventions = models.ManyToManyField(
        Convention, verbose_name=_("conventions"), blank=True, related_name="records"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("record")
        verbose_name_plural = _("records")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["unit", "date"]),
            models.Index(fields=["kind", "date"]),
        ]

    def __str__(self) -> str:
        return self.title

    def refresh_keys(self) -> None:
        self.search_text = search_key(f"{self.title} {self.description}")


def attachment_path(instance: "Attachment", filename: str) -> str:
    """records/2024/06/<random>/<name as uploaded>: the name is the one the public file is served
    under (kehoach.publishing.files), so it is never changed to avoid a clash with another file."""
    return f"records/{timezone.now():%Y/%m}/{secrets.token_hex(6)}/{filename}"


class Attachment(models.Model):
    """A file, a photo or a link that shows the record happened."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    # Of a file, as found by kehoach.lib.uploads.check_upload from its content (empty for links
    # and for files stored before the checks); files.attachment_serve sends them.
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.caption or self.url or self.file.name


class LanguageGroup(models.TextChoices):
    VIETNAMESE = "vi", _("Vietnamese")
    MINORITY = "minority", _("Ethnic-minority language")
    FOREIGN = "foreign", _("Foreign language")


class Language(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    group = models.CharField(_("group"), max_length=10, choices=LanguageGroup.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Platform(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    digital = models.BooleanField(_("digital platform"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ProductKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    RADIO = "radio", _("Radio programme")
    TELEVISION = "television", _("Television report")
    VIDEO = "video", _("Video")
    POSTER = "poster", _("Poster or banner")
    LEAFLET = "leaflet", _("Leaflet")
    BOOK = "book", _("Book")
    INFOGRAPHIC = "infographic", _("Infographic")
    SOCIAL = "social", _("Social-media post")
    OTHER = "other", _("Other")


class Product(models.Model):
    """A communication product. The two flags are kept by the services from the languages and
    platforms, so that shares over a million records are counted on indexed columns."""

    record = models.OneToOneField(
        Record, primary_key=True, on_delete=models.CASCADE, related_name="product"
    )
    product_kind = models.CharField(_("product kind"), max_length=20, choices=ProductKind.choices)
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), related_name="+")
    platforms = models.ManyToManyField(Platform, verbose_name=_("platforms"), related_name="+")
    url = models.URLField(_("link"), max_length=500, blank=True)
    digitised = models.BooleanField(_("digitised"), default=False)
    published_online = models.BooleanField(_("published online"), default=False)
    in_minority_or_foreign_language = models.BooleanField(default=False, editable=False)
    on_digital_platform = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("communication product")
        verbose_name_plural = _("communication products")

    def __str__(self) -> str:
        return str(self.record)


class TrainingKind(models.TextChoices):
    TRAINING = "training", _("Training")
    CONFERENCE = "conference", _("Conference")


class Training(models.Model):
    record = models.OneToOneField(
        Record, primary_key=True, on_delete=models.CASCADE, related_name="training"
    )
    training_kind = models.CharField(
        _("training kind"), max_length=12, choices=TrainingKind.choices
    )
    organiser = models.CharField(_("organiser"), max_length=255, blank=True)
    attendees: "models.ManyToManyField[Person, Attendance]" = models.ManyToManyField(
        Person, through="Attendance", verbose_name=_("attendees"), related_name="trainings"
    )

    class Meta:
        verbose_name = _("training or conference")
        verbose_name_plural = _("trainings and conferences")

    def __str__(self) -> str:
        return str(self.record)


class Attendance(models.Model):
    """A person at a training, with the duties they held then (duties change over time)."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")
    duties = models.CharField(_("duties held"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["training", "person"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.training}"


class PressBriefing(models.Model):
    record = models.OneToOneField(
        Record, primary_key=True, on_delete=models.CASCADE, related_name="briefing"
    )
    spokesperson = models.ForeignKey(
        Person,
        verbose_name=_("spokesperson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="briefings",
    )
    journalists = models.PositiveIntegerField(_("journalists present"), null=True, blank=True)

    class Meta:
        verbose_name = _("press briefing")
        verbose_name_plural = _("press briefings")

    def __str__(self) -> str:
        return str(self.record)


class Broadcast(models.Model):
    record = models.OneToOneField(
        Record, primary_key=True, on_delete=models.CASCADE, related_name="broadcast"
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product aired"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="broadcasts",
    )
    station = models.CharField(_("station"), max_length=255)
    first_aired = models.DateField(_("first aired"))
    last_aired = models.DateField(_("last aired"), null=True, blank=True)
    times_aired = models.PositiveIntegerField(_("times aired"), default=1)

    class Meta:
        verbose_name = _("radio broadcast")
        verbose_name_plural = _("radio broadcasts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_aired__isnull=True)
                | models.Q(last_aired__gte=models.F("first_aired")),
                name="broadcast_last_after_first",
            ),
            models.CheckConstraint(condition=models.Q(times_aired__gte=1), name="aired_once"),
        ]

    def __str__(self) -> str:
        return str(self.record)


class PortalPost(models.Model):
    record = models.OneToOneField(
        Record, primary_key=True, on_delete=models.CASCADE, related_name="portal_post"
    )
    url = models.URLField(_("link"), max_length=500)
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="portal_posts"
    )

    class Meta:
        verbose_name = _("portal post")
        verbose_name_plural = _("portal posts")

    def __str__(self) -> str:
        return str(self.record)


class VisualItem(models.TextChoices):
    BANNER = "banner", _("Banner")
    POSTER = "poster", _("Poster")
    PANEL = "panel", _("Panel")
    OTHER = "other", _("Other")


class VisualCampaign(models.Model):
    record = models.OneToOneField(
        Record, primary_key=True, on_delete=models.CASCADE, related_name="visual"
    )
    item = models.CharField(_("item"), max_length=10, choices=VisualItem.choices)
    quantity = models.PositiveIntegerField(_("how many"))
    location = models.CharField(_("where"), max_length=255)

    class Meta:
        verbose_name = _("visual campaign")
        verbose_name_plural = _("visual campaigns")

    def __str__(self) -> str:
        return str(self.record)


class ContestEntry(models.Model):
    record = models.OneToOneField(
        Record, primary_key=True, on_delete=models.CASCADE, related_name="contest_entry"
    )
    contest = models.CharField(_("contest"), max_length=255)
    url = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("contest entry")
        verbose_name_plural = _("contest entries")

    def __str__(self) -> str:
        return str(self.record)


class Bulletin(models.Model):
    record = models.OneToOneField(
        Record, primary_key=True, on_delete=models.CASCADE, related_name="bulletin"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    items = models.PositiveIntegerField(_("items reported"), default=0)

    class Meta:
        verbose_name = _("monitoring bulletin")
        verbose_name_plural = _("monitoring bulletins")

    def __str__(self) -> str:
        return str(self.record)


class RuleKind(models.TextChoices):
    """How a target is computed from records; the parameters are stored with the rule."""

    SPOKESPERSON_SHARE = "spokesperson_share", _("Share of agencies with a working spokesperson")
    TRAINED_SHARE = "trained_share", _("Share of responsible officials trained")
    PRODUCT_SHARE = "product_share", _("Share of products meeting a condition")
    RECORD_COUNT = "record_count", _("Number of records")


class TargetRule(models.Model):
    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="rule")
    kind = models.CharField(_("rule"), max_length=30, choices=RuleKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    explanation = models.TextField(_("how it is computed"), blank=True)

    class Meta:
        verbose_name = _("target rule")
        verbose_name_plural = _("target rules")

    def __str__(self) -> str:
        return f"{self.target}: {self.get_kind_display()}"


class NotificationKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    REPORT = "report", _("Report awaited")


class Notification(models.Model):
    """An in-app reminder of a task that is due soon or overdue, written by `reminders_send`.

    `day` is the day the reminder was made for: the unique constraint keeps one reminder per task,
    user, kind and day, so running the job twice a day sends nothing new."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # A reminder is about a task, or (task empty) about what `link` opens, e.g. a report to send.
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    link = models.CharField(_("link"), max_length=255, blank=True)
    link_label = models.CharField(_("link text"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=NotificationKind.choices)
    day = models.DateField(_("day"))
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "task", "kind", "day"], name="notification_once_a_day"
            ),
            models.UniqueConstraint(
                fields=["user", "link", "kind", "day"],
                condition=models.Q(task__isnull=True),
                name="notification_link_once_a_day",
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message[:80]
