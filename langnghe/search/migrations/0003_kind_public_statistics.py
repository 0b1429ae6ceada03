"""PostgreSQL: extended statistics on (kind, is_public) of the search documents, so that the
planner knows that every public document is a published one (backends.PostgresBackend). Other
databases: nothing."""

from django.db import migrations


def install(apps, schema_editor):
    from langnghe.search.backends import PostgresBackend

    if schema_editor.connection.vendor == "postgresql":
        PostgresBackend.install_statistics(schema_editor)


def uninstall(apps, schema_editor):
    from langnghe.search.backends import PostgresBackend

    if schema_editor.connection.vendor == "postgresql":
        PostgresBackend.uninstall_statistics(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext_index")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
