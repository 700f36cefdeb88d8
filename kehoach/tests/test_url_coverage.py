"""Every named page of the web app is in a permission matrix: a new URL cannot slip past review.

Each app's tests/test_permissions.py lists the URL names it checks as every role and as an outsider.
The API has its own coverage test over the OpenAPI operations (test_api_permissions.py).
"""

from importlib import import_module

from django.urls import URLPattern, URLResolver, get_resolver

APPS_WITH_PAGES = (
    "accounts",
    "units",
    "people",
    "plans",
    "activities",
    "reports",
    "monitoring",
    "publishing",
    "audit",
)
NOT_OURS = {"admin", "api"}  # Django admin (staff only) and the API (covered separately)


def _named_urls(patterns: list[URLPattern | URLResolver], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in NOT_OURS:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_named_url_has_a_permission_test():
    covered: set[str] = set()
    for app in APPS_WITH_PAGES:
        covered |= import_module(f"kehoach.{app}.tests.test_permissions").COVERED_URL_NAMES
    all_names = _named_urls(get_resolver().url_patterns)
    assert all_names - covered == set(), "URLs without a permission test"
    assert covered - all_names == set(), "permission tests for URLs that no longer exist"
