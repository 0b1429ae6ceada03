from __future__ import annotations

import datetime as dt

import pytest

from langnghe.orgs.models import Organisation, PartyStatus, Position, Role

from ...factories import org, person, user


@pytest.fixture
def world(tree):
    """Tỉnh ủy → Đảng ủy xã (organiser) → its cell and UBKT; the commune UBND elsewhere; a cadre
    with an account (a deputy chair) and one without; leaders, inspectors and outsiders."""
    tinh_uy = org(
        "Tỉnh ủy", kind=Organisation.Kind.PARTY_COMMITTEE, level=Organisation.Level.PROVINCE
    )
    party = org("Đảng ủy xã Sa Thầy", parent=tinh_uy, kind=Organisation.Kind.PARTY_COMMITTEE)
    ubkt = org(
        "UBKT Đảng ủy xã Sa Thầy", parent=party, kind=Organisation.Kind.INSPECTION_COMMISSION
    )
    cell = org("Chi bộ cơ quan chính quyền", parent=party, kind=Organisation.Kind.PARTY_CELL)
    village = org(
        "Chi bộ thôn 1",
        parent=party,
        kind=Organisation.Kind.PARTY_CELL,
        level=Organisation.Level.VILLAGE,
    )
    other_party = org("Đảng ủy xã Ya Ly", parent=tinh_uy, kind=Organisation.Kind.PARTY_COMMITTEE)
    leader = user("lead", grants=[(party, Role.LEADER), (tree.commune, Role.LEADER)])
    superior = user("tinhlead", grants=[(tinh_uy, Role.LEADER)])
    inspector = user("insp", grants=[(ubkt, Role.INSPECTOR)])
    outsider = user("out", grants=[(other_party, Role.LEADER)])
    handler = user("hand", grants=[(tree.commune, Role.HANDLER)])
    cadre_user = user("cadre")
    cadre = person(
        "Phan Thị Thảo",
        user_account=cadre_user,
        org=tree.commune,
        role=Position.Role.DEPUTY,
        title="Phó Chủ tịch",
    )
    cadre.is_party_member = True
    cadre.party_status = PartyStatus.FULL
    cadre.party_cell = cell
    cadre.save()
    member = person("Lê Văn Bình", org=tree.office)
    member.is_party_member = True
    member.party_cell = cell
    member.save()
    from langnghe.accountability.reviews import services

    cycle = services.cycle_create(
        actor=leader,
        organiser=party,
        cadence="year",
        title="Kiểm điểm năm 2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    return type(
        "World",
        (),
        dict(
            tree=tree,
            ubkt=ubkt,
            tinh_uy=tinh_uy,
            party=party,
            cell=cell,
            village=village,
            other_party=other_party,
            leader=leader,
            superior=superior,
            inspector=inspector,
            outsider=outsider,
            handler=handler,
            cadre_user=cadre_user,
            cadre=cadre,
            member=member,
            cycle=cycle,
            commune=tree.commune,
        ),
    )
