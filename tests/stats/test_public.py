"""The public scoreboard and open data: minimum samples, no sealed kinds, no personal data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from langnghe.intake.models import Kind
from langnghe.stats import selectors
from langnghe.stats.services import rollup_rebuild

from .conftest import make_item

D = dt.date


def _answered(org, n, *, late=0, rating=None):
    for i in range(n):
        make_item(
            org,
            received=D(2025, 3, 2),
            closed=D(2025, 3, 10),
            due=D(2025, 3, 5) if i < late else D(2025, 3, 20),
            rating=rating,
        )


def test_units_below_the_minimum_sample_are_not_ranked_and_show_no_rate(tree, client):
    assert selectors.min_sample() == 10
    _answered(tree.commune, 10, late=2, rating=4)
    _answered(tree.sibling, 9)
    rollup_rebuild()
    _total, ranked, small = selectors.scoreboard(selectors.parse_period("2025"))
    assert [s.unit for s in ranked] == [tree.commune]
    assert ranked[0].rank == 1 and ranked[0].figures.on_time_percent == 80.0
    assert [s.unit for s in small] == [tree.sibling] and small[0].rank is None
    rows = {r["unit"]: r for r in selectors.public_unit_figures(selectors.parse_period("2025"))}
    assert rows[tree.sibling.slug]["on_time_percent"] is None
    assert rows[tree.sibling.slug]["answered"] == 9
    assert rows[tree.commune.slug]["on_time_percent"] == 80.0
    html = client.get("/thong-ke/", {"ky": "2025"}).content.decode()
    assert "Chưa đủ số liệu để so sánh" in html
    assert "80.0%" in html or "80,0%" in html


def test_ranking_orders_by_on_time_share(tree):
    _answered(tree.commune, 10, late=5)
    _answered(tree.sibling, 10, late=1)
    rollup_rebuild()
    _total, ranked, _small = selectors.scoreboard(selectors.parse_period("2025"))
    assert [s.unit for s in ranked] == [tree.sibling, tree.commune]


def test_a_unit_with_one_denunciation_reveals_nothing(tree, client):
    """TC-16: sealed kinds never reach the public figures, the open data or the item list."""
    make_item(
        tree.ubkt,
        kind=Kind.DENUNCIATION,
        received=D(2025, 3, 3),
        closed=D(2025, 4, 1),
        due=D(2025, 5, 1),
        published=D(2025, 4, 2),
    )
    rollup_rebuild()
    html = client.get("/thong-ke/", {"ky": "2025"}).content.decode()
    assert tree.ubkt.name not in html
    data = json.loads(client.get("/thong-ke/du-lieu.json", {"ky": "2025"}).content)
    assert data["units"] == [] and data["total"]["received"] == 0
    items = json.loads(client.get("/thong-ke/y-kien.json").content)
    assert items["items"] == []


def test_published_items_carry_no_personal_data(tree, client):
    item = make_item(
        tree.commune,
        received=D(2025, 3, 3),
        closed=D(2025, 3, 9),
        due=D(2025, 3, 20),
        published=D(2025, 3, 10),
        title="Ông Nguyễn Văn Bình ở thôn 3 phản ánh",
        body="Số điện thoại 0905123456",
    )
    rollup_rebuild()
    payload = client.get("/thong-ke/y-kien.json").content.decode()
    data = json.loads(payload)
    assert [i["code"] for i in data["items"]] == [item.code]
    row = data["items"][0]
    assert set(row) == {
        "code",
        "kind",
        "kind_name",
        "topic",
        "unit",
        "unit_name",
        "commune",
        "received_on",
        "answered_on",
        "on_time",
        "published_on",
        "public_summary",
        "public_answer",
    }
    assert row["answered_on"] == "2025-03-09" and row["on_time"] is True
    assert "Nguyễn Văn Bình" not in payload and "0905123456" not in payload
    text = b"".join(client.get("/thong-ke/y-kien.csv").streaming_content).decode("utf-8")
    assert text.startswith("\ufeffcode,")
    assert "0905123456" not in text and item.code in text


def test_open_data_json_pages_and_survives_bad_input(tree, client):
    response = client.get("/thong-ke/y-kien.json", {"trang": "abc"})
    assert response.status_code == 200 and json.loads(response.content)["page"] == 1
    response = client.get("/thong-ke/y-kien.json", {"trang": "99999999999"})
    assert response.status_code == 200
    response = client.get("/thong-ke/du-lieu.json", {"ky": "không-phải-kỳ"})
    assert response.status_code == 200
    assert json.loads(response.content)["period"] == selectors.parse_period("").code
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get("/thong-ke/du-lieu.csv").streaming_content).decode("utf-8-sig")
            )
        )
    )
    assert rows[0][:3] == ["period", "period_start", "period_end"]


def test_scoreboard_bad_period_keeps_a_message_not_a_500(db, client):
    response = client.get("/thong-ke/", {"ky": "2026-99"})
    assert response.status_code == 200
    assert "Kỳ không hợp lệ" in response.content.decode()


def test_open_data_page_documents_every_field(db, client):
    html = client.get("/thong-ke/du-lieu/").content.decode()
    for field in ("on_time_percent", "public_answer", "comparable", "answered_on"):
        assert f"<code>{field}</code>" in html


def test_public_pages_are_cacheable_and_staff_pages_are_not(client, people, login):
    assert "public" in client.get("/thong-ke/")["Cache-Control"]
    staff = login(people.leader).get("/quan-ly/thong-ke/")
    assert "no-cache" in staff["Cache-Control"] or "max-age=0" in staff["Cache-Control"]


def test_overdue_unanswered_items_count_against_the_unit_in_the_ranking(tree, client):
    """A unit that leaves items unanswered past their time limit must not rank above one that
    answers them a little late."""
    _answered(tree.commune, 10, late=2)  # 8 on time of 10
    _answered(tree.sibling, 10)  # 10 on time of 10 …
    for _ in range(5):  # … but 5 more received in the period are past due and unanswered
        make_item(tree.sibling, received=D(2025, 3, 2), due_on=D(2025, 3, 20))
    rollup_rebuild()
    _total, ranked, _small = selectors.scoreboard(selectors.parse_period("2025"))
    assert [s.unit for s in ranked] == [tree.commune, tree.sibling]
    assert ranked[1].overdue_open == 5 and ranked[1].on_time_share == round(100 * 10 / 15, 1)
    assert ranked[1].figures.on_time_percent == 100.0  # the answers themselves were on time
    rows = {r["unit"]: r for r in selectors.public_unit_figures(selectors.parse_period("2025"))}
    assert rows[tree.sibling.slug]["overdue_open"] == 5
    html = client.get("/thong-ke/", {"ky": "2025"}).content.decode()
    assert "Quá hạn chưa trả lời" in html
