"""A small party/state world for the discipline tests, on top of the shared `tree` fixture."""

from __future__ import annotations

import datetime as dt

import pytest

from langnghe.orgs.models import Organisation, PartyStatus, Position, Role

from ...factories import org, person, user


@pytest.fixture
def world(tree):
    party, ubkt, commune = tree.party, tree.ubkt, tree.commune
    cell = org("Chi bộ cơ quan chính quyền xã", parent=party, kind=Organisation.Kind.PARTY_CELL)
    other_party = org("Đảng ủy xã Ya Ly", kind=Organisation.Kind.PARTY_COMMITTEE)
    other_ubkt = org(
        "UBKT Đảng ủy xã Ya Ly", parent=other_party, kind=Organisation.Kind.INSPECTION_COMMISSION
    )
    other_cell = org("Chi bộ thôn 1 Ya Ly", parent=other_party, kind=Organisation.Kind.PARTY_CELL)

    cadre_user = user("canbo")
    cadre = person(
        "Phạm Văn Cường",
        user_account=cadre_user,
        org=commune,
        role=Position.Role.DEPUTY,
        title="Phó Chủ tịch UBND xã",
    )
    cadre.is_party_member = True
    cadre.party_status = PartyStatus.FULL
    cadre.party_cell = cell
    cadre.save()

    probationer = person("Lê Thị Dự", org=commune, title="Công chức Văn hóa - Xã hội")
    probationer.is_party_member = True
    probationer.party_status = PartyStatus.PROBATIONARY
    probationer.party_cell = cell
    probationer.save()

    # A full member who no longer holds any post (his post ended last year).
    retired = person("Đỗ Văn Hưu")
    retired.is_party_member = True
    retired.party_status = PartyStatus.FULL
    retired.party_cell = cell
    retired.save()
    Position.objects.create(
        person=retired,
        organisation=commune,
        title="Công chức Địa chính",
        valid_from=dt.date(2015, 1, 1),
        valid_to=dt.date(2024, 12, 31),
    )

    outsider = person("Hoàng Văn Ngoài", org=commune, title="Công chức Tài chính")
    other_member = person("Trịnh Văn Khác")
    other_member.is_party_member = True
    other_member.party_status = PartyStatus.FULL
    other_member.party_cell = other_cell
    other_member.save()

    users = {
        "inspector": user("kiemtra", grants=[(ubkt, Role.INSPECTOR)]),
        "leader": user("lanhdao", grants=[(party, Role.LEADER), (commune, Role.LEADER)]),
        "state_leader": user("ctubnd", grants=[(commune, Role.LEADER)]),
        "unit_head": user("truongdonvi", grants=[(commune, Role.UNIT_HEAD)]),
        "handler": user("xuly", grants=[(commune, Role.HANDLER), (party, Role.HANDLER)]),
        "receptionist": user("tiepnhan", grants=[(party, Role.RECEPTIONIST)]),
        "front": user("mattran", grants=[(party, Role.FRONT_LIAISON)]),
        "admin": user("quantri", grants=[(party, Role.ADMIN), (commune, Role.ADMIN)]),
        "other_inspector": user("kiemtra2", grants=[(other_ubkt, Role.INSPECTOR)]),
        "other_leader": user("lanhdao2", grants=[(other_party, Role.LEADER)]),
        "cadre": cadre_user,
    }
    return type(
        "World",
        (),
        dict(
            tree=tree,
            party=party,
            ubkt=ubkt,
            commune=commune,
            cell=cell,
            other_party=other_party,
            other_cell=other_cell,
            cadre=cadre,
            probationer=probationer,
            retired=retired,
            outsider=outsider,
            other_member=other_member,
            users=users,
        ),
    )
