"""Routing: topic + location → unit, then the conflict rules (TC-14, TC-18, RS-9)."""

from __future__ import annotations

import datetime as dt

import pytest

from langnghe.core.errors import HandlingError
from langnghe.handling.models import RoutingRule
from langnghe.handling.services import item_route
from langnghe.intake.models import Kind, Topic
from langnghe.orgs.models import AdminUnit, Organisation, Position, Role, Succession

from ..factories import org, person, submit_one, user


@pytest.fixture
def land(db):
    return Topic.objects.create(code="dat-dai", name_vi="Đất đai", name_en="Land")


@pytest.mark.django_db
def test_most_specific_rule_wins(tree, land):
    unit = AdminUnit.objects.create(code="23527", name="Xã Sa Thầy", level="commune")
    RoutingRule.objects.create(name="default", target=tree.commune)
    RoutingRule.objects.create(name="land", topic=land, target=tree.office)
    RoutingRule.objects.create(
        name="land here", topic=land, admin_unit=unit, target=tree.sibling, priority=-5
    )
    item, _ = submit_one(tree.province, topic=land, admin_unit=unit)
    assert item.handling_org == tree.sibling
    item, _ = submit_one(tree.province, topic=land)
    assert item.handling_org == tree.office
    item, _ = submit_one(tree.province)
    assert item.handling_org == tree.commune


@pytest.mark.django_db
def test_TC_14_never_to_the_unit_headed_by_the_person_concerned(tree):
    chairman = person(
        "Nguyễn Văn Hùng", org=tree.commune, role=Position.Role.HEAD, title="Chủ tịch UBND xã"
    )
    item, _ = submit_one(tree.commune, kind=Kind.DENUNCIATION, concerned_person=chairman)
    assert item.handling_org == tree.province  # next level up
    deputy = person(
        "Trần Thị Lan", org=tree.commune, role=Position.Role.DEPUTY, title="Phó Chủ tịch"
    )
    item, _ = submit_one(tree.commune, kind=Kind.FEEDBACK, concerned_person=deputy)
    assert item.handling_org == tree.province


@pytest.mark.django_db
def test_TC_14_an_item_about_a_unit_goes_to_its_superior(tree):
    item, _ = submit_one(tree.commune, concerned_org=tree.commune)
    assert item.handling_org == tree.province


@pytest.mark.django_db
def test_TC_14_manual_routing_to_a_conflicted_unit_is_refused(tree):
    chairman = person("Nguyễn Văn Hùng", org=tree.sibling, role=Position.Role.HEAD)
    receptionist = user(grants=[(tree.province, Role.RECEPTIONIST)])
    item, _ = submit_one(tree.province, concerned_person=chairman)
    with pytest.raises(HandlingError) as err:
        item_route(item=item, actor=receptionist, unit=tree.sibling)
    assert err.value.code == HandlingError.CONFLICT_OF_INTEREST


@pytest.mark.django_db
def test_RS_9_after_a_merger_the_successor_handles(tree):
    old = org("UBND xã Sa Sơn (cũ)", parent=tree.province, valid_to=dt.date(2025, 6, 30))
    Succession.objects.create(
        kind="merge",
        predecessor=old,
        successor=tree.commune,
        effective_date=dt.date(2025, 7, 1),
        legal_basis="NQ 1677/NQ-UBTVQH15",
    )
    RoutingRule.objects.create(name="old rule", target=old)
    item, _ = submit_one(tree.province)
    assert item.handling_org == tree.commune


@pytest.mark.django_db
def test_TC_18_party_rule_denunciation_goes_to_the_inspection_commission(tree):
    member = person("Lê Văn Minh", org=tree.party, title="Đảng ủy viên")
    item, _ = submit_one(
        tree.commune, kind=Kind.DENUNCIATION, party_matter=True, concerned_person=member
    )
    assert item.handling_org == tree.ubkt
    plain, _ = submit_one(tree.commune, kind=Kind.DENUNCIATION, concerned_person=member)
    assert plain.handling_org == tree.commune
    assert Organisation.objects.get(pk=tree.ubkt.pk).kind == Organisation.Kind.INSPECTION_COMMISSION


@pytest.mark.django_db
def test_TC_18_a_member_with_posts_only_in_government_goes_to_the_commission_of_her_cell(tree):
    """The people's committee is not under the party committee in the tree: the member's cell
    says which party committee (and commission) she answers to."""
    cell = Organisation.objects.create(
        name="Chi bộ Cơ quan chính quyền",
        slug="chi-bo-cq",
        kind=Organisation.Kind.PARTY_CELL,
        level=Organisation.Level.COMMUNE,
        parent=tree.party,
    )
    member = person("Phan Thị Thảo", org=tree.commune, title="Phó Chủ tịch UBND xã")
    member.is_party_member, member.party_cell = True, cell
    member.save()
    item, _ = submit_one(
        tree.commune, kind=Kind.DENUNCIATION, party_matter=True, concerned_person=member
    )
    assert item.handling_org == tree.ubkt
