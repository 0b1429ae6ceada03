"""Lookups that keep the database's indexes usable."""

from __future__ import annotations

from typing import Any

from django.db.models.lookups import BuiltinLookup, Exact


class ComparedExact(Exact):
    """``flag = true`` where Django would write the bare ``flag`` for a boolean.

    Django turns ``is_open=True`` into ``WHERE "is_open"``. PostgreSQL searches an index with
    either form, but SQLite only with a comparison: with the bare column, a query for the open
    items read every row of the table (docs/performance.md). Registered on the boolean columns
    that lead an index (``Item.is_open``, ``Item.is_published``).

    Only ``= true`` is compared: the false side (closed items, most of the table) is better read
    by scanning than through the index, so ``is_open=False`` stays ``NOT "is_open"``.
    """

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if self.rhs is True:
            return BuiltinLookup.as_sql(self, compiler, connection)
        return super().as_sql(compiler, connection)
