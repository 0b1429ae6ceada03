"""The rollup's table after a rebuild, on PostgreSQL: vacuumed and analysed at once when the
worker rebuilt it; a page's rebuild, and one inside a caller's transaction, leave it to
autovacuum."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from langnghe.stats.models import ItemMonthly
from langnghe.stats.services import rollup_rebuild
from langnghe.stats.tasks import rollup_rebuild_task

from .conftest import make_item


def _upkeep() -> tuple[object, object]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_last_vacuum_time(c.oid), pg_stat_get_last_analyze_time(c.oid) "
            "FROM pg_class c WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
            [ItemMonthly._meta.db_table],
        )
        return cursor.fetchone()


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's VACUUM")


@pytest.mark.django_db(transaction=True)
def test_the_workers_rebuild_vacuums_and_analyses_the_rollup(postgres_only, tree):
    make_item(tree.commune, received=dt.date(2025, 3, 2), closed=dt.date(2025, 3, 10))
    before = _upkeep()
    assert rollup_rebuild_task.call(reschedule=False)["items"] == 1
    vacuumed, analysed = _upkeep()
    assert ItemMonthly.objects.exists()
    assert vacuumed is not None and vacuumed != before[0]
    assert analysed is not None and analysed != before[1]


@pytest.mark.django_db(transaction=True)
def test_a_pages_rebuild_does_not_wait_for_a_vacuum(postgres_only, tree):
    make_item(tree.commune, received=dt.date(2025, 3, 2))
    before = _upkeep()
    assert rollup_rebuild().item_count == 1
    assert _upkeep() == before


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_inside_a_transaction_leaves_the_vacuum_to_autovacuum(postgres_only, tree):
    make_item(tree.commune, received=dt.date(2025, 3, 2))
    before = _upkeep()
    with transaction.atomic():
        # VACUUM here would fail: "cannot run inside a transaction block".
        state = rollup_rebuild(vacuum=True)
    assert state.item_count == 1
    assert _upkeep() == before
