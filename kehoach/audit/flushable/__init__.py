"""Database backends for the test suite only: Django's flush between TransactionTestCase tests
empties every table, the audit entries' too, which the triggers of kehoach.audit.immutable refuse.
These backends drop the triggers around the flush and put them back; nothing else differs."""

from collections.abc import Sequence

from kehoach.audit import immutable


def around_flush(statements: Sequence[str], tables: Sequence[str], vendor: str) -> list[str]:
    if immutable.TABLE not in tables:
        return list(statements)
    if vendor == "postgresql":
        return [*immutable.POSTGRESQL_DROP, *statements, *immutable.POSTGRESQL_CREATE]
    return [*immutable.SQLITE_DROP, *statements, *immutable.SQLITE_CREATE]
