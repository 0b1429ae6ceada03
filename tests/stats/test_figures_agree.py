"""Figures that agree everywhere: each headline number is computed here by hand from the raw
items, then read back from the dashboard page, the public scoreboard, the JSON open data, the
report's figures and its DOCX table, and the CSV/XLSX exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from langnghe.intake.models import Item, Kind
from langnghe.reports.services import ReportDraft, report_create, report_issue
from langnghe.stats import selectors
from langnghe.stats.services import rollup_rebuild

from .conftest import make_item

D = dt.date
ANSWERED_STATES = {"answered", "decision_sent", "conclusion_sent"}
TODAY = timezone.localdate()


@pytest.fixture
def items(tree):
    c, office, sibling = tree.commune, tree.office, tree.sibling
    made = [
        make_item(
            c,
            received=D(2025, 3, 3),
            closed=D(2025, 3, 10),
            due=D(2025, 3, 14),
            published=D(2025, 3, 11),
            rating=5,
        ),
        make_item(
            c,
            kind=Kind.SUGGESTION,
            received=D(2025, 3, 5),
            closed=D(2025, 4, 20),
            due=D(2025, 4, 1),
            rating=2,
        ),
        make_item(
            c,
            kind=Kind.COMPLAINT,
            received=D(2025, 5, 2),
            closed=D(2025, 6, 30),
            published=D(2025, 7, 1),
            channel="citizen_reception",
        ),
        make_item(
            c,
            kind=Kind.RECOMMENDATION,
            received=D(2025, 6, 1),
            closed=D(2025, 6, 5),
            answered=False,
        ),
        make_item(c, received=D(2025, 12, 15), due_on=D(2026, 1, 10)),
        make_item(c, received=D(2024, 12, 20), closed=D(2025, 1, 5), due=D(2025, 1, 10)),
        make_item(
            c,
            kind=Kind.DENUNCIATION,
            received=D(2025, 7, 1),
            closed=D(2025, 8, 1),
            due=D(2025, 9, 1),
        ),
        make_item(c, received=D(2025, 9, 9), reopen_count=1, due_on=TODAY + dt.timedelta(days=30)),
        # Closed at 00:00 local time the day after its limit: late, though still the 10th in UTC.
        make_item(
            c, received=D(2025, 10, 1), closed=D(2025, 10, 11), closed_hour=0, due=D(2025, 10, 10)
        ),
        make_item(
            office,
            received=D(2025, 2, 2),
            closed=D(2025, 2, 10),
            due=D(2025, 2, 12),
            published=D(2025, 2, 11),
            rating=4,
        ),
        make_item(sibling, received=D(2025, 4, 4), closed=D(2025, 4, 8), due=D(2025, 4, 10)),
    ]
    rollup_rebuild()
    return made


def by_hand(*, with_sealed: bool, under: str = "") -> dict[str, float | int | None]:
    """The definitions of langnghe/stats/selectors.py, written out over the raw rows."""
    start, end = D(2025, 1, 1), D(2025, 12, 31)
    f = dict.fromkeys(
        (
            "received",
            "answered",
            "with_limit",
            "on_time",
            "published",
            "rated",
            "rating_sum",
            "reopened",
            "open",
            "overdue",
        ),
        0,
    )
    seconds = 0.0
    for item in Item.objects.all():
        if not item.handling_path.startswith(under):
            continue
        if item.kind == Kind.DENUNCIATION and not with_sealed:
            continue
        received = timezone.localtime(item.received_at).date()
        if start <= received <= end:
            f["received"] += 1
            f["reopened"] += item.reopen_count > 0
        if item.is_open:
            f["open"] += 1
            f["overdue"] += bool(item.due_on and item.due_on < TODAY)
            continue
        closed = timezone.localtime(item.closed_at).date()
        if start <= closed <= end:
            if item.rating:
                f["rated"] += 1
                f["rating_sum"] += item.rating
            if item.status in ANSWERED_STATES:
                f["answered"] += 1
                seconds += (item.closed_at - item.received_at).total_seconds()
                # On time / late only where a time limit was running at close (PA-8: many
                # petitions have none, and are neither).
                if item.due_at_close is not None:
                    f["with_limit"] += 1
                    f["on_time"] += closed <= item.due_at_close
        if item.is_published and start <= timezone.localtime(item.published_at).date() <= end:
            f["published"] += 1
    f["late"] = f["with_limit"] - f["on_time"]
    f["avg_days"] = round(seconds / 86400 / f["answered"], 1) if f["answered"] else None
    return f


def test_hand_counts_are_what_the_fixture_says(items):
    """Guards the test itself: the fixture's outcomes, counted by eye."""
    mine = by_hand(with_sealed=True)
    assert (mine["received"], mine["answered"], mine["on_time"], mine["late"]) == (10, 8, 5, 2)
    assert mine["with_limit"] == 7  # one answer had no time limit running: neither
    assert (mine["open"], mine["overdue"], mine["published"], mine["reopened"]) == (2, 1, 3, 1)
    public = by_hand(with_sealed=False)
    assert (public["received"], public["answered"]) == (9, 7)


