from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.orgs.models import Organisation, Position, Role

from ..factories import org, person, user


@pytest.fixture
def people(tree):
    """Heads of the tree's bodies, and staff with their grants (passwords "pw")."""
    province_party = org(
        "Tỉnh ủy Quảng Ngãi",
        kind=Organisation.Kind.PARTY_COMMITTEE,
        level=Organisation.Level.PROVINCE,
    )
    tree.province_party = province_party
    return type(
        "People",
        (),
        dict(
            chair=person("Y Thanh", org=tree.commune, role=Position.Role.HEAD, title="Chủ tịch"),
            deputy=person(
                "A Hùng", org=tree.commune, role=Position.Role.DEPUTY, title="Phó Chủ tịch"
            ),
            secretary=person("Nguyễn Văn Bình", org=tree.party, role=Position.Role.HEAD),
            province_chair=person("Lê Văn Tỉnh", org=tree.province, role=Position.Role.HEAD),
            province_secretary=person("Trần Bí Thư", org=province_party, role=Position.Role.HEAD),
            office_head=person("Đinh Chánh", org=tree.office, role=Position.Role.HEAD),
            receptionist=user("tiepnhan", grants=[(tree.commune, Role.RECEPTIONIST)]),
            party_receptionist=user("tiepnhan_du", grants=[(tree.party, Role.RECEPTIONIST)]),
            leader=user("lanhdao", grants=[(tree.commune, Role.LEADER)]),
            unit_head=user("truongdonvi", grants=[(tree.commune, Role.UNIT_HEAD)]),
            handler=user("xuly", grants=[(tree.commune, Role.HANDLER)]),
            sibling_receptionist=user("tiepnhan2", grants=[(tree.sibling, Role.RECEPTIONIST)]),
            sibling_leader=user("lanhdao2", grants=[(tree.sibling, Role.LEADER)]),
            province_leader=user("lanhdaotinh", grants=[(tree.province, Role.LEADER)]),
            admin=user("quantri", grants=[(tree.province, Role.ADMIN)]),
            party_leader=user("bithu", grants=[(tree.party, Role.LEADER)]),
        ),
    )


@pytest.fixture
def site(tree, people):
    from langnghe.reception.services import site_save

    return site_save(
        actor=people.leader,
        organisation=tree.commune,
        name="Phòng tiếp công dân UBND xã",
        address="Thôn 1, xã Sa Thầy",
        regular_hours="Thứ Hai đến thứ Sáu, 7g30–11g00",
    )


def next_working_day(day: dt.date, n: int = 1) -> dt.date:
    from langnghe.core.calendar import get_calendar

    return get_calendar().add_working_days(day, n)


@pytest.fixture
def make_session(tree, people, site):
    from langnghe.reception.models import Capacity, SessionKind
    from langnghe.reception.services import SessionInput, session_create

    def make(**kwargs):
        data = dict(
            organisation=tree.commune,
            kind=SessionKind.PERIODIC,
            date=next_working_day(timezone.localdate(), 10),
            start_time=dt.time(8, 0),
            end_time=dt.time(10, 0),
            site=site,
            head=people.chair,
            capacity=Capacity.CHAIR,
            expected_content="Đất đai, giải phóng mặt bằng",
        )
        actor = kwargs.pop("actor", people.leader)
        data.update(kwargs)
        return session_create(data=SessionInput(**data), actor=actor)

    return make
