"""Signed-in staff of huyện Núi Thành using kehoach, for locust (run by `python -m bench.load`).

Each simulated user takes one account of bench/load.py's users file (KEHOACH_LOAD_USERS), signs
in once through the real sign-in form (CSRF token from the page), loads the stylesheet and htmx
like a browser's first visit, then browses what staff use every day, with a think time between
clicks (KEHOACH_LOAD_THINK="min,max" seconds). Three roles with their own mix of pages:
district plan managers, staff of district offices and organisations, commune staff.

Every request is checked: a status that is not 2xx (after redirects) or a page that turns out to
be the sign-in form (the session was lost) is a failure. No failure is expected.
"""

import datetime as dt
import json
import os
import random
import re
from collections.abc import Callable
from typing import Any

from locust import HttpUser, TaskSet, between, events
from locust.exception import StopUser

USERS_FILE = os.environ.get("KEHOACH_LOAD_USERS", "var/load/users.json")
THINK = tuple(float(s) for s in os.environ.get("KEHOACH_LOAD_THINK", "1,3").split(","))
LOGIN_PATH = "/accounts/login/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECORD_PATH = re.compile(r"/activities/(\d+)/$")
# Seconds after which a request counts as failed: gunicorn's worker timeout of `kehoach serve`.
TIMEOUT = 120
# Every request's (name, milliseconds, failed), written at the end for exact percentiles.
TIMES_FILE = os.environ.get("KEHOACH_LOAD_TIMES", "")
TIMES: list[tuple[str, float, bool]] = []

with open(USERS_FILE, encoding="utf-8") as _file:
    ACCOUNTS: dict[str, list[dict[str, Any]]] = {}
    for _account in json.load(_file)["accounts"]:
        ACCOUNTS.setdefault(_account["role"], []).append(_account)

SEARCH_WORDS = [
    "quyền con người",
    "tuyên truyền",
    "hội nghị",
    "pano",
    "truyền thanh",
    "bản tin",
    "Tam Xuân",
    "họp báo",
    "cuộc thi",
    "tập huấn",
]
RECORD_KINDS = ["product", "training", "briefing", "broadcast", "portal_post", "visual"]
VISUAL_ITEMS = ["banner", "poster", "panel"]
VISUAL_TITLES = [
    "Treo băng rôn tuyên truyền về quyền con người",
    "Dựng pano tuyên truyền Ngày Quyền con người 10/12",
    "Áp phích tuyên truyền phổ biến pháp luật về quyền con người",
    "Khẩu hiệu tuyên truyền tại nhà văn hóa thôn",
]
PLACES = [
    "Trụ sở UBND",
    "Nhà văn hóa thôn Phú Quý",
    "Chợ Trạm",
    "Ngã ba Tam Hiệp",
    "Trường THCS Nguyễn Trãi",
    "Quốc lộ 1A, đoạn qua thị trấn Núi Thành",
]


@events.request.add_listener  # type: ignore[untyped-decorator]
def _time(name: str, response_time: float, exception: Exception | None, **_kwargs: Any) -> None:
    TIMES.append((name, response_time, exception is not None))


@events.test_stop.add_listener  # type: ignore[untyped-decorator]
def _write_times(**_kwargs: Any) -> None:
    if TIMES_FILE:
        with open(TIMES_FILE, "w", encoding="utf-8") as file:
            json.dump(TIMES, file)


