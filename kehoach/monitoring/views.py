"""Web pages of monitoring: the review queue with its evidence, stories, articles (and their raw
pages, for audit), news sources with their fetch history, fact-checks and bulletins.

Permissions come from kehoach/accounts/access.py through the selectors: everything is reached
through the sources of the user's units (Source.unit). What the user does not read does not exist
for them (404); a decision or a change they may not make answers 403.
"""

import gzip
import zlib
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kehoach.accounts import access
from kehoach.lib.tabular import attachment_header
from kehoach.plans import selectors as plan_selectors
from kehoach.plans.models import Plan, Task

from . import bulletins, review, selectors
from .forms import (
    BulletinForm,
    ClaimReviewImportForm,
    FactCheckForm,
    MatchReviewForm,
    QueueFilterForm,
    SourceForm,
    StoryReviewForm,
)
from .ingest import source_is_silent
from .models import Article, ClaimMatch, FactCheck, MonitoringBulletin, Source, Story

RAW_PAGE_LIMIT = 5_000_000  # bytes shown of a raw page; the rest is cut, not the audit copy
FETCH_HISTORY = 50


# --- access helpers: the one place per noun that turns invisible objects into 404/403 ----------


def _get_source_for_user(request: HttpRequest, pk: int, *, manage: bool = False) -> Source:
    source = selectors.sources_for_user(request.user).filter(pk=pk).first()
    if source is None or not access.can_read_source(request.user, source.unit):
        raise Http404(_("No such news source."))
    if manage and not access.can_manage_source(request.user, source.unit):
        raise PermissionDenied(_("Only the staff of the source's unit change it."))
    return source


def _get_story_for_user(request: HttpRequest, pk: int, *, review_it: bool = False) -> Story:
    story = selectors.stories_for_user(request.user).filter(pk=pk).first()
    if story is None:
        raise Http404(_("No such story."))
    if review_it and not selectors.stories_for_user(request.user, write=True).filter(pk=pk):
        raise PermissionDenied(_("Only the staff of a unit whose source carried it review it."))
    return story


def _get_article_for_user(request: HttpRequest, pk: int) -> Article:
    article = (
        selectors.articles_for_user(request.user)
        .select_related("source__unit", "story")
        .filter(pk=pk)
        .first()
    )
    if article is None:
        raise Http404(_("No such article."))
    return article


def _get_match_for_user(request: HttpRequest, pk: int, *, review_it: bool = False) -> ClaimMatch:
    match = selectors.claim_matches_for_user(request.user).filter(pk=pk).first()
    if match is None:
        raise Http404(_("No such claim match."))
    if review_it and not selectors.claim_matches_for_user(request.user, write=True).filter(pk=pk):
        raise PermissionDenied(_("Only the staff of the source's unit review its matches."))
    return match


def _require_fact_check_manager(request: HttpRequest) -> None:
    if not selectors.may_manage_fact_checks(request.user):
        raise PermissionDenied(_("Only the staff who keep news sources enter fact-checks."))


