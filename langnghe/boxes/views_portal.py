"""Public pages of the suggestion boxes: where the boxes are, and the page a poster's QR code
opens. Nothing here says anything about who wrote a letter or what it said."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from langnghe.core.errors import NotFound

from . import policy, selectors


@require_GET
def box_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "boxes/portal/list.html",
        {"units": selectors.public_boxes(), "interval": policy.opening_interval()},
    )


@require_GET
def box_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        public = selectors.public_box(code)
    except NotFound:
        return render(request, "boxes/portal/not_found.html", {"code": code[:20]}, status=404)
    submit_url = reverse("portal:submit") + "?" + urlencode({"hom-thu": public.box.code})
    return render(
        request,
        "boxes/portal/box.html",
        {
            "public": public,
            "box": public.box,
            "submit_url": submit_url,
            "interval": policy.opening_interval(),
        },
    )
