"""Who may do what with meetings with the people. Named rules (django-rules); a grant on an
organisation covers its subtree.

- Plans and conferences are organised by the organisation's leaders, unit heads and
  administrators (MANAGE_ROLES).
- DC-6: the people's committee and the Fatherland Front organise the commune dialogue together, so
  the Front liaison of the conference's co-organising Front committee co-organises a commune
  dialogue (edit, announce, hold, minutes, results), but not the plan or other kinds.
- Minutes are often written by the reception office: receptionists may record minutes.
- A commitment's progress is reported by the responsible unit (its handlers, unit heads, leaders).
- Plan approval is a leader's act.
"""

from __future__ import annotations

from typing import Any

import rules

from langnghe.handling.rules import can
from langnghe.orgs.access import has_role_over
from langnghe.orgs.models import Organisation, Role

from .models import AnnualPlan, Commitment, Conference, ConferenceKind

MANAGE_ROLES = {Role.LEADER, Role.UNIT_HEAD, Role.ADMIN}
VIEW_ROLES = MANAGE_ROLES | {Role.RECEPTIONIST}
MINUTES_ROLES = MANAGE_ROLES | {Role.RECEPTIONIST}
PROGRESS_ROLES = {Role.HANDLER, Role.UNIT_HEAD, Role.LEADER}
FRONT_ROLES = {Role.FRONT_LIAISON}


def _org_of(obj: Any) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    if isinstance(obj, AnnualPlan):
        return obj.organisation
    if isinstance(obj, Conference):
        return obj.plan.organisation
    if isinstance(obj, Commitment):
        return obj.issue.conference.plan.organisation
    return None


@rules.predicate
def manages_org(user: Any, obj: Any) -> bool:
    """Leader, unit head or administrator of the organisation (or of an ancestor)."""
    return has_role_over(user, _org_of(obj), MANAGE_ROLES)


@rules.predicate
def leads_org(user: Any, obj: Any) -> bool:
    return has_role_over(user, _org_of(obj), {Role.LEADER})


@rules.predicate
def receives_for_org(user: Any, obj: Any) -> bool:
    return has_role_over(user, _org_of(obj), {Role.RECEPTIONIST})


@rules.predicate
def front_co_organiser(user: Any, conference: Any) -> bool:
    """DC-6: the Front co-organises the commune dialogue it is named on."""
    if not isinstance(conference, Conference):
        return False
    if conference.kind != ConferenceKind.COMMUNE_DIALOGUE or conference.co_organiser is None:
        return False
    return has_role_over(user, conference.co_organiser, FRONT_ROLES)


@rules.predicate
def responsible_for_commitment(user: Any, commitment: Any) -> bool:
    if not isinstance(commitment, Commitment):
        return False
    return has_role_over(user, commitment.responsible_org, PROGRESS_ROLES)


@rules.predicate
def conference_of_commitment_managed(user: Any, commitment: Any) -> bool:
    if not isinstance(commitment, Commitment):
        return False
    return bool(manage_conference(user, commitment.issue.conference))


manage_conference = manages_org | front_co_organiser

rules.add_perm("meetings.manage_plan", manages_org)
rules.add_perm("meetings.approve_plan", leads_org)
rules.add_perm("meetings.view_plan", manages_org | receives_for_org)
rules.add_perm("meetings.view_conference", manage_conference | receives_for_org)
rules.add_perm("meetings.manage_conference", manage_conference)
rules.add_perm("meetings.record_minutes", manage_conference | receives_for_org)
rules.add_perm(
    "meetings.update_commitment", conference_of_commitment_managed | responsible_for_commitment
)


@rules.predicate
def conference_of_commitment_viewable(user: Any, commitment: Any) -> bool:
    """Who may see a conference sees the commitments made at it (the list shows them too)."""
    if not isinstance(commitment, Commitment):
        return False
    return bool(manage_conference(user, commitment.issue.conference)) or bool(
        receives_for_org(user, commitment.issue.conference)
    )


rules.add_perm(
    "meetings.view_commitment", conference_of_commitment_viewable | responsible_for_commitment
)
rules.add_perm("meetings.manage_voter_roll", manages_org)
rules.add_perm("meetings.view_voter_requests", manages_org | receives_for_org)

__all__ = ["can", "MANAGE_ROLES", "VIEW_ROLES", "MINUTES_ROLES", "PROGRESS_ROLES", "FRONT_ROLES"]
