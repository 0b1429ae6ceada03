"""The dashboard's live counts (open and overdue items by unit) for a scope of several subtrees,
and the indexes they and the rollup's figures are read from."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from langnghe.orgs.models import Role
from langnghe.stats import selectors

from ..factories import user
from .conftest import make_item

TODAY = timezone.localdate()


@pytest.fixture
def two_subtrees(tree):
    """A leader of two communes (disjoint subtrees) and open items in both and outside them."""
    leader = user("st_two", grants=[(tree.commune, Role.LEADER), (tree.sibling, Role.LEADER)])
    received = TODAY - dt.timedelta(days=20)
    late, later = TODAY - dt.timedelta(days=2), TODAY + dt.timedelta(days=5)
    for org, due in [
        (tree.commune, late),
        (tree.commune, later),
        (tree.commune, None),  # open, with no time limit running: open, never overdue
        (tree.office, late),
        (tree.sibling, late),
        (tree.sibling, None),
        (tree.party, late),  # outside the leader's subtrees
    ]:
        make_item(org, received=received, due_on=due)
    make_item(tree.commune, received=received, closed=TODAY, due=later)  # closed: not counted
    return leader


def _counts(by_unit):
    return {org: (c.open, c.overdue) for org, c in by_unit.items()}


def test_counts_add_up_over_disjoint_subtrees(two_subtrees, tree):
    scope = selectors.dashboard_scope(actor=two_subtrees)
    assert len(scope.paths) == 2
    with CaptureQueriesContext(connection) as queries:
        by_unit = selectors.open_counts_by_unit(scope, TODAY)
    assert _counts(by_unit) == {
        tree.commune.pk: (3, 1),
        tree.office.pk: (1, 1),
        tree.sibling.pk: (2, 1),
    }
    total = selectors.open_counts(scope, TODAY)
    assert (total.open, total.overdue) == (6, 3)
    # One query per subtree, each on one path prefix (an OR of prefixes reads the table on
    # PostgreSQL), counting rows rather than ids (which the index does not hold).
    counts = [q["sql"] for q in queries.captured_queries if "intake_item" in q["sql"]]
    assert len(counts) == 2
    for sql in counts:
        assert sql.count("LIKE") == 1
        assert "COUNT(*)" in sql and 'COUNT("intake_item"."id")' not in sql


def test_one_subtree_and_an_empty_scope(two_subtrees, tree):
    one = selectors.dashboard_scope(actor=two_subtrees, org=tree.sibling)
    assert _counts(selectors.open_counts_by_unit(one, TODAY)) == {tree.sibling.pk: (2, 1)}
    empty = selectors.Scope(paths=())
    with CaptureQueriesContext(connection) as queries:
        assert selectors.open_counts_by_unit(empty, TODAY) == {}
        assert selectors.open_counts(empty, TODAY) == selectors.OpenCounts()
    assert not queries.captured_queries


def test_sealed_kinds_count_only_where_the_scope_allows_them(two_subtrees, tree):
    """Scope.parts() keeps each subtree's exclusion of sealed kinds (denunciations); the counts
    by part agree with the scope's single condition (Scope.q) on the items themselves."""
    from langnghe.intake.models import Item, Kind

    make_item(tree.commune, kind=Kind.DENUNCIATION, received=TODAY, due_on=TODAY)
    make_item(tree.sibling, kind=Kind.DENUNCIATION, received=TODAY, due_on=TODAY)
    commune, sibling = tree.commune.path, tree.sibling.path
    for paths, expected in [
        (
            ((commune, True), (sibling, False)),
            {tree.commune.pk: 4, tree.office.pk: 1, tree.sibling.pk: 2},
        ),
        (
            ((commune, False), (sibling, True)),
            {tree.commune.pk: 3, tree.office.pk: 1, tree.sibling.pk: 3},
        ),
        (
            (("", False),),
            {tree.commune.pk: 3, tree.office.pk: 1, tree.sibling.pk: 2, tree.party.pk: 1},
        ),
        (
            (("", True),),
            {tree.commune.pk: 4, tree.office.pk: 1, tree.sibling.pk: 3, tree.party.pk: 1},
        ),
    ]:
        scope = selectors.Scope(paths=paths)
        by_unit = selectors.open_counts_by_unit(scope, TODAY)
        assert {org: c.open for org, c in by_unit.items()} == expected, paths
        matched = Item.objects.filter(scope.q(), is_open=True).count()
        assert matched == sum(expected.values()), paths


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test tables are tiny: forbid the scan a small table makes cheapest, so that
            # what is tested is how the indexes CAN answer the query.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def _only_index(table: str, keep: str) -> None:
    """Drop the table's other plain indexes for the rest of the test's transaction (PostgreSQL's
    DDL is transactional: the test's rollback restores them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND c.relname <> %s",
            [table, keep],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')


def test_the_open_counts_read_the_index_alone(two_subtrees):
    """Every column the counts read is in item_open_units (COUNT(id), or the kind, would send
    each row to the table), each query is one path prefix (an OR of prefixes is a bitmap scan
    of the table on PostgreSQL), and the database takes that index for it."""
    import re

    scope = selectors.dashboard_scope(actor=two_subtrees)
    with CaptureQueriesContext(connection) as queries:
        selectors.open_counts_by_unit(scope, TODAY)
    if connection.vendor == "postgresql":
        _only_index("intake_item", "item_open_units")
    indexed = {"is_open", "handling_path", "handling_org_id", "due_on"}
    for query in queries.captured_queries:
        assert set(re.findall(r'"intake_item"\."(\w+)"', query["sql"])) <= indexed, query["sql"]
        plan = _plan(query["sql"])
        if connection.vendor == "postgresql":
            # Index-only or not is the planner's guess of the table's visibility map (a fresh
            # test table has none); that the index serves the scan is what is fixed.
            assert "item_open_units" in plan and "Seq Scan" not in plan, plan
        else:
            assert "USING COVERING INDEX item_open_units" in plan, plan


def test_the_rollup_reads_a_scope_as_a_range_of_its_index(two_subtrees, tree):
    """PostgreSQL looks a path prefix up in a btree only with the pattern operator class
    (stats.0003): otherwise it read every row of the dimension in the period."""
    if connection.vendor != "postgresql":
        pytest.skip("operator classes are PostgreSQL's")
    from langnghe.stats.services import rollup_rebuild

    rollup_rebuild()
    scope = selectors.dashboard_scope(actor=two_subtrees, org=tree.commune)
    period = selectors.parse_period(str(TODAY.year))
    with CaptureQueriesContext(connection) as queries:
        selectors.figures_by(scope, period, "channel")
    (sql,) = [q["sql"] for q in queries.captured_queries if "stats_itemmonthly" in q["sql"]]
    _only_index("stats_itemmonthly", "stats_rollup_scope")
    plan = _plan(sql)
    assert "stats_rollup_scope" in plan and "~>=~" in plan, plan
