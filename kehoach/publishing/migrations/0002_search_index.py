"""The full-text index of SearchDocument.body: an FTS5 table kept by triggers on SQLite, a GIN
index on to_tsvector('simple', body) on PostgreSQL (search.py queries exactly these). Then the
documents of the records that exist already."""

import re

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kehoach.lib.vntext import search_key

FTS = "publishing_searchdocument_fts"
DOC = "publishing_searchdocument"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5("
    f"body, content='{DOC}', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {DOC}_ai AFTER INSERT ON {DOC} BEGIN "
    f"INSERT INTO {FTS}(rowid, body) VALUES (new.id, new.body); END",
    f"CREATE TRIGGER {DOC}_ad AFTER DELETE ON {DOC} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, body) VALUES ('delete', old.id, old.body); END",
    f"CREATE TRIGGER {DOC}_au AFTER UPDATE ON {DOC} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, body) VALUES ('delete', old.id, old.body); "
    f"INSERT INTO {FTS}(rowid, body) VALUES (new.id, new.body); END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {DOC}_au",
    f"DROP TRIGGER IF EXISTS {DOC}_ad",
    f"DROP TRIGGER IF EXISTS {DOC}_ai",
    f"DROP TABLE IF EXISTS {FTS}",
]
POSTGRESQL_CREATE = [
    f"CREATE INDEX {DOC}_body_fts ON {DOC} USING gin (to_tsvector('simple'::regconfig, body))",
]
POSTGRESQL_DROP = [f"DROP INDEX IF EXISTS {DOC}_body_fts"]

_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE})


def drop_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


def index_records(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # The same body as search.document_body (that module imports models of today, not these).
    Record = apps.get_model("activities", "Record")
    SearchDocument = apps.get_model("publishing", "SearchDocument")
    batch = []
    for record in Record.objects.order_by("pk").iterator(chunk_size=2000):
        text = search_key(f"{record.title} {record.description}")
        batch.append(
            SearchDocument(
                kind="record",
                object_id=record.pk,
                unit_id=record.unit_id,
                title=record.title[:500],
                body=" ".join(_WORDS.findall(text)),
                date=record.date,
            )
        )
        if len(batch) >= 2000:
            SearchDocument.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    SearchDocument.objects.bulk_create(batch, ignore_conflicts=True)


def unindex_records(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("publishing", "SearchDocument").objects.filter(kind="record").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(index_records, unindex_records),
    ]
