"""Small template helpers of the reception pages."""

from __future__ import annotations

from typing import Any

from django import template

from langnghe.reception.export import kinds_text

register = template.Library()


@register.filter
def get_entry(mapping: dict[int, Any] | None, key: int) -> Any:
    """A revealed identity by entry id (None when not revealed)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def kind_abbr(kinds: list[str]) -> str:
    """Loại đơn as Mẫu 03/TCD writes it: KN, TC, KN, PA."""
    return kinds_text(kinds or [])
