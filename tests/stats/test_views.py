"""Back-office statistics pages: bad input gets a message (never a 500), charts link to the
items behind them, exports follow the inbox filters, the rollup stays fresh."""

from __future__ import annotations

import csv
import datetime as dt
import io

from langnghe.intake.models import Kind
from langnghe.stats import charts, selectors
from langnghe.stats.models import ItemMonthly, RollupState
from langnghe.stats.services import rollup_ensure_fresh, rollup_rebuild

from .conftest import make_item

D = dt.date


def test_dashboard_bad_period_shows_a_message_and_this_year(people, login):
    response = login(people.leader).get("/quan-ly/thong-ke/", {"ky": "2026-77"})
    assert response.status_code == 200
    assert response.context["period"].code == selectors.parse_period("").code
    html = response.content.decode()
    assert "Kỳ không hợp lệ" in html
    assert 'value="2026-77"' in html  # the user's text stays in the box


def test_drill_down_bad_filters_are_dropped_with_a_message(tree, people, login):
    make_item(tree.commune, received=D(2025, 3, 3))
    rollup_rebuild()
    response = login(people.leader).get(
        "/quan-ly/thong-ke/y-kien/", {"ky": "2025", "do": "nonsense", "topic": "1;drop"}
    )
    assert response.status_code == 200
    assert "Bỏ qua bộ lọc không hợp lệ" in response.content.decode()


def test_export_format_must_be_known(people, login):
    client = login(people.leader)
    assert client.get("/quan-ly/thong-ke/y-kien/xuat/", {"dinh_dang": "pdf"}).status_code == 404
    assert client.get("/quan-ly/thong-ke/xuat/hop-thu/", {"dinh_dang": "exe"}).status_code == 404


def test_chart_bars_link_to_the_items_behind_them(tree, people, login):
    make_item(tree.commune, kind=Kind.COMPLAINT, received=D(2025, 3, 3))
    rollup_rebuild()
    client = login(people.leader)
    html = client.get("/quan-ly/thong-ke/", {"ky": "2025"}).content.decode()
    assert "kind=complaint" in html
    assert "<svg" in html and "<a href=" in html
    response = client.get(
        "/quan-ly/thong-ke/y-kien/", {"ky": "2025", "do": "received", "kind": "complaint"}
    )
    assert response.context["page"].paginator.count == 1
    response = client.get(
        "/quan-ly/thong-ke/y-kien/", {"ky": "2025", "do": "received", "thang": "2025-04"}
    )
    assert response.context["page"].paginator.count == 0


def test_inbox_export_follows_the_inbox_filters(tree, people, login):
    make_item(tree.commune, kind=Kind.COMPLAINT, received=D(2025, 3, 3))
    make_item(tree.commune, kind=Kind.FEEDBACK, received=D(2025, 3, 3))
    client = login(people.leader)
    response = client.get(
        "/quan-ly/thong-ke/xuat/hop-thu/", {"dinh_dang": "csv", "kind": "complaint"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[0][0] == "Mã"
    # The export of a handler in a sibling unit is empty: lists are filtered, not guarded.
    from langnghe.orgs.models import Role
    from tests.factories import user

    other = user("st_other", grants=[(tree.sibling, Role.HANDLER)])
    client.force_login(other)
    response = client.get("/quan-ly/thong-ke/xuat/hop-thu/", {"dinh_dang": "csv", "status": "all"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1


def test_rollup_rebuilds_when_items_change(tree):
    rollup_rebuild()
    assert ItemMonthly.objects.count() == 0
    make_item(tree.commune, received=D(2025, 3, 3))
    state, stale = rollup_ensure_fresh()
    assert not stale and ItemMonthly.objects.get(dim="").received == 1
    before = RollupState.objects.get().built_at
    state, stale = rollup_ensure_fresh()  # nothing changed: no rebuild
    assert RollupState.objects.get().built_at == before


def test_a_slow_rollup_is_left_to_the_worker(tree):
    state = rollup_rebuild()
    RollupState.objects.filter(pk=state.pk).update(seconds=999)
    make_item(tree.commune, received=D(2025, 3, 3))
    state, stale = rollup_ensure_fresh()
    # The test settings run tasks immediately: the worker's rebuild already happened.
    assert ItemMonthly.objects.get(dim="").received == 1


def test_svg_charts_escape_labels():
    svg = charts.hbars([charts.Bar('<script>"x"</script>', 3, "/a?b=1&c=2")], label="t")
    assert "<script>" not in svg and "&amp;c=2" in svg
    assert charts.hbars([], label="t") == ""


def test_exports_neutralise_spreadsheet_formulas(tree, people, login):
    """A citizen's title that starts with "=" must not run as a formula in Excel."""
    import io as _io

    from openpyxl import load_workbook

    make_item(tree.commune, received=D(2025, 3, 3), title='=HYPERLINK("http://x","bấm")')
    rollup_rebuild()
    client = login(people.leader)
    params = {"ky": "2025", "do": "received"}
    response = client.get("/quan-ly/thong-ke/y-kien/xuat/", {**params, "dinh_dang": "xlsx"})
    sheet = load_workbook(_io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=2).value.startswith("'=HYPERLINK")
    assert sheet.cell(row=2, column=2).data_type == "s"
    response = client.get("/quan-ly/thong-ke/y-kien/xuat/", {**params, "dinh_dang": "csv"})
    assert "'=HYPERLINK" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_bench_helper_measures_the_dashboard(tree, people):
    from langnghe.stats.bench import measure_dashboard

    make_item(tree.commune, received=D(2025, 3, 3))
    result = measure_dashboard(people.leader.username, repeat=2)
    assert result["rollup_items"] == 1
    assert len(result["cold"]) == len(result["warm"]) == 2
