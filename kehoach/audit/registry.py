"""What the audit trail records, and the unit each audited object belongs to.

Audited: the records people are accountable for — units, people, accounts and roles, second-factor
devices, plans and everything in them, execution records, reports, news sources, fact-checks,
reviewers' decisions, publications. Not audited, on purpose: what machines derive or keep for
themselves — fetched articles and their analysis (stories, claim matches, hosts, fetch runs, raw
pages), the search index, notifications, the task queue, sessions, sign-in attempts (django-axes
keeps those), import drafts (the imported plan itself is audited). Fields that only cache or index
other fields (sort and search keys, `updated_at`, fetch bookkeeping) are left out too, so an entry
means a person's or a job's change.

Personal data: a person's name and contact details are masked in entries ("•••" before and after:
what changed, not the values), and the entry names the person by number, so erasing a person
(kehoach.people.services.person_erase) leaves no copy behind in the trail.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from django.utils import translation

MASK = "•••"


def masked(_value: str) -> str:
    """auditlog's mask callable: the value is not kept at all (auditlog's own keeps half)."""
    return MASK


@dataclass(frozen=True)
class Audited:
    # Attribute path from the object to its unit's id, e.g. "record.unit_id", or a function;
    # "" = no unit (only administrators read such entries).
    unit: "str | Callable[[Any], object]" = ""
    exclude: tuple[str, ...] = ()
    mask: tuple[str, ...] = ()
    m2m: tuple[str, ...] = ()
    # Personal data: the entry names the object by its number, not by its text.
    personal: bool = False


_RECORD_UNIT = "record.unit_id"
_PLAN_UNIT = "plan.issuer_id"

AUDITED: dict[str, Audited] = {
    # Units and accounts
    "units.Unit": Audited(unit="pk", exclude=("name_key",)),
    "units.UnitAlias": Audited(unit="unit_id"),
    "units.UnitMerge": Audited(unit="successor_id"),
    "auth.User": Audited(exclude=("password", "last_login")),
    "accounts.RoleAssignment": Audited(unit="unit_id"),
    "accounts.ApiToken": Audited(exclude=("key_hash", "last_used_at")),
    "otp_totp.TOTPDevice": Audited(
        exclude=(
            "key",
            "last_t",
            "drift",
            "throttling_failure_timestamp",
            "throttling_failure_count",
            "last_used_at",
        )
    ),
    "people.Person": Audited(
        unit="unit_id", mask=("full_name", "position", "phone", "email"), personal=True
    ),
    # Plans
    "plans.Convention": Audited(),
    "plans.Plan": Audited(unit="issuer_id"),
    "plans.Theme": Audited(unit=_PLAN_UNIT, m2m=("conventions",)),
    "plans.Target": Audited(unit=_PLAN_UNIT),
    "plans.Task": Audited(unit=_PLAN_UNIT, m2m=("themes",)),
    "plans.Assignment": Audited(unit="task.plan.issuer_id"),
    "plans.TaskEvent": Audited(unit="task.plan.issuer_id"),
    "plans.UnitDuty": Audited(unit=_PLAN_UNIT),
    "plans.ReportingDuty": Audited(unit=_PLAN_UNIT),
    # Execution
    "activities.Record": Audited(unit="unit_id", m2m=("tasks", "themes", "conventions")),
    "activities.Attachment": Audited(unit=_RECORD_UNIT),
    "activities.Language": Audited(),
    "activities.Platform": Audited(),
    "activities.Product": Audited(
        unit=_RECORD_UNIT,
        # Derived from the languages and platforms, recomputed when a language is reclassified.
        exclude=("in_minority_or_foreign_language", "on_digital_platform"),
        m2m=("languages", "platforms"),
    ),
    "activities.Training": Audited(unit=_RECORD_UNIT),
    "activities.Attendance": Audited(unit="training.record.unit_id"),
    "activities.PressBriefing": Audited(unit=_RECORD_UNIT),
    "activities.Broadcast": Audited(unit=_RECORD_UNIT),
    "activities.PortalPost": Audited(unit=_RECORD_UNIT),
    "activities.VisualCampaign": Audited(unit=_RECORD_UNIT),
    "activities.ContestEntry": Audited(unit=_RECORD_UNIT),
    "activities.Bulletin": Audited(unit=_RECORD_UNIT),
    "activities.TargetRule": Audited(unit="target.plan.issuer_id"),
    # Reports
    "reports.DataCutoff": Audited(),
    "reports.ReportPeriod": Audited(unit=_PLAN_UNIT),
    "reports.Report": Audited(unit="unit_id"),
    "reports.ReportEvent": Audited(unit="report.unit_id"),
    # Monitoring: the configuration and the reviewers' decisions, not the fetched news
    "monitoring.Source": Audited(
        unit="unit_id",
        exclude=(
            "etag",
            "last_modified",
            "next_fetch_at",
            "last_fetched_at",
            "last_success_at",
            "last_new_article_at",
            "consecutive_failures",
            "last_error",
        ),
    ),
    "monitoring.ThemeDefinition": Audited(unit=_PLAN_UNIT),
    "monitoring.FactCheck": Audited(),
    "monitoring.Review": Audited(unit=lambda review: _review_unit_id(review)),
    "monitoring.MonitoringBulletin": Audited(unit=_PLAN_UNIT),
    # Publishing
    "publishing.Publication": Audited(unit="unit_id", exclude=("search_key",)),
    "publishing.PublicationEvent": Audited(unit="publication.unit_id"),
}


def _review_unit_id(review: Any) -> object:
    """A decision on an article, a claim match or a story: the unit of the source it came from."""
    article = review.article or (review.claim_match.article if review.claim_match_id else None)
    if article is None and review.story_id:
        article = review.story.articles.select_related("source").order_by("pk").first()
    return article.source.unit_id if article is not None and article.source_id else None


# Left out of every model: caches of other fields.
GLOBAL_EXCLUDE = ("updated_at", "sort_key", "search_text", "search_key")


def audited_for(model: type[Model]) -> Audited | None:
    return AUDITED.get(model._meta.label)


def _resolve(instance: Model, path: str) -> object:
    value: object = instance
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def unit_id_of(instance: Model) -> int | None:
    spec = audited_for(type(instance))
    if spec is None or not spec.unit:
        return None
    try:
        value = spec.unit(instance) if callable(spec.unit) else _resolve(instance, spec.unit)
    except ObjectDoesNotExist:  # a parent deleted earlier in the same cascade
        return None
    if value is None:
        return None
    return int(str(value))


def object_label(instance: Model) -> str | None:
    """The text the entry shows for the object, when its own text is personal data."""
    spec = audited_for(type(instance))
    if spec is None or not spec.personal:
        return None
    # Stored text, shown to everyone: in the site's language, whoever made the change.
    with translation.override(settings.LANGUAGE_CODE):
        return f"{instance._meta.verbose_name} #{instance.pk}"


def register_audited_models() -> None:
    for label, spec in AUDITED.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        field_names = {f.name for f in model._meta.get_fields()}
        exclude = [name for name in (*GLOBAL_EXCLUDE, *spec.exclude) if name in field_names]
        auditlog.register(
            model,
            exclude_fields=exclude,
            mask_fields=list(spec.mask),
            mask_callable="kehoach.audit.registry.masked" if spec.mask else None,
            m2m_fields=set(spec.m2m),
        )
