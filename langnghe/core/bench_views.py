"""The bare baselines of `manage.py bench` (DESIGN.md §6): what a minimal Django view costs on the
same server, settings and middleware as the real pages, so that the real pages can be given as a
share of it.

- ``bare_page``: a tiny template, rendered with the request (context processors included).
- ``bare_form`` / ``bare_done``: a Django form journey: GET the form (CSRF token), POST it (form
  validation, one INSERT into a one-table ``bench_note``, in a transaction), redirect to a tiny page.

These views are routed only by ``config.bench_urls``, which the bench server alone uses
(``wsgi_application`` below, started with LANGNGHE_BENCH=1); ``config.urls`` never includes them.
``bench_note`` is created by the bench command (``langnghe.core.bench.ensure_bench_tables``).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from django import forms
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

ENV_FLAG = "LANGNGHE_BENCH"
NOTE_TABLE = "bench_note"

_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><p>{{ text }}</p></body></html>"""

_FORM = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Mẫu</title></head>
<body><form method="post">{% csrf_token %}{{ form.as_p }}<button>Gửi</button></form></body></html>"""


@cache
def _template(source: str) -> Any:
    # Compiled once, as the cached template loader does for the real pages' files.
    return engines["django"].from_string(source)


class NoteForm(forms.Form):
    body = forms.CharField(max_length=2000)


def enabled() -> bool:
    return os.environ.get(ENV_FLAG) == "1"


@require_GET
def bare_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        _template(_PAGE).render({"title": "Lắng Nghe", "text": "Xin chào."}, request)
    )


@require_http_methods(["GET", "POST"])
def bare_form(request: HttpRequest) -> HttpResponse:
    form = NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {NOTE_TABLE} (body, created_at) VALUES (%s, %s)",  # noqa: S608
                [form.cleaned_data["body"], timezone.now()],
            )
        return redirect("bench_done")
    return HttpResponse(_template(_FORM).render({"form": form}, request))


@require_GET
def bare_done(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_template(_PAGE).render({"title": "Đã gửi", "text": "Cảm ơn."}, request))


def wsgi_application() -> Any:
    """Granian factory (``--factory``) for the bench server: the project's WSGI application with
    ``config.bench_urls`` as its URLconf. Refuses to start without LANGNGHE_BENCH=1."""
    if not enabled():
        raise RuntimeError(f"the bench server needs {ENV_FLAG}=1")
    from langnghe.core.wsgi import application

    return application(urlconf="config.bench_urls")
