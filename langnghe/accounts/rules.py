"""Who may manage staff accounts' two-factor authentication."""

from __future__ import annotations

from typing import Any

import rules

from langnghe.orgs.access import has_role_over
from langnghe.orgs.models import Organisation, Role, RoleGrant


@rules.predicate
def administers_account(actor: Any, user: Any) -> bool:
    """A superuser, or an administrator over one of the organisations the account holds a role
    in (a grant covers the subtree)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active or user is None:
        return False
    if actor.is_superuser:
        return True
    org_ids = RoleGrant.objects.filter(user=user).values_list("organisation_id", flat=True)
    return any(
        has_role_over(actor, org, {Role.ADMIN})
        for org in Organisation.objects.filter(pk__in=org_ids)
    )


@rules.predicate
def is_staff_admin(actor: Any) -> bool:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    from langnghe.orgs.access import has_any_role

    return actor.is_superuser or has_any_role(actor, {Role.ADMIN})


rules.add_perm("accounts.reset_two_factor", administers_account)
rules.add_perm("accounts.list_staff", is_staff_admin)
