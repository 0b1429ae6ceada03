"""The rollup's grouped queries run outside any transaction; only its writing is in one. On
SQLite a transaction holds the write lock from its start, and at a province's size the queries
take minutes (docs/performance.md): submissions must not wait for them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from langnghe.stats.models import ItemMonthly
from langnghe.stats.services import rollup_rebuild

from ..factories import org
from .conftest import make_item


@pytest.mark.django_db(transaction=True)
def test_the_rollup_reads_outside_a_transaction_and_writes_inside_one():
    unit = org()
    make_item(
        unit,
        received=dt.date(2026, 3, 2),
        closed=dt.date(2026, 3, 5),
        published=dt.date(2026, 3, 6),
    )
    make_item(unit, received=dt.date(2026, 4, 1))
    seen: list[tuple[str, bool]] = []

    def spy(execute, sql, params, many, context):
        seen.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        state = rollup_rebuild()

    grouped = [atomic for sql, atomic in seen if 'FROM "intake_item"' in sql and "GROUP BY" in sql]
    writes = [
        atomic
        for sql, atomic in seen
        if sql.lstrip().upper().startswith(("DELETE", "INSERT"))
        and ("stats_itemmonthly" in sql or "stats_rollupstate" in sql)
    ]
    assert len(grouped) == 3 and not any(grouped)
    assert writes and all(writes)
    assert state.item_count == 2
    assert ItemMonthly.objects.filter(dim="", received__gt=0).count() == 2
