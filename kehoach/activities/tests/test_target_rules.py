"""The seed plan's four target rules on hand-computed examples, their course over the year,
their status, and a fixed number of SQL queries whatever the number of records."""

import datetime as dt
from decimal import Decimal

from kehoach.activities.models import Record, RecordKind, RuleKind
from kehoach.activities.selectors import (
    ProgressStatus,
    TargetProgress,
    elapsed_share,
    progress_status,
    target_members,
    target_progress,
)
from kehoach.activities.services import (
    record_delete,
    record_update,
    seed_target_rules,
    target_rule_set,
)
from kehoach.activities.testing import make_record
from kehoach.people.models import Person
from kehoach.people.services import person_create, person_update
from kehoach.plans.models import Target
from kehoach.testing import KehoachTestCase, make_plan
from kehoach.units.models import Unit, UnitKind
from kehoach.units.services import unit_create

MID_JUNE = dt.date(2024, 6, 15)
YEAR_END = dt.date(2024, 12, 31)


class TargetCase(KehoachTestCase):
    target: Target

    def progress(self, as_of: dt.date, *, target: Target | None = None) -> TargetProgress:
        found = target_progress(target=target or self.target, as_of=as_of)
        assert found is not None
        return found

    def make_target(self, *, value=None, value_max=None, order=10, deadline=None):
        return Target.objects.create(
            plan=self.district_plan,
            order=order,
            text="Chỉ tiêu thử nghiệm",
            value=value,
            value_max=value_max,
            unit_of_measure="%" if value is not None else "",
            deadline=deadline,
        )

    def product(self, *, languages=("vi",), platforms=("print",), unit=None, date=None, **extra):
        return make_record(
            unit=unit or self.commune_a,
            tasks=[self.commune_task],
            languages=list(languages),
            platforms=list(platforms),
            date=date or dt.date(2024, 3, 15),
            **extra,
        )

    def briefing(self, unit, date):
        return make_record(kind=RecordKind.BRIEFING, unit=unit, tasks=[self.office_task], date=date)

    def training(self, attendees, date=dt.date(2024, 4, 10)):
        return make_record(
            kind=RecordKind.TRAINING,
            unit=self.office,
            tasks=[self.office_task],
            date=date,
            attendees=[p.pk for p in attendees],
        )


