"""PostgreSQL: a GIN index over the word prefixes of the published documents alone, which the
public search reads (backends.PostgresBackend.PUBLISHED_INDEX), built concurrently so that the
table stays writable meanwhile; an interrupted build is dropped and started again by the next
`migrate`. Other databases: nothing."""

from django.db import migrations


def install(apps, schema_editor):
    from langnghe.search.backends import PostgresBackend

    if schema_editor.connection.vendor == "postgresql":
        PostgresBackend.install_published_index(schema_editor, concurrently=True)


def uninstall(apps, schema_editor):
    from langnghe.search.backends import PostgresBackend

    if schema_editor.connection.vendor == "postgresql":
        PostgresBackend.uninstall_published_index(schema_editor, concurrently=True)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("search", "0003_kind_public_statistics")]

    operations = [migrations.RunPython(install, uninstall, atomic=False, elidable=False)]
