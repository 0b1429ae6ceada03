"""Permission matrix: role × action → allowed / denied, in scope, out of scope, anonymous."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from langnghe.accountability.supervision import selectors, services
from langnghe.accountability.supervision.rules import can
from langnghe.core.errors import PermissionDenied

from .helpers import run_to_result, supervision

pytestmark = pytest.mark.django_db


@pytest.fixture
def rec(world):
    s = run_to_result(world, supervision(world))
    return services.recommendation_issue(
        supervision=s,
        content="Kiến nghị",
        addressees=["supervised"],
        sent_on=world.today,
        actor=world.liaison,
    )


def test_matrix(world, rec):
    s = rec.supervision
    anon = AnonymousUser()
    expected = {
        # who: (manage, view, answer)
        "liaison": (True, True, False),
        "front_head": (True, True, False),
        "other_liaison": (False, False, False),
        "front_staff": (False, False, False),
        "unit_head": (False, True, True),
        "leader": (False, True, True),
        "handler": (False, False, False),
        "sibling_head": (False, False, False),
        "inspector": (False, False, False),
        "admin": (False, False, False),
    }
    for who, (manage, view, answer) in expected.items():
        u = getattr(world, who)
        assert can(u, "supervision.manage", s) is manage, who
        assert can(u, "supervision.view", s) is view, who
        assert can(u, "supervision.answer_recommendation", rec) is answer, who
        assert (s in selectors.supervision_list_for(actor=u)) is view, who
    for perm in ("supervision.manage", "supervision.view"):
        assert not can(anon, perm, s)
    assert not can(anon, "supervision.answer_recommendation", rec)


def test_services_check_their_rule(world, rec):
    with pytest.raises(PermissionDenied):
        services.plan_create(
            front=world.front, year=2030, title="X", adopted_on=world.today, actor=world.unit_head
        )
    with pytest.raises(PermissionDenied):
        services.recommendation_answer(
            recommendation=rec,
            response="X",
            outcome="accepted",
            responded_on=world.today,
            actor=world.liaison,
        )
    with pytest.raises(PermissionDenied):
        services.recommendation_answer(
            recommendation=rec,
            response="X",
            outcome="accepted",
            responded_on=world.today,
            actor=world.sibling_head,
        )
    with pytest.raises(PermissionDenied):
        services.supervision_create(
            plan=rec.supervision.plan,
            supervised_org=world.tree.commune,
            topic="X",
            content="Y",
            form="team",
            grounds=["programme"],
            first_session_on=world.today,
            actor=world.other_liaison,
        )


def test_province_front_covers_commune_fronts(world, rec):
    from langnghe.orgs.models import Role

    from ...factories import user

    prov = user("mtt2", grants=[(world.front_prov, Role.FRONT_LIAISON)])
    assert can(prov, "supervision.manage", rec.supervision)
