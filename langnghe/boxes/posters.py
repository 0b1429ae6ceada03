"""What a box's printed poster carries: its public page's address (the QR code points there), a
short form of that address to type, and the QR code as inline SVG (segno)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import SuggestionBox


@dataclass
class Poster:
    box: SuggestionBox
    url: str
    short_url: str
    qr: SafeString


def qr_svg(url: str) -> SafeString:
    import segno

    # Error level "q": a poster on a notice board gets wet, torn and written on.
    svg = segno.make(url, error="q").svg_inline(
        scale=4,
        border=2,
        omitsize=True,  # a viewBox only: the printed size comes from the CSS
        title=_("Mã QR: trang hòm thư góp ý"),
        dark="#000",
        light="#fff",
    )
    # segno writes only its own <svg>/<path> markup; the URL is encoded as modules, not text.
    return mark_safe(svg)  # noqa: S308


def poster_for(request: HttpRequest, box: SuggestionBox) -> Poster:
    url = request.build_absolute_uri(reverse("boxes_portal:box", kwargs={"code": box.code}))
    short = url.split("://", 1)[-1].rstrip("/")
    return Poster(box=box, url=url, short_url=short, qr=qr_svg(url))
