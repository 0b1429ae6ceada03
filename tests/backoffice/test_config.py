"""Routing rules (configuration, audited) and the read-only organisation tree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.core.errors import PermissionDenied
from langnghe.core.models import AuditEvent
from langnghe.handling.config_services import routing_rule_save
from langnghe.handling.models import RoutingRule
from langnghe.handling.routing import resolve_route
from langnghe.intake.models import Item, Kind, Topic
from langnghe.orgs.models import Role

from ..factories import submit_one, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(db):
    return Topic.objects.create(code="giao-thong", name_vi="Giao thông", name_en="Transport")


def test_leader_creates_a_rule_and_it_is_audited(login, tree, staff, topic):
    commune_leader = user("ldxa", grants=[(tree.commune, Role.LEADER)])
    client = login(commune_leader)
    assert client.get("/quan-ly/quy-tac/them/").status_code == 200
    response = client.post(
        "/quan-ly/quy-tac/them/",
        {
            "name": "Giao thông → Văn phòng",
            "topic": topic.pk,
            "kind": "",
            "target": tree.office.pk,
            "priority": "5",
            "active": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/quan-ly/quy-tac/"
    rule = RoutingRule.objects.get()
    assert rule.target == tree.office and rule.topic == topic and rule.priority == 5
    event = AuditEvent.objects.get(action="routing_rule.created")
    assert event.actor == commune_leader and event.object_id == rule.pk
    assert event.data["changes"]["target"] == [None, tree.office.pk]

    # The rule routes new items.
    item, _ = submit_one(tree.commune, topic=topic)
    assert item.handling_org == tree.office
    html = client.get("/quan-ly/quy-tac/").content.decode()
    assert "Giao thông → Văn phòng" in html and "Sửa" in html

    response = client.post(
        f"/quan-ly/quy-tac/{rule.pk}/",
        {
            "name": "Giao thông → Văn phòng",
            "topic": topic.pk,
            "kind": Kind.FEEDBACK,
            "target": tree.office.pk,
            "priority": "7",
            "active": "on",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.kind == Kind.FEEDBACK and rule.priority == 7
    assert AuditEvent.objects.get(action="routing_rule.updated").data["changes"]["priority"] == [
        5,
        7,
    ]

    response = client.post(f"/quan-ly/quy-tac/{rule.pk}/ngung/")
    assert response.status_code == 302
    rule.refresh_from_db()
    assert not rule.active
    assert AuditEvent.objects.filter(action="routing_rule.updated").count() == 2
    assert (
        resolve_route(Item(kind=Kind.FEEDBACK, topic=topic, receiving_org=tree.commune))
        == tree.commune
    )


def test_only_leaders_and_admins_of_the_target_manage_rules(login, tree, staff, topic):
    rule = routing_rule_save(
        rule_data={"name": "Ya Ly", "target": tree.sibling, "topic": topic}, actor=staff.leader
    )
    commune_leader = user("ldxa", grants=[(tree.commune, Role.LEADER)])

    # A handler sees no create button and is refused.
    client = login(staff.handler)
    assert "Thêm quy tắc" not in client.get("/quan-ly/quy-tac/").content.decode()
    assert client.get("/quan-ly/quy-tac/them/").status_code == 403
    assert (
        client.post(
            "/quan-ly/quy-tac/them/", {"name": "x", "target": tree.commune.pk, "priority": "0"}
        ).status_code
        == 403
    )

    # A commune leader cannot point a rule at the sibling commune, nor touch its rules.
    client = login(commune_leader)
    response = client.post(
        "/quan-ly/quy-tac/them/", {"name": "Cướp", "target": tree.sibling.pk, "priority": "0"}
    )
    assert response.status_code == 400
    assert client.get(f"/quan-ly/quy-tac/{rule.pk}/").status_code == 404
    assert client.post(f"/quan-ly/quy-tac/{rule.pk}/ngung/").status_code == 404
    rule.refresh_from_db()
    assert rule.active and RoutingRule.objects.count() == 1

    with pytest.raises(PermissionDenied):
        routing_rule_save(rule=rule, rule_data={"target": tree.commune}, actor=commune_leader)

    admin = user("quantri", grants=[(tree.province, Role.ADMIN)])
    response = login(admin).post(f"/quan-ly/quy-tac/{rule.pk}/ngung/")
    assert response.status_code == 302
    rule.refresh_from_db()
    assert not rule.active


def test_org_tree_shows_counts_per_unit(login, tree, staff, django_assert_max_num_queries):
    a, _ = submit_one(tree.commune)
    b, _ = submit_one(tree.commune)
    c, _ = submit_one(tree.office)
    Item.objects.filter(pk=a.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    client = login(staff.leader)
    response = client.get("/quan-ly/to-chuc/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "UBND tỉnh Quảng Ngãi" in html and "Văn phòng UBND xã Sa Thầy" in html
    # Organisations outside the leader's subtree are not listed.
    assert "Đảng ủy xã Sa Thầy" not in html
    assert f'?unit={tree.commune.pk}&amp;status=open">2<' in html
    assert f'?unit={tree.office.pk}&amp;status=open">1<' in html
    assert "1 quá hạn" in html
    assert (
        html.index("UBND tỉnh Quảng Ngãi")
        < html.index("UBND xã Sa Thầy")
        < html.index("Văn phòng UBND xã")
    )
    assert 'class="depth-2"' in html

    for n in range(5):
        submit_one(tree.sibling, body=f"Ý kiến {n}")
    with django_assert_max_num_queries(8):
        client.get("/quan-ly/to-chuc/")
