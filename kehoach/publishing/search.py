"""Full-text search over records and publications, with or without Vietnamese diacritics.

Every searchable object has one `SearchDocument` whose body is its text as a search key
(`kehoach.lib.vntext.search_key`: no diacritics, one tone placement, casefolded) reduced to words
separated by single spaces, so "quyen tre em", "quyền trẻ em", "hoà" and "hòa" meet on one key and
both databases split it into the same words. SQLite indexes the body with an FTS5 table kept by
triggers (migration 0002); PostgreSQL with a GIN index on `to_tsvector('simple', body)`. All
words of a query must match, the last one as a prefix ("quyen tre" finds "quyền trẻ em").

Whether a publication is public is decided at query time by `public_publications()`, never by
the document's `public` flag (a scheduled publication becomes public without any save).
"""

import html
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    F,
    FloatField,
    Func,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.sql.compiler import SQLCompiler
from django.utils.safestring import SafeString, mark_safe

from kehoach.activities.models import Record
from kehoach.activities.selectors import records_for_user
from kehoach.lib.richtext import plain_text
from kehoach.lib.vntext import search_key

from .models import Publication, SearchDocument, SearchKind
from .selectors import public_publications

FTS_TABLE = "publishing_searchdocument_fts"
MAX_TERMS = 12
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
SqlParams = tuple[str, list[Any]]
_M = TypeVar("_M", bound=Model)


def key_words(text: str) -> list[str]:
    """The words of a text's search key, in order."""
    return _WORDS.findall(search_key(text))


def document_body(*texts: str) -> str:
    """What a search document's body holds: the words of the texts' search keys."""
    return " ".join(word for text in texts if text for word in key_words(text))


def query_terms(q: str) -> list[str]:
    """The words of a query that are searched (at most MAX_TERMS; duplicates dropped)."""
    terms: list[str] = []
    for word in key_words(q or ""):
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def _fts5_query(terms: Sequence[str]) -> str:
    # Each word quoted (a word such as "and" or "near" is then no operator); last one a prefix.
    quoted = [f'"{term}"' for term in terms]
    quoted[-1] += "*"
    return " ".join(quoted)


def _tsquery(terms: Sequence[str]) -> str:
    quoted = [f"'{term}'" for term in terms]
    quoted[-1] += ":*"
    return " & ".join(quoted)


