"""`kehoach monitor fetch`: sources fetched from the command line, or the worker's chain queued."""

import io
from unittest import mock

from django.core.management import call_command
from django.test import TestCase, override_settings
from django_tasks_db.models import DBTaskResult

from kehoach.monitoring.models import Article, FetchRun, Source, SourceKind
from kehoach.monitoring.tests.newssite import FAST_FETCHING, NewsSiteMixin
from kehoach.units.models import UnitKind
from kehoach.units.services import unit_create


@override_settings(**FAST_FETCHING)
class MonitorFetchCommandTest(NewsSiteMixin, TestCase):
    def setUp(self) -> None:
        super().setUp()
        patcher = mock.patch("kehoach.monitoring.ingest._analyse")
        patcher.start()
        self.addCleanup(patcher.stop)
        office = unit_create(
            name="Phòng Văn hóa và Thông tin huyện Núi Thành", kind=UnitKind.OFFICE
        )
        self.feed = Source.objects.create(
            unit=office,
            name="Báo Quảng Nam Thử",
            kind=SourceKind.FEED,
            url=self.site.url("/rss/thoi-su.xml"),
        )
        self.stopped = Source.objects.create(
            unit=office,
            name="Nguồn đã dừng",
            kind=SourceKind.FEED,
            url=self.site.url("/garbage"),
            active=False,
        )

    def run_command(self, *argv: str) -> str:
        out = io.StringIO()
        with mock.patch("sys.stdout", out):
            call_command("monitor", "fetch", *argv)
        return out.getvalue()

    def test_it_fetches_the_active_sources_that_are_due(self) -> None:
        self.run_command()
        self.assertEqual(Article.objects.filter(source=self.feed).count(), 3)
        self.assertFalse(FetchRun.objects.filter(source=self.stopped).exists())

    def test_it_fetches_one_source_by_its_id_even_when_stopped(self) -> None:
        self.run_command("--source", str(self.stopped.pk))
        self.assertEqual(FetchRun.objects.get(source=self.stopped).outcome, "error")
        self.assertFalse(FetchRun.objects.filter(source=self.feed).exists())

    def test_schedule_queues_the_scan_for_the_worker(self) -> None:
        self.run_command("--schedule")
        self.assertEqual(
            DBTaskResult.objects.filter(task_path__endswith="fetch_due_sources_task").count(), 1
        )
        self.assertFalse(FetchRun.objects.exists())
