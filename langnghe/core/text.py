"""Small checks on what people type or what arrives in a URL."""

from __future__ import annotations

import unicodedata


def is_digits(value: str) -> bool:
    """ASCII digits only. ``str.isdigit()`` is also true of "²" and "١٢", which ``int()`` refuses
    (a 500) or reads as another number; every id, year, page or code typed or sent in a URL is
    tested with this instead."""
    return value.isascii() and value.isdigit()


def has_text(value: str) -> bool:
    """Whether anything readable was typed: not only spaces and invisible format characters
    (Unicode category Cf: direction marks, zero-width spaces), which would satisfy a required
    reason while saying nothing."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in value)
