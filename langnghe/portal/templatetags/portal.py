"""Template helpers of the public site: accessible form fields, the error summary, QR codes."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.urls import Resolver404, resolve
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _ids(bf: BoundField) -> tuple[str, str, str]:
    auto = bf.auto_id or f"id_{bf.html_name}"
    return auto, f"{auto}_hint", f"{auto}_error"


@register.inclusion_tag("portal/_field.html")
def field(bf: BoundField, hint: str = "", required: bool = False, css: str = "") -> dict[str, Any]:
    """Label, hint, error and input, tied together by ids (aria-describedby) so that a screen
    reader reads the hint and the error with the input."""
    auto, hint_id, error_id = _ids(bf)
    hint = hint or (str(bf.help_text) if bf.help_text else "")
    described = [i for i, present in ((hint_id, hint), (error_id, bf.errors)) if present]
    attrs: dict[str, Any] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if required or bf.field.required:
        attrs["aria-required"] = "true"
    return {
        "bf": bf,
        "widget": bf.as_widget(attrs=attrs),
        "hint": hint,
        "hint_id": hint_id,
        "error_id": error_id,
        "required": required or bf.field.required,
        "css": css,
        "is_check": bf.widget_type == "checkbox",
    }


@register.simple_tag
def field_ids(bf: BoundField) -> dict[str, str]:
    auto, hint_id, error_id = _ids(bf)
    return {"id": auto, "hint": hint_id, "error": error_id}


@register.inclusion_tag("portal/_error_summary.html")
def error_summary(form: Any) -> dict[str, Any]:
    """The list of problems at the top of a form, each linking to its field (GOV.UK pattern)."""
    entries = [{"anchor": "", "message": str(m)} for m in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        bf = form[name]
        anchor = bf.auto_id
        if bf.widget_type == "radioselect":
            anchor = f"{bf.auto_id}_0"  # the first option; a checkbox group links to its fieldset
        for message in errors:
            entries.append({"anchor": anchor, "message": f"{bf.label}: {message}"})
    return {"entries": entries}


@register.filter
def qr_svg(url: str, label: str = "") -> SafeString:
    """An inline SVG QR code (segno): a few hundred bytes, no image request, prints sharply."""
    import segno

    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=False)
    # segno writes only <svg>/<path> markup of its own; the URL is encoded as modules, not text.
    markup = mark_safe(svg)  # noqa: S308
    return format_html(
        '<div class="qr" role="img" aria-label="{}">{}</div>', label or _("Mã QR"), markup
    )


@register.simple_tag
def link_if_exists(path: str, label: str) -> str:
    """A link to a public page that another part of the project serves, only once it exists."""
    try:
        resolve(path)
    except Resolver404:
        return ""
    return format_html('<li><a href="{}">{}</a></li>', path, label)


NAV_PAGES = {"/gop-y/": "submit", "/tra-cuu/": "track", "/tim-kiem/": "search"}


@register.simple_tag(takes_context=True)
def nav_current(context: Any) -> str:
    """Which entry of the site menu the page is (a page path or a section's URL namespace), so
    that the rendered menu can be cached per entry rather than per URL."""
    request = context.get("request")
    if request is None:
        return ""
    match = getattr(request, "resolver_match", None)
    return NAV_PAGES.get(request.path) or (match.namespace if match else "")


@register.filter
def percent(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
