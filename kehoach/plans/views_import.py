"""Import pages: upload a plan document, review what was read beside its source text, confirm.

Only plan managers import, and only for units they manage. A draft is visible like a plan of its
issuer (404 for others) and changed only by those who manage the issuer (403).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kehoach.accounts import access
from kehoach.units.models import Unit

from . import importing, services
from .forms_import import DraftHeaderForm, ImportUploadForm, ReviewForms, RowForm
from .importer.errors import ImportFileError
from .models import ImportDraft, Plan


def _require_manager(request: HttpRequest) -> None:
    if not importing.manages_some_unit(request.user):
        raise PermissionDenied(_("Only plan managers may import plans."))


def _get_draft_for_user(request: HttpRequest, pk: int, write: bool = True) -> ImportDraft:
    """The draft if the user may see plans of its issuer (404 otherwise); with write, 403
    unless they manage the issuer. Expired drafts no longer exist."""
    draft = (
        ImportDraft.objects.select_related("issuer", "replace")
        .filter(pk=pk, expires_at__gt=timezone.now())
        .first()
    )
    if draft is None or not access.can_read_plan_of(request.user, draft.issuer):
        raise Http404(_("No such import draft."))
    if write and not access.can_edit_plan_of(request.user, draft.issuer):
        raise PermissionDenied(_("Only the managers of the issuing unit may import this plan."))
    return draft


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def plan_import_upload(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    issuers = importing.issuer_choices(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, issuers=issuers)
    if request.method == "POST" and form.is_valid():
        try:
            read = importing.read_upload(form.cleaned_data["file"])
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            issuer = form.cleaned_data["issuer"] or _issuer_from_text(form, read.draft, request)
            if issuer is not None:
                draft = services.import_draft_create(
                    by=_user(request),
                    file_name=read.name or form.cleaned_data["file"].name,
                    kind=read.kind,
                    source_text=read.text,
                    data=read.draft,
                    issuer=issuer,
                    lifetime=importing.DRAFT_LIFETIME,
                )
                return redirect("plans:import_review", pk=draft.pk)
    return render(
        request,
        "plans/import_upload.html",
        {
            "nav": "plans",
            "form": form,
            "accepted": ", ".join(importing.accepted_suffixes()),
            "max_size": filesizeformat(importing.max_upload_bytes()),
        },
    )


def _issuer_from_text(
    form: ImportUploadForm, draft: dict[str, Any], request: HttpRequest
) -> Unit | None:
    """The issuer named in the document, among the units the user manages; else a form error."""
    written = draft.get("issuer") or ""
    match = importing.issuer_find(
        text=written,
        within=importing.managed_roots(request.user),
        on=importing.resolution_day(draft),
    )
    if match.unit:
        return match.unit
    if written:
        message = _(
            "The issuer “%(name)s” is not one of the units you manage. Choose the issuing unit."
        ) % {"name": written}
    else:
        message = _("The document does not name its issuer. Choose the issuing unit.")
    if match.candidates:
        names = ", ".join(unit.name for unit in match.candidates)
        message += " " + _("Closest units: %(names)s.") % {"names": names}
    form.add_error("issuer", message)
    return None


def _issuers(request: HttpRequest, draft: ImportDraft) -> QuerySet[Unit]:
    return importing.issuer_choices(request.user) | Unit.objects.filter(pk=draft.issuer_id)


def _plans_to_replace(request: HttpRequest, draft: ImportDraft) -> QuerySet[Plan]:
    """Plans the draft may update: those of its issuer (and the one already chosen)."""
    plans = Plan.objects.filter(issuer_id=draft.issuer_id)
    if draft.replace_id:
        plans |= Plan.objects.filter(pk=draft.replace_id)
    return plans.select_related("issuer").order_by("-year", "-pk")


def _review_forms(request: HttpRequest, draft: ImportDraft, data: Any | None = None) -> ReviewForms:
    return ReviewForms.build(
        draft=draft.data,
        data=data,
        issuers=_issuers(request, draft),
        plans=_plans_to_replace(request, draft),
        issuer=draft.issuer,
        replace=draft.replace,
    )


class _Row:
    """A row form with the resolver's verdict on the unit names in it."""

    def __init__(self, form: RowForm, checks: dict[str, list[importing.UnitCheck]]) -> None:
        self.form = form
        self.checks = checks

    @property
    def source_line(self) -> Any:
        form = self.form
        return (
            form.data.get(form.add_prefix("source_line"))
            if form.is_bound
            else (form.initial.get("source_line"))
        )


UNIT_FIELDS = {"tasks": ("lead", "support"), "reporting": ("who", "to_whom")}


def _value(form: RowForm, name: str) -> str:
    if form.is_bound:
        return str(form.data.get(form.add_prefix(name)) or "")
    return str(form.initial.get(name) or "")


