"""Permission matrix: role × action → allowed or denied (the policy, in tests)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from langnghe.meetings.models import ConferenceKind
from langnghe.meetings.rules import can

from .conftest import conference, held

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "nobody",
    "leader",
    "head",
    "admin",
    "receptionist",
    "handler",
    "office_handler",
    "front_liaison",
    "other_front",
    "sibling_leader",
    "province_leader",
    "inspector",
]


def _actor(m, name):
    return AnonymousUser() if name == "anonymous" else getattr(m, name)


def _allowed(m, perm, obj):
    return {name for name in ACTORS if can(_actor(m, name), perm, obj)}


def test_manage_plan(m):
    c = conference(m, 30)
    assert _allowed(m, "meetings.manage_plan", c.plan) == {
        "leader",
        "head",
        "admin",
        "province_leader",
    }


def test_approve_plan(m):
    c = conference(m, 30)
    assert _allowed(m, "meetings.approve_plan", c.plan) == {"leader", "province_leader"}


def test_dc6_front_co_organises_the_commune_dialogue(m):
    c = conference(m, 30)  # co-organised by the commune's Front committee
    assert _allowed(m, "meetings.manage_conference", c) == {
        "leader",
        "head",
        "admin",
        "province_leader",
        "front_liaison",
    }


def test_front_does_not_organise_other_kinds(m):
    c = conference(m, 30, kind=ConferenceKind.STAFF_CONFERENCE)
    assert "front_liaison" not in _allowed(m, "meetings.manage_conference", c)
    assert "front_liaison" not in _allowed(m, "meetings.view_conference", c)


def test_view_conference(m):
    c = conference(m, 30)
    assert _allowed(m, "meetings.view_conference", c) == {
        "leader",
        "head",
        "admin",
        "province_leader",
        "front_liaison",
        "receptionist",
    }


def test_record_minutes(m):
    c = conference(m, 30)
    assert _allowed(m, "meetings.record_minutes", c) == {
        "leader",
        "head",
        "admin",
        "province_leader",
        "front_liaison",
        "receptionist",
    }


def test_update_commitment(m):
    from langnghe.meetings import services

    c = held(m, 3)
    issue = services.raised_issue_record(
        conference=c,
        actor=m.leader,
        text="x",
        commitment_text="y",
        responsible_org=m.office,
        deadline=c.held_on,
    )
    # The organisers, and the responsible unit (the office: its handler; the commune's handler and
    # unit head cover the office's subtree).
    assert _allowed(m, "meetings.update_commitment", issue.commitment) == {
        "leader",
        "head",
        "admin",
        "province_leader",
        "front_liaison",
        "handler",
        "office_handler",
    }


def test_voter_rolls_and_requests(m):
    assert _allowed(m, "meetings.manage_voter_roll", m.commune) == {
        "leader",
        "head",
        "admin",
        "province_leader",
    }
    assert _allowed(m, "meetings.view_voter_requests", m.commune) == {
        "leader",
        "head",
        "admin",
        "province_leader",
        "receptionist",
    }
