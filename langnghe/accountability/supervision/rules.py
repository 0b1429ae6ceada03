"""Who may do what with Front supervision (DESIGN.md §2). Named rules (django-rules).

- The Front side — `front_liaison` or `unit_head` granted on a Front organisation (a grant covers its
  subtree) — manages plans, supervisions, recommendations and hearings of the Fronts it covers.
- The supervised side — `unit_head` or `leader` over the supervised organisation — sees its
  supervisions and answers the recommendations (MT-3).
- Leaders see the aggregated results of supervisions over what they lead.
- The Front may ask to reopen an answered item in its area whose public result it can see
  (published, or linked to one of its supervisions): `supervision.reopen_item`, used by the
  handling workflow's `front_reopen` transition.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q

from langnghe.handling.rules import can, is_concerned, sealed_kinds
from langnghe.intake.models import Item
from langnghe.orgs.access import grants_for, has_role_over, paths_with_roles, subtree_q
from langnghe.orgs.models import AdminUnit, Organisation, Role

from .models import Hearing, Recommendation, Supervision, SupervisionPlan

FRONT_ROLES = {Role.FRONT_LIAISON, Role.UNIT_HEAD}
SUPERVISED_ROLES = {Role.UNIT_HEAD, Role.LEADER}

__all__ = ["can"]


def _front_of(obj: Any) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    if isinstance(obj, (SupervisionPlan, Supervision, Hearing)):
        return obj.front
    if isinstance(obj, Recommendation):
        return obj.supervision.front
    return None


def fronts_managed(user: Any) -> list[Organisation]:
    """The Front organisations this user manages (a grant covers the subtree)."""
    paths = paths_with_roles(user, FRONT_ROLES)
    if not paths:
        return []
    return list(
        Organisation.objects.filter(
            subtree_q(paths, "path"), kind=Organisation.Kind.FATHERLAND_FRONT
        ).select_related("admin_unit")
    )


def area_admin_unit_ids(fronts: list[Organisation]) -> set[int]:
    """A Front's area: its administrative unit and the units under it (province → communes)."""
    ids = {f.admin_unit_id for f in fronts if f.admin_unit_id is not None}
    if ids:
        ids |= set(AdminUnit.objects.filter(parent_id__in=ids).values_list("pk", flat=True))
    return ids


def in_area_q(fronts: list[Organisation]) -> Q:
    ids = area_admin_unit_ids(fronts)
    if not ids:
        return Q(pk__in=[])
    return Q(handling_org__admin_unit_id__in=ids) | Q(
        handling_org__isnull=True, receiving_org__admin_unit_id__in=ids
    )


@rules.predicate
def manages_front(user: Any, obj: Any) -> bool:
    front = _front_of(obj)
    if front is None or front.kind != Organisation.Kind.FATHERLAND_FRONT:
        return False
    return has_role_over(user, front, FRONT_ROLES)


@rules.predicate
def is_supervised_staff(user: Any, obj: Any) -> bool:
    if isinstance(obj, Recommendation):
        obj = obj.supervision
    if not isinstance(obj, Supervision):
        return False
    return has_role_over(user, obj.supervised_org, SUPERVISED_ROLES)


@rules.predicate
def has_front_role(user: Any) -> bool:
    return bool(fronts_managed(user))


@rules.predicate
def can_front_reopen(user: Any, item: Item) -> bool:
    if not isinstance(item, Item) or item.kind in sealed_kinds():
        return False
    fronts = fronts_managed(user)
    if not fronts:
        return False
    visible = Item.objects.filter(pk=item.pk).filter(front_visible_q(fronts))
    return visible.exists()


def front_visible_q(fronts: list[Organisation]) -> Q:
    """Items in the Fronts' area whose public result the Front may see: published, or linked to
    one of its supervisions (MT-4 grounds). Sealed kinds never."""
    fronts_paths = [f.path for f in fronts]
    linked = Q(front_supervisions__front__path__in=fronts_paths)
    return in_area_q(fronts) & (Q(is_published=True) | linked) & ~Q(kind__in=list(sealed_kinds()))


rules.add_perm("supervision.manage", manages_front)
rules.add_perm("supervision.view", manages_front | is_supervised_staff)
rules.add_perm("supervision.answer_recommendation", is_supervised_staff & ~manages_front)
rules.add_perm("supervision.use", has_front_role)
rules.add_perm("supervision.reopen_item", can_front_reopen & ~is_concerned)


def visible_supervisions_q(user: Any) -> Q:
    """List twin of `supervision.view`, plus what leaders lead (aggregated results)."""
    if not grants_for(user):
        return Q(pk__in=[])
    q = subtree_q(paths_with_roles(user, FRONT_ROLES), "front__path") & Q(
        front__kind=Organisation.Kind.FATHERLAND_FRONT
    )
    q |= subtree_q(paths_with_roles(user, SUPERVISED_ROLES), "supervised_org__path")
    return q
