from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from langnghe.accountability.opinion import rules as scope
from langnghe.accountability.opinion.policy import config_on
from langnghe.accountability.opinion.selectors import candidates, measure_items
from langnghe.intake.models import Kind
from langnghe.orgs.models import Position, Role
from tests.factories import org, person, user

from .conftest import days_ago, signal

TODAY = timezone.localdate


def _crowd(world, n=4, finding="true", about=None, about_org=None):
    return [
        signal(
            world.tree.commune,
            about=about or (None if about_org else world.cadre),
            about_org=about_org,
            reporter=f"Người {i}",
            finding=finding,
        )
        for i in range(n)
    ]


def test_kd10_rule_book_weights_thresholds_are_local_unverified():
    cfg = config_on(TODAY())
    assert cfg.weights["true"] > cfg.weights["partly_true"] > cfg.weights["unverified"]
    assert cfg.weights["false"] == 0
    assert cfg.thresholds == {"score": 12, "substantiated": 3, "reporters": 3}
    assert all(r.verified == "U" for r in cfg.rules.values())
    assert cfg.configurable and cfg.rule_set == "local_2026"


def test_candidates_thresholds_distinct_reporters(world):
    """One submission split into three items (TCD-10) shares one sealed identity: one reporter."""
    from langnghe.handling.models import Answer
    from langnghe.intake.services import Part
    from tests.factories import submit

    start, end = days_ago(365), TODAY()
    result = submit(
        world.tree.commune,
        parts=[Part(Kind.FEEDBACK, "a"), Part(Kind.COMPLAINT, "b"), Part(Kind.RECOMMENDATION, "c")],
        concerned_person=world.cadre,
        identity={"name": "Cùng một người", "phone": "0912345678"},
    )
    u = user()
    for item in result.items:
        Answer.objects.create(
            item=item,
            body="x",
            finding="partly_true",
            drafted_by=u,
            approved_by=u,
            approved_at=timezone.now(),
        )
        type(item).objects.filter(pk=item.pk).update(due_on=None)

    def rows():
        return candidates(
            person_ids=scope.persons_in_scope(world.leader, start, end),
            org_ids=scope.orgs_in_scope(world.leader),
            start=start,
            end=end,
        )

    assert rows() == []  # 3 substantiated items, 1 reporter; score 6 < 12
    # Anonymous substantiated items never count as distinct reporters.
    for _ in range(2):
        signal(world.tree.commune, about=world.cadre, reporter=None, finding="partly_true")
    assert rows() == []  # 5 substantiated, still 1 reporter; score 10 < 12
    signal(world.tree.commune, about=world.cadre, reporter="Người khác", finding="true")
    (row,) = rows()  # score 13 ≥ 12
    assert [x["code"] for x in row.reasons] == ["score"]
    assert row.counts["substantiated_reporters"] == 2


def test_candidates_by_score_and_by_reporters(world):
    start, end = days_ago(365), TODAY()
    for i in range(3):
        signal(world.tree.commune, about=world.cadre, reporter=f"R{i}", finding="partly_true")
    rows = candidates(
        person_ids=scope.persons_in_scope(world.leader, start, end),
        org_ids=scope.orgs_in_scope(world.leader),
        start=start,
        end=end,
    )
    assert [(r.type, r.id) for r in rows] == [("person", world.cadre.pk)]
    assert [x["code"] for x in rows[0].reasons] == ["substantiated"]
    assert rows[0].score == 6
    for _i in range(3):
        signal(world.tree.commune, about=world.cadre, reporter="R0", finding="true")
    rows = candidates(
        person_ids=scope.persons_in_scope(world.leader, start, end),
        org_ids=scope.orgs_in_scope(world.leader),
        start=start,
        end=end,
    )
    assert {x["code"] for x in rows[0].reasons} == {"score", "substantiated"}


def test_false_items_weigh_nothing(world):
    start, end = days_ago(365), TODAY()
    _crowd(world, n=8, finding="false")
    rows = candidates(
        person_ids=scope.persons_in_scope(world.leader, start, end),
        org_ids=scope.orgs_in_scope(world.leader),
        start=start,
        end=end,
    )
    assert rows == []