class SpokespersonShareTests(TargetCase):
    """Agencies = offices directly under the district valid in 2024; an agency counts with a
    spokesperson in post and a briefing in the year."""

    justice: Unit
    home_affairs: Unit
    outsider_office: Unit
    justice_spokesperson: Person

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.justice = unit_create(
            name="Phòng Tư pháp huyện Núi Thành", kind=UnitKind.OFFICE, parent=cls.district
        )
        cls.home_affairs = unit_create(
            name="Phòng Nội vụ huyện Núi Thành", kind=UnitKind.OFFICE, parent=cls.district
        )
        # Not agencies of this target: a dissolved office, an office of another district, a
        # commune (not an office).
        unit_create(
            name="Phòng Dân tộc huyện Núi Thành",
            kind=UnitKind.OFFICE,
            parent=cls.district,
            valid_to=dt.date(2023, 6, 30),
        )
        cls.outsider_office = unit_create(
            name="Phòng Văn hóa huyện Phú Ninh", kind=UnitKind.OFFICE, parent=cls.outsider_district
        )
        # office_person (cast) is the spokesperson of Phòng VH&TT.
        cls.justice_spokesperson = person_create(
            full_name="Huỳnh Văn Dũng",
            unit=cls.justice,
            position="Trưởng phòng Tư pháp",
            duties=["spokesperson"],
        )

    def setUp(self):
        self.target = self.make_target(value=100)
        target_rule_set(target=self.target, kind=RuleKind.SPOKESPERSON_SHARE, params={})

    def test_it_counts_agencies_with_a_spokesperson_and_a_briefing(self):
        # 3 offices; VH&TT and Tư pháp have a spokesperson; only VH&TT held a briefing → 1/3.
        self.briefing(self.office, dt.date(2024, 3, 20))
        self.briefing(self.home_affairs, dt.date(2024, 4, 2))  # no spokesperson: not counted
        self.briefing(self.justice, dt.date(2023, 12, 28))  # last year: not counted
        self.briefing(self.outsider_office, dt.date(2024, 3, 1))  # another district
        progress = self.progress(YEAR_END)
        self.assertEqual((progress.numerator, progress.denominator), (1, 3))
        self.assertEqual(progress.value, Decimal("33.3"))
        self.assertEqual(progress.member_kind, "unit")

    def test_it_traces_numerator_and_denominator_to_units(self):
        self.briefing(self.office, dt.date(2024, 3, 20))
        numerator = target_members(target=self.target, part="numerator", as_of=YEAR_END)
        denominator = target_members(target=self.target, part="denominator", as_of=YEAR_END)
        self.assertEqual(list(numerator), [self.office])
        self.assertCountEqual(denominator, [self.office, self.justice, self.home_affairs])

    def test_it_drops_an_agency_whose_spokesperson_left(self):
        self.briefing(self.office, dt.date(2024, 3, 20))
        self.briefing(self.justice, dt.date(2024, 5, 20))
        self.assertEqual(self.progress(YEAR_END).numerator, 2)
        person_update(person=self.justice_spokesperson, active=False)
        self.assertEqual(self.progress(YEAR_END).numerator, 1)

    def test_it_counts_spokespersons_alone_when_briefings_are_not_required(self):
        target_rule_set(
            target=self.target,
            kind=RuleKind.SPOKESPERSON_SHARE,
            params={"require_briefing": False},
        )
        progress = self.progress(MID_JUNE)
        self.assertEqual(progress.value, Decimal("66.7"))

    def test_it_follows_the_year_month_by_month(self):
        self.briefing(self.office, dt.date(2024, 3, 20))
        self.briefing(self.office, dt.date(2024, 5, 2))  # a second briefing changes nothing
        self.briefing(self.justice, dt.date(2024, 8, 9))
        course = self.progress(YEAR_END).course
        values = [value for _month, value in course]
        self.assertEqual(course[0][0], dt.date(2024, 1, 1))
        self.assertEqual(values[:2], [Decimal("0.0")] * 2)
        self.assertEqual(values[2:7], [Decimal("33.3")] * 5)
        self.assertEqual(values[7:], [Decimal("66.7")] * 5)

    def test_it_counts_only_briefings_up_to_as_of(self):
        self.briefing(self.office, dt.date(2024, 8, 9))
        progress = self.progress(MID_JUNE)
        self.assertEqual(progress.numerator, 0)
        self.assertEqual([v for _m, v in progress.course][6:], [None] * 6)

    def test_it_is_behind_when_below_the_pace_of_the_year(self):
        # 33.3% in mid-June, when 100% × 167/366 = 45.6% would keep pace.
        self.briefing(self.office, dt.date(2024, 3, 20))
        self.assertEqual(self.progress(MID_JUNE).status, ProgressStatus.BEHIND)

    def test_it_keeps_a_fixed_number_of_queries(self):
        self.briefing(self.office, dt.date(2024, 3, 20))
        with self.assertNumQueries(2):
            self.progress(YEAR_END)
        for month in range(1, 13):
            self.briefing(self.justice, dt.date(2024, month, 3))
            self.briefing(self.home_affairs, dt.date(2024, month, 4))
        with self.assertNumQueries(2):
            progress = self.progress(YEAR_END)
        self.assertEqual(progress.numerator, 2)


