"""Migration operations the project adds to Django's.

`AddIndexConcurrently`: on PostgreSQL, Django's own (CREATE INDEX CONCURRENTLY: the table stays
writable while a large index is built, where a plain CREATE INDEX blocks every submission until
it is done); on any other database, a plain AddIndex, since only PostgreSQL has the statement.
A migration that uses it must set `atomic = False`: PostgreSQL refuses the statement inside a
transaction (docs/deployment.md, upgrades).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


class AddIndexConcurrently(migrations.AddIndex):
    atomic = False

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        from django.contrib.postgres.operations import AddIndexConcurrently as Postgres

        operation = Postgres(self.model_name, self.index)
        return operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        from django.contrib.postgres.operations import AddIndexConcurrently as Postgres

        operation = Postgres(self.model_name, self.index)
        return operation.database_backwards(app_label, schema_editor, from_state, to_state)