def _service_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _flat(label: str, value: object, rows: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flat(f"{label} · {key}" if label else str(key), inner, rows)
    elif isinstance(value, list | tuple):
        simple = [str(item) for item in value if not isinstance(item, dict | list | tuple)]
        if simple:
            rows.append((label, ", ".join(simple)))
        for item in value:
            if isinstance(item, dict | list | tuple):
                _flat(label, item, rows)
    elif value not in (None, ""):
        rows.append((label, str(value)))


@dataclass
class Evidence:
    """What the analysis found, arranged for a reviewer: the terms of each theme with the
    passage they were found in, the conventions and places named, the terms that excluded a
    match; anything else the analysis kept as plain lines."""

    themes: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    conventions: list[tuple[str, str, str]] = field(default_factory=list)
    places: list[tuple[str, str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    other: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.themes or self.conventions or self.places or self.excluded or self.other)


# Numbers the analysis keeps for itself (the scores are shown beside the item already).
_EVIDENCE_INTERNAL = {"topic", "score", "model", "story_similarity"}


def evidence_view(evidence: object) -> Evidence:
    """The Article.evidence the analysis writes ({"terms": [{"theme", "term", "passage"}],
    "conventions": [...], "places": [{"place", "passage"}], "excluded": [...]}) for a page."""
    view = Evidence()
    if not isinstance(evidence, dict):
        _flat("", evidence, view.other)
        return view
    by_theme: dict[str, list[tuple[str, str]]] = {}
    for key, value in evidence.items():
        items = value if isinstance(value, list) else []
        records = [item for item in items if isinstance(item, dict)]
        if key == "terms" and records:
            for item in records:
                theme = str(item.get("theme", ""))
                entry = (str(item.get("term", "")), str(item.get("passage", "")))
                by_theme.setdefault(theme, []).append(entry)
        elif key == "conventions" and records:
            view.conventions = [
                (str(i.get("convention", "")), str(i.get("term", "")), str(i.get("passage", "")))
                for i in records
            ]
        elif key == "places" and records:
            view.places = [(str(i.get("place", "")), str(i.get("passage", ""))) for i in records]
        elif key == "excluded" and isinstance(value, list):
            view.excluded = [str(term) for term in value]
        elif key not in _EVIDENCE_INTERNAL:
            _flat(str(key), value, view.other)
    view.themes = sorted(by_theme.items())
    return view


def _story_evidence(story: Story) -> Evidence:
    """The evidence of the story's most relevant article (prefetched as `story.articles`)."""
    articles = sorted(story.articles.all(), key=lambda a: -a.relevance)
    return evidence_view(articles[0].evidence) if articles else Evidence()


# --- the review queue ---------------------------------------------------------------------------


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET)
    filters = form.filters()
    items = selectors.review_queue(
        request.user,
        theme=filters.get("theme", ""),
        outlet=filters.get("outlet", ""),
        strength=filters.get("strength", ""),
    )
    stories = [item.story for item in items if item.story is not None]
    prefetch_related_objects(stories, "articles")
    rows = [
        (
            item,
            _story_evidence(item.story)
            if item.story is not None
            else evidence_view(item.match.article.evidence if item.match else {}),
        )
        for item in items
    ]
    return render(
        request,
        "monitoring/queue.html",
        {
            "nav": "monitoring",
            "form": form,
            "rows": rows,
            "filtered": bool(filters),
            "story_form": StoryReviewForm(),
            "match_form": MatchReviewForm(),
        },
    )


# --- stories and articles -----------------------------------------------------------------------


@login_required
@require_GET
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    story = _get_story_for_user(request, pk)
    articles = list(
        story.articles.select_related("source").order_by("published", "fetched_at", "pk")
    )
    readable = set(
        selectors.articles_for_user(request.user).filter(story=story).values_list("pk", flat=True)
    )
    return render(
        request,
        "monitoring/story_detail.html",
        {
            "nav": "monitoring",
            "story": story,
            "articles": [(article, article.pk in readable) for article in articles],
            "first": articles[0] if articles else None,
            "latest": articles[-1] if articles else None,
            "reviews": story.reviews.select_related("by"),
            "can_review": selectors.stories_for_user(request.user, write=True)
            .filter(pk=pk)
            .exists(),
            "story_form": StoryReviewForm(initial={"themes": story.themes}),
        },
    )


@login_required
@require_POST
def story_review(request: HttpRequest, pk: int) -> HttpResponse:
    story = _get_story_for_user(request, pk, review_it=True)
    return _review(
        request,
        StoryReviewForm(request.POST),
        story=story,
        invalid=_("Choose a decision for the story."),
        kept=_("Your decision about the story was kept."),
        fallback=reverse("monitoring:story", args=[story.pk]),
    )


def _review(
    request: HttpRequest,
    form: forms.Form,
    *,
    story: Story | None = None,
    claim_match: ClaimMatch | None = None,
    invalid: str,
    kept: str,
    fallback: str,
) -> HttpResponse:
    """Keep a reviewer's decision about a story or a claim match, then go back where they were
    (only to a page of this site)."""
    if not form.is_valid():
        messages.error(request, invalid)
    else:
        try:
            review.review_record(
                by=request.user, story=story, claim_match=claim_match, **form.cleaned_data
            )
        except ValidationError as error:
            _service_errors(request, error)
        else:
            messages.success(request, kept)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return redirect(target)


@login_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = _get_article_for_user(request, pk)
    return render(
        request,
        "monitoring/article_detail.html",
        {
            "nav": "monitoring",
            "article": article,
            "has_raw": hasattr(article, "raw"),
            "matches": article.claim_matches.select_related("fact_check"),
            "evidence": evidence_view(article.evidence),
            "reviews": article.reviews.select_related("by"),
        },
    )


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _sep, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return "utf-8"


@login_required
@require_GET
def article_raw(request: HttpRequest, pk: int) -> HttpResponse:
    """The page as fetched, for audit: always plain text, never rendered as HTML."""
    article = _get_article_for_user(request, pk)
    raw = getattr(article, "raw", None)
    if raw is None:
        raise Http404(_("The raw page of this article was not kept."))
    try:
        body = gzip.decompress(bytes(raw.body_gzip))[:RAW_PAGE_LIMIT]
    except (OSError, EOFError, zlib.error):
        body = _("(the stored copy is damaged)").encode()
    try:
        text = body.decode(_charset(raw.content_type), errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    fetched = raw.fetched_at.isoformat()
    header = f"{raw.final_url}\nHTTP {raw.http_status} · {raw.content_type} · {fetched}\n\n"
    response = HttpResponse(header + text, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_POST
def match_review(request: HttpRequest, pk: int) -> HttpResponse:
    match = _get_match_for_user(request, pk, review_it=True)
    return _review(
        request,
        MatchReviewForm(request.POST),
        claim_match=match,
        invalid=_("Choose a decision for the match."),
        kept=_("Your decision about the claim match was kept."),
        fallback=reverse("monitoring:article", args=[match.article_id]),
    )


# --- sources ------------------------------------------------------------------------------------


@login_required
@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    sources = (
        selectors.sources_for_user(request.user)
        .annotate(article_total=Count("articles"))
        .order_by("name", "pk")
    )
    page = Paginator(sources, settings.KEHOACH_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "monitoring/source_list.html",
        {
            "nav": "monitoring",
            "page": page,
            "rows": [(source, source_is_silent(source, now)) for source in page.object_list],
            "can_create": selectors.sources_for_user(request.user, write=True).exists()
            or access.writable_units(request.user).exists(),
        },
    )


@login_required
@require_GET
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = _get_source_for_user(request, pk)
    return render(
        request,
        "monitoring/source_detail.html",
        {
            "nav": "monitoring",
            "source": source,
            "silent": source_is_silent(source, timezone.now()),
            "runs": source.runs.all()[:FETCH_HISTORY],
            "articles": source.articles.order_by("-fetched_at", "-pk")[:20],
            "can_manage": access.can_manage_source(request.user, source.unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_create(request: HttpRequest) -> HttpResponse:
    units = access.writable_units(request.user)
    if not units.exists():
        raise PermissionDenied(_("Only the staff of a unit add news sources."))
    form = SourceForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            source = review.source_create(by=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The news source was added."))
            return redirect("monitoring:source", pk=source.pk)
    return render(request, "monitoring/source_form.html", {"nav": "monitoring", "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = _get_source_for_user(request, pk, manage=True)
    form = SourceForm(
        request.POST or None, instance=source, units=access.writable_units(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            review.source_update(source=source, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The news source was saved."))
            return redirect("monitoring:source", pk=source.pk)
    return render(
        request,
        "monitoring/source_form.html",
        {"nav": "monitoring", "form": form, "source": source},
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then stop fetching the source (its articles and history stay)."""
    source = _get_source_for_user(request, pk, manage=True)
    if request.method == "POST":
        review.source_deactivate(source=source, by=request.user)
        messages.success(request, _("The news source is no longer fetched."))
        return redirect("monitoring:source", pk=source.pk)
    return render(
        request, "monitoring/source_deactivate.html", {"nav": "monitoring", "source": source}
    )


@login_required
@require_POST
def source_activate(request: HttpRequest, pk: int) -> HttpResponse:
    source = _get_source_for_user(request, pk, manage=True)
    review.source_activate(source=source, by=request.user)
    messages.success(request, _("The news source is fetched again."))
    return redirect("monitoring:source", pk=source.pk)


# --- fact-checks --------------------------------------------------------------------------------


@login_required
@require_GET
def fact_check_list(request: HttpRequest) -> HttpResponse:
    fact_checks = (
        selectors.fact_checks_for_user(request.user)
        .annotate(match_total=Count("matches"))
        .order_by("-published", "-pk")
    )
    page = Paginator(fact_checks, settings.KEHOACH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/fact_check_list.html",
        {
            "nav": "monitoring",
            "page": page,
            "can_manage": selectors.may_manage_fact_checks(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def fact_check_create(request: HttpRequest) -> HttpResponse:
    if access.scope_for(request.user).is_anonymous:
        raise Http404(_("No such page."))
    _require_fact_check_manager(request)
    form = FactCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review.fact_check_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The fact-check was added."))
            return redirect("monitoring:fact_checks")
    return render(request, "monitoring/fact_check_form.html", {"nav": "monitoring", "form": form})


def _get_fact_check_to_manage(request: HttpRequest, pk: int) -> FactCheck:
    fact_check = selectors.fact_checks_for_user(request.user).filter(pk=pk).first()
    if fact_check is None:
        raise Http404(_("No such fact-check."))
    _require_fact_check_manager(request)
    return fact_check


@login_required
@require_http_methods(["GET", "POST"])
def fact_check_edit(request: HttpRequest, pk: int) -> HttpResponse:
    fact_check = _get_fact_check_to_manage(request, pk)
    form = FactCheckForm(request.POST or None, instance=fact_check)
    if request.method == "POST" and form.is_valid():
        try:
            review.fact_check_update(fact_check=fact_check, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The fact-check was saved."))
            return redirect("monitoring:fact_checks")
    return render(
        request,
        "monitoring/fact_check_form.html",
        {"nav": "monitoring", "form": form, "fact_check": fact_check},
    )


@login_required
@require_http_methods(["GET", "POST"])
def fact_check_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then delete a fact-check entered by mistake (refused once its matches were
    reviewed)."""
    fact_check = _get_fact_check_to_manage(request, pk)
    if not access.can_delete_fact_check(request.user, fact_check.created_by_id):
        raise PermissionDenied(_("Only whoever entered a fact-check deletes it."))
    if request.method == "POST":
        try:
            review.fact_check_delete(fact_check=fact_check, by=request.user)
        except ValidationError as error:
            _service_errors(request, error)
        else:
            messages.success(request, _("The fact-check was deleted."))
        return redirect("monitoring:fact_checks")
    return render(
        request,
        "monitoring/fact_check_delete.html",
        {"nav": "monitoring", "fact_check": fact_check, "matches": fact_check.matches.count()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def fact_check_import(request: HttpRequest) -> HttpResponse:
    """Import the schema.org ClaimReview fact-checks of a page pasted by the user (nothing is
    fetched from the network here)."""
    if access.scope_for(request.user).is_anonymous:
        raise Http404(_("No such page."))
    _require_fact_check_manager(request)
    form = ClaimReviewImportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = review.fact_check_import_claimreview(
                form.cleaned_data["document"], by=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("document", message)
        else:
            messages.success(
                request,
                _("%(count)s fact-checks were imported (those already kept were skipped).")
                % {"count": len(created)},
            )
            return redirect("monitoring:fact_checks")
    return render(request, "monitoring/fact_check_import.html", {"nav": "monitoring", "form": form})


# --- bulletins ----------------------------------------------------------------------------------


def _may_issue(request: HttpRequest, plan: Plan, task: Task) -> bool:
    source_units = [
        source.unit
        for source in selectors.sources_for_user(request.user, write=True).filter(
            unit__path__startswith=plan.issuer.path
        )
    ]
    return access.can_issue_bulletin(
        request.user, plan.issuer, plan_selectors.lead_units(task), source_units
    )


def _get_plan_to_issue(request: HttpRequest, pk: int) -> tuple[Plan, list[Task]]:
    """A plan the user sees (404 otherwise), with the tasks they may record a bulletin on (403
    when none)."""
    plan = plan_selectors.plans_for_user(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("No such plan."))
    tasks = [
        task
        for task in plan.tasks.prefetch_related("assignments__unit").order_by("order", "pk")
        if _may_issue(request, plan, task)
    ]
    if not tasks:
        raise PermissionDenied(
            _("Only the plan's managers and staff who keep its news sources issue bulletins.")
        )
    return plan, tasks


def _get_bulletin_for_user(request: HttpRequest, pk: int) -> MonitoringBulletin:
    bulletin = selectors.bulletins_for_user(request.user).filter(pk=pk).first()
    if bulletin is None:
        raise Http404(_("No such bulletin."))
    return bulletin


@login_required
@require_GET
def bulletin_list(request: HttpRequest) -> HttpResponse:
    visible = selectors.bulletins_for_user(request.user).order_by("-end", "-pk")
    page = Paginator(visible, settings.KEHOACH_PAGE_SIZE).get_page(request.GET.get("page"))
    plans = [
        plan
        for plan in plan_selectors.plans_for_user(request.user).order_by("-year", "title")
        if access.can_edit_plan_of(request.user, plan.issuer)
        or selectors.sources_for_user(request.user, write=True)
        .filter(unit__path__startswith=plan.issuer.path)
        .exists()
    ]
    return render(
        request,
        "monitoring/bulletin_list.html",
        {"nav": "monitoring", "page": page, "plans": plans},
    )


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Choose the period and the task, preview the bulletin, then issue it."""
    plan, tasks = _get_plan_to_issue(request, plan_pk)
    form = BulletinForm(request.POST or None, plan=plan)
    task_field = form.fields["task"]
    assert isinstance(task_field, forms.ModelChoiceField)
    task_field.queryset = Task.objects.filter(pk__in=[t.pk for t in tasks]).order_by("order")
    preview = None
    if form.is_bound and form.is_valid():
        values = form.cleaned_data
        try:
            if request.POST.get("action") != "preview":
                bulletin = bulletins.bulletin_issue(plan=plan, by=request.user, **values)
                messages.success(request, _("The bulletin was issued and recorded."))
                return redirect("monitoring:bulletin", pk=bulletin.pk)
            preview = bulletins.bulletin_build(
                plan=plan, kind=values["kind"], start=values["start"], end=values["end"]
            )
        except ValidationError as error:
            form.add_error(None, error)
    return render(
        request,
        "monitoring/bulletin_form.html",
        {"nav": "monitoring", "plan": plan, "form": form, "content": preview},
    )


@login_required
@require_GET
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _get_bulletin_for_user(request, pk)
    return render(
        request,
        "monitoring/bulletin_detail.html",
        {
            "nav": "monitoring",
            "bulletin": bulletin,
            "content": bulletin.content,
            "title": bulletins.bulletin_title(bulletin.content),
        },
    )


@login_required
@require_GET
def bulletin_docx(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _get_bulletin_for_user(request, pk)
    response = HttpResponse(
        bulletins.bulletin_docx(bulletin),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = attachment_header(
        f"ban-tin-{bulletin.start.isoformat()}-{bulletin.end.isoformat()}.docx"
    )
    return response