class TrainedShareTests(TargetCase):
    """Officials = people in post in the district's subtree in charge of human-rights work or
    foreign information; trained = attended a training recorded in 2024 up to as_of."""

    foreign_info: Person
    spokesperson_only: Person
    retired: Person
    outsider_person: Person

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Cast: office_person, commune_a_person, commune_b_person are human-rights officers.
        cls.foreign_info = person_create(
            full_name="Võ Thị Mỹ Linh",
            unit=cls.office,
            position="Chuyên viên",
            duties=["foreign_info"],
        )
        cls.spokesperson_only = person_create(
            full_name="Đặng Văn Phúc", unit=cls.office, duties=["spokesperson"]
        )
        cls.retired = person_create(
            full_name="Phan Thị Hồng", unit=cls.commune_a, duties=["human_rights"]
        )
        person_update(person=cls.retired, active=False)
        cls.outsider_person = person_create(
            full_name="Ngô Văn Sáu", unit=cls.outsider_district, duties=["human_rights"]
        )

    def setUp(self):
        self.target = self.make_target(value=100)
        target_rule_set(target=self.target, kind=RuleKind.TRAINED_SHARE, params={})

    def test_it_counts_officials_who_attended_a_training_in_the_year(self):
        # 4 officials; office_person and commune_a_person trained in 2024 → 2/4 = 50%.
        self.training([self.office_person, self.commune_a_person, self.spokesperson_only])
        self.training([self.office_person], date=dt.date(2024, 9, 1))  # twice counts once
        self.training([self.commune_b_person], date=dt.date(2023, 10, 1))  # last year
        self.training([self.outsider_person, self.retired])
        progress = self.progress(YEAR_END)
        self.assertEqual((progress.numerator, progress.denominator), (2, 4))
        self.assertEqual(progress.value, Decimal("50.0"))
        self.assertEqual(progress.member_kind, "person")

    def test_it_traces_numerator_and_denominator_to_people(self):
        self.training([self.office_person])
        numerator = target_members(target=self.target, part="numerator", as_of=YEAR_END)
        denominator = target_members(target=self.target, part="denominator", as_of=YEAR_END)
        self.assertEqual(list(numerator), [self.office_person])
        self.assertCountEqual(
            denominator,
            [self.office_person, self.commune_a_person, self.commune_b_person, self.foreign_info],
        )

    def test_it_counts_only_trainings_up_to_as_of(self):
        self.training([self.office_person], date=dt.date(2024, 7, 1))
        self.assertEqual(self.progress(MID_JUNE).numerator, 0)
        self.assertEqual(self.progress(dt.date(2024, 7, 1)).numerator, 1)

    def test_it_counts_only_the_duties_in_the_rule(self):
        target_rule_set(
            target=self.target, kind=RuleKind.TRAINED_SHARE, params={"duties": ["foreign_info"]}
        )
        self.training([self.foreign_info])
        progress = self.progress(YEAR_END)
        self.assertEqual((progress.numerator, progress.denominator), (1, 1))
        self.assertEqual(progress.status, ProgressStatus.MET)

    def test_it_follows_the_year_month_by_month(self):
        self.training([self.office_person], date=dt.date(2024, 2, 20))
        self.training([self.commune_a_person, self.commune_b_person], date=dt.date(2024, 11, 5))
        values = [v for _m, v in self.progress(YEAR_END).course]
        self.assertEqual(values[0], Decimal("0.0"))
        self.assertEqual(values[1:10], [Decimal("25.0")] * 9)
        self.assertEqual(values[10:], [Decimal("75.0")] * 2)

    def test_it_keeps_a_fixed_number_of_queries(self):
        self.training([self.office_person])
        with self.assertNumQueries(2):
            self.progress(YEAR_END)
        for month in range(1, 13):
            self.training([self.commune_a_person, self.foreign_info], date=dt.date(2024, month, 8))
        with self.assertNumQueries(2):
            progress = self.progress(YEAR_END)
        self.assertEqual(progress.numerator, 3)


