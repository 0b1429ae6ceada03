"""Demo data for supervision (called by `manage.py demo` inside its transaction)."""

from __future__ import annotations

from typing import Any


def build_demo(*, seed: int, out: Any) -> list[str]:
    return []
