"""Demo data for this capability (called by `manage.py demo` after the spine's data exists)."""

from __future__ import annotations

from typing import Any


def build_demo(*, seed: int, out: Any) -> list[str]:
    return []
