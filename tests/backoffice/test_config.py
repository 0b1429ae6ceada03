"""Routing rules (configuration, audited) and the read-only organisation tree.

A rule decides which unit receives whose items, so whoever sets it must lead or administer the
target and every organisation whose items it captures (review H2, handling/config_services.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from langnghe.backoffice.forms import RoutingRuleForm
from langnghe.core.errors import PermissionDenied
from langnghe.core.models import AuditEvent
from langnghe.handling.config_services import routing_rule_save
from langnghe.handling.models import RoutingRule
from langnghe.handling.routing import resolve_route
from langnghe.intake.models import Item, Kind, Topic
from langnghe.orgs.models import AdminUnit, Organisation, Role

from ..factories import submit_one, user

pytestmark = pytest.mark.django_db

RULE_AUDITS = ("routing_rule.created", "routing_rule.updated")


@pytest.fixture
def topic(db):
    return Topic.objects.create(code="giao-thong", name_vi="Giao thông", name_en="Transport")


@pytest.fixture
def places(tree):
    """The gazetteer communes of the two commune people's committees."""
    sa_thay = AdminUnit.objects.create(code="23500", name="Xã Sa Thầy", level="commune")
    ya_ly = AdminUnit.objects.create(code="23501", name="Xã Ya Ly", level="commune")
    for org, unit in ((tree.commune, sa_thay), (tree.sibling, ya_ly)):
        org.admin_unit = unit
        org.save(update_fields=["admin_unit"])
    return type("Places", (), dict(sa_thay=sa_thay, ya_ly=ya_ly))


@pytest.fixture
def deployment_leader(tree):
    """A leader or administrator of every root organisation (the tree has two)."""
    return user("toanhethong", grants=[(tree.province, Role.LEADER), (tree.party, Role.ADMIN)])


