"""Who sees which figures: the permission matrix of the dashboard, the drill-down and exports."""

from __future__ import annotations

import datetime as dt

import pytest

from langnghe.intake.models import Kind
from langnghe.orgs.models import Person, Position
from langnghe.stats import selectors
from langnghe.stats.rules import can
from langnghe.stats.services import rollup_rebuild

from .conftest import make_item

D = dt.date


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("leader", True),
        ("commune_leader", True),
        ("head", True),
        ("admin", True),
        ("front", True),
        ("handler", False),
        ("sibling_leader", True),
    ],
)
def test_dashboard_rule_any_scope(people, who, allowed):
    assert can(getattr(people, who), "stats.view_dashboard", None) is allowed


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("leader", True),  # the province covers the commune
        ("commune_leader", True),
        ("head", True),
        ("admin", True),
        ("front", True),
        ("handler", False),
        ("sibling_leader", False),  # a sibling commune
        ("party_leader", False),  # another tree
    ],
)
def test_dashboard_rule_on_the_commune(tree, people, who, allowed):
    assert can(getattr(people, who), "stats.view_dashboard", tree.commune) is allowed


def test_anonymous_is_sent_to_login(client, tree):
    for url in ("/quan-ly/thong-ke/", "/quan-ly/thong-ke/y-kien/", "/quan-ly/bao-cao/"):
        response = client.get(url)
        assert response.status_code == 302 and "/quan-ly/dang-nhap/" in response["Location"]


def test_handler_gets_403(people, login):
    client = login(people.handler)
    assert client.get("/quan-ly/thong-ke/").status_code == 403
    assert client.get("/quan-ly/thong-ke/y-kien/").status_code == 403
    assert client.get("/quan-ly/thong-ke/so-lieu/xuat/").status_code == 403


def test_unit_outside_the_subtree_is_404(tree, people, login):
    client = login(people.sibling_leader)
    assert client.get("/quan-ly/thong-ke/", {"don_vi": tree.commune.pk}).status_code == 404
    assert client.get("/quan-ly/thong-ke/", {"don_vi": "x"}).status_code == 404
    assert client.get("/quan-ly/thong-ke/", {"don_vi": 999999}).status_code == 404
    assert client.get("/quan-ly/thong-ke/", {"don_vi": tree.sibling.pk}).status_code == 200
    assert client.get("/quan-ly/thong-ke/y-kien/", {"don_vi": tree.commune.pk}).status_code == 404


def test_sibling_figures_never_include_the_commune(tree, people):
    make_item(tree.commune, received=D(2025, 3, 3))
    make_item(tree.sibling, received=D(2025, 3, 3))
    rollup_rebuild()
    period = selectors.parse_period("2025")
    assert (
        selectors.figures(selectors.dashboard_scope(actor=people.sibling_leader), period).received
        == 1
    )
    assert selectors.figures(selectors.dashboard_scope(actor=people.leader), period).received == 2


def test_sealed_kinds_count_only_for_roles_that_may_see_them(tree, people):
    """TC-16: a denunciation counts on the dashboard of a leader or unit head, not on the
    administrator's or the Front's."""
    make_item(tree.commune, kind=Kind.DENUNCIATION, received=D(2025, 3, 3))
    make_item(tree.commune, received=D(2025, 3, 3))
    rollup_rebuild()
    period = selectors.parse_period("2025")

    def received(user):
        return selectors.figures(selectors.dashboard_scope(actor=user), period).received

    assert received(people.leader) == 2
    assert received(people.head) == 2
    assert received(people.admin) == 1
    assert received(people.front) == 1


def test_drill_down_never_lists_an_item_about_the_viewer(tree, people):
    """An item never reaches the person it concerns: the figure counts it, the list does not."""
    me = Person.objects.create(full_name="Lãnh đạo xã", user=people.commune_leader)
    Position.objects.create(person=me, organisation=tree.office, title="Trưởng", role="head")
    make_item(tree.commune, received=D(2025, 3, 3), concerned_person=me)
    make_item(tree.commune, received=D(2025, 3, 4))
    rollup_rebuild()
    scope = selectors.dashboard_scope(actor=people.commune_leader)
    period = selectors.parse_period("2025")
    assert selectors.figures(scope, period).received == 2
    listed = selectors.items_behind(
        actor=people.commune_leader,
        scope=scope,
        period=period,
        filters=selectors.DrillFilters(measure="received"),
    )
    assert listed.count() == 1


def test_admin_drill_down_lists_nothing_it_may_not_open(tree, people, login):
    """The administrator sees figures but no items (DESIGN.md §2): the list is empty."""
    make_item(tree.commune, received=D(2025, 3, 3))
    rollup_rebuild()
    client = login(people.admin)
    response = client.get("/quan-ly/thong-ke/y-kien/", {"ky": "2025", "do": "received"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_refresh_is_for_leaders_and_admins(people, login):
    assert login(people.head).post("/quan-ly/thong-ke/cap-nhat/").status_code == 403
    response = login(people.leader).post("/quan-ly/thong-ke/cap-nhat/", {"next": "//evil"})
    assert response.status_code == 302 and response["Location"] == "/quan-ly/thong-ke/"