class _SearchExpression(Func):
    """Base of the two backend-specific expressions over SearchDocument (id and body)."""

    def __init__(self, terms: Sequence[str]) -> None:
        if not terms:
            raise ValueError("a search needs at least one word")
        self.terms = list(terms)
        super().__init__(F("id"), F("body"))

    def _parts(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[SqlParams, SqlParams]:
        id_expr, body_expr = self.get_source_expressions()
        id_sql, id_params = compiler.compile(id_expr)
        body_sql, body_params = compiler.compile(body_expr)
        return (id_sql, list(id_params)), (body_sql, list(body_params))

    def as_sql(self, *args: Any, **kwargs: Any) -> Any:
        raise NotSupportedError("Full-text search needs SQLite (FTS5) or PostgreSQL.")


class _Match(_SearchExpression):
    """True when the document holds every term (the last one as a prefix)."""

    output_field = BooleanField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        (id_sql, id_params), _ = self._parts(compiler, connection)
        sql = f"{id_sql} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
        return sql, (*id_params, _fts5_query(self.terms))

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # The same expression as the GIN index of migration 0002, so that the index is used.
        _, (body_sql, body_params) = self._parts(compiler, connection)
        sql = f"to_tsvector('simple'::regconfig, {body_sql}) @@ to_tsquery('simple'::regconfig, %s)"
        return sql, (*body_params, _tsquery(self.terms))


class _Rank(_SearchExpression):
    """How well the document matches: higher is better (BM25 on SQLite, ts_rank on PostgreSQL)."""

    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        (id_sql, id_params), _ = self._parts(compiler, connection)
        # FTS5's bm25() is lower for better matches; negated so both backends sort descending.
        # The matches are computed once (a subquery in FROM that SQLite materializes) and then
        # looked up by id: "rowid = id AND MATCH" would run the full-text query once per row.
        sql = (
            f"(WITH fts_match AS MATERIALIZED (SELECT rowid AS id, -bm25({FTS_TABLE}) AS score "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) "
            f"SELECT score FROM fts_match WHERE fts_match.id = {id_sql})"
        )
        return sql, (_fts5_query(self.terms), *id_params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        _, (body_sql, body_params) = self._parts(compiler, connection)
        sql = (
            f"ts_rank(to_tsvector('simple'::regconfig, {body_sql}), "
            f"to_tsquery('simple'::regconfig, %s))"
        )
        return sql, (*body_params, _tsquery(self.terms))


def search_documents(q: str, *, kind: str | None = None) -> QuerySet[SearchDocument]:
    """Documents holding every word of q (none when q has no word), best first."""
    terms = query_terms(q)
    documents = SearchDocument.objects.all()
    if kind:
        documents = documents.filter(kind=kind)
    if not terms:
        return documents.none()
    return (
        documents.filter(_Match(terms))
        .annotate(search_rank=_Rank(terms))
        .order_by("-search_rank", "-date", "-pk")
    )


def _ranked(queryset: QuerySet[_M], kind: str, terms: list[str]) -> QuerySet[_M]:
    matching = SearchDocument.objects.filter(kind=kind).filter(_Match(terms))
    rank = (
        SearchDocument.objects.filter(kind=kind, object_id=OuterRef("pk"))
        .annotate(rank=_Rank(terms))
        .values("rank")[:1]
    )
    ranked: QuerySet[_M] = queryset.filter(pk__in=matching.values("object_id")).annotate(
        search_rank=Subquery(rank, output_field=FloatField())
    )
    return ranked


def search_publications(
    q: str, *, queryset: QuerySet[Publication] | None = None
) -> QuerySet[Publication]:
    """Publications whose title or summary (Vietnamese or English) hold every word of q, best
    first; only public ones unless another queryset is given. A q without words filters nothing."""
    queryset = public_publications() if queryset is None else queryset
    terms = query_terms(q)
    if not terms:
        return queryset
    return _ranked(queryset, SearchKind.PUBLICATION, terms).order_by(
        "-search_rank", "-published_at", "-pk"
    )


def search_records(
    q: str,
    *,
    user: AbstractBaseUser | AnonymousUser,
    queryset: QuerySet[Record] | None = None,
) -> QuerySet[Record]:
    """Records the user may see whose title or description hold every word of q, best first.
    A q without words filters nothing."""
    queryset = records_for_user(user) if queryset is None else queryset & records_for_user(user)
    terms = query_terms(q)
    if not terms:
        return queryset
    return _ranked(queryset, SearchKind.RECORD, terms).order_by("-search_rank", "-date", "-pk")


def highlight(text: str, q: str) -> SafeString:
    """The text, escaped, with the words that match q (any diacritics) inside <mark>."""
    terms = query_terms(q)
    if not terms:
        return mark_safe(html.escape(text))
    *whole, last = terms
    parts: list[str] = []
    position = 0
    for match in _WORDS.finditer(text):
        words = key_words(match.group(0))
        hit = bool(words) and all(w in whole or w == last or w.startswith(last) for w in words)
        if hit:
            parts.append(html.escape(text[position : match.start()]))
            parts.append(f"<mark>{html.escape(match.group(0))}</mark>")
            position = match.end()
    parts.append(html.escape(text[position:]))
    return mark_safe("".join(parts))


# --- the index ---------------------------------------------------------------------------------


def publication_search_key(publication: Publication) -> str:
    """The words of a publication that search finds: titles and summaries in both languages."""
    return document_body(
        publication.title,
        publication.title_en,
        plain_text(publication.summary),
        plain_text(publication.summary_en),
    )


def search_index_record(record: Record) -> SearchDocument:
    """Write the record's search document (called on every save of a record)."""
    document, _ = SearchDocument.objects.update_or_create(
        kind=SearchKind.RECORD,
        object_id=record.pk,
        defaults={
            "unit_id": record.unit_id,
            "public": False,
            "title": record.title[:500],
            "body": document_body(record.title, record.description),
            "date": record.date,
        },
    )
    return document


def search_index_publication(publication: Publication) -> SearchDocument:
    """Write the publication's search document; `public` is informative only (see module doc)."""
    moment = publication.published_at or publication.publish_at
    document, _ = SearchDocument.objects.update_or_create(
        kind=SearchKind.PUBLICATION,
        object_id=publication.pk,
        defaults={
            "unit_id": publication.unit_id,
            "public": public_publications().filter(pk=publication.pk).exists(),
            "title": publication.title[:500],
            "body": publication_search_key(publication),
            "date": moment.date() if moment else None,
        },
    )
    return document


def search_unindex(kind: str, object_id: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()


def search_rebuild(*, batch_size: int = 2000) -> int:
    """Write the search documents of every record and publication afresh; returns how many.

    For records loaded without signals (bulk loads, restores). The SQLite FTS table follows by
    its triggers; `rebuild` then makes its index exact whatever happened before."""
    from django.db import connection, transaction

    count = 0
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        batch: list[SearchDocument] = []

        def flush() -> None:
            nonlocal count
            SearchDocument.objects.bulk_create(batch)
            count += len(batch)
            batch.clear()

        records = Record.objects.only("pk", "unit_id", "title", "description", "date")
        for record in records.order_by("pk").iterator(chunk_size=batch_size):
            batch.append(
                SearchDocument(
                    kind=SearchKind.RECORD,
                    object_id=record.pk,
                    unit_id=record.unit_id,
                    title=record.title[:500],
                    body=document_body(record.title, record.description),
                    date=record.date,
                )
            )
            if len(batch) >= batch_size:
                flush()
        public = set(public_publications().values_list("pk", flat=True))
        for publication in Publication.objects.order_by("pk").iterator(chunk_size=batch_size):
            moment = publication.published_at or publication.publish_at
            batch.append(
                SearchDocument(
                    kind=SearchKind.PUBLICATION,
                    object_id=publication.pk,
                    unit_id=publication.unit_id,
                    public=publication.pk in public,
                    title=publication.title[:500],
                    body=publication_search_key(publication),
                    date=moment.date() if moment else None,
                )
            )
            if len(batch) >= batch_size:
                flush()
        flush()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return count
