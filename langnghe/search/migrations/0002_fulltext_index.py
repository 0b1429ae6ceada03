"""The engine-specific full-text index that Django's schema language cannot express.

SQLite: an FTS5 table over SearchDocument.body_folded plus the triggers that keep it in step.
PostgreSQL: a GIN index over the word prefixes of body_folded (an immutable SQL function), and a
pattern-ops index for org_path. Any other database searches without an index
(backends.ScanBackend). The SQL lives in backends.py, next to the queries that rely on it.
"""

from django.db import migrations


def install(apps, schema_editor):
    from langnghe.search.backends import PostgresBackend, SQLiteBackend

    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        SQLiteBackend.install(schema_editor)
    elif vendor == "postgresql":
        PostgresBackend.install(schema_editor)


def uninstall(apps, schema_editor):
    from langnghe.search.backends import PostgresBackend, SQLiteBackend

    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        SQLiteBackend.uninstall(schema_editor)
    elif vendor == "postgresql":
        PostgresBackend.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
