"""Generated requests against the API's own OpenAPI schema (schemathesis, in-process through
WSGI): whatever a signed-in client sends, valid by the schema or not, no answer is a server error,
and every answer matches the schema it documents.

Clients: the district's plan manager and a commune's staff, each with a bearer token (what
machine clients use; the session with CSRF is the browser's way, checked in test_api.py).
Every request runs inside the test's transaction, so writes are rolled back after each.
"""

import json
from functools import cache
from typing import Any

import pytest
import schemathesis
from django.conf import settings as settings_module
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from kehoach.accounts.services import api_token_create
from kehoach.activities.testing import make_record
from kehoach.testing import Cast
from kehoach.tests.fuzzing import API_REQUESTS, COUNTS, count

CHECKS = [not_a_server_error, response_schema_conformance]
# Path parameter -> primary keys of the cast's objects, filled when the cast is made.
KNOWN_IDS: dict[str, list[int]] = {}


@cache
def api_schema() -> Any:
    return schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())


@cache
def operations() -> list[Any]:
    found = [result.ok() for result in api_schema().get_all_operations()]
    return sorted(found, key=lambda operation: operation.label)


@cache
def strategy(index: int, mode: GenerationMode) -> st.SearchStrategy[Any]:
    found: st.SearchStrategy[Any] = operations()[index].as_strategy(generation_mode=mode)
    return found


@st.composite
def request_case(draw: st.DrawFn, known: dict[str, list[int]]) -> Any:
    index = draw(st.integers(0, len(operations()) - 1))
    mode = draw(st.sampled_from([GenerationMode.POSITIVE, GenerationMode.NEGATIVE]))
    case = draw(strategy(index, mode))
    # Random ids find nothing: most of the time, name an object of the cast instead.
    for name in list(case.path_parameters or {}):
        if name in known and draw(st.integers(0, 3)):
            case.path_parameters[name] = draw(st.sampled_from(known[name]))
    return case


@pytest.mark.slow
class ApiSchemaFuzzTest(Cast, TestCase):
    tokens: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast_create()
        cls.tokens = {
            "manager": api_token_create(user=cls.manager, name="Phần mềm huyện")[1],
            "commune_staff": api_token_create(user=cls.commune_a_staff, name="Một cửa xã")[1],
        }
        record = make_record(unit=cls.commune_a, tasks=[cls.commune_task], by=cls.commune_a_staff)
        KNOWN_IDS.update(
            unit_id=[u.pk for u in (cls.district, cls.office, cls.commune_a, cls.outsider_commune)],
            person_id=[p.pk for p in (cls.commune_a_person, cls.office_person)],
            plan_id=[cls.district_plan.pk, cls.commune_a_plan.pk, cls.commune_b_plan.pk],
            task_id=[cls.office_task.pk, cls.commune_task.pk, cls.commune_b_task.pk],
            record_id=[record.pk],
        )

    def setUp(self) -> None:
        # As django.test.Client does: the WSGI handler must not close the test's connection
        # (and with it the transaction every example is rolled back in).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        self.addCleanup(request_started.connect, close_old_connections)
        self.addCleanup(request_finished.connect, close_old_connections)

    @settings(max_examples=API_REQUESTS)
    @given(case=request_case(KNOWN_IDS), role=st.sampled_from(["manager", "commune_staff"]))
    def test_no_generated_request_gets_a_server_error_or_an_undocumented_answer(
        self, case: Any, role: str
    ) -> None:
        response = case.call(headers={"Authorization": f"Bearer {self.tokens[role]}"})
        count("api:requests", f"api:{role}")
        COUNTS[f"api:status:{response.status_code}"] += 1
        case.validate_response(response, checks=CHECKS)

    def test_a_number_too_large_for_the_database_is_refused_not_a_server_error(self) -> None:
        # Found by the fuzzing: 10**20 as an id or a count failed the query (OverflowError).
        self.client.cookies[settings_module.LANGUAGE_COOKIE_NAME] = "en"
        for body in (
            {"kind": "briefing", "unit_id": 10**20, "date": "2024-03-15", "title": "Họp báo"},
            {
                "kind": "briefing",
                "unit_id": self.commune_a.pk,
                "date": "2024-03-15",
                "title": "Họp báo",
                "task_ids": [self.commune_task.pk],
                "detail": {"journalists": 2**31},
            },
        ):
            response = self.client.post(
                "/api/records",
                json.dumps(body),
                content_type="application/json",
                headers={"Authorization": f"Bearer {self.tokens['manager']}"},
            )
            assert response.status_code == 400, response.content
            assert "larger than 2147483647" in response.json()["detail"]

    def test_a_page_beyond_any_list_is_refused_not_a_server_error(self) -> None:
        # Found by the bench fuzz run: page=10**30 made an OFFSET the database cannot hold.
        for path in ("/api/reports/periods", "/api/units", "/api/records", "/api/plans"):
            response = self.client.get(
                path,
                {"page": str(10**30)},
                headers={"Authorization": f"Bearer {self.tokens['manager']}"},
            )
            assert response.status_code == 422, (path, response.content)

    def test_a_query_number_beyond_64_bits_is_refused_not_a_server_error(self) -> None:
        # Found by the bench fuzz run: SQLite cannot bind -29885724148060692480 (OverflowError).
        response = self.client.get(
            "/api/units",
            {"parent": "-29885724148060692480"},
            headers={"Authorization": f"Bearer {self.tokens['manager']}"},
        )
        assert response.status_code in (200, 400), response.content
