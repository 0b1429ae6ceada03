from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.meetings import services
from langnghe.meetings.models import AnnualPlan, ConferenceKind
from langnghe.orgs.models import Organisation, Role

from ..factories import org, user


@pytest.fixture
def m(tree):
    """The commune's Front committee and council beside the spine's tree, and staff of each role."""
    front = org(
        "Ủy ban MTTQ xã Sa Thầy", parent=tree.province, kind=Organisation.Kind.FATHERLAND_FRONT
    )
    sibling_front = org(
        "Ủy ban MTTQ xã Ya Ly", parent=tree.province, kind=Organisation.Kind.FATHERLAND_FRONT
    )
    council = org("HĐND xã Sa Thầy", parent=tree.province, kind=Organisation.Kind.PEOPLES_COUNCIL)
    return type(
        "M",
        (),
        dict(
            tree=tree,
            commune=tree.commune,
            office=tree.office,
            sibling=tree.sibling,
            front=front,
            sibling_front=sibling_front,
            council=council,
            leader=user("m_leader", grants=[(tree.commune, Role.LEADER)]),
            head=user("m_head", grants=[(tree.commune, Role.UNIT_HEAD)]),
            admin=user("m_admin", grants=[(tree.commune, Role.ADMIN)]),
            receptionist=user("m_recv", grants=[(tree.commune, Role.RECEPTIONIST)]),
            handler=user("m_handler", grants=[(tree.commune, Role.HANDLER)]),
            office_handler=user("m_office", grants=[(tree.office, Role.HANDLER)]),
            front_liaison=user("m_front", grants=[(front, Role.FRONT_LIAISON)]),
            other_front=user("m_front2", grants=[(sibling_front, Role.FRONT_LIAISON)]),
            sibling_leader=user("m_sib", grants=[(tree.sibling, Role.LEADER)]),
            province_leader=user("m_prov", grants=[(tree.province, Role.LEADER)]),
            inspector=user("m_insp", grants=[(tree.ubkt, Role.INSPECTOR)]),
            nobody=user("m_nobody"),
        ),
    )


def at(days: int, hour: int = 8) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def plan_for(organisation, year: int, actor) -> AnnualPlan:
    existing = AnnualPlan.objects.filter(organisation=organisation, year=year).first()
    return existing or services.plan_create(
        organisation=organisation, year=year, title=f"Kế hoạch {year}", actor=actor
    )


def conference(m, days: int, *, kind=ConferenceKind.COMMUNE_DIALOGUE, actor=None, **kwargs):
    actor = actor or m.leader
    starts = at(days)
    plan = plan_for(m.commune, timezone.localdate(starts).year, actor)
    data = services.ConferenceData(
        kind=kind,
        title=kwargs.pop("title", "Hội nghị đối thoại"),
        starts_at=starts,
        topics=kwargs.pop("topics", "Đất đai; đường giao thông nông thôn"),
        place=kwargs.pop("place", "Hội trường UBND xã"),
        co_organiser=kwargs.pop("co_organiser", m.front),
        **kwargs,
    )
    return services.conference_create(plan=plan, data=data, actor=actor)


def held(m, days_ago: int, **kwargs):
    """A conference announced well ahead and held ``days_ago`` days ago."""
    c = conference(m, -days_ago, **kwargs)
    services.conference_announce(
        conference=c, actor=m.leader, announced_on=c.starts_on - dt.timedelta(days=10)
    )
    return services.conference_hold(conference=c, actor=m.leader, attendees=120)
