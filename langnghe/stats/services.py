"""Writes of the statistics side: rebuilding the monthly rollup (derived data, no audit needed
for the rebuild itself; a rebuild asked for by a person is audited)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import PermissionDenied
from langnghe.handling.models import ItemEvent
from langnghe.handling.selectors import (
    annotate_closed_on,
    answered_q,
    closed_on_time_q,
    had_limit_q,
)
from langnghe.intake.models import Item

from . import selectors
from .models import ItemMonthly, RollupState
from .rules import can

logger = logging.getLogger(__name__)

DIMS = ("handling_path", "handling_org_id", "admin_unit_id", "kind", "channel", "topic_id")
_ZERO = {
    "received": 0,
    "reopened": 0,
    "closed": 0,
    "answered": 0,
    "answered_with_limit": 0,
    "answered_on_time": 0,
    "answered_seconds": 0,
    "answered_within_15": 0,
    "answered_within_30": 0,
    "answered_within_60": 0,
    "published": 0,
    "rated": 0,
    "rating_sum": 0,
    "satisfied": 0,
}


def _month(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, timezone.get_default_timezone())
        return value.date().replace(day=1)
    return value.replace(day=1)


def _seconds(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds())
    return int(value) // 1_000_000  # SQLite hands back microseconds


def fingerprint() -> str:
    """Changes whenever an item is added or anything happens to one (every handling step,
    publication and rating writes an ItemEvent)."""
    last_item = Item.objects.aggregate(m=Max("pk"))["m"] or 0
    last_event = ItemEvent.objects.aggregate(m=Max("pk"))["m"] or 0
    return f"{last_item}:{last_event}"


def rollup_rebuild(*, vacuum: bool = False) -> RollupState:
    """Recompute every ItemMonthly row from the items: three grouped queries (by received,
    closed and published month), merged here, written in one transaction.

    Only the writing is in the transaction. On SQLite a transaction takes the write lock when it
    starts (IMMEDIATE), and at a province's size the grouped queries take minutes: every
    submission would wait for them. The fingerprint is read first, so a change made while the
    queries run is picked up by the next rebuild."""
    started = time.monotonic()
    mark = fingerprint()
    tz = timezone.get_default_timezone()
    rows: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: dict(_ZERO))

    received = (
        Item.objects.annotate(m=TruncMonth("received_at", tzinfo=tz))
        .values("m", *DIMS)
        .annotate(received=Count("pk"), reopened=Count("pk", filter=Q(reopen_count__gt=0)))
        .order_by()
    )
    for r in received:
        row = rows[(_month(r["m"]), *(r[d] for d in DIMS))]
        row["received"] += r["received"]
        row["reopened"] += r["reopened"]

    answered = answered_q()
    satisfied = selectors.satisfied_min_rating()
    bands = {
        f"answered_within_{n}": Count(
            "pk", filter=answered & Q(closed_at__lte=F("received_at") + dt.timedelta(days=n))
        )
        for n in selectors.TIME_BANDS
    }
    closed = (
        annotate_closed_on(Item.objects.filter(is_open=False, closed_at__isnull=False))
        .annotate(
            m=TruncMonth("closed_at", tzinfo=tz),
            took=ExpressionWrapper(F("closed_at") - F("received_at"), output_field=DurationField()),
        )
        .values("m", *DIMS)
        .annotate(
            closed=Count("pk"),
            answered=Count("pk", filter=answered),
            answered_with_limit=Count("pk", filter=answered & had_limit_q()),
            answered_on_time=Count("pk", filter=answered & closed_on_time_q()),
            answered_seconds=Sum("took", filter=answered),
            rated=Count("pk", filter=Q(rating__isnull=False)),
            rating_sum=Sum("rating"),
            satisfied=Count("pk", filter=Q(rating__gte=satisfied)),
            **bands,
        )
        .order_by()
    )
    for r in closed:
        row = rows[(_month(r["m"]), *(r[d] for d in DIMS))]
        for name in (
            "closed",
            "answered",
            "answered_with_limit",
            "answered_on_time",
            "rated",
            "satisfied",
            *bands,
        ):
            row[name] += r[name] or 0
        row["rating_sum"] += r["rating_sum"] or 0
        row["answered_seconds"] += _seconds(r["answered_seconds"])

    published = (
        Item.objects.filter(is_published=True, published_at__isnull=False)
        .annotate(m=TruncMonth("published_at", tzinfo=tz))
        .values("m", *DIMS)
        .annotate(published=Count("pk"))
        .order_by()
    )
    for r in published:
        rows[(_month(r["m"]), *(r[d] for d in DIMS))]["published"] += r["published"]

    cubes: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: dict(_ZERO))
    for key, values in rows.items():
        month, path, unit, admin_unit, kind, channel, topic = key
        head = (month, path or "", unit, kind)
        for dim, value in (
            ("", ""),
            ("channel", channel),
            ("topic", topic),
            ("admin_unit", admin_unit),
        ):
            cube = cubes[(*head, dim, "" if value is None else str(value))]
            for name, n in values.items():
                cube[name] += n
    with transaction.atomic():
        state = _rollup_write(cubes, rows, mark, started)
    if vacuum:
        _tidy_rewritten_table()
    return state


def _tidy_rewritten_table() -> None:
    """PostgreSQL: the rewrite left every old row dead and the new ones unknown to the
    visibility map, so the dashboard's sums read the table's pages instead of its indexes alone
    until autovacuum came by (cold p50 125 instead of 93 ms at 1,000,000 items,
    docs/performance.md). The worker's rebuild (``vacuum=True``) runs VACUUM (ANALYZE) there
    and then, under a second at that size; a page's rebuild does not wait for it. VACUUM cannot
    run inside a transaction, so it is skipped within one (autovacuum comes later); a database
    role that does not own the table is only warned; any other failure is logged, the rollup
    being written already."""
    if (
        connection.vendor != "postgresql"
        or connection.in_atomic_block
        or not connection.get_autocommit()
    ):
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {ItemMonthly._meta.db_table}")
    except DatabaseError:
        logger.warning("stats: VACUUM of the rollup failed; autovacuum will do it", exc_info=True)


def _rollup_write(
    cubes: dict[tuple[Any, ...], dict[str, int]],
    rows: dict[tuple[Any, ...], dict[str, int]],
    mark: str,
    started: float,
) -> RollupState:
    if connection.vendor == "postgresql":
        # Two rebuilds writing at once (the worker's and a page's) would each delete, then
        # insert: the rows twice. The lock queues the second writer behind the first; readers go
        # on. (SQLite's write transactions queue by themselves.)
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {ItemMonthly._meta.db_table} IN SHARE ROW EXCLUSIVE MODE"  # noqa: S608
            )
    ItemMonthly.objects.all().delete()
    ItemMonthly.objects.bulk_create(
        (
            ItemMonthly(
                month=key[0],
                unit_path=key[1],
                unit_id=key[2],
                kind=key[3],
                dim=key[4],
                key=key[5],
                **values,
            )
            for key, values in cubes.items()
        ),
        batch_size=2000,
    )
    RollupState.objects.all().delete()
    return RollupState.objects.create(
        built_at=timezone.now(),
        seconds=round(time.monotonic() - started, 3),
        item_count=sum(v["received"] for v in rows.values()),
        fingerprint=mark,
    )


def rollup_state() -> RollupState | None:
    return RollupState.objects.order_by("-built_at").first()


def rollup_ensure_fresh() -> tuple[RollupState | None, bool]:
    """Called by the pages that read the rollup: rebuild it here when anything changed and the
    last rebuild was cheap (a commune's data); otherwise leave it to the worker and say how old
    the figures are. Returns (state, stale)."""
    state = rollup_state()
    limit = float(selectors.rulebook().setting("inline_rebuild_max_seconds", 2))
    if state is not None and state.fingerprint == fingerprint():
        return state, False
    if state is None or state.seconds <= limit:
        return rollup_rebuild(), False
    _enqueue_rebuild()
    return state, True


def _enqueue_rebuild() -> None:
    try:
        from .tasks import enqueue_rebuild_once

        enqueue_rebuild_once()
    except Exception:  # noqa: BLE001 - the page still shows the figures it has
        logger.exception("stats: could not enqueue the rollup rebuild")


def rollup_refresh(*, actor: Any) -> RollupState:
    """A leader asks for fresh figures now (audited: a full rebuild is heavy at a province)."""
    if not can(actor, "stats.refresh", None):
        raise PermissionDenied()
    state = rollup_rebuild()
    with transaction.atomic():
        audit_event_record(
            action="stats.rollup_rebuilt", obj=state, actor=actor, data={"seconds": state.seconds}
        )
    return state
