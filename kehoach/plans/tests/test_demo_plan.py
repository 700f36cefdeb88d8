"""The seed plan in the demo, imported from its document, is complete: exported, it equals the
hand-made label of the document.

The label (tests/data/00_seed.label.json) is a copy of shared/plans/labels/00_seed.json.
"""

import io
import json
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase

from kehoach.demo import demo_load
from kehoach.plans.models import Plan, UnitScope
from kehoach.units.models import Unit

LABEL = json.loads((Path(__file__).parent / "data" / "00_seed.label.json").read_text())


class DemoPlanExportTest(TestCase):
    plan: Plan

    @classmethod
    def setUpTestData(cls):
        demo_load()
        cls.plan = Plan.objects.get(issuer__name="Huyện Núi Thành")

    def export(self):
        out = io.StringIO()
        call_command("export_plan", str(self.plan.pk), "--format", "json", stdout=out)
        return json.loads(out.getvalue())

    def test_it_exports_the_header_as_labelled(self):
        exported = self.export()
        for field in ("title", "issuer", "number", "date", "year"):
            assert exported[field] == LABEL[field], field

    def test_it_exports_the_8_tasks_with_units_and_times_as_labelled(self):
        exported = self.export()["tasks"]
        fields = ("title", "lead", "support", "time", "start", "end", "recurring")
        assert [{f: t[f] for f in fields} for t in exported] == [
            {f: t[f] for f in fields} for t in LABEL["tasks"]
        ]

    def test_it_exports_the_4_targets_as_labelled(self):
        exported = self.export()["targets"]
        fields = ("text", "value", "value_max", "unit")
        assert [{f: t.get(f) for f in fields} for t in exported] == [
            {f: t.get(f) for f in fields} for t in LABEL["targets"]
        ]

    def test_it_exports_the_reporting_duties_as_labelled(self):
        exported = self.export()["reporting"]
        fields = ("who", "what", "due", "period")

        def duties(items):  # in the document's order; the label lists them in another
            return sorted([r[f] or "" for f in fields] for r in items)

        assert duties(exported) == duties(LABEL["reporting"])
        assert {r["due"] for r in exported} >= {"06-30", "11-30"}

    def test_it_has_the_5_themes_and_the_7_conventions(self):
        themes = list(self.plan.themes.prefetch_related("conventions"))
        assert len(themes) == 5
        assert {c.abbr for c in themes[0].conventions.all()} == {
            "ICCPR",
            "ICESCR",
            "CEDAW",
            "ICERD",
            "CRC",
            "CRPD",
            "CAT",
        }

    def test_every_unit_named_in_the_plan_is_resolved(self):
        unresolved = [
            a.name_as_written
            for task in self.plan.tasks.all()
            for a in task.assignments.all()
            if a.unit_id is None
        ]
        assert unresolved == []

    def test_groups_resolve_to_the_district_with_a_scope(self):
        task5 = self.plan.tasks.get(order=4)
        group = task5.assignments.get(name_as_written="UBND các xã, thị trấn")
        assert group.unit == Unit.objects.get(name="Huyện Núi Thành")
        assert group.scope == UnitScope.COMMUNES

    def test_it_links_tasks_to_their_source_lines(self):
        lines = self.plan.source_text.splitlines()
        for task in self.plan.tasks.all():
            assert task.source_line, task.title
            assert task.title[:30] in lines[task.source_line - 1].replace("*", "")

    def test_loading_the_demo_twice_changes_nothing(self):
        counts = (Plan.objects.count(), Unit.objects.count())
        demo_load()
        assert (Plan.objects.count(), Unit.objects.count()) == counts


class DemoMapsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo_load()

    def test_the_2024_map_has_17_communes_and_the_2025_map_6(self):
        import datetime as dt

        from kehoach.units.models import COMMUNE_LEVEL_KINDS
        from kehoach.units.selectors import valid_on

        communes = Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS)
        in_2024 = valid_on(communes, dt.date(2024, 6, 30))
        in_2025 = valid_on(communes, dt.date(2025, 7, 1))
        assert in_2024.count() == 17
        assert in_2025.count() == 6
        assert set(in_2025.values_list("name", flat=True)) == {
            "Xã Núi Thành",
            "Xã Đức Phú",
            "Xã Tam Mỹ",
            "Xã Tam Anh",
            "Xã Tam Xuân",
            "Xã Tam Hải",
        }

    def test_the_old_communes_roll_up_under_the_new_ones(self):
        from kehoach.units.selectors import unit_predecessor_ids

        tam_xuan = Unit.objects.get(name="Xã Tam Xuân")
        names = set(
            Unit.objects.filter(pk__in=unit_predecessor_ids(tam_xuan)).values_list(
                "name", flat=True
            )
        )
        assert names == {"Xã Tam Xuân", "Xã Tam Xuân I", "Xã Tam Xuân II", "Xã Tam Tiến"}
