"""The inbox table's rows (backoffice templatetag `inbox_rows`): what each cell shows, and that
everything from the database is escaped."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import translation

from langnghe.backoffice.templatetags.backoffice import inbox_rows


@pytest.fixture(autouse=True)
def _vietnamese():
    """The labels are checked in Vietnamese, whatever language an earlier test left active."""
    with translation.override("vi"):
        yield


def _item(**values):
    base = {
        "pk": 7,
        "code": "26-ABC123",
        "url": "/quan-ly/y-kien/7/",
        "title": "Đường thôn 3 bị sạt lở",
        "is_open": True,
        "badge": "",
        "due_on": dt.date(2026, 12, 3),
        "paused_on": None,
        "status_label": "Đang xử lý",
        "handling_org": SimpleNamespace(short_name="UBND xã Sa Thầy", name="Ủy ban nhân dân xã"),
        "handler": None,
        "handler_id": None,
        "kind": "reflection",
        "get_kind_display": lambda: "Phản ánh",
    }
    base.update(values)
    return SimpleNamespace(**base)


def test_an_open_overdue_item_is_marked_and_can_be_picked():
    html = str(inbox_rows([_item(badge="overdue")]))
    assert '<tr class="row--overdue">' in html
    assert 'name="items" value="7" id="pick-7">' in html
    assert '<a href="/quan-ly/y-kien/7/" class="code">26-ABC123</a>' in html
    assert '03/12/2026 <span class="badge badge--overdue">Quá hạn</span>' in html
    assert "UBND xã Sa Thầy" in html and '<span class="muted">Chưa giao</span>' in html


def test_a_closed_item_cannot_be_picked_and_a_paused_one_says_so():
    closed = str(inbox_rows([_item(is_open=False, due_on=None)]))
    assert '<tr class="row--closed">' in closed and " disabled>" in closed
    paused = str(inbox_rows([_item(due_on=None, paused_on=dt.date(2026, 11, 2))]))
    assert '<span class="badge badge--paused">Tạm dừng</span>' in paused
    plain = str(inbox_rows([_item(due_on=None, handling_org=None)]))
    assert (
        '<td data-label="Hạn">—</td>' in plain and '<td data-label="Đơn vị xử lý">—</td>' in plain
    )


def test_text_from_the_database_is_escaped_and_long_titles_cut():
    evil = '<script>alert("x")</script>' + "a" * 200
    html = str(inbox_rows([_item(title=evil, status_label="<b>s</b>")]))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>s</b>" not in html
    assert "a" * 100 not in html and "…" in html


def test_the_handler_is_named_family_name_first_and_escaped():
    handler = SimpleNamespace(last_name="<Nguyễn>", first_name="Văn An", get_username=lambda: "an")
    html = str(inbox_rows([_item(handler=handler, handler_id=3)]))
    assert '<td data-label="Người xử lý">&lt;Nguyễn&gt; Văn An</td>' in html
    assert "Chưa giao" not in html


def test_the_labels_follow_the_language():
    with translation.override("en"):
        html = str(inbox_rows([_item(badge="due_soon")]))
    assert 'data-label="Code"' in html and 'data-label="Mã"' not in html
    assert '<span class="badge badge--soon">Due soon</span>' in html


def test_a_title_typed_with_combining_accents_is_cut_like_a_composed_one():
    import unicodedata

    composed = "Đường thôn " + "ế" * 120
    decomposed = unicodedata.normalize("NFD", composed)
    html = str(inbox_rows([_item(title=decomposed)]))
    expected = str(inbox_rows([_item(title=composed)]))
    assert html == expected and composed[:89] + "…" in html
