"""Staff pages of publishing: the list, a publication's page with its history, and the
workflow (create from a record or for a plan's results, edit, approve, withdraw, reopen).

Who may do what is asked of kehoach.accounts.access only; the services own the state changes.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kehoach.accounts import access
from kehoach.activities.models import Record
from kehoach.activities.selectors import records_for_user
from kehoach.lib.vntext import search_key
from kehoach.plans.models import Plan
from kehoach.units.models import Unit

from . import services
from .forms import ApproveForm, PublicationFilterForm, PublicationForm, WithdrawForm
from .models import Publication, PublicationKind, PublicationState
from .selectors import public_publications


def publications_for_user(user: Any) -> QuerySet[Publication]:
    """Publications a user sees on the staff pages (kehoach.accounts.access rules)."""
    return Publication.objects.filter(access.publication_visibility_q(user))


def _get_publication_for_user(request: HttpRequest, pk: int) -> Publication:
    pub = (
        publications_for_user(request.user)
        .select_related("record", "plan__issuer", "unit", "created_by")
        .filter(pk=pk)
        .first()
    )
    if pub is None:
        raise Http404(_("No such publication."))
    return pub


def _require_approver(request: HttpRequest, pub: Publication) -> None:
    if not access.can_approve_publication(request.user, pub.plan):
        raise PermissionDenied(_("Only the plan's managers may approve, withdraw or reopen it."))


def can_edit(user: Any, pub: Publication) -> bool:
    """Drafts: the unit's staff and the approvers; approved or published: the approvers
    (a correction stays public); withdrawn: nobody until reopened."""
    if pub.state == PublicationState.WITHDRAWN:
        return False
    if access.can_approve_publication(user, pub.plan):
        return True
    return pub.state == PublicationState.DRAFT and access.can_draft_publication(user, pub.unit)


def public_url(request: HttpRequest, pub: Publication) -> str:
    """The absolute public address when the publication is public, else ""."""
    if not public_publications().filter(pk=pub.pk).exists():
        return ""
    product = pub.kind == PublicationKind.PRODUCT
    name, pk = ("public:product", pub.pk) if product else ("public:plan", pub.plan_id)
    try:
        return request.build_absolute_uri(reverse(name, args=[pk]))
    except NoReverseMatch:  # the public pages are not mounted
        return ""


@login_required
@require_GET
def publication_list(request: HttpRequest) -> HttpResponse:
    visible = publications_for_user(request.user)
    form = PublicationFilterForm(
        request.GET or None,
        plans=Plan.objects.filter(pk__in=visible.values("plan_id")).order_by("-year", "title"),
        units=Unit.objects.filter(pk__in=visible.values("unit_id")).order_by("path"),
    )
    publications = visible.select_related("unit", "plan", "record").order_by("-updated_at", "-pk")
    filtered = False
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            publications = publications.filter(state=data["state"])
        if data["kind"]:
            publications = publications.filter(kind=data["kind"])
        if data["plan"]:
            publications = publications.filter(plan=data["plan"])
        if data["unit"]:
            publications = publications.filter(unit=data["unit"])
        for word in search_key(data["q"] or "").split():
            publications = publications.filter(search_key__contains=word)
        filtered = any(data.values())
    page = Paginator(publications, settings.KEHOACH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "publishing/publication_list.html",
        {
            "nav": "publishing",
            "form": form,
            "page": page,
            "filtered": filtered,
            "results_plans": _plans_without_results(request.user),
            "awaiting": visible.filter(
                access.publication_approval_q(request.user), state=PublicationState.DRAFT
            ).count(),
        },
    )


def _plans_without_results(user: Any) -> list[Plan]:
    """Plans whose results page the user may start (they manage the issuer) and that have none."""
    plans = (
        Plan.objects.filter(access.plan_visibility_q(user, issuer_field="issuer"))
        .exclude(publications__kind=PublicationKind.RESULTS)
        .select_related("issuer")
        .order_by("-year", "title")
    )
    return [plan for plan in plans if access.can_approve_publication(user, plan)]


def _source(request: HttpRequest) -> tuple[Record | None, Plan | None]:
    """The record (?record=) or the plan (?plan=) a new publication is made from, with access
    checked: drafting for a record's unit, approving for a plan's results page."""
    source = request.GET.get("record") or request.POST.get("record") or ""
    if source.isdigit():
        record = records_for_user(request.user).select_related("unit").filter(pk=source).first()
        if record is None:
            raise Http404(_("No such record."))
        if not access.can_draft_publication(request.user, record.unit):
            raise PermissionDenied(_("Only the unit's staff may publish its records."))
        if record.kind not in services.PUBLISHABLE_KINDS:
            raise PermissionDenied(_("A record of this kind cannot be published."))
        return record, None
    source = request.GET.get("plan") or request.POST.get("plan") or ""
    if source.isdigit():
        plan = (
            Plan.objects.filter(access.plan_visibility_q(request.user, issuer_field="issuer"))
            .select_related("issuer")
            .filter(pk=source)
            .first()
        )
        if plan is None:
            raise Http404(_("No such plan."))
        if not access.can_approve_publication(request.user, plan):
            raise PermissionDenied(_("Only the plan's managers may publish its results."))
        return None, plan
    raise Http404(_("Publish a record or a plan's results."))


def _add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        form.add_error(None, error)


@login_required
@require_http_methods(["GET", "POST"])
def publication_create(request: HttpRequest) -> HttpResponse:
    record, plan = _source(request)
    existing = Publication.objects.filter(
        Q(record=record) if record else Q(plan=plan, kind=PublicationKind.RESULTS)
    ).first()
    if existing is not None:
        messages.info(request, _("It already has a publication."))
        return redirect("publishing:detail", pk=existing.pk)
    if record is not None:
        initial = {"title": record.title, "summary": record.description}
    else:
        assert plan is not None
        initial = {"title": plan.title, "summary": ""}
    form = PublicationForm(request.POST or None, initial={**initial, "licence": "CC-BY-4.0"})
    if request.method == "POST" and form.is_valid():
        try:
            pub = services.publication_create(
                record=record, plan=plan, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The draft was saved. It is not public until approved."))
            return redirect("publishing:detail", pk=pub.pk)
    return render(
        request,
        "publishing/publication_form.html",
        {"nav": "publishing", "form": form, "record": record, "plan": plan},
    )


@login_required
@require_GET
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pub = _get_publication_for_user(request, pk)
    approver = access.can_approve_publication(request.user, pub.plan)
    embed = ""
    url = public_url(request, pub)
    if pub.kind == PublicationKind.RESULTS and url:
        from .views_public import embed_snippet  # helper B's page; only for results pages

        embed = embed_snippet(request, pub.plan)
    return render(
        request,
        "publishing/publication_detail.html",
        {
            "nav": "publishing",
            "pub": pub,
            "events": list(pub.events.select_related("by")),
            "can_edit": can_edit(request.user, pub),
            "can_approve": approver
            and pub.state in (PublicationState.DRAFT, PublicationState.APPROVED),
            "can_withdraw": approver
            and pub.state in (PublicationState.APPROVED, PublicationState.PUBLISHED),
            "can_reopen": approver and pub.state == PublicationState.WITHDRAWN,
            "approve_form": ApproveForm(),
            "public_url": url,
            "embed": embed,
            "attachments": list(pub.record.attachments.all()) if pub.record else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def publication_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pub = _get_publication_for_user(request, pk)
    if not can_edit(request.user, pub):
        raise PermissionDenied(_("You may not edit this publication in its present state."))
    initial = {
        field: getattr(pub, field)
        for field in ("title", "summary", "title_en", "summary_en", "licence")
    }
    form = PublicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_update(pub, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The publication was saved."))
            return redirect("publishing:detail", pk=pub.pk)
    return render(
        request,
        "publishing/publication_form.html",
        {"nav": "publishing", "form": form, "pub": pub, "record": pub.record, "plan": pub.plan},
    )


@login_required
@require_POST
def publication_approve(request: HttpRequest, pk: int) -> HttpResponse:
    pub = _get_publication_for_user(request, pk)
    _require_approver(request, pub)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            pub = services.publication_approve(
                pub, by=request.user, publish_at=form.cleaned_data["publish_at"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if pub.state == PublicationState.PUBLISHED:
                messages.success(request, _("Approved and published: it is public now."))
            else:
                messages.success(request, _("Approved: it will be published at the time set."))
            return redirect("publishing:detail", pk=pub.pk)
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, str(message))
    return redirect("publishing:detail", pk=pub.pk)


@login_required
@require_http_methods(["GET", "POST"])
def publication_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page with the reason; the POST withdraws."""
    pub = _get_publication_for_user(request, pk)
    _require_approver(request, pub)
    if pub.state not in (PublicationState.APPROVED, PublicationState.PUBLISHED):
        messages.error(request, _("Only a published or scheduled publication can be withdrawn."))
        return redirect("publishing:detail", pk=pub.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_withdraw(pub, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Withdrawn: it is no longer public."))
            return redirect("publishing:detail", pk=pub.pk)
    return render(
        request,
        "publishing/publication_withdraw.html",
        {"nav": "publishing", "form": form, "pub": pub},
    )


@login_required
@require_POST
def publication_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    pub = _get_publication_for_user(request, pk)
    _require_approver(request, pub)
    try:
        services.publication_reopen(pub, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Reopened as a draft."))
    return redirect("publishing:detail", pk=pub.pk)
