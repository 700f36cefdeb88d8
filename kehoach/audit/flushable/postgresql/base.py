from typing import Any

from django.db.backends.postgresql import base, operations

from kehoach.audit.flushable import around_flush


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        return around_flush(super().sql_flush(style, tables, **kwargs), tables, "postgresql")


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
