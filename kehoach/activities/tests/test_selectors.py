"""Reads of records: who sees which, list filters, task progress, activity by month."""

import datetime as dt

from kehoach.activities.models import Record, RecordKind
from kehoach.activities.selectors import (
    RecordFilters,
    TaskProgressStatus,
    activity_by_month,
    record_list,
    records_for_user,
    task_progress,
    task_progress_map,
)
from kehoach.activities.services import record_update
from kehoach.activities.testing import make_record
from kehoach.plans.models import TaskStatus
from kehoach.plans.services import task_set_status
from kehoach.testing import KehoachTestCase

TODAY = dt.date(2024, 6, 15)


class RecordsForUserTests(KehoachTestCase):
    in_office: Record
    in_a: Record
    in_b: Record
    outside: Record

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.in_office = make_record(unit=cls.office, tasks=[cls.office_task])
        cls.in_a = make_record(unit=cls.commune_a, tasks=[cls.commune_task])
        cls.in_b = make_record(unit=cls.commune_b, tasks=[cls.commune_task])
        cls.outside = make_record(unit=cls.outsider_commune, tasks=[cls.commune_task])

    def test_it_shows_unit_staff_the_records_of_their_subtree(self):
        self.assertEqual(list(records_for_user(self.commune_a_staff)), [self.in_a])
        self.assertEqual(list(records_for_user(self.outsider)), [self.outside])

    def test_it_shows_a_district_manager_the_whole_district(self):
        self.assertCountEqual(
            records_for_user(self.manager), [self.in_office, self.in_a, self.in_b]
        )

    def test_it_shows_administrators_everything(self):
        self.assertEqual(records_for_user(self.admin).count(), 4)


class RecordListTests(KehoachTestCase):
    poster: Record
    article: Record
    broadcast: Record

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.poster = make_record(
            kind=RecordKind.VISUAL,
            unit=cls.commune_a,
            tasks=[cls.communes_group_task],
            date=dt.date(2024, 2, 1),
            title="Treo pa nô quyền trẻ em ở thôn Phú Long",
        )
        cls.article = make_record(
            unit=cls.office,
            tasks=[cls.office_task],
            date=dt.date(2024, 5, 20),
            title="Bài viết về Công ước chống tra tấn",
        )
        cls.article.themes.add(cls.theme)
        cls.broadcast = make_record(
            kind=RecordKind.BROADCAST,
            unit=cls.commune_b,
            tasks=[cls.commune_task],
            date=dt.date(2024, 8, 2),
            product=cls.article.pk,
        )

    def listed(self, **filters):
        queryset = records_for_user(self.manager)
        return list(record_list(queryset=queryset, filters=RecordFilters(**filters)))

    def test_it_filters_by_kind_unit_task_theme_plan_and_dates(self):
        self.assertEqual(self.listed(kind=RecordKind.VISUAL), [self.poster])
        self.assertEqual(self.listed(unit_id=self.commune_b.pk), [self.broadcast])
        self.assertEqual(len(self.listed(unit_id=self.district.pk)), 3)
        self.assertEqual(self.listed(task_id=self.office_task.pk), [self.article])
        self.assertEqual(self.listed(theme_id=self.theme.pk), [self.article])
        self.assertEqual(len(self.listed(plan_id=self.district_plan.pk)), 3)
        self.assertEqual(self.listed(plan_id=self.commune_a_plan.pk), [])
        self.assertEqual(
            self.listed(date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 6, 30)),
            [self.article],
        )

    def test_it_searches_titles(self):
        self.assertEqual(self.listed(query="  tra   tấn "), [self.article])

    def test_it_lists_newest_first(self):
        self.assertEqual(self.listed(), [self.broadcast, self.article, self.poster])

    def test_it_loads_a_list_in_a_fixed_number_of_queries(self):
        def load():
            records = self.listed()
            for record in records:
                str(record.unit)
                list(record.tasks.all())
                list(record.attachments.all())
                if record.kind == RecordKind.PRODUCT:
                    list(record.product.languages.all())
                if record.kind == RecordKind.BROADCAST:
                    str(record.broadcast.product.record)
            return records

        self.listed()  # the user's scope is read once and kept on the user
        with self.assertNumQueries(6) as small:
            load()
        for day in range(1, 21):
            make_record(unit=self.commune_a, tasks=[self.commune_task], date=dt.date(2024, 4, day))
            make_record(
                kind=RecordKind.BROADCAST,
                unit=self.commune_a,
                tasks=[self.commune_task],
                product=self.article.pk,
            )
        with self.assertNumQueries(len(small.captured_queries)):
            self.assertEqual(len(load()), 43)