def test_selector_equals_hand_count_and_the_items_behind(items, tree, people):
    scope = selectors.dashboard_scope(actor=people.leader, org=tree.province)
    period = selectors.parse_period("2025")
    figs = selectors.figures(scope, period)
    hand = by_hand(with_sealed=True, under=tree.province.path)
    assert figs.received == hand["received"]
    assert figs.answered == hand["answered"]
    assert figs.on_time == hand["on_time"]
    assert figs.late == hand["late"]
    assert figs.published == hand["published"]
    assert figs.reopened == hand["reopened"]
    assert figs.rated == hand["rated"] and figs.rating_sum == hand["rating_sum"]
    assert figs.avg_days == hand["avg_days"]
    live = selectors.open_counts(scope)
    assert (live.open, live.overdue) == (hand["open"], hand["overdue"])
    # The drill-down lists exactly the items behind each figure (this leader may see them all).
    for measure in ("received", "answered", "on_time", "late", "published", "reopened", "overdue"):
        behind = selectors.items_behind(
            actor=people.leader,
            scope=scope,
            period=period,
            filters=selectors.DrillFilters(measure=measure),
        )
        expected = hand[measure] if measure != "overdue" else hand["overdue"]
        assert behind.count() == expected, measure


def _kpis(html: str) -> dict[str, str]:
    return dict(
        re.findall(r'data-measure="(\w+)">(?:<a[^>]*>)?<span class="kpi__value">([^<]+)<', html)
    )


def test_dashboard_page_agrees(items, tree, people, login):
    client = login(people.leader)
    response = client.get("/quan-ly/thong-ke/", {"ky": "2025", "don_vi": tree.province.pk})
    assert response.status_code == 200
    kpis = _kpis(response.content.decode())
    hand = by_hand(with_sealed=True, under=tree.province.path)
    for measure in (
        "received",
        "answered",
        "on_time",
        "late",
        "overdue",
        "open",
        "published",
        "reopened",
    ):
        assert kpis[measure] == str(hand[measure]), measure
    assert kpis["avg_days"].replace(",", ".") == str(hand["avg_days"])


def test_scoreboard_and_open_data_agree_without_sealed_kinds(items, client):
    hand = by_hand(with_sealed=False)
    html = client.get("/thong-ke/", {"ky": "2025"}).content.decode()
    shown = dict(re.findall(r'data-figure="(\w+)">([^<]+)<', html))
    assert shown["received"] == str(hand["received"])
    assert shown["answered"] == str(hand["answered"])
    assert shown["published"] == str(hand["published"])
    data = json.loads(client.get("/thong-ke/du-lieu.json", {"ky": "2025"}).content)
    assert data["total"]["received"] == hand["received"]
    assert data["total"]["answered"] == hand["answered"]
    assert data["total"]["answered_on_time"] == hand["on_time"]
    assert data["total"]["answered_late"] == hand["late"]
    assert data["total"]["published"] == hand["published"]
    assert sum(u["received"] for u in data["units"]) == hand["received"]
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    client.get("/thong-ke/du-lieu.csv", {"ky": "2025"}).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    assert sum(int(r["answered"]) for r in rows) == hand["answered"]


def test_report_agrees(items, tree, people):
    from docx import Document

    report = report_create(
        draft=ReportDraft(organisation=tree.province, period_kind="Y", year=2025),
        actor=people.leader,
    )
    report = report_issue(report=report, actor=people.leader)
    hand = by_hand(with_sealed=True, under=tree.province.path)
    totals = report.figures["totals"]
    assert totals["received"] == hand["received"]
    assert totals["answered"] == hand["answered"]
    assert totals["answered_on_time"] == hand["on_time"]
    assert totals["answered_late"] == hand["late"]
    assert totals["overdue_now"] == hand["overdue"]
    doc = Document(io.BytesIO(bytes(report.files.get(kind="docx").content)))
    kind_table = doc.tables[1]  # [0] is the header block
    assert [c.text for c in kind_table.rows[0].cells][:3] == [
        "Loại ý kiến",
        "Tiếp nhận",
        "Đã trả lời",
    ]
    total_row = [c.text for c in kind_table.rows[-1].cells]
    assert total_row == [
        "Tổng cộng",
        str(hand["received"]),
        str(hand["answered"]),
        str(hand["on_time"]),
        str(hand["late"]),
    ]
    annex = load_workbook(io.BytesIO(bytes(report.files.get(kind="xlsx").content)))
    summary = {row[0]: row[1] for row in annex["Tổng hợp"].iter_rows(values_only=True)}
    assert summary["Tiếp nhận"] == hand["received"]
    assert summary["Đã trả lời"] == hand["answered"]


def test_exports_agree(items, tree, people, login):
    client = login(people.leader)
    hand = by_hand(with_sealed=True, under=tree.province.path)
    params = {"ky": "2025", "don_vi": tree.province.pk}
    response = client.get(
        "/quan-ly/thong-ke/y-kien/xuat/", {**params, "do": "answered", "dinh_dang": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row - 1 == hand["answered"]
    response = client.get(
        "/quan-ly/thong-ke/y-kien/xuat/", {**params, "do": "received", "dinh_dang": "csv"}
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))) - 1 == hand["received"]
    response = client.get("/quan-ly/thong-ke/so-lieu/xuat/", {**params, "dinh_dang": "csv"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    total = rows[0]
    assert int(total["received"]) == hand["received"]
    assert int(total["answered_on_time"]) == hand["on_time"]
    assert int(total["overdue_now"]) == hand["overdue"]
    assert sum(int(r["received"]) for r in rows[1:]) == hand["received"]
