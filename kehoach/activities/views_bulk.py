"""Bulk entry pages: download a template, upload it filled in, read the per-row error report,
then save every row (only when all are valid) or just the valid ones.

The uploaded file waits in storage under a random token kept in the uploader's session, so only
the person who checked a file can save it; saving reads it again and checks every row again.
"""

import json
import secrets
from pathlib import PurePath
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kehoach.accounts import access
from kehoach.lib.tabular import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, attachment_header
from kehoach.plans.models import Plan
from kehoach.plans.selectors import plans_for_user

from . import bulk
from .models import RecordKind

_SESSION_KEY = "kehoach_bulk_imports"
_ERRORS_SHOWN = 200  # the page shows the first errors; the .csv report has them all


class BulkUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of record"), choices=RecordKind.choices)
    plan = forms.ModelChoiceField(
        label=gettext_lazy("Plan whose task numbers the file uses"), queryset=Plan.objects.none()
    )
    file = forms.FileField(label=gettext_lazy("Filled-in file (.xlsx or .csv)"))

    def __init__(self, *args: Any, plans: QuerySet[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]


def _require_writer(request: HttpRequest) -> None:
    """Only users who may write some unit's records enter them in bulk."""
    if not access.writable_units(request.user).exists():
        raise PermissionDenied(_("Only staff of a unit may add its records."))


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


def _plans(request: HttpRequest) -> QuerySet[Plan]:
    return plans_for_user(request.user).order_by("-year", "-pk")


def _pending(request: HttpRequest, token: str) -> dict[str, Any]:
    """The upload this session checked under `token`; anyone else's does not exist (404)."""
    found: dict[str, Any] | None = request.session.get(_SESSION_KEY, {}).get(token)
    if found is None or not default_storage.exists(found["path"]):
        raise Http404(_("No such upload: check the file again."))
    return found


def _forget(request: HttpRequest, token: str) -> None:
    pending = request.session.get(_SESSION_KEY, {})
    entry = pending.pop(token, None)
    request.session[_SESSION_KEY] = pending
    if entry:
        for name in (entry["path"], entry["report"]):
            if default_storage.exists(name):
                default_storage.delete(name)


def _store_result(entry: dict[str, Any], result: bulk.BulkResult) -> None:
    if default_storage.exists(entry["report"]):
        default_storage.delete(entry["report"])
    body = json.dumps(bulk.result_to_json(result), ensure_ascii=False).encode()
    entry["report"] = default_storage.save(entry["report"], ContentFile(body))


def _stored_result(entry: dict[str, Any]) -> bulk.BulkResult:
    with default_storage.open(entry["report"]) as stored:
        return bulk.result_from_json(json.loads(stored.read()))


def _report(
    request: HttpRequest, token: str, entry: dict[str, Any], result: bulk.BulkResult
) -> HttpResponse:
    plan = _plans(request).filter(pk=entry["plan"]).first()
    return render(
        request,
        "activities/bulk_report.html",
        {
            "nav": "records",
            "token": token,
            "name": entry["name"],
            "kind_label": RecordKind(entry["kind"]).label,
            "plan": plan,
            "result": result,
            "errors": result.errors[:_ERRORS_SHOWN],
            "more_errors": max(0, len(result.errors) - _ERRORS_SHOWN),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def bulk_import(request: HttpRequest) -> HttpResponse:
    """Upload a filled-in file: every row is checked (nothing saved) and the report shown."""
    _require_writer(request)
    plans = _plans(request)
    form = BulkUploadForm(request.POST or None, request.FILES or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            table = bulk.read_table(name=upload.name or "", data=data)
        except bulk.BulkFileError as error:
            form.add_error("file", error.message)
        else:
            kind, plan = form.cleaned_data["kind"], form.cleaned_data["plan"]
            result = bulk.bulk_import(
                kind=kind, plan=plan, table=table, by=_user(request), commit=False
            )
            if result.file_error:
                form.add_error("file", result.file_error)
            else:
                token = secrets.token_urlsafe(16)
                suffix = PurePath(upload.name or "").suffix.lower()
                entry = {
                    "kind": kind,
                    "plan": plan.pk,
                    "name": upload.name,
                    "path": default_storage.save(f"bulk/{token}{suffix}", ContentFile(data)),
                    "report": f"bulk/{token}.json",
                }
                _store_result(entry, result)
                pending = request.session.get(_SESSION_KEY, {})
                pending[token] = entry
                request.session[_SESSION_KEY] = pending
                return _report(request, token, entry, result)
    chosen = request.GET.get("plan", "")
    return render(
        request,
        "activities/bulk_import.html",
        {
            "nav": "records",
            "form": form,
            "kinds": RecordKind.choices,
            "plans": plans,
            "chosen_plan": int(chosen) if chosen.isdigit() else None,
        },
    )


@login_required
@require_POST
def bulk_save(request: HttpRequest, token: str) -> HttpResponse:
    """Save a checked file: every row when all are valid, or the valid ones if asked."""
    _require_writer(request)
    entry = _pending(request, token)
    plan = _plans(request).filter(pk=entry["plan"]).first()
    if plan is None:
        raise Http404
    keep_valid = request.POST.get("keep_valid") == "1"
    with default_storage.open(entry["path"]) as stored:
        data = stored.read()
    table = bulk.read_table(name=entry["path"], data=data)
    result = bulk.bulk_import(
        kind=entry["kind"],
        plan=plan,
        table=table,
        by=_user(request),
        commit=True,
        keep_valid=keep_valid,
    )
    if result.saved == 0:
        # Rows became invalid since the check (a task renumbered, a unit closed): show why.
        _store_result(entry, result)
        request.session.modified = True
        if not result.errors:
            messages.error(request, result.file_error or _("Nothing was saved."))
        return _report(request, token, entry, result)
    _forget(request, token)
    messages.success(
        request,
        _("%(saved)d records were saved; %(skipped)d invalid rows were left out.")
        % {"saved": result.saved, "skipped": result.invalid_rows},
    )
    return redirect("activities:list")


@login_required
@require_GET
def bulk_errors(request: HttpRequest, token: str) -> HttpResponse:
    """The per-row error report of a checked file, as .csv."""
    entry = _pending(request, token)
    result = _stored_result(entry)
    response = HttpResponse(bulk.errors_csv(result), content_type=CSV_CONTENT_TYPE)
    stem = PurePath(entry["name"] or "tep").stem
    response["Content-Disposition"] = attachment_header(f"loi-{stem}.csv")
    return response


@login_required
@require_GET
def bulk_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """An empty file to fill in for one kind; with ?plan= its notes list the plan's tasks."""
    if kind not in RecordKind.values or fmt not in bulk.FORMATS:
        raise Http404
    _require_writer(request)
    plan = None
    chosen = request.GET.get("plan", "")
    if chosen:
        plan = _plans(request).filter(pk=chosen).first() if chosen.isdigit() else None
        if plan is None:
            raise Http404
    data = bulk.template_bytes(kind=kind, fmt=fmt, plan=plan, user=_user(request))
    response = HttpResponse(
        data, content_type=XLSX_CONTENT_TYPE if fmt == "xlsx" else CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = attachment_header(f"mau-nhap-{kind}.{fmt}")
    return response
