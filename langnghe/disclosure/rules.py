"""Who may do what with publications and commitments (django-rules; a grant covers its subtree).

- Leaders, unit heads and administrators of the organisation (or an ancestor) prepare, publish and
  withdraw publications and manage cadres' commitments.
- Reception staff of the organisation also record the channels a publication went out on (they
  post the notices and read them on the loudspeaker), and see the back-office list.
- Nobody else: anonymous users and staff of other organisations are refused.

Always check with `can(user, perm, obj)`; `obj` is the publication, the commitment, or the
organisation for a new one.
"""

from __future__ import annotations

from typing import Any

import rules

from langnghe.handling.rules import can
from langnghe.orgs.access import has_role_over, paths_with_roles
from langnghe.orgs.models import Organisation, Role

MANAGE_ROLES = {Role.LEADER, Role.UNIT_HEAD, Role.ADMIN}
CHANNEL_ROLES = MANAGE_ROLES | {Role.RECEPTIONIST}
VIEW_ROLES = CHANNEL_ROLES

__all__ = ["can", "MANAGE_ROLES", "CHANNEL_ROLES", "VIEW_ROLES", "manage_paths", "view_paths"]


def _org_of(obj: Any) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    return getattr(obj, "organisation", None)


@rules.predicate
def manages_org(user: Any, obj: Any) -> bool:
    return has_role_over(user, _org_of(obj), MANAGE_ROLES)


@rules.predicate
def records_channels_of_org(user: Any, obj: Any) -> bool:
    return has_role_over(user, _org_of(obj), CHANNEL_ROLES)


rules.add_perm("disclosure.view_publication", records_channels_of_org)
rules.add_perm("disclosure.manage_publication", manages_org)
rules.add_perm("disclosure.record_channel", records_channels_of_org)
rules.add_perm("disclosure.manage_commitment", manages_org)


def view_paths(user: Any) -> list[str]:
    """Organisation paths whose publications the user sees in the back office."""
    return paths_with_roles(user, VIEW_ROLES)


def manage_paths(user: Any) -> list[str]:
    return paths_with_roles(user, MANAGE_ROLES)