class TaskProgressTests(KehoachTestCase):
    """Tasks of the cast: office_task runs April–June 2024, commune_task all of 2024,
    communes_group_task is continuous (no end)."""

    def test_it_is_not_started_without_records(self):
        progress = task_progress(task=self.commune_task, today=TODAY)
        self.assertEqual(progress.status, TaskProgressStatus.NOT_STARTED)
        self.assertEqual((progress.records, progress.last_record), (0, None))

    def test_it_is_in_progress_once_a_record_is_linked(self):
        make_record(unit=self.commune_a, tasks=[self.commune_task], date=dt.date(2024, 3, 2))
        make_record(unit=self.commune_b, tasks=[self.commune_task], date=dt.date(2024, 5, 9))
        progress = task_progress(task=self.commune_task, today=TODAY)
        self.assertEqual(progress.status, TaskProgressStatus.IN_PROGRESS)
        self.assertEqual((progress.records, progress.last_record), (2, dt.date(2024, 5, 9)))

    def test_it_is_in_progress_when_people_say_so(self):
        task = task_set_status(
            task=self.commune_task, status=TaskStatus.IN_PROGRESS, by=self.manager
        )
        self.assertEqual(
            task_progress(task=task, today=TODAY).status,
            TaskProgressStatus.IN_PROGRESS,
        )

    def test_it_is_overdue_after_its_end_unless_done(self):
        make_record(unit=self.office, tasks=[self.office_task], date=dt.date(2024, 5, 2))
        july = dt.date(2024, 7, 1)
        self.assertEqual(
            task_progress(task=self.office_task, today=july).status, TaskProgressStatus.OVERDUE
        )
        task = task_set_status(task=self.office_task, status=TaskStatus.DONE, by=self.manager)
        self.assertEqual(task_progress(task=task, today=july).status, TaskProgressStatus.DONE)

    def test_it_keeps_a_cancellation(self):
        task = task_set_status(task=self.office_task, status=TaskStatus.CANCELLED, by=self.manager)
        self.assertEqual(
            task_progress(task=task, today=dt.date(2025, 1, 1)).status,
            TaskProgressStatus.CANCELLED,
        )

    def test_it_never_makes_a_continuous_task_overdue(self):
        self.assertEqual(
            task_progress(task=self.communes_group_task, today=dt.date(2030, 1, 1)).status,
            TaskProgressStatus.NOT_STARTED,
        )

    def test_it_reads_one_task_or_many_in_one_query(self):
        make_record(unit=self.office, tasks=[self.office_task, self.commune_task])
        with self.assertNumQueries(1):
            task_progress(task=self.office_task, today=TODAY)
        tasks = list(self.district_plan.tasks.all())
        with self.assertNumQueries(1):
            progress = task_progress_map(tasks=tasks, today=TODAY)
        self.assertEqual(
            [progress[t.pk].records for t in tasks],
            [1, 1, 0],
        )


class ActivityByMonthTests(KehoachTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_record(unit=cls.office, tasks=[cls.office_task], date=dt.date(2024, 1, 31))
        make_record(
            unit=cls.commune_a,
            tasks=[cls.commune_task, cls.communes_group_task],  # counted once
            date=dt.date(2024, 1, 2),
        )
        make_record(
            kind=RecordKind.BROADCAST,
            unit=cls.commune_b,
            tasks=[cls.commune_task],
            date=dt.date(2024, 12, 31),
        )
        make_record(unit=cls.commune_a, tasks=[cls.commune_task], date=dt.date(2023, 12, 31))
        make_record(unit=cls.commune_a, tasks=[cls.commune_a_task], date=dt.date(2024, 1, 5))

    def test_it_counts_records_by_kind_and_month(self):
        counts = activity_by_month(plan=self.district_plan, year=2024)
        self.assertEqual(set(counts), set(RecordKind.values))
        self.assertEqual(counts[RecordKind.PRODUCT], [2] + [0] * 11)
        self.assertEqual(counts[RecordKind.BROADCAST], [0] * 11 + [1])
        self.assertEqual(counts[RecordKind.TRAINING], [0] * 12)

    def test_it_filters_by_unit_and_task(self):
        self.assertEqual(activity_by_month(unit=self.commune_a, year=2024)["product"][0], 2)
        self.assertEqual(activity_by_month(task=self.commune_task, year=2024)["broadcast"][11], 1)
        self.assertEqual(activity_by_month(task=self.office_task, year=2024)["product"][0], 1)
        self.assertEqual(activity_by_month(year=2023)["product"][11], 1)

    def test_it_follows_edits_in_a_fixed_number_of_queries(self):
        record = make_record(unit=self.commune_b, tasks=[self.commune_task])
        with self.assertNumQueries(1):
            counts = activity_by_month(plan=self.district_plan, year=2024)
        self.assertEqual(counts["product"][2], 1)
        record_update(record=record, by=None, date=dt.date(2024, 4, 1))
        for day in range(1, 15):
            make_record(unit=self.commune_b, tasks=[self.commune_task], date=dt.date(2024, 9, day))
        with self.assertNumQueries(1):
            counts = activity_by_month(plan=self.district_plan, year=2024)
        self.assertEqual((counts["product"][2], counts["product"][3]), (0, 1))
        self.assertEqual(counts["product"][8], 14)


class RecordSearchWithoutDiacriticsTest(KehoachTestCase):
    def test_it_finds_a_record_typed_without_marks_or_in_the_other_tone_placement(self):
        from kehoach.activities.selectors import RecordFilters, record_list
        from kehoach.activities.testing import make_record

        record = make_record(
            unit=self.commune_a, tasks=[self.commune_task], title="Phát thanh về quyền trẻ em (hoá)"
        )
        for query in ("quyen tre em", "QUYỀN TRẺ EM", "hóa"):
            found = record_list(queryset=Record.objects.all(), filters=RecordFilters(query=query))
            assert list(found) == [record], query
