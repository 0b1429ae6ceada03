"""In-process timings of the leaders' dashboard for `make bench` (called by the bench command;
see the final report of the "See the whole" issue for the two lines that call it)."""

from __future__ import annotations

import time
from typing import Any


def measure_dashboard(username: str, repeat: int = 30) -> dict[str, Any]:
    """Rebuild the rollup once as the worker does (timed), then time the dashboard's reads for
    `username`: the headline figures, the six splits, the units table and the live open/overdue
    counts, as the view runs them — with the rollup cache emptied before each run ("cold") and
    kept ("warm")."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from . import selectors
    from .services import rollup_rebuild

    mark = time.perf_counter()
    state = rollup_rebuild(vacuum=True)  # as the worker rebuilds it
    rebuild = time.perf_counter() - mark
    user = get_user_model().objects.get(username=username)
    period = selectors.parse_period("")

    def once() -> float:
        start = time.perf_counter()
        scope = selectors.dashboard_scope(actor=user)
        selectors.figures(scope, period)
        for dim in ("month", "kind", "channel", "topic", "admin_unit"):
            selectors.figures_by(scope, period, dim)
        live = selectors.open_counts_by_unit(scope)  # as the page: counted once, by unit
        selectors.units_table(scope, period, live=live)
        selectors.open_counts_total(live)
        return time.perf_counter() - start

    cold, warm = [], []
    for _ in range(repeat):
        cache.clear()
        cold.append(once())
        warm.append(once())
    return {
        "rollup_rebuild_seconds": rebuild,
        "rollup_items": state.item_count,
        "cold": cold,
        "warm": warm,
    }
