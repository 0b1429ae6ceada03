"""Who may see and do what with party inspections (DESIGN.md §2; issue 4 §3).

- The inspection side: users with the `inspector` role over the conducting commission (or a
  committee above it) read the sealed records and act on them.
- Leaders read one inspection only when the inspection side granted it to them (InspectionAccessGrant).
- The subject person never reads their own file, whatever their roles (the source items are
  denunciations about them). Administrators have no access to sealed content.
- Annual plans are not sealed: inspectors and leaders over the organisation see them.
Everybody else gets 404 (existence is not revealed).
"""

from __future__ import annotations

from typing import Any

import rules

from langnghe.handling.rules import can
from langnghe.orgs.access import has_role_over, paths_with_roles
from langnghe.orgs.models import Organisation, Role

from .models import Inspection, InspectionAccessGrant, InspectionPlan

__all__ = ["can", "inspector_paths"]

INSPECTOR_ROLES = {Role.INSPECTOR}
PLAN_VIEW_ROLES = {Role.INSPECTOR, Role.LEADER}


def _person_id(user: Any) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    return person.pk if person is not None else None


@rules.predicate
def is_subject(user: Any, inspection: Inspection) -> bool:
    pid = _person_id(user)
    return pid is not None and inspection.subject_person_id == pid


@rules.predicate
def on_inspection_side(user: Any, inspection: Inspection) -> bool:
    return has_role_over(user, inspection.commission, INSPECTOR_ROLES)


@rules.predicate
def has_access_grant(user: Any, inspection: Inspection) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return InspectionAccessGrant.objects.filter(
        inspection=inspection, user=user, revoked_at__isnull=True
    ).exists()


def _org(obj: Any) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    if isinstance(obj, InspectionPlan):
        return obj.organisation
    return getattr(obj, "organisation", None)


@rules.predicate
def inspector_over(user: Any, obj: Any) -> bool:
    return has_role_over(user, _org(obj), INSPECTOR_ROLES)


@rules.predicate
def plan_viewer_over(user: Any, obj: Any) -> bool:
    return has_role_over(user, _org(obj), PLAN_VIEW_ROLES)


rules.add_perm("inspections.view_inspection", (on_inspection_side | has_access_grant) & ~is_subject)
rules.add_perm("inspections.manage_inspection", on_inspection_side & ~is_subject)
# Opening an inspection or a plan: an inspector over the commission (an Organisation).
rules.add_perm("inspections.open_inspection", inspector_over)
rules.add_perm("inspections.manage_plan", inspector_over)
rules.add_perm("inspections.view_plan", plan_viewer_over)


def inspector_paths(user: Any) -> list[str]:
    return paths_with_roles(user, INSPECTOR_ROLES)


def plan_paths(user: Any) -> list[str]:
    return paths_with_roles(user, PLAN_VIEW_ROLES)
