"""Who may do what with discipline decisions and KT-3 notices (django-rules; a grant covers its
subtree).

- The inspection side: an inspector granted on an organisation covers its subtree; an inspector
  granted on an inspection commission (UBKT) also covers the subtree of the committee it belongs to
  (the commission inspects the organisations under its committee).
- A decision is prepared, decided and notified by the inspection side over the deciding body, or by
  a leader over the deciding body. It is published by a leader over the deciding body or an
  inspector granted on it (the publishing service checks its own rule too).
- Sealed: before publication, a decision is seen only by the inspection side over the deciding body
  or the subject's organisation, and leaders over the deciding body. The disciplined member reads
  their own decision once it is decided. Nobody else: not handlers, receptionists, unit heads,
  the Front, nor the system administrator (DESIGN.md §2: no sealed content).
- KT-3 notices: kept by leaders and unit heads of the issuing state body; read also by the
  inspection side and leaders over the receiving party organisation.

Check with ``langnghe.handling.rules.can(user, "discipline.<perm>", obj)``.
"""

from __future__ import annotations

from typing import Any

import rules

from langnghe.handling.rules import can
from langnghe.orgs.access import grants_for, has_role_over
from langnghe.orgs.models import PATH_STEP, Organisation, Role, RoleGrant

__all__ = [
    "can",
    "inspection_paths",
    "on_inspection_side",
    "leader_paths",
    "NOTICE_KEEP_ROLES",
]

NOTICE_KEEP_ROLES = {Role.LEADER, Role.UNIT_HEAD}


def inspection_paths(user: Any) -> list[str]:
    """Organisation path prefixes the user covers as an inspector (cached on the user)."""
    if not grants_for(user):
        return []
    cached = getattr(user, "_discipline_inspection_paths", None)
    if cached is None:
        rows = RoleGrant.objects.filter(user=user, role=Role.INSPECTOR).values_list(
            "organisation__path", "organisation__kind"
        )
        paths: set[str] = set()
        for path, kind in rows:
            paths.add(path)
            if kind == Organisation.Kind.INSPECTION_COMMISSION and len(path) > PATH_STEP + 1:
                paths.add(path[: -(PATH_STEP + 1)])
        cached = sorted(paths)
        user._discipline_inspection_paths = cached
    return cached


def leader_paths(user: Any) -> list[str]:
    return sorted({p for p, r in grants_for(user) if r == Role.LEADER})


def on_inspection_side(user: Any, org: Organisation | None) -> bool:
    if org is None:
        return False
    return any(org.path.startswith(p) for p in inspection_paths(user))


def _leads(user: Any, org: Organisation | None) -> bool:
    return has_role_over(user, org, {Role.LEADER})


def _body_of(obj: Any) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    return getattr(obj, "deciding_body", None)


@rules.predicate
def manages_discipline(user: Any, obj: Any) -> bool:
    body = _body_of(obj)
    return on_inspection_side(user, body) or _leads(user, body)


@rules.predicate
def publishes_discipline(user: Any, obj: Any) -> bool:
    # The same people `inspections.publishing.may_publish` admits, narrowed to the party side:
    # leaders over the deciding body, or inspectors granted on it.
    body = _body_of(obj)
    return _leads(user, body) or has_role_over(user, body, {Role.INSPECTOR})


@rules.predicate
def views_decision(user: Any, decision: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    body = decision.deciding_body
    if on_inspection_side(user, body) or _leads(user, body):
        return True
    if on_inspection_side(user, decision.subject_home):
        return True
    # The disciplined member reads their own decision once it is decided (not the draft).
    person = decision.subject_person
    return bool(
        decision.status != "draft"
        and person is not None
        and person.user_id is not None
        and person.user_id == user.pk
    )


def _issuer_of(obj: Any) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    return getattr(obj, "issuing_org", None)


@rules.predicate
def keeps_notice(user: Any, obj: Any) -> bool:
    return has_role_over(user, _issuer_of(obj), NOTICE_KEEP_ROLES)


@rules.predicate
def receives_notice(user: Any, notice: Any) -> bool:
    org = getattr(notice, "receiving_org", None)
    return on_inspection_side(user, org) or _leads(user, org)


rules.add_perm("discipline.manage_decision", manages_discipline)
rules.add_perm("discipline.publish_decision", publishes_discipline)
rules.add_perm("discipline.view_decision", views_decision)
rules.add_perm("discipline.keep_notice", keeps_notice)
rules.add_perm("discipline.view_notice", keeps_notice | receives_notice)
