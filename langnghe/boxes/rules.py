"""Who may do what with suggestion boxes. Named rules (django-rules); a grant on an organisation
covers its subtree (DESIGN.md §2).

- The register (add, edit, retire a box; print its posters): receptionists, leaders, unit heads
  and administrators of the box's unit.
- Recording an opening: the same people (they are the ones who open the box).
- Entering a letter: receptionists and leaders only. A letter becomes an item through the spine's
  intake, which only the receiving unit's reception staff and leaders may use, and a letter may
  hold a sealed denunciation (TC-16) that a unit head or an administrator must not read.
- Front liaisons of the same commune supervise: they see the register, the openings and the
  minutes (and are recorded as witnesses), but they do not enter letters.
Anonymous users and staff of other units: nothing (404 for one object, an empty list).
"""

from __future__ import annotations

from typing import Any

import rules

from langnghe.orgs.access import grants_for, has_role_over
from langnghe.orgs.models import Organisation, Role

from .models import BoxOpening, SuggestionBox

REGISTER_ROLES = {Role.RECEPTIONIST, Role.LEADER, Role.UNIT_HEAD, Role.ADMIN}
OPENING_ROLES = REGISTER_ROLES
LETTER_ROLES = {Role.RECEPTIONIST, Role.LEADER}
FRONT_ROLES = {Role.FRONT_LIAISON}


def _org_of(obj: Any) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    if isinstance(obj, SuggestionBox):
        return obj.organisation
    if isinstance(obj, BoxOpening):
        return obj.box.organisation
    return None


def _admin_unit_id_of(obj: Any) -> int | None:
    box = obj.box if isinstance(obj, BoxOpening) else obj
    if isinstance(box, SuggestionBox):
        return box.admin_unit_id or box.organisation.admin_unit_id
    if isinstance(obj, Organisation):
        return obj.admin_unit_id
    return None


def front_admin_unit_ids(user: Any) -> set[int]:
    """The communes (admin units) where the user is a Front liaison: the Front committee of a
    commune is not under the people's committee in the tree, so "same commune" is the link."""
    paths = [path for path, role in grants_for(user) if role in FRONT_ROLES]
    if not paths:
        return set()
    cached = getattr(user, "_boxes_front_units", None)
    if cached is None:
        from langnghe.orgs.access import subtree_q

        cached = set(
            Organisation.objects.filter(subtree_q(paths, "path"), admin_unit__isnull=False)
            .values_list("admin_unit_id", flat=True)
            .distinct()
        )
        user._boxes_front_units = cached
    return cached


@rules.predicate
def holds_register_role(user: Any, obj: Any) -> bool:
    return has_role_over(user, _org_of(obj), REGISTER_ROLES)


@rules.predicate
def holds_opening_role(user: Any, obj: Any) -> bool:
    return has_role_over(user, _org_of(obj), OPENING_ROLES)


@rules.predicate
def holds_letter_role(user: Any, obj: Any) -> bool:
    return has_role_over(user, _org_of(obj), LETTER_ROLES)


@rules.predicate
def is_front_of_same_commune(user: Any, obj: Any) -> bool:
    unit = _admin_unit_id_of(obj)
    return unit is not None and unit in front_admin_unit_ids(user)


@rules.predicate
def box_is_active(user: Any, obj: Any) -> bool:
    box = obj.box if isinstance(obj, BoxOpening) else obj
    return isinstance(box, SuggestionBox) and box.active


@rules.predicate
def opening_is_open(user: Any, obj: Any) -> bool:
    return isinstance(obj, BoxOpening) and obj.can_enter_letters()


rules.add_perm("boxes.view_box", holds_register_role | is_front_of_same_commune)
# On an organisation (add a box to it) or on a box (edit, retire, posters).
rules.add_perm("boxes.manage_box", holds_register_role)
rules.add_perm("boxes.record_opening", holds_opening_role & box_is_active)
rules.add_perm("boxes.edit_opening", holds_opening_role & opening_is_open)
rules.add_perm("boxes.enter_letter", holds_letter_role & opening_is_open)
