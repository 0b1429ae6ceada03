"""Demo data for statistics: the rollup built from the demo's items (the dashboards read it)."""

from __future__ import annotations

from typing import Any

from .services import rollup_rebuild


def build_demo(*, seed: int, out: Any) -> list[str]:
    state = rollup_rebuild()
    return [
        f"Thống kê / statistics: số liệu tổng hợp {state.item_count} ý kiến / rollup of "
        f"{state.item_count} items ({state.seconds:.1f} s) — /thong-ke/, /quan-ly/thong-ke/ (lanhdao)"
    ]
