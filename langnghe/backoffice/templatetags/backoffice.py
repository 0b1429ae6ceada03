from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

INBOX_ROW = (
    '<tr class="{row_class}">'
    '<td data-label="{l_pick}"><input type="checkbox" name="items" value="{pk}" id="pick-{pk}"'
    '{disabled}><label for="pick-{pk}" class="visually-hidden">{l_pick} {code}</label></td>'
    '<td data-label="{l_code}"><a href="{url}" class="code">{code}</a></td>'
    '<td data-label="{l_title}"><a href="{url}">{title}</a></td>'
    '<td data-label="{l_kind}">{kind}</td>'
    '<td data-label="{l_status}">{status}</td>'
    '<td data-label="{l_unit}">{unit}</td>'
    '<td data-label="{l_due}">{due}</td>'
    '<td data-label="{l_handler}">{handler}</td>'
    "</tr>\n"
)


@register.filter
def staff_name(user: Any) -> str:
    """A staff member's name in Vietnamese order (family name first), else the username."""
    if user is None:
        return ""
    full = f"{user.last_name} {user.first_name}".strip()
    return full or user.get_username()


@register.simple_tag(takes_context=True)
def bo_menu(context: Any) -> list[dict[str, Any]]:
    """The main menu's links for the signed-in user, each marked current or not."""
    from django.urls import reverse

    from langnghe.backoffice.nav import cached_menu_for

    request = context.get("request")
    if request is None:
        return []
    match = getattr(request, "resolver_match", None)
    namespace = getattr(match, "namespace", "") or ""
    url_name = getattr(match, "url_name", "") or ""
    return [
        {
            "url": reverse(area.url_name),
            "label": area.label,
            "current": bool(
                (area.namespace and namespace == area.namespace)
                or (namespace == "backoffice" and url_name in area.current)
            ),
        }
        for area in cached_menu_for(request.user)
    ]


@register.simple_tag
def inbox_rows(items: Iterable[Any]) -> SafeString:
    """The inbox table's rows (backoffice/inbox.html). Built here rather than in the template:
    fifty rows of eight cells made some 1,500 template variable lookups, most of the page's time
    (docs/performance.md). Each value is escaped once here and the row is one `str.format` (the
    labels, the same on every row, are escaped once a page). Each item carries `url`,
    `status_label` and `badge` (views.inbox)."""
    labels = {
        key: escape(label)
        for key, label in (
            ("l_pick", _("Chọn")),
            ("l_code", _("Mã")),
            ("l_title", _("Tiêu đề")),
            ("l_kind", _("Loại")),
            ("l_status", _("Trạng thái")),
            ("l_unit", _("Đơn vị xử lý")),
            ("l_due", _("Hạn")),
            ("l_handler", _("Người xử lý")),
        )
    }
    badges = {
        "overdue": format_html(' <span class="badge badge--overdue">{}</span>', _("Quá hạn")),
        "due_soon": format_html(' <span class="badge badge--soon">{}</span>', _("Sắp đến hạn")),
    }
    paused = format_html('<span class="badge badge--paused">{}</span>', _("Tạm dừng"))
    unassigned = format_html('<span class="muted">{}</span>', _("Chưa giao"))
    kinds: dict[str, str] = {}
    rows = []
    for item in items:
        if not item.is_open:
            row_class = "row--closed"
        else:
            row_class = f"row--{item.badge}" if item.badge else ""
        due: str
        if item.due_on:
            due = item.due_on.strftime("%d/%m/%Y") + badges.get(item.badge, "")
        else:
            due = paused if item.paused_on else "—"
        org = item.handling_org
        if item.kind not in kinds:
            kinds[item.kind] = escape(item.get_kind_display())
        rows.append(
            INBOX_ROW.format(
                row_class=row_class,
                pk=int(item.pk),
                disabled="" if item.is_open else " disabled",
                code=escape(item.code),
                url=escape(item.url),
                title=escape(_truncate(item.title, 90)),
                kind=kinds[item.kind],
                status=escape(item.status_label),
                unit=escape((org.short_name or org.name or "—") if org is not None else "—"),
                due=due,
                handler=escape(staff_name(item.handler)) if item.handler_id else unassigned,
                **labels,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above was escaped


def _truncate(text: str, length: int) -> str:
    """`text` cut to `length` characters, the last one an ellipsis, as Truncator.chars does: in
    NFC, so that a title typed with combining accents is not cut between a letter and its mark."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else text[: length - 1] + "…"
