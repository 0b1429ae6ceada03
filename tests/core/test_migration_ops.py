"""langnghe.core.migration_ops.AddIndexConcurrently: the item table's covering index (intake
0005) is built without blocking writes on PostgreSQL, and as a plain index elsewhere."""

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


@pytest.mark.django_db(transaction=True)
def test_the_index_exists_after_migrating():
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "intake_item")
    assert indexes["item_open_units"]["columns"] == [
        "is_open",
        "handling_path",
        "handling_org_id",
        "due_on",
    ]