def _review_context(request: HttpRequest, draft: ImportDraft, forms: ReviewForms) -> dict[str, Any]:
    resolver = importing.draft_resolver(issuer=draft.issuer, draft=draft.data)
    sections: dict[str, list[_Row]] = {}
    unresolved = 0
    for key, rows in forms.rows.items():
        sections[key] = []
        for form in rows:
            checks = {
                name: importing.unit_checks(importing.split_names(_value(form, name)), resolver)
                for name in UNIT_FIELDS.get(key, ())
            }
            unresolved += sum(1 for found in checks.values() for c in found if c.unit is None)
            sections[key].append(_Row(form, checks))
    lines = draft.source_text.splitlines()
    referenced = {
        int(line)
        for rows in sections.values()
        for row in rows
        if (line := row.source_line) and str(line).isdigit()
    }
    has_errors = bool(forms.header.errors) or any(
        row.form.errors for rows in sections.values() for row in rows
    )
    return {
        "nav": "plans",
        "draft": draft,
        "header": forms.header,
        "targets": sections["targets"],
        "tasks": sections["tasks"],
        "reporting": sections["reporting"],
        "unresolved": unresolved,
        "source_lines": lines,
        "referenced": referenced,
        "has_errors": has_errors,
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_import_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft beside its source; a POST saves corrections (and adds a row when asked)."""
    draft = _get_draft_for_user(request, pk)
    if request.method == "POST":
        forms = _review_forms(request, draft, request.POST)
        if forms.is_valid():
            data = forms.to_draft(draft.data)
            anchor = ""
            add = request.POST.get("add", "")
            if add in {"targets", "tasks", "reporting"}:
                data[add] = [*data.get(add, []), {}]
                anchor = f"#{add}-{len(data[add]) - 1}"
            header = forms.header.cleaned_data
            services.import_draft_update(
                draft=draft, data=data, issuer=header["issuer_unit"], replace=header["replace"]
            )
            messages.success(request, _("The corrections were saved."))
            return redirect(reverse("plans:import_review", args=[draft.pk]) + anchor)
    else:
        forms = _review_forms(request, draft)
    return render(request, "plans/import_review.html", _review_context(request, draft, forms))


@login_required
@require_GET
def plan_import_units(request: HttpRequest, pk: int) -> HttpResponse:
    """The live re-check of a unit field: which names resolve to a unit of the tree."""
    draft = _get_draft_for_user(request, pk)
    # htmx sends the edited field under its own name ("tasks-3-lead"): read whichever it is.
    text = ";".join(value for key in request.GET for value in request.GET.getlist(key))
    resolver = importing.draft_resolver(issuer=draft.issuer, draft=draft.data)
    checks = importing.unit_checks(importing.split_names(text), resolver)
    return render(request, "plans/import_review.html#unit-check", {"checks": checks})


def _service_error(header: DraftHeaderForm, error: ValidationError) -> None:
    """A check the services make beyond the forms: on the header field it names, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if field in header.fields and field not in header.errors else None
            for message in errors:
                header.add_error(target, message)
    else:
        header.add_error(None, error)


@login_required
@require_POST
def plan_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the reviewed draft as a plan (or into the plan it replaces), in one transaction."""
    draft = _get_draft_for_user(request, pk)
    forms = _review_forms(request, draft, request.POST)
    if forms.is_valid():
        data = forms.to_draft(draft.data)
        header = forms.header.cleaned_data
        issuer: Unit = header["issuer_unit"]
        replace: Plan | None = header["replace"]
        if not access.can_edit_plan_of(request.user, issuer):
            raise PermissionDenied(_("Only the managers of the issuing unit may import this plan."))
        if replace is not None and not access.can_edit_plan_of(request.user, replace.issuer):
            raise PermissionDenied(_("Only the plan's managers may change it."))
        try:
            with transaction.atomic():
                if replace is not None:
                    result = services.plan_reimport(
                        plan=replace,
                        data=data,
                        resolve_unit=importing.draft_resolver(issuer=replace.issuer, draft=data),
                        by=_user(request),
                        source_text=draft.source_text,
                        source_name=draft.file_name,
                    )
                    plan = result.plan
                else:
                    plan = services.plan_import(
                        data=data,
                        issuer=issuer,
                        resolve_unit=importing.draft_resolver(issuer=issuer, draft=data),
                        by=_user(request),
                        source_text=draft.source_text,
                        source_name=draft.file_name,
                    )
                draft.delete()
        except ValidationError as error:
            _service_error(forms.header, error)
        else:
            if replace is not None:
                messages.success(
                    request,
                    _(
                        "The plan was updated from the document: %(updated)d tasks updated, "
                        "%(created)d added, %(deleted)d removed, %(cancelled)d kept as cancelled."
                    )
                    % {
                        "updated": result.tasks_updated,
                        "created": result.tasks_created,
                        "deleted": result.tasks_deleted,
                        "cancelled": result.tasks_cancelled,
                    },
                )
            else:
                messages.success(request, _("The plan was created from the document."))
            return redirect("plans:home", pk=plan.pk)
    return render(request, "plans/import_review.html", _review_context(request, draft, forms))


@login_required
@require_POST
def plan_import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _get_draft_for_user(request, pk)
    draft.delete()
    messages.success(request, _("The import was cancelled; nothing was written."))
    return redirect("plans:list")
