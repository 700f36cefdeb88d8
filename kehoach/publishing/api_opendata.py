"""Open data API (no sign-in): the catalogue and the published datasets.

The same data as the files under /du-lieu-mo/ (views_opendata.py), from opendata.py, which reads
only what `public_publications()` allows. A plan with nothing public does not exist here (404).
"""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from kehoach.accounts.api import ERROR_RESPONSES
from kehoach.plans.models import Plan

from . import opendata

router = Router(tags=["open data"])


def _public_plan(plan_id: int | None) -> Plan | None:
    if plan_id is None:
        return None
    plan = opendata.public_plans().filter(pk=plan_id).select_related("issuer").first()
    if plan is None:
        raise Http404
    return plan


@router.get(
    "/open-data/catalog",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    auth=None,
    url_name="opendata_catalog",
)
def catalog(request: HttpRequest, plan_id: int | None = None) -> dict[str, Any]:
    """The catalogue of datasets as DCAT JSON-LD (dcat:Catalog), optionally for one plan."""
    plan = _public_plan(plan_id)
    return opendata.catalog_jsonld(plan=plan, absolute=request.build_absolute_uri)


@router.get(
    "/open-data/datasets/{name}",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    auth=None,
    url_name="opendata_dataset",
)
def dataset(request: HttpRequest, name: str, plan_id: int | None = None) -> dict[str, Any]:
    """A dataset (products, activities or targets): its columns and rows, as in its JSON file."""
    found = opendata.DATASETS.get(name)
    if found is None:
        raise Http404
    plan = _public_plan(plan_id)
    rows = opendata.dataset_rows(name, plan=plan, absolute=request.build_absolute_uri)
    modified = opendata.dataset_modified(name, plan=plan)
    return opendata.dataset_document(found, rows, plan=plan, modified=modified)
