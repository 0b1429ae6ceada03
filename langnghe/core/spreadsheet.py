"""Values written into CSV and XLSX files that people open in a spreadsheet."""

from __future__ import annotations

from typing import Any

from .text import xml_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A value safe to open in a spreadsheet: text that a spreadsheet would run as a formula
    (a citizen's title starting with "=") gets a leading apostrophe (CSV/formula injection), and
    loses the control characters an XLSX cell cannot hold (openpyxl refuses the whole file)."""
    if not isinstance(value, str):
        return value
    value = xml_text(value)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value
