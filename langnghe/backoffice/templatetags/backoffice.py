from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


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

    from langnghe.backoffice.nav import menu_for

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
        for area in menu_for(request.user)
    ]
