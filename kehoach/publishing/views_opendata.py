"""Open data pages and files under /du-lieu-mo/ (no sign-in): the catalogue (HTML and DCAT
JSON-LD) and each dataset as CSV and JSON, optionally for one plan (?ke-hoach=<pk>).

Everything comes from opendata.py, which reads only what `public_publications()` allows; answers
are cached for a minute by anyone, and other sites may fetch the data (CORS *)."""

import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_cookie

from kehoach.plans.models import Plan

from . import opendata
from .models import LICENCE_URLS

View = Callable[..., HttpResponse]


def _public(view: View) -> View:
    """GET/HEAD only, cached for a minute by anyone, one copy per language cookie."""
    return require_safe(cache_control(public=True, max_age=60)(vary_on_cookie(view)))


def _open(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def plan_from_query(request: HttpRequest) -> Plan | None:
    """The plan of ?ke-hoach=<pk>: only a plan with something public; anything else is 404."""
    value = request.GET.get("ke-hoach", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    plan = opendata.public_plans().filter(pk=int(value)).select_related("issuer").first()
    if plan is None:
        raise Http404
    return plan


def _dataset(name: str) -> opendata.Dataset:
    dataset = opendata.DATASETS.get(name)
    if dataset is None:
        raise Http404
    return dataset


def _json(data: Any, content_type: str = "application/json") -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return _open(HttpResponse(body, content_type=f"{content_type}; charset=utf-8"))


@_public
def catalog(request: HttpRequest) -> HttpResponse:
    plan = plan_from_query(request)
    infos = opendata.catalog(plan=plan, absolute=request.build_absolute_uri)
    context = {
        "infos": infos,
        "plan": plan,
        "plans": opendata.public_plans(),
        "licence_label": opendata.DATASET_LICENCE.label,
        "licence_url": LICENCE_URLS[opendata.DATASET_LICENCE],
        "nav": "opendata",
    }
    return render(request, "opendata/catalog.html", context)


@_public
def catalog_jsonld(request: HttpRequest) -> HttpResponse:
    plan = plan_from_query(request)
    data = opendata.catalog_jsonld(plan=plan, absolute=request.build_absolute_uri)
    return _json(data, "application/ld+json")


@_public
def dataset_csv(request: HttpRequest, name: str) -> HttpResponse:
    dataset = _dataset(name)
    plan = plan_from_query(request)
    rows = opendata.dataset_rows(name, plan=plan, absolute=request.build_absolute_uri)
    response = HttpResponse(
        opendata.csv_text(dataset, rows), content_type="text/csv; charset=utf-8"
    )
    suffix = f"-ke-hoach-{plan.pk}" if plan is not None else ""
    response["Content-Disposition"] = f'inline; filename="{name}{suffix}.csv"'
    return _open(response)


@_public
def dataset_json(request: HttpRequest, name: str) -> HttpResponse:
    dataset = _dataset(name)
    plan = plan_from_query(request)
    rows = opendata.dataset_rows(name, plan=plan, absolute=request.build_absolute_uri)
    modified = opendata.dataset_modified(name, plan=plan)
    return _json(opendata.dataset_document(dataset, rows, plan=plan, modified=modified))
