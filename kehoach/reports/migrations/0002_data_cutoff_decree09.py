"""Data cut-off rules of Decree 09/2019/NĐ-CP, Article 12: data closes on the 14th."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

SOURCE = "Nghị định 09/2019/NĐ-CP, Điều 12"
# Month, quarter, six months, year: from the 15th of the month before the period to the 14th of
# its last month. Ad hoc reports keep their own dates.
KINDS = ("tháng", "quý", "6 tháng", "năm")


def add_rules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    DataCutoff = apps.get_model("reports", "DataCutoff")
    for kind in KINDS:
        DataCutoff.objects.get_or_create(period_kind=kind, defaults={"day": 15, "source": SOURCE})


def remove_rules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("reports", "DataCutoff").objects.filter(source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