class StaffUser(HttpUser):
    """One member of staff; subclasses set the role and the mix of pages."""

    abstract = True
    role = ""
    wait_time = between(*THINK)
    account: dict[str, Any]

    # -- sign-in --------------------------------------------------------------------------

    def on_start(self) -> None:
        accounts = ACCOUNTS.get(self.role, [])
        if not accounts:
            raise StopUser()  # more simulated users than accounts: never sign in twice
        self.account = accounts.pop()
        self.records: list[int] = list(self.account["record_ids"])
        with self.client.get(LOGIN_PATH, name="sign-in form", catch_response=True) as page:
            token = CSRF_INPUT.search(page.text or "")
            if page.status_code != 200 or token is None:
                page.failure(f"no sign-in form ({page.status_code})")
                raise StopUser()
        data = {
            "username": self.account["username"],
            "password": self.account["password"],
            "csrfmiddlewaretoken": token.group(1),
        }
        with self.client.post(
            LOGIN_PATH, data=data, name="sign-in", catch_response=True, timeout=TIMEOUT
        ) as answer:
            if answer.status_code != 200 or LOGIN_PATH in answer.url:
                answer.failure(f"sign-in refused ({answer.status_code})")
                raise StopUser()
        # A browser's first visit also loads the stylesheet and htmx (cached afterwards).
        for path in ("/static/kehoach/app.css", "/static/vendor/htmx/htmx.min.js"):
            self.get(path, "static files")

    # -- helpers --------------------------------------------------------------------------

    def get(self, path: str, name: str, **params: Any) -> Any:
        with self.client.get(
            path, params=params or None, name=name, catch_response=True, timeout=TIMEOUT
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif LOGIN_PATH in response.url:
                response.failure("sent to the sign-in form: the session was lost")
            return response

    def csrf_header(self) -> dict[str, str]:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken") or ""}

    def a_date(self) -> str:
        """A day of the plan's year (2024), when the units still stood."""
        day = dt.date(2024, 1, 2) + dt.timedelta(days=random.randrange(360))
        return day.isoformat()

    def a_record(self) -> int | None:
        return random.choice(self.records) if self.records else None

    # -- pages ----------------------------------------------------------------------------

    def home(self) -> None:
        self.get("/", "home (→ plan page)")

    def plan_page(self) -> None:
        self.get(f"/plans/{self.account['plan_id']}/", "plan page")

    def task_list(self) -> None:
        params = random.choice([{}, {"status": "in_progress"}, {"status": "not_started"}])
        self.get(f"/plans/{self.account['plan_id']}/tasks/", "task list", **params)

    def plan_dashboard(self) -> None:
        self.get(f"/activities/plans/{self.account['plan_id']}/", "plan dashboard")

    def records_list(self) -> None:
        page = random.choice([{}, {}, {"page": "2"}])
        self.get("/activities/", "records list", **page)

    def records_filtered(self) -> None:
        choices: list[dict[str, str]] = [
            {"kind": random.choice(RECORD_KINDS)},
            {"task": str(random.choice(self.account["task_ids"]))},
            {"date_from": "2024-04-01", "date_to": "2024-09-30"},
        ]
        if self.account["unit_ids"]:
            choices.append({"unit": str(random.choice(self.account["unit_ids"]))})
        if self.account["theme_ids"]:
            choices.append({"theme": str(random.choice(self.account["theme_ids"]))})
        params = random.choice(choices)
        if random.random() < 0.3:
            params = {**params, **random.choice(choices)}
        self.get("/activities/", "records list, filtered", **params)

    def records_search(self) -> None:
        self.get("/activities/", "records search", q=random.choice(SEARCH_WORDS))

    def record_detail(self) -> None:
        record = self.a_record()
        if record is not None:
            self.get(f"/activities/{record}/", "record detail")

    def report_periods(self) -> None:
        self.get("/reports/", "report periods")

    def report_board(self) -> None:
        if self.account["period_ids"]:
            period = random.choice(self.account["period_ids"])
            self.get(f"/reports/periods/{period}/", "report board")

    def monitoring_queue(self) -> None:
        self.get("/monitoring/", "monitoring queue")

    def publishing_list(self) -> None:
        self.get("/publishing/", "publishing list")

    def api_get(self) -> None:
        plan = self.account["plan_id"]
        choices: list[tuple[str, str, dict[str, Any]]] = [
            ("/api/me", "API: me", {}),
            ("/api/records", "API: records", {}),
            ("/api/records", "API: records", {"q": random.choice(SEARCH_WORDS)}),
            (f"/api/plans/{plan}/tasks", "API: plan tasks", {}),
            ("/api/reports/periods", "API: report periods", {}),
        ]
        record = self.a_record()
        if record is not None:
            choices.append((f"/api/records/{record}", "API: record", {}))
        path, name, params = random.choice(choices)
        self.get(path, name, **params)

    # -- writes ---------------------------------------------------------------------------

    def record_create_form(self) -> None:
        """A visual campaign entered through the web form, as staff do after an event."""
        path = "/activities/new/?kind=visual"
        form = self.get(path, "record form")
        token = CSRF_INPUT.search(form.text or "")
        if token is None:
            return  # already counted as a failure by get()
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "unit": str(self.account["unit_id"]),
            "date": self.a_date(),
            "title": random.choice(VISUAL_TITLES),
            "description": "Nhập trong thử tải (bench/load.py).",
            "tasks": [str(random.choice(self.account["task_ids"]))],
            "item": random.choice(VISUAL_ITEMS),
            "quantity": str(random.randint(1, 12)),
            "location": random.choice(PLACES),
        }
        with self.client.post(
            path, data=data, name="record create (form)", catch_response=True, timeout=TIMEOUT
        ) as answer:
            saved = RECORD_PATH.search(answer.url or "")
            if answer.status_code != 200 or saved is None:
                answer.failure(f"not saved ({answer.status_code}, stayed on {answer.url})")
            else:
                self.records.append(int(saved.group(1)))

    def record_create_api(self) -> None:
        """The same through the JSON API with the browser session (CSRF header)."""
        body = {
            "kind": "visual",
            "unit_id": self.account["unit_id"],
            "date": self.a_date(),
            "title": random.choice(VISUAL_TITLES),
            "task_ids": [random.choice(self.account["task_ids"])],
            "detail": {
                "item": random.choice(VISUAL_ITEMS),
                "quantity": random.randint(1, 12),
                "location": random.choice(PLACES),
            },
        }
        with self.client.post(
            "/api/records",
            json=body,
            headers=self.csrf_header(),
            name="record create (API)",
            catch_response=True,
            timeout=TIMEOUT,
        ) as answer:
            if answer.status_code != 201:
                answer.failure(f"status {answer.status_code}: {(answer.text or '')[:200]}")
            else:
                self.records.append(int(answer.json()["id"]))


