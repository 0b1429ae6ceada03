from __future__ import annotations

import datetime as dt

import pytest

from langnghe.intake.models import Kind
from langnghe.orgs.models import Organisation, PartyStatus, Position, Role

from ...factories import org, person, submit_one, user

DENOUNCER = {"name": "Phạm Văn Tố", "phone": "0905000111"}


class World:
    pass


@pytest.fixture
def world(tree):
    """The tree plus: a party member cadre (vice-chair), a party-rule denunciation about him
    routed to the UBKT, and staff of each role."""
    w = World()
    w.tree = tree
    w.cell = org("Chi bộ cơ quan", parent=tree.party, kind=Organisation.Kind.PARTY_CELL)
    w.cadre_user = user("canbo", grants=[(tree.commune, Role.HANDLER)])
    w.cadre = person("Lê Văn Minh", org=tree.party, title="Đảng ủy viên", user_account=w.cadre_user)
    Position.objects.create(
        person=w.cadre, organisation=tree.commune, title="Phó Chủ tịch", role=Position.Role.DEPUTY
    )
    w.cadre.is_party_member = True
    w.cadre.party_status = PartyStatus.FULL
    w.cadre.save()
    w.item, _ = submit_one(
        tree.commune,
        kind=Kind.DENUNCIATION,
        party_matter=True,
        concerned_person=w.cadre,
        identity=DENOUNCER,
        body="Ông Lê Văn Minh nhận tiền hỗ trợ sai quy định. Người viết: Phạm Văn Tố, 0905000111.",
    )
    assert w.item.handling_org == tree.ubkt
    w.inspector = user("kiemtra", grants=[(tree.ubkt, Role.INSPECTOR)])
    w.inspector_person = person("Hà Thị Lan", user_account=w.inspector, org=tree.ubkt)
    other_party = org("Đảng ủy xã Ya Ly", kind=Organisation.Kind.PARTY_COMMITTEE)
    w.other_ubkt = org(
        "UBKT Ya Ly", parent=other_party, kind=Organisation.Kind.INSPECTION_COMMISSION
    )
    w.inspector_out = user("kiemtra2", grants=[(w.other_ubkt, Role.INSPECTOR)])
    w.leader = user("lanhdao", grants=[(tree.party, Role.LEADER), (tree.commune, Role.LEADER)])
    w.admin = user("quantri", grants=[(tree.province, Role.ADMIN), (tree.party, Role.ADMIN)])
    w.handler = user("xuly", grants=[(tree.commune, Role.HANDLER)])
    w.receptionist = user("tiepnhan", grants=[(tree.commune, Role.RECEPTIONIST)])
    w.front = user("mattran", grants=[(tree.commune, Role.FRONT_LIAISON)])
    w.today = dt.date.today()
    return w