class LanguageOrDigitalShareTests(TargetCase):
    """Products in the district's subtree in 2024; counted when in a minority or foreign
    language or on a digital platform; the target is the range 15–20%."""

    def setUp(self):
        self.target = self.make_target(value=15, value_max=20)
        target_rule_set(
            target=self.target,
            kind=RuleKind.PRODUCT_SHARE,
            params={"condition": "language_or_digital"},
        )

    def test_it_counts_products_in_minority_languages_or_on_digital_platforms(self):
        # 5 products: one in Cơ Tu, one on a social network, one both → 3/5 = 60%.
        self.product()
        self.product(languages=["katu"])
        self.product(platforms=["social"])
        self.product(languages=["katu", "vi"], platforms=["radio", "social"])
        self.product(platforms=["radio"])
        self.product(unit=self.outsider_commune, languages=["en"])  # another district
        self.product(languages=["katu"], date=dt.date(2023, 12, 1))  # last year
        progress = self.progress(YEAR_END)
        self.assertEqual((progress.numerator, progress.denominator), (3, 5))
        self.assertEqual(progress.value, Decimal("60.0"))
        self.assertEqual(progress.status, ProgressStatus.EXCEEDED)

    def test_it_is_met_inside_the_range(self):
        # 1 of 6 = 16.7%, inside 15–20%.
        self.product(languages=["en"])
        for _ in range(5):
            self.product()
        progress = self.progress(MID_JUNE)
        self.assertEqual(progress.value, Decimal("16.7"))
        self.assertEqual(progress.status, ProgressStatus.MET)

    def test_it_is_on_track_below_the_range_early_and_behind_at_the_end(self):
        # 1 of 10 = 10%: in mid-June 15% × 167/366 = 6.8% keeps pace; on 31 December it does not.
        self.product(platforms=["portal"])
        for _ in range(9):
            self.product()
        self.assertEqual(self.progress(MID_JUNE).status, ProgressStatus.ON_TRACK)
        self.assertEqual(self.progress(YEAR_END).status, ProgressStatus.BEHIND)

    def test_it_traces_the_numerator_and_denominator_to_records(self):
        counted = self.product(languages=["katu"])
        plain = self.product()
        numerator = target_members(target=self.target, part="numerator", as_of=YEAR_END)
        denominator = target_members(target=self.target, part="denominator", as_of=YEAR_END)
        self.assertEqual(list(numerator), [counted])
        self.assertCountEqual(denominator, [counted, plain])
        self.assertIsInstance(numerator.first(), Record)

    def test_it_changes_at_once_when_records_are_added_edited_and_deleted(self):
        self.product()
        other = self.product()
        self.assertEqual(self.progress(YEAR_END).value, Decimal(0))
        added = self.product(languages=["sedang"])
        self.assertEqual(self.progress(YEAR_END).value, Decimal("33.3"))
        record_update(record=other, by=self.commune_a_staff, detail={"platforms": ["social"]})
        self.assertEqual(self.progress(YEAR_END).value, Decimal("66.7"))
        record_delete(record=added, by=self.commune_a_staff)
        self.assertEqual(self.progress(YEAR_END).value, Decimal("50.0"))

    def test_it_follows_the_year_month_by_month(self):
        # Jan: 1 plain; Mar: 1 in English; Jul: 2 plain → 0%, 0%, 50%, …, 25% from July.
        self.product(date=dt.date(2024, 1, 10))
        self.product(languages=["en"], date=dt.date(2024, 3, 3))
        self.product(date=dt.date(2024, 7, 1))
        self.product(date=dt.date(2024, 7, 31))
        values = [v for _m, v in self.progress(YEAR_END).course]
        self.assertEqual(values[:2], [Decimal("0.0")] * 2)
        self.assertEqual(values[2:6], [Decimal("50.0")] * 4)
        self.assertEqual(values[6:], [Decimal("25.0")] * 6)

    def test_it_has_no_value_before_any_product(self):
        progress = self.progress(MID_JUNE)
        self.assertIsNone(progress.value)
        self.assertEqual((progress.numerator, progress.denominator), (0, 0))
        self.assertEqual(progress.status, ProgressStatus.BEHIND)

    def test_it_keeps_a_fixed_number_of_queries(self):
        self.product(languages=["katu"])
        with self.assertNumQueries(2):
            self.progress(YEAR_END)
        with self.assertNumQueries(2):
            list(target_members(target=self.target, part="numerator", as_of=YEAR_END))
        for month in range(1, 13):
            self.product(date=dt.date(2024, month, 2))
            self.product(platforms=["social"], date=dt.date(2024, month, 20))
        with self.assertNumQueries(2):
            progress = self.progress(YEAR_END)
        with self.assertNumQueries(2):
            members = list(target_members(target=self.target, part="numerator", as_of=YEAR_END))
        self.assertEqual((progress.numerator, progress.denominator, len(members)), (13, 25, 13))