def test_own_row_excluded(world, tree):
    # The leader is themselves a cadre with signals: never on their own list, no page.
    me = world.leader.person
    Position.objects.create(person=me, organisation=tree.commune, title="CT", role="head")
    for i in range(4):
        signal(tree.commune, about=me, reporter=f"R{i}", finding="true")
    _crowd(world, n=4)
    c = pytest.importorskip("django.test").Client()
    c.force_login(world.leader)
    page = c.get(reverse("opinion_backoffice:index"))
    assert page.status_code == 200
    ids = [(r.type, r.id) for r in page.context["rows"]]
    assert ("person", me.pk) not in ids and ("person", world.cadre.pk) in ids
    # They head the commune UBND now: the unit's row and page are not theirs to see either.
    assert not scope.org_visible(world.leader, tree.commune.pk)
    assert c.get(reverse("opinion_backoffice:person", args=[me.pk])).status_code == 403
    # The inspector sees the leader's row.
    c.force_login(world.inspector)
    ids = [(r.type, r.id) for r in c.get(reverse("opinion_backoffice:index")).context["rows"]]
    assert ("person", me.pk) in ids


def test_unit_candidate(world, tree):
    _crowd(world, n=4, about_org=tree.office)
    start, end = days_ago(365), TODAY()
    rows = candidates(
        person_ids=scope.persons_in_scope(world.inspector, start, end),
        org_ids=scope.orgs_in_scope(world.inspector),
        start=start,
        end=end,
    )
    assert ("org", tree.office.pk) in [(r.type, r.id) for r in rows]


@pytest.mark.parametrize(
    "who, expected",
    [
        ("leader", 200),
        ("inspector", 200),
        ("handler", 403),
        ("receptionist", 403),
        ("front", 403),
        ("admin", 403),
        ("outsider", 403),
    ],
)
def test_permission_matrix_person_page(world, client, who, expected):
    _crowd(world, n=1)
    client.force_login(getattr(world, who))
    url = reverse("opinion_backoffice:person", args=[world.cadre.pk])
    assert client.get(url).status_code == expected
    items_url = reverse("opinion_backoffice:items") + f"?person={world.cadre.pk}&measure=all"
    assert client.get(items_url).status_code == expected
    index_expected = 200 if who in ("leader", "inspector", "outsider") else 403
    assert client.get(reverse("opinion_backoffice:index")).status_code == index_expected