def test_leader_creates_a_rule_for_their_commune_and_it_is_audited(
    login, tree, staff, topic, places
):
    commune_leader = user("ldxa", grants=[(tree.commune, Role.LEADER)])
    client = login(commune_leader)
    assert client.get("/quan-ly/quy-tac/them/").status_code == 200
    response = client.post(
        "/quan-ly/quy-tac/them/",
        {
            "name": "Giao thông → Văn phòng",
            "topic": topic.pk,
            "admin_unit": places.sa_thay.pk,
            "kind": "",
            "target": tree.office.pk,
            "priority": "5",
            "active": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/quan-ly/quy-tac/"
    rule = RoutingRule.objects.get()
    assert rule.target == tree.office and rule.topic == topic and rule.priority == 5
    assert rule.admin_unit == places.sa_thay
    event = AuditEvent.objects.get(action="routing_rule.created")
    assert event.actor == commune_leader and event.object_id == rule.pk
    assert event.data["changes"]["target"] == [None, tree.office.pk]
    assert event.data["changes"]["admin_unit"] == [None, places.sa_thay.pk]

    # The rule routes new items of the commune.
    item, _ = submit_one(tree.commune, topic=topic, admin_unit=places.sa_thay)
    assert item.handling_org == tree.office
    html = client.get("/quan-ly/quy-tac/").content.decode()
    assert "Giao thông → Văn phòng" in html and "Sửa" in html

    response = client.post(
        f"/quan-ly/quy-tac/{rule.pk}/",
        {
            "name": "Giao thông → Văn phòng",
            "topic": topic.pk,
            "admin_unit": places.sa_thay.pk,
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
        resolve_route(
            Item(
                kind=Kind.FEEDBACK,
                topic=topic,
                admin_unit=places.sa_thay,
                receiving_org=tree.commune,
            )
        )
        == tree.commune
    )


def test_only_leaders_and_admins_of_the_target_manage_rules(login, tree, staff, topic, places):
    rule = routing_rule_save(
        rule_data={
            "name": "Ya Ly",
            "admin_unit": places.ya_ly,
            "target": tree.sibling,
            "topic": topic,
        },
        actor=staff.leader,
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
        "/quan-ly/quy-tac/them/",
        {
            "name": "Cướp",
            "admin_unit": places.sa_thay.pk,
            "target": tree.sibling.pk,
            "priority": "0",
        },
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


def test_office_leader_cannot_capture_another_communes_denunciations(login, tree, places):
    """The review's exploit: the leader of a small office scoped a rule to another commune with
    a high priority and pointed it at their own office, then read that commune's denunciations."""
    office_leader = user("ldvp", grants=[(tree.office, Role.LEADER)])
    exploit = {
        "name": "Tố cáo Ya Ly → Văn phòng",
        "admin_unit": places.ya_ly,
        "kind": Kind.DENUNCIATION,
        "target": tree.office,
        "priority": 1000,
        "active": True,
    }

    with pytest.raises(PermissionDenied) as refused:
        routing_rule_save(rule_data=exploit, actor=office_leader)
    assert "Xã Ya Ly" in str(refused.value.message)
    assert "không lãnh đạo hoặc quản trị" in str(refused.value.message)

    # Through the back office: the place is not even offered, and a forged post is refused.
    form = RoutingRuleForm(actor=office_leader)
    assert places.ya_ly not in form.fields["admin_unit"].queryset
    client = login(office_leader)
    response = client.post(
        "/quan-ly/quy-tac/them/",
        {**exploit, "admin_unit": places.ya_ly.pk, "target": tree.office.pk, "active": "on"},
    )
    assert response.status_code == 400
    assert not RoutingRule.objects.exists()
    assert not AuditEvent.objects.filter(action__in=RULE_AUDITS).exists()

    # Ya Ly's denunciations still go to Ya Ly.
    item, _ = submit_one(tree.sibling, kind=Kind.DENUNCIATION, admin_unit=places.ya_ly)
    assert item.handling_org == tree.sibling


def test_commune_leader_cannot_send_their_communes_items_to_another_commune(tree, places):
    """Even a leader of both communes: a place's items stay in that place's organisations."""
    both = user("ldhaixa", grants=[(tree.commune, Role.LEADER), (tree.sibling, Role.LEADER)])
    with pytest.raises(PermissionDenied) as refused:
        routing_rule_save(
            rule_data={
                "name": "Sa Thầy → Ya Ly",
                "admin_unit": places.sa_thay,
                "target": tree.sibling,
            },
            actor=both,
        )
    assert "Đơn vị xử lý phải thuộc địa bàn" in str(refused.value.message)
    assert not RoutingRule.objects.exists()
    assert not AuditEvent.objects.filter(action__in=RULE_AUDITS).exists()

    rule = routing_rule_save(
        rule_data={"name": "Sa Thầy → VP", "admin_unit": places.sa_thay, "target": tree.office},
        actor=both,
    )
    assert rule.pk is not None


@pytest.mark.parametrize("name", ["", "   ", "\u200b\u200e", "\x00"])
def test_a_rule_needs_a_readable_name(tree, places, name):
    from langnghe.core.errors import ApplicationError

    leader = user("ldten", grants=[(tree.commune, Role.LEADER)])
    with pytest.raises(ApplicationError) as refused:
        routing_rule_save(
            rule_data={"name": name, "admin_unit": places.sa_thay, "target": tree.office},
            actor=leader,
        )
    assert str(refused.value.message) == "Vui lòng đặt tên cho quy tắc."
    assert not RoutingRule.objects.exists()


def test_place_shared_by_two_bodies_needs_a_leader_of_both(tree, places):
    """The commune's party committee belongs to the same place: a rule for the place captures
    the items it receives too, so the people's committee's leader alone may not set it."""
    tree.party.admin_unit = places.sa_thay
    tree.party.save(update_fields=["admin_unit"])
    commune_leader = user("ldxa", grants=[(tree.commune, Role.LEADER)])
    data = {"name": "Sa Thầy", "admin_unit": places.sa_thay, "target": tree.commune}
    with pytest.raises(PermissionDenied):
        routing_rule_save(rule_data=data, actor=commune_leader)
    assert places.sa_thay not in RoutingRuleForm(actor=commune_leader).fields["admin_unit"].queryset

    both = user("ldca2", grants=[(tree.commune, Role.LEADER), (tree.party, Role.LEADER)])
    assert routing_rule_save(rule_data=data, actor=both).admin_unit == places.sa_thay


def test_deployment_wide_rule_needs_a_leader_of_the_roots(tree, places, deployment_leader):
    data = {"name": "Mọi tố cáo", "kind": Kind.DENUNCIATION, "target": tree.commune}

    # A commune leader may not set a rule for every place...
    commune_leader = user("ldxa", grants=[(tree.commune, Role.LEADER)])
    with pytest.raises(PermissionDenied) as refused:
        routing_rule_save(rule_data=data, actor=commune_leader)
    assert "cấp cao nhất" in str(refused.value.message)
    form = RoutingRuleForm(actor=commune_leader)
    assert form.fields["admin_unit"].required

    # ...nor the leader of one root while another root's items would be captured too...
    province_leader = user("ldtinh", grants=[(tree.province, Role.LEADER)])
    with pytest.raises(PermissionDenied):
        routing_rule_save(rule_data=data, actor=province_leader)
    assert not AuditEvent.objects.filter(action__in=RULE_AUDITS).exists()

    # ...but a leader (or administrator) of the roots may.
    rule = routing_rule_save(rule_data=data, actor=deployment_leader)
    assert rule.admin_unit is None
    assert not RoutingRuleForm(actor=deployment_leader).fields["admin_unit"].required

    # With a single root, its leader alone is the deployment's leader.
    Organisation.objects.filter(pk__in=[tree.party.pk, tree.ubkt.pk]).update(
        valid_to=timezone.localdate() - dt.timedelta(days=1)
    )
    rule = routing_rule_save(rule_data={**data, "name": "Một gốc"}, actor=province_leader)
    assert rule.pk is not None


def test_place_without_organisations_is_deployment_wide(tree):
    """Items of a place no organisation belongs to are received anywhere: like 'every place'."""
    elsewhere = AdminUnit.objects.create(code="99999", name="Xã Khác", level="commune")
    commune_leader = user("ldxa", grants=[(tree.commune, Role.LEADER)])
    with pytest.raises(PermissionDenied):
        routing_rule_save(
            rule_data={"name": "x", "admin_unit": elsewhere, "target": tree.commune},
            actor=commune_leader,
        )
    assert elsewhere not in RoutingRuleForm(actor=commune_leader).fields["admin_unit"].queryset


def test_deactivation_follows_the_same_scope_rule(login, tree, places, deployment_leader):
    """The target's leader may not switch off (or re-point) a deployment-wide rule that captures
    items beyond their reach."""
    rule = routing_rule_save(
        rule_data={"name": "Mọi tố cáo", "kind": Kind.DENUNCIATION, "target": tree.commune},
        actor=deployment_leader,
    )
    commune_leader = user("ldxa", grants=[(tree.commune, Role.LEADER)])

    with pytest.raises(PermissionDenied):
        routing_rule_save(rule=rule, rule_data={"active": False}, actor=commune_leader)
    response = login(commune_leader).post(f"/quan-ly/quy-tac/{rule.pk}/ngung/")
    assert response.status_code == 302
    assert any("không sửa hay ngừng" in str(m) for m in get_messages(response.wsgi_request))
    rule.refresh_from_db()
    assert rule.active
    assert not AuditEvent.objects.filter(action="routing_rule.updated").exists()

    routing_rule_save(rule=rule, rule_data={"active": False}, actor=deployment_leader)
    rule.refresh_from_db()
    assert not rule.active
    assert AuditEvent.objects.filter(action="routing_rule.updated").count() == 1


def test_django_admin_applies_the_same_scope_rule(client, tree, places):
    """The admin site saves through the service: a superuser with a commune grant is a commune
    leader there too, and rules cannot be deleted around the audit trail."""
    staff = user(
        "ldxa_admin", is_staff=True, is_superuser=True, grants=[(tree.commune, Role.LEADER)]
    )
    client.force_login(staff)
    url = reverse("admin:handling_routingrule_add")
    data = {"name": "Mọi nơi", "kind": "", "target": tree.commune.pk, "priority": 0, "active": "on"}
    response = client.post(url, data)
    assert response.status_code == 200 and "cấp cao nhất" in response.content.decode()
    response = client.post(url, {**data, "admin_unit": places.ya_ly.pk})
    assert response.status_code == 200
    assert not RoutingRule.objects.exists()

    response = client.post(url, {**data, "admin_unit": places.sa_thay.pk})
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert AuditEvent.objects.filter(action="routing_rule.created", object_id=rule.pk).exists()
    delete_url = reverse("admin:handling_routingrule_delete", args=[rule.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert RoutingRule.objects.filter(pk=rule.pk).exists()


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