class DigitisedOnlineShareTests(TargetCase):
    """Counted = digitised and published online; the 4th target has no number: compared with
    100% (the national project's T9)."""

    def setUp(self):
        self.target = self.make_target(value=None)
        target_rule_set(
            target=self.target,
            kind=RuleKind.PRODUCT_SHARE,
            params={"condition": "digitised_online"},
        )

    def test_it_counts_products_digitised_and_published_online(self):
        # 4 products, only the first is both digitised and online → 25%, against 100%.
        self.product(digitised=True, published_online=True)
        self.product(digitised=True)
        self.product(published_online=True, platforms=["portal"])
        self.product()
        progress = self.progress(YEAR_END)
        self.assertEqual((progress.numerator, progress.denominator), (1, 4))
        self.assertEqual(progress.value, Decimal("25.0"))
        self.assertEqual(progress.goal, Decimal(100))
        self.assertEqual(progress.status, ProgressStatus.BEHIND)

    def test_it_is_met_when_every_product_is_online(self):
        self.product(digitised=True, published_online=True)
        self.product(digitised=True, published_online=True, languages=["katu"])
        progress = self.progress(MID_JUNE)
        self.assertEqual(progress.value, Decimal("100.0"))
        self.assertEqual(progress.status, ProgressStatus.MET)

    def test_it_keeps_a_fixed_number_of_queries(self):
        self.product(digitised=True, published_online=True)
        with self.assertNumQueries(2):
            self.progress(YEAR_END)
        for month in range(1, 13):
            self.product(digitised=True, published_online=True, date=dt.date(2024, month, 5))
        with self.assertNumQueries(2):
            self.assertEqual(self.progress(YEAR_END).numerator, 13)


class RecordCountTests(TargetCase):
    def test_it_counts_records_of_a_kind(self):
        target = self.make_target(value=3)
        target_rule_set(
            target=target, kind=RuleKind.RECORD_COUNT, params={"record_kind": "broadcast"}
        )
        for day in (5, 12, 19, 26):
            make_record(
                kind=RecordKind.BROADCAST,
                unit=self.commune_b,
                tasks=[self.commune_task],
                date=dt.date(2024, 5, day),
            )
        self.product()
        progress = self.progress(YEAR_END, target=target)
        self.assertEqual((progress.value, progress.denominator), (Decimal(4), None))
        self.assertEqual(progress.status, ProgressStatus.EXCEEDED)
        self.assertEqual(progress.course[4][1], Decimal(4))
        self.assertEqual(target_members(target=target, part="numerator", as_of=YEAR_END).count(), 4)


class TargetWithoutRuleTests(TargetCase):
    def test_it_has_no_progress_and_no_members(self):
        target = self.make_target(value=100)
        self.assertIsNone(target_progress(target=target, as_of=MID_JUNE))
        self.assertFalse(target_members(target=target, part="numerator", as_of=MID_JUNE).exists())

    def test_it_refuses_an_unknown_part(self):
        with self.assertRaises(ValueError):
            target_members(target=self.make_target(), part="everything", as_of=MID_JUNE)


