"""Template helpers of the disclosure pages: category labels, the notice's heading (FM-1, FM-6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from langnghe.orgs.models import Organisation

from .. import policy

register = template.Library()


@register.filter
def category_label(code: str) -> str:
    return policy.category_label(code)


@dataclass(frozen=True)
class NoticeHeader:
    party: bool
    parent: str
    org: str
    place: str


def _place(org: Organisation) -> str:
    unit = org.admin_unit
    if unit is None:
        return ""
    name = unit.name
    for prefix in ("Xã ", "Phường ", "Đặc khu ", "Tỉnh ", "Thành phố ", "Thị trấn "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def notice_header(org: Organisation) -> NoticeHeader:
    """The heading of a document: a party body's on the left with "ĐẢNG CỘNG SẢN VIỆT NAM" on the
    right (FM-6); a state body's on the left with the national motto on the right (FM-1)."""
    parent = org.parent
    return NoticeHeader(
        party=org.is_party,
        parent=parent.name.upper() if parent is not None else "",
        org=org.name.upper(),
        place=_place(org),
    )


@register.simple_tag
def header_for(org: Organisation) -> Any:
    return notice_header(org)