# Relative weights of what each role does between two think times (writes are ~5 %).
MANAGER_MIX: dict[Callable[[StaffUser], None], int] = {
    StaffUser.home: 8,
    StaffUser.plan_page: 8,
    StaffUser.task_list: 6,
    StaffUser.plan_dashboard: 8,
    StaffUser.records_list: 5,
    StaffUser.records_filtered: 6,
    StaffUser.records_search: 3,
    StaffUser.record_detail: 6,
    StaffUser.report_periods: 3,
    StaffUser.report_board: 8,
    StaffUser.monitoring_queue: 6,
    StaffUser.publishing_list: 4,
    StaffUser.api_get: 6,
    StaffUser.record_create_form: 1,
    StaffUser.record_create_api: 1,
}
OFFICE_MIX: dict[Callable[[StaffUser], None], int] = {
    StaffUser.home: 8,
    StaffUser.plan_page: 6,
    StaffUser.task_list: 5,
    StaffUser.plan_dashboard: 3,
    StaffUser.records_list: 8,
    StaffUser.records_filtered: 7,
    StaffUser.records_search: 4,
    StaffUser.record_detail: 9,
    StaffUser.report_periods: 2,
    StaffUser.report_board: 3,
    StaffUser.monitoring_queue: 4,
    StaffUser.publishing_list: 4,
    StaffUser.api_get: 6,
    StaffUser.record_create_form: 2,
    StaffUser.record_create_api: 2,
}
COMMUNE_MIX: dict[Callable[[StaffUser], None], int] = {
    StaffUser.home: 8,
    StaffUser.plan_page: 6,
    StaffUser.task_list: 6,
    StaffUser.plan_dashboard: 2,
    StaffUser.records_list: 8,
    StaffUser.records_filtered: 5,
    StaffUser.records_search: 3,
    StaffUser.record_detail: 8,
    StaffUser.report_periods: 3,
    StaffUser.report_board: 4,
    StaffUser.monitoring_queue: 1,
    StaffUser.publishing_list: 2,
    StaffUser.api_get: 4,
    StaffUser.record_create_form: 3,
    StaffUser.record_create_api: 1,
}


def weighted(mix: dict[Callable[[StaffUser], None], int]) -> list[TaskSet | Callable[..., Any]]:
    """Locust picks a task at random from this list: each as often as its weight."""
    return [task for task, weight in mix.items() for _ in range(weight)]


class DistrictManager(StaffUser):
    role = "manager"
    fixed_count = len(ACCOUNTS.get("manager", []))
    tasks = weighted(MANAGER_MIX)


class OfficeStaff(StaffUser):
    role = "office"
    fixed_count = len(ACCOUNTS.get("office", []))
    tasks = weighted(OFFICE_MIX)


class CommuneStaff(StaffUser):
    role = "commune"
    fixed_count = len(ACCOUNTS.get("commune", []))
    tasks = weighted(COMMUNE_MIX)
