"""The database refuses UPDATE and DELETE on audit entries (kehoach.audit.immutable)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kehoach.audit import immutable


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": immutable.SQLITE_CREATE, "postgresql": immutable.POSTGRESQL_CREATE}
    for statement in statements.get(vendor, []):
        schema_editor.execute(statement)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": immutable.SQLITE_DROP, "postgresql": immutable.POSTGRESQL_DROP}
    for statement in statements.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
