"""langnghe.core.migration_ops: the item table's covering indexes (intake 0005 to 0008) are built
and dropped without blocking writes on PostgreSQL, and in the plain way elsewhere."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_the_open_units_index_is_built_concurrently_on_postgresql_only():
    out = io.StringIO()
    call_command("sqlmigrate", "intake", "0005", stdout=out)
    sql = out.getvalue()
    assert "item_open_units" in sql
    if connection.vendor == "postgresql":
        assert "CREATE INDEX CONCURRENTLY" in sql
        assert "BEGIN;" not in sql  # PostgreSQL refuses it inside a transaction
    else:
        assert "CONCURRENTLY" not in sql and "CREATE INDEX" in sql

    back = io.StringIO()
    call_command("sqlmigrate", "intake", "0005", backwards=True, stdout=back)
    if connection.vendor == "postgresql":
        assert "DROP INDEX CONCURRENTLY" in back.getvalue()
    else:
        assert "DROP INDEX" in back.getvalue()


def _open_units_index() -> dict:
    with connection.cursor() as cursor:
        index = connection.introspection.get_constraints(cursor, "intake_item")["item_open_units"]
    assert index["columns"] == ["is_open", "handling_path", "handling_org_id", "due_on"]
    return index


@pytest.mark.django_db(transaction=True)
def test_the_index_exists_after_migrating():
    _open_units_index()


def _states():
    """The last operation building item_open_units (intake 0006), with its states."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    migration = loader.get_migration("intake", "0006_item_open_units_pattern_ops")
    remove, operation = migration.operations
    before = loader.project_state(("intake", "0005_item_open_units"))
    remove.state_forwards("intake", before)
    after = before.clone()
    operation.state_forwards("intake", after)
    return operation, before, after


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_run_in_an_atomic_migration_on_every_database():
    from django.db.utils import NotSupportedError

    operation, before, after = _states()
    with connection.schema_editor(collect_sql=True, atomic=True) as editor:
        with pytest.raises(NotSupportedError):
            operation.database_forwards("intake", editor, before, after)


@pytest.mark.django_db(transaction=True)
def test_an_index_left_invalid_by_an_interrupted_build_is_built_again(tree):
    """PostgreSQL keeps an interrupted CREATE INDEX CONCURRENTLY as an invalid index of that
    name; `migrate` run again must replace it, not fail on "already exists"."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's concurrent index builds")
    from ..factories import submit_one

    submit_one(tree.commune)
    submit_one(tree.commune)
    operation, before, after = _states()
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX item_open_units")
        # A unique build over duplicates fails half-way, as an interrupted build does.
        with pytest.raises(Exception, match="(?i)duplicate|unique"):
            cursor.execute(
                "CREATE UNIQUE INDEX CONCURRENTLY item_open_units ON intake_item (is_open)"
            )
        cursor.execute(
            "SELECT pg_index.indisvalid FROM pg_index JOIN pg_class "
            "ON pg_class.oid = pg_index.indexrelid WHERE pg_class.relname = 'item_open_units'"
        )
        assert cursor.fetchone() == (False,)
    with connection.schema_editor(atomic=False) as editor:
        operation.database_forwards("intake", editor, before, after)
    assert not _open_units_index()["unique"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'item_open_units'")
        assert "varchar_pattern_ops" in cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_inbox_index_replaces_the_narrow_one_concurrently_on_postgresql_only():
    """intake 0007 builds item_open_due, 0008 drops item_due (RemoveIndexConcurrently): neither
    locks the item table's writers out on PostgreSQL, and undoing 0008 builds item_due again the
    same way."""

    def sql(migration: str, **options) -> str:
        out = io.StringIO()
        call_command("sqlmigrate", "intake", migration, stdout=out, **options)
        return out.getvalue()

    if connection.vendor == "postgresql":
        assert 'CREATE INDEX CONCURRENTLY "item_open_due"' in sql("0007")
        assert 'DROP INDEX CONCURRENTLY IF EXISTS "item_due"' in sql("0008")
        assert 'CREATE INDEX CONCURRENTLY "item_due"' in sql("0008", backwards=True)
        assert "BEGIN;" not in sql("0008")
    else:
        assert 'CREATE INDEX "item_open_due"' in sql("0007")
        assert 'DROP INDEX "item_due"' in sql("0008")
        assert 'CREATE INDEX "item_due"' in sql("0008", backwards=True)
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "intake_item")
    assert "item_due" not in indexes
    assert indexes["item_open_due"]["columns"][:4] == ["is_open", "due_on", "handling_path", "kind"]


@pytest.mark.django_db(transaction=True)
def test_undoing_a_concurrent_drop_replaces_an_index_left_invalid(tree):
    """Undoing intake 0008 builds item_due concurrently; an interrupted attempt left an invalid
    item_due, which the next attempt must replace rather than fail on "already exists"."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's concurrent index builds")
    from django.db.migrations.loader import MigrationLoader

    from ..factories import submit_one

    submit_one(tree.commune)
    submit_one(tree.commune)
    loader = MigrationLoader(connection)
    (operation,) = loader.get_migration("intake", "0008_remove_item_due").operations
    before = loader.project_state(("intake", "0007_item_open_due"))
    after = before.clone()
    operation.state_forwards("intake", after)
    with connection.cursor() as cursor:
        with pytest.raises(Exception, match="(?i)duplicate|unique"):
            cursor.execute("CREATE UNIQUE INDEX CONCURRENTLY item_due ON intake_item (is_open)")
    try:
        with connection.schema_editor(atomic=False) as editor:
            operation.database_backwards("intake", editor, after, before)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_index.indisvalid, pg_index.indisunique FROM pg_index JOIN pg_class "
                "ON pg_class.oid = pg_index.indexrelid WHERE pg_class.relname = 'item_due'"
            )
            assert cursor.fetchall() == [(True, False)]
            columns = connection.introspection.get_constraints(cursor, "intake_item")["item_due"]
        assert columns["columns"] == ["is_open", "due_on"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS item_due")


@pytest.mark.django_db(transaction=True)
def test_dropping_concurrently_is_refused_in_an_atomic_migration_on_every_database():
    from django.db.migrations.loader import MigrationLoader
    from django.db.utils import NotSupportedError

    loader = MigrationLoader(connection)
    (operation,) = loader.get_migration("intake", "0008_remove_item_due").operations
    before = loader.project_state(("intake", "0007_item_open_due"))
    after = before.clone()
    operation.state_forwards("intake", after)
    with connection.schema_editor(collect_sql=True, atomic=True) as editor:
        with pytest.raises(NotSupportedError):
            operation.database_forwards("intake", editor, before, after)
