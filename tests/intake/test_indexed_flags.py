"""The open and published flags are compared (``= true``), so that SQLite searches the indexes
they lead (langnghe.core.lookups.ComparedExact; docs/performance.md)."""

from __future__ import annotations

import pytest
from django.db import connection

from langnghe.intake.models import Item
from tests import factories

pytestmark = pytest.mark.django_db


def _sql(qs):
    sql, params = qs.query.sql_with_params()
    return sql, params


@pytest.mark.parametrize("flag", ["is_open", "is_published"])
def test_a_true_flag_is_compared_and_a_false_one_is_negated(flag):
    sql, _ = _sql(Item.objects.filter(**{flag: True}))
    assert f'"intake_item"."{flag}" = ' in sql
    sql, _ = _sql(Item.objects.filter(**{flag: False}))
    assert f'NOT "intake_item"."{flag}"' in sql  # most rows: read by scanning


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
@pytest.mark.parametrize(
    ("qs", "index"),
    [
        (lambda: Item.objects.filter(is_open=True).order_by("due_on"), "item_open_due"),
        (
            lambda: Item.objects.filter(is_published=True).order_by("-published_at"),
            "item_published",
        ),
    ],
)
def test_sqlite_searches_the_index_the_flag_leads(qs, index):
    sql, params = _sql(qs())
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert f"USING INDEX {index}" in plan, plan


def test_the_filters_still_find_the_right_items():
    unit = factories.org()
    open_item, _ = factories.submit_one(unit)
    closed, _ = factories.submit_one(unit)
    Item.objects.filter(pk=closed.pk).update(is_open=False, is_published=True)
    assert set(Item.objects.filter(is_open=True).values_list("pk", flat=True)) >= {open_item.pk}
    assert closed.pk not in set(Item.objects.filter(is_open=True).values_list("pk", flat=True))
    assert closed.pk in set(Item.objects.filter(is_open=False).values_list("pk", flat=True))
    assert closed.pk in set(Item.objects.filter(is_published=True).values_list("pk", flat=True))
