"""Migration operations the project adds to Django's.

`AddIndexConcurrently`: on PostgreSQL, Django's own (CREATE INDEX CONCURRENTLY: the table stays
writable while a large index is built, where a plain CREATE INDEX blocks every submission until
it is done); on any other database, a plain AddIndex, since only PostgreSQL has the statement.
`RemoveIndexConcurrently` is its twin for dropping an index (DROP INDEX CONCURRENTLY waits for
the readers of the table instead of locking them out; undone by a concurrent build). A migration
that uses either must set `atomic = False` (PostgreSQL refuses the statement inside a
transaction); the operation refuses to run otherwise, on every database, so that the mistake
shows in the tests and not at a deployment. An interrupted build leaves an index PostgreSQL marks
invalid; the next `migrate` drops it and builds it again (docs/operations.md §6), and so does
the next undoing of a concurrent drop, whose build it is.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.utils import NotSupportedError


class _ConcurrentlyOnPostgres:
    """What both operations share: Django's operation of the same name (django.contrib.postgres)
    on PostgreSQL, the plain one of the parent class elsewhere; refused in an atomic migration on
    every database."""

    atomic = False
    model_name: str
    postgres_operation: str  # its name in django.contrib.postgres.operations

    def _index_name(self) -> str:
        raise NotImplementedError

    def _postgres_args(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def _on_postgres(self, schema_editor: Any) -> Any:
        """Django's concurrent operation on PostgreSQL, else None."""
        if schema_editor.atomic_migration:
            raise NotSupportedError(
                f"{type(self).__name__}({self._index_name()}) needs a migration with atomic = False"
            )
        if schema_editor.connection.vendor != "postgresql":
            return None
        from django.contrib.postgres import operations

        return getattr(operations, self.postgres_operation)(*self._postgres_args())

    def _before_postgres(self, schema_editor: Any) -> None:
        """Called before the concurrent statement runs forwards."""

    def _before_postgres_backwards(self, schema_editor: Any) -> None:
        """Called before the concurrent statement runs backwards."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        postgres = self._on_postgres(schema_editor)
        if postgres is None:
            super().database_forwards(  # type: ignore[misc]
                app_label, schema_editor, from_state, to_state
            )
            return
        if not schema_editor.collect_sql:
            self._before_postgres(schema_editor)
        postgres.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        postgres = self._on_postgres(schema_editor)
        if postgres is None:
            super().database_backwards(  # type: ignore[misc]
                app_label, schema_editor, from_state, to_state
            )
            return
        if not schema_editor.collect_sql:
            self._before_postgres_backwards(schema_editor)
        postgres.database_backwards(app_label, schema_editor, from_state, to_state)


def _drop_if_invalid(schema_editor: Any, name: str) -> None:
    """Drop the index `name` if PostgreSQL marks it invalid: what an interrupted concurrent build
    leaves behind, under the name the next build needs."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_index JOIN pg_class ON pg_class.oid = pg_index.indexrelid "
            "WHERE pg_class.relname = %s AND NOT pg_index.indisvalid",
            [name],
        )
        invalid = cursor.fetchone() is not None
    if invalid:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(name)}")


class AddIndexConcurrently(_ConcurrentlyOnPostgres, migrations.AddIndex):
    postgres_operation = "AddIndexConcurrently"

    def _index_name(self) -> str:
        return str(self.index.name)

    def _postgres_args(self) -> tuple[Any, ...]:
        return (self.model_name, self.index)

    def _before_postgres(self, schema_editor: Any) -> None:
        _drop_if_invalid(schema_editor, str(self.index.name))


class RemoveIndexConcurrently(_ConcurrentlyOnPostgres, migrations.RemoveIndex):
    postgres_operation = "RemoveIndexConcurrently"

    def _index_name(self) -> str:
        return str(self.name)

    def _postgres_args(self) -> tuple[Any, ...]:
        return (self.model_name, self.name)

    def _before_postgres_backwards(self, schema_editor: Any) -> None:
        # Undone, the drop is a concurrent build: an interrupted one left an invalid index.
        _drop_if_invalid(schema_editor, str(self.name))