class ProgressStatusTests(TargetCase):
    """met / on_track / behind / exceeded, for a single goal and for a range."""

    def status(self, value, goal, goal_max=None, elapsed="0.5"):
        return progress_status(
            value=None if value is None else Decimal(value),
            goal=None if goal is None else Decimal(goal),
            goal_max=None if goal_max is None else Decimal(goal_max),
            elapsed=Decimal(elapsed),
        )

    def test_it_compares_a_range(self):
        self.assertEqual(self.status("14.9", 15, 20, elapsed="1"), ProgressStatus.BEHIND)
        self.assertEqual(self.status("8", 15, 20), ProgressStatus.ON_TRACK)  # 8 ≥ 15 × 0.5
        self.assertEqual(self.status("7", 15, 20), ProgressStatus.BEHIND)
        self.assertEqual(self.status("15", 15, 20), ProgressStatus.MET)
        self.assertEqual(self.status("20", 15, 20), ProgressStatus.MET)
        self.assertEqual(self.status("20.1", 15, 20), ProgressStatus.EXCEEDED)

    def test_it_compares_a_single_goal(self):
        self.assertEqual(self.status("100", 100), ProgressStatus.MET)
        self.assertEqual(self.status("50", 100), ProgressStatus.ON_TRACK)
        self.assertEqual(self.status("49.9", 100), ProgressStatus.BEHIND)
        self.assertEqual(self.status("12", 10), ProgressStatus.EXCEEDED)
        self.assertEqual(self.status(None, 100, elapsed="0"), ProgressStatus.ON_TRACK)

    def test_it_measures_the_elapsed_share_in_whole_days(self):
        start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
        self.assertEqual(elapsed_share(start=start, end=end, as_of=dt.date(2023, 12, 1)), 0)
        self.assertEqual(elapsed_share(start=start, end=end, as_of=end), 1)
        self.assertEqual(
            elapsed_share(start=start, end=end, as_of=MID_JUNE), Decimal(167) / Decimal(366)
        )

    def test_it_measures_pace_against_the_deadline(self):
        target = Target.objects.create(
            plan=self.district_plan,
            text="100% cán bộ được tập huấn trước 30/6/2024",
            value=100,
            unit_of_measure="%",
            deadline=dt.date(2024, 6, 30),
        )
        target_rule_set(target=target, kind=RuleKind.TRAINED_SHARE, params={})
        make_record(
            kind=RecordKind.TRAINING,
            unit=self.office,
            tasks=[self.office_task],
            attendees=[self.office_person.pk, self.commune_a_person.pk],
        )
        # 2/3 = 66.7%: on track against the year (45.6%), behind against the deadline (91.8%).
        self.assertEqual(self.progress(MID_JUNE, target=target).status, ProgressStatus.BEHIND)
        Target.objects.filter(pk=target.pk).update(deadline=None)
        self.assertEqual(self.progress(MID_JUNE, target=target).status, ProgressStatus.ON_TRACK)


class SeedTargetRulesTests(KehoachTestCase):
    def seed_plan(self, targets):
        return make_plan(issuer=self.district, targets=targets)

    def test_it_sets_the_four_rules_in_the_plan_order(self):
        plan = self.seed_plan(
            [
                {
                    "text": "100% cơ quan hành chính cấp huyện thực hiện cơ chế phát ngôn",
                    "value": 100,
                },
                {"text": "100% cán bộ, công chức phụ trách được tập huấn", "value": 100},
                {"text": "Sản phẩm bằng tiếng dân tộc thiểu số", "value": 15, "value_max": 20},
                {"text": "Nguồn dữ liệu và sản phẩm truyền thông được số hóa"},
            ]
        )
        rules = seed_target_rules(plan=plan)
        self.assertEqual(
            [(r.target.order, r.kind) for r in rules],
            [
                (0, RuleKind.SPOKESPERSON_SHARE),
                (1, RuleKind.TRAINED_SHARE),
                (2, RuleKind.PRODUCT_SHARE),
                (3, RuleKind.PRODUCT_SHARE),
            ],
        )
        self.assertEqual(rules[2].params, {"condition": "language_or_digital"})
        self.assertEqual(rules[3].params, {"condition": "digitised_online"})
        self.assertTrue(all(rule.explanation for rule in rules))
        # Setting them again replaces, not duplicates.
        seed_target_rules(plan=plan)
        self.assertEqual(plan.targets.filter(rule__isnull=False).count(), 4)
        for target in plan.targets.all():
            self.assertIsNotNone(target_progress(target=target, as_of=MID_JUNE))

    def test_it_refuses_a_plan_with_fewer_targets(self):
        from django.core.exceptions import ValidationError

        plan = self.seed_plan([{"text": "100% xã có loa truyền thanh", "value": 100}])
        with self.assertRaises(ValidationError):
            seed_target_rules(plan=plan)
        self.assertFalse(plan.targets.filter(rule__isnull=False).exists())
