"""The public page of Front supervision results at /giam-sat/: supervised body, topic, dates,
recommendations and the supervised party's answers, counts. No citizen's name, no item text."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from langnghe.core.errors import NotFound

from . import selectors


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    qs = selectors.public_supervisions()
    page = Paginator(qs, 20).get_page(request.GET.get("trang"))
    return render(
        request,
        "supervision/portal/index.html",
        {"page": page, "totals": selectors.aggregate(qs)},
    )


@require_GET
def detail(request: HttpRequest, supervision_id: int) -> HttpResponse:
    try:
        s = selectors.public_supervision(supervision_id)
    except NotFound as exc:
        raise Http404 from exc
    recs = list(s.recommendations.order_by("pk"))
    return render(
        request,
        "supervision/portal/detail.html",
        {"s": s, "recs": recs, "sessions": list(s.sessions.all())},
    )
