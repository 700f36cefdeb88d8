"""The demo year of records: every target and chart of the seed plan shows real values."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count
from django.test import TestCase

from kehoach.activities import selectors
from kehoach.activities.models import Broadcast, Product, Record, RecordKind
from kehoach.demo import demo_load
from kehoach.plans.models import Plan
from kehoach.units.models import COMMUNE_LEVEL_KINDS, Unit

END_OF_YEAR = dt.date(2024, 12, 31)


class DemoRecordsTest(TestCase):
    plan: Plan

    @classmethod
    def setUpTestData(cls) -> None:
        demo_load()
        cls.plan = Plan.objects.get(issuer__name="Huyện Núi Thành", year=2024)

    def progress(self, order: int) -> selectors.TargetProgress:
        progress = selectors.target_progress(
            target=self.plan.targets.get(order=order), as_of=END_OF_YEAR
        )
        assert progress is not None
        return progress

    def test_it_records_every_kind_over_2024_for_the_seed_plan_s_tasks(self):
        kinds = dict(Record.objects.values_list("kind").annotate(n=Count("pk")).order_by())
        assert set(kinds) == set(RecordKind.values)
        assert not Record.objects.exclude(date__year=2024).exists()
        # Every record belongs to a task of the seed plan and carries that task's themes.
        assert not Record.objects.exclude(tasks__plan=self.plan).exists()
        for record in Record.objects.prefetch_related("tasks__themes", "themes")[:40]:
            task_themes = {t.pk for task in record.tasks.all() for t in task.themes.all()}
            assert {t.pk for t in record.themes.all()} == task_themes

    def test_products_come_in_several_languages_and_on_several_platforms(self):
        languages = set(Product.languages.through.objects.values_list("language__code", flat=True))
        platforms = set(Product.platforms.through.objects.values_list("platform__code", flat=True))
        assert {"vi", "cor", "en"} <= languages
        assert {"radio", "portal", "social", "print"} <= platforms

    def test_broadcasts_reach_most_of_the_17_communes(self):
        district = Unit.objects.get(name="Huyện Núi Thành")
        communes = Unit.objects.filter(parent=district, kind__in=COMMUNE_LEVEL_KINDS)
        aired = Broadcast.objects.values_list("record__unit", flat=True).distinct()
        assert communes.count() == 17
        assert communes.filter(pk__in=aired).count() == 15
        # Each broadcast airs a product the district recorded earlier or the same day.
        for broadcast in Broadcast.objects.select_related("record", "product__record"):
            assert broadcast.product is not None
            assert broadcast.product.record.date <= broadcast.first_aired

    def test_the_four_targets_show_real_values(self):
        spokespersons = self.progress(0)
        trained = self.progress(1)
        language_or_digital = self.progress(2)
        digitised_online = self.progress(3)
        # 10 offices directly under the district; 6 have a spokesperson who held a briefing.
        assert (spokespersons.numerator, spokespersons.denominator) == (6, 10)
        # 11 officials in charge of human rights or foreign information; 10 trained.
        assert (trained.numerator, trained.denominator) == (10, 11)
        # 90 products: 4 radio programmes in Cor, a Vietnamese–Cor leaflet, 5 portal
        # articles, 4 social posts and 2 in English: 16, inside the 15–20% range.
        assert (language_or_digital.numerator, language_or_digital.denominator) == (16, 90)
        assert language_or_digital.value is not None
        assert Decimal(15) <= language_or_digital.value <= Decimal(20)
        assert language_or_digital.status == selectors.ProgressStatus.MET
        assert (digitised_online.numerator, digitised_online.denominator) == (10, 90)

    def test_the_activity_chart_has_products_in_every_month(self):
        by_month = selectors.activity_by_month(plan=self.plan, year=2024)
        assert all(n > 0 for n in by_month[RecordKind.PRODUCT])
        # 12 monthly bulletins, and the monitoring demo's weekly one.
        assert sum(by_month[RecordKind.BULLETIN]) == 13

    def test_loading_the_demo_again_adds_nothing(self):
        before = Record.objects.count()
        demo_load()
        assert Record.objects.count() == before
