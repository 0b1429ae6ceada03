"""A commune with its people's committee, council and Front (same administrative unit), a sibling
commune, and the staff of each side."""

from __future__ import annotations

import datetime as dt

import pytest

from langnghe.orgs.models import AdminUnit, Organisation, Role

from ...factories import org, user

K = Organisation.Kind


@pytest.fixture
def world(tree):
    prov_unit = AdminUnit.objects.create(code="51", name="Tỉnh Quảng Ngãi", level="province")
    unit = AdminUnit.objects.create(
        code="100", name="Xã Sa Thầy", level="commune", parent=prov_unit
    )
    other_unit = AdminUnit.objects.create(
        code="101", name="Xã Ya Ly", level="commune", parent=prov_unit
    )
    for o in (tree.commune, tree.office):
        o.admin_unit = unit
        o.save()
    tree.sibling.admin_unit = other_unit
    tree.sibling.save()
    front_prov = org(
        "Ủy ban MTTQ Việt Nam tỉnh", kind=K.FATHERLAND_FRONT, level="province", admin_unit=prov_unit
    )
    front = org(
        "Ủy ban Mặt trận Tổ quốc Việt Nam xã Sa Thầy",
        kind=K.FATHERLAND_FRONT,
        parent=front_prov,
        admin_unit=unit,
    )
    front_other = org(
        "Ủy ban MTTQ xã Ya Ly", kind=K.FATHERLAND_FRONT, parent=front_prov, admin_unit=other_unit
    )
    council = org("HĐND xã Sa Thầy", kind=K.PEOPLES_COUNCIL, admin_unit=unit, accepts_items=False)
    w = dict(
        tree=tree,
        unit=unit,
        front=front,
        front_prov=front_prov,
        front_other=front_other,
        council=council,
        liaison=user("mt", grants=[(front, Role.FRONT_LIAISON)]),
        front_head=user("ctmt", grants=[(front, Role.UNIT_HEAD)]),
        other_liaison=user("mt2", grants=[(front_other, Role.FRONT_LIAISON)]),
        front_staff=user("mtcb", grants=[(front, Role.RECEPTIONIST), (front, Role.HANDLER)]),
        unit_head=user("td", grants=[(tree.commune, Role.UNIT_HEAD)]),
        leader=user("ld", grants=[(tree.commune, Role.LEADER), (tree.party, Role.LEADER)]),
        handler=user("xl", grants=[(tree.commune, Role.HANDLER)]),
        sibling_head=user("td2", grants=[(tree.sibling, Role.UNIT_HEAD)]),
        inspector=user("kt", grants=[(tree.ubkt, Role.INSPECTOR)]),
        admin=user("ad", grants=[(tree.province, Role.ADMIN)]),
        today=dt.date.today(),
    )
    return type("World", (), w)
