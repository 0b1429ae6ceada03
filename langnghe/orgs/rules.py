"""Who may change the organisation tree. Named rules (django-rules); a grant covers its subtree."""

from __future__ import annotations

from typing import Any

import rules

from .access import has_role_over
from .models import Role, RoleGrant, Succession

RESTRUCTURE_ROLES = {Role.ADMIN, Role.LEADER}


@rules.predicate
def can_restructure(user: Any, succession: Succession) -> bool:
    """An admin or leader over the predecessor's parent: the level that decides a merger (a
    root organisation, having no parent, needs a grant on itself)."""
    predecessor = succession.predecessor
    return has_role_over(user, predecessor.parent or predecessor, RESTRUCTURE_ROLES)


rules.add_perm("orgs.apply_succession", can_restructure)


# -- role grants (review M10) --------------------------------------------------------------------
# Granting a role is the way into sealed content, so it is decided by the grant tree itself, never
# by Django's is_superuser (``rules.has_perm`` consults only these predicates): an administrator or
# leader over the organisation, and never for oneself.

GRANT_ROLES = {Role.ADMIN, Role.LEADER}


@rules.predicate
def manages_grant_organisation(user: Any, grant: RoleGrant) -> bool:
    """An admin or leader over the organisation the grant is on (a grant covers its subtree)."""
    return has_role_over(user, grant.organisation, GRANT_ROLES)


@rules.predicate
def is_own_grant(user: Any, grant: RoleGrant) -> bool:
    return user is not None and user.pk is not None and grant.user_id == user.pk


rules.add_perm("orgs.grant_role", manages_grant_organisation & ~is_own_grant)
rules.add_perm("orgs.revoke_role", manages_grant_organisation)