def test_anonymous_redirected_to_login(world, client):
    for url in (
        reverse("opinion_backoffice:index"),
        reverse("opinion_backoffice:person", args=[world.cadre.pk]),
        reverse("opinion_backoffice:candidates_csv"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "?next=" in response["Location"]


def test_unknown_person_404(world, client):
    client.force_login(world.leader)
    assert client.get(reverse("opinion_backoffice:person", args=[999999])).status_code == 404


def test_out_of_scope_unit_403(world, client, tree):
    client.force_login(world.leader)
    assert client.get(reverse("opinion_backoffice:org", args=[tree.sibling.pk])).status_code == 403
    assert client.get(reverse("opinion_backoffice:org", args=[tree.office.pk])).status_code == 200


def test_explainability_links_list_exactly_the_items_counted(world, client):
    t = world.tree
    items = _crowd(world, n=3, finding="true")
    false = signal(t.commune, about=world.cadre, reporter="Khác", finding="false")
    client.force_login(world.leader)
    page = client.get(reverse("opinion_backoffice:person", args=[world.cadre.pk]))
    assert page.status_code == 200
    term = next(x for x in page.context["terms"] if x["key"] == "true")
    assert term["count"] == 3
    listed = client.get(term["url"])
    assert {i.pk for i in listed.context["page"].object_list} == {i.pk for i in items}
    assert false.pk not in {i.pk for i in listed.context["page"].object_list}
    assert listed.context["result"].hidden == 0
    body = page.content.decode()
    assert "chưa xác minh — cấu hình tại địa phương" in body
    assert "Người 0" not in body  # no reporter identity


def test_hidden_items_counted_not_listed(world, client, tree):
    # A denunciation handled by another commune: counted for the cadre, not visible to the leader.
    other = org("Thanh tra tỉnh", parent=tree.province, kind="agency")
    den = signal(
        other, about=world.cadre, reporter="Tố cáo", kind=Kind.DENUNCIATION, finding="true"
    )
    seen = signal(tree.commune, about=world.cadre, reporter="Góp ý", finding="true")
    result = measure_items(
        actor=world.leader,
        person_id=world.cadre.pk,
        start=days_ago(365),
        end=TODAY(),
        measure="finding:true",
    )
    assert result.total == 2 and result.hidden == 1
    assert [i.pk for i in result.items] == [seen.pk]
    client.force_login(world.leader)
    url = reverse("opinion_backoffice:items") + f"?person={world.cadre.pk}&measure=finding:true"
    body = client.get(url).content.decode()
    assert "1 ý kiến bạn không có quyền xem" in body and den.code not in body


@pytest.mark.parametrize(
    "query",
    [
        "?tu=2026-13-45",
        "?tu=2026-05-01&den=2026-01-01",
        "?from=abc",
        "?tu=1990-01-01&den=2026-01-01",
    ],
)
def test_bad_dates_clear_message(world, client, query):
    client.force_login(world.leader)
    for url in (
        reverse("opinion_backoffice:index"),
        reverse("opinion_backoffice:person", args=[world.cadre.pk]),
        reverse("opinion_backoffice:items") + f"?person={world.cadre.pk}&measure=all&" + query[1:],
    ):
        response = client.get(url if "items" in url else url + query)
        assert response.status_code == 200
        assert (
            "không hợp lệ" in response.content.decode()
            or "phải trước" in response.content.decode()
            or "quá dài" in response.content.decode()
        )


def test_bad_measure_message(world, client):
    client.force_login(world.leader)
    url = reverse("opinion_backoffice:items") + f"?person={world.cadre.pk}&measure=evil:1"
    response = client.get(url)
    assert response.status_code == 200 and "Chỉ số không hợp lệ" in response.content.decode()
    assert client.get(reverse("opinion_backoffice:items")).status_code == 200


def test_csv_export_formula_safe(world, client, tree):
    evil = person("=HYPERLINK(1)", org=tree.commune)
    for i in range(4):
        signal(tree.commune, about=evil, reporter=f"R{i}", finding="true")
    client.force_login(world.leader)
    response = client.get(reverse("opinion_backoffice:candidates_csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any(r[2] == "'=HYPERLINK(1)" for r in rows[1:])
    assert "R0" not in response.content.decode()


def _open_cycle(world):
    import datetime as dt

    from langnghe.accountability.reviews import services as review_services

    year = TODAY().year
    return review_services.cycle_create(
        actor=world.leader,
        organiser=world.tree.party,
        cadence="year",
        title="Kiểm điểm năm",
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
    )


def test_index_search_and_suggest_link(world, client):
    _crowd(world, n=4)
    _open_cycle(world)
    client.force_login(world.leader)
    body = client.get(reverse("opinion_backoffice:index") + "?q=cuong").content.decode()
    assert "Phạm Văn Cường" in body
    assert f"/quan-ly/kiem-diem/goi-y/moi/?person={world.cadre.pk}&amp;from=" in body
    detail = client.get(reverse("opinion_backoffice:person", args=[world.cadre.pk]))
    assert f"/quan-ly/kiem-diem/goi-y/moi/?person={world.cadre.pk}&amp;from=" in (
        detail.content.decode()
    )


def test_suggest_button_only_for_those_who_may_issue_a_suggestion(world, client):
    """An inspector reads the signals but issues no review suggestion (the reviews app would
    answer 403): no button for them; nor for a leader without an open review cycle."""
    _crowd(world, n=4)
    index = reverse("opinion_backoffice:index")
    detail = reverse("opinion_backoffice:person", args=[world.cadre.pk])
    link = f"/quan-ly/kiem-diem/goi-y/moi/?person={world.cadre.pk}"
    client.force_login(world.leader)
    body = client.get(index).content.decode()
    assert "Phạm Văn Cường" in body and link not in body  # no cycle yet
    assert link not in client.get(detail).content.decode()
    cycle = _open_cycle(world)
    client.force_login(world.inspector)
    for url in (index, detail):
        body = client.get(url).content.decode()
        assert "Phạm Văn Cường" in body and link not in body
        assert "Gợi ý kiểm điểm</a>" not in body
    # the reviews app agrees: the form would be 403 for the inspector, 200 for the leader
    new = reverse("reviews_backoffice:suggestion_new") + f"?person={world.cadre.pk}"
    assert client.get(new).status_code == 403
    client.force_login(world.leader)
    assert link in client.get(index).content.decode()
    assert client.get(new).status_code == 200
    for slip in ("9999-12-31", "0001-01-01"):  # the window falls back to its default
        assert client.get(new + f"&from={slip}").status_code == 200
    # a closed cycle allows no suggestion
    cycle.status = "closed"
    cycle.save()
    assert link not in client.get(index).content.decode()


def test_pages_render_with_the_header_grants_and_are_never_cached(world, client):
    _crowd(world, n=4)
    client.force_login(world.inspector)
    for url in (
        reverse("opinion_backoffice:index"),
        reverse("opinion_backoffice:person", args=[world.cadre.pk]),
        reverse("opinion_backoffice:org", args=[world.tree.commune.pk]),
        reverse("opinion_backoffice:items") + f"?person={world.cadre.pk}&measure=all",
        reverse("opinion_backoffice:index") + "?tu=nonsense",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["bo_grants"], url
        assert "Chưa được phân quyền" not in response.content.decode(), url
        assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert client.get(reverse("opinion_backoffice:person", args=[999999])).status_code == 404


def test_period_fields_show_the_default_period(world, client):
    from langnghe.accountability.opinion.forms import default_period

    start, end = default_period()
    client.force_login(world.leader)
    for url in (
        reverse("opinion_backoffice:index"),
        reverse("opinion_backoffice:person", args=[world.cadre.pk]),
    ):
        body = client.get(url).content.decode()
        assert f'name="tu" value="{start.isoformat()}"' in body, url
        assert f'name="den" value="{end.isoformat()}"' in body, url
    # dates given by a link (from/to) are shown as given
    body = client.get(
        reverse("opinion_backoffice:index") + "?from=2026-01-01&to=2026-03-31"
    ).content.decode()
    assert 'name="tu" value="2026-01-01"' in body and 'name="den" value="2026-03-31"' in body


def test_score_table_cells_are_labelled_for_phones_and_score_format(world, client):
    for i in range(3):
        signal(world.tree.commune, about=world.cadre, reporter=f"N{i}", finding="true")
    item = signal(world.tree.commune, about=world.cadre, reporter="Late", finding="partly_true")
    from langnghe.intake.models import Item

    # answered after its limit: +0.5 → a score with a decimal, shown with a comma in Vietnamese
    Item.objects.filter(pk=item.pk).update(
        is_open=False, due_at_close=days_ago(40), closed_at=timezone.now()
    )
    client.force_login(world.leader)
    response = client.get(reverse("opinion_backoffice:person", args=[world.cadre.pk]))
    body = response.content.decode()
    for label in ("Thành phần", "Số ý kiến", "Trọng số"):
        assert f'data-label="{label}"' in body
    snap = response.context["snap"]
    assert snap["score"] == 3 * 3 + 2 + 0.5
    assert ">11,5</a>" in body and "11.5" not in body and "11,50" not in body


def test_charts_keep_full_group_labels_and_one_column_per_month(world, client, indicators):
    signal(
        world.tree.commune,
        about=world.cadre,
        reporter="A",
        finding="true",
        indicators=[indicators.ddls.pk],
    )
    client.force_login(world.leader)
    response = client.get(
        reverse("opinion_backoffice:person", args=[world.cadre.pk])
        + f"?from={days_ago(90).isoformat()}&to={TODAY().isoformat()}"
    )
    body = response.content.decode()
    assert '<span class="op-bar__label">Suy thoái về đạo đức, lối sống</span>' in body
    columns = response.context["month_columns"]
    assert 3 <= len(columns) <= 4 and sum(c["n"] for c in columns) == 1
    assert columns[0]["year"] is not None
    # no SVG axis whose ticks could repeat "0"
    assert "chart-axis" not in body


def test_kd10_ubkt_inspector_sees_members_of_cells_under_the_committee(world, tree, client):
    cell = org("Chi bộ cơ quan chính quyền", parent=tree.party, kind="party_cell")
    member = person("Đảng Viên A")
    member.party_cell = cell
    member.save()
    ubkt_inspector = user("ubkt", grants=[(tree.ubkt, Role.INSPECTOR)])
    client.force_login(ubkt_inspector)
    assert client.get(reverse("opinion_backoffice:person", args=[member.pk])).status_code == 200
    # not the commune UBND's cadres who are not members of those cells
    assert (
        client.get(reverse("opinion_backoffice:person", args=[world.cadre.pk])).status_code == 403
    )


def test_the_same_person_sending_again_is_one_reporter(world):
    """Repeated concerns count distinct people: three separate submissions from one phone number
    (written differently) are one reporter; a namesake with another phone is another."""
    from langnghe.accountability.opinion.selectors import signal_snapshot
    from tests.factories import submit_one

    start, end = days_ago(365), TODAY()
    for phone in ("0912 345 678", "+84912345678", "0912.345.678"):
        submit_one(
            world.tree.commune,
            concerned_person=world.cadre,
            identity={"name": "Lê Văn Tâm", "phone": phone},
        )
    submit_one(
        world.tree.commune,
        concerned_person=world.cadre,
        identity={"name": "Lê Văn Tâm", "phone": "0987654321"},
    )
    snap = signal_snapshot(person_id=world.cadre.pk, start=start, end=end)
    assert snap["reporters"]["distinct"] == 2
