"""Who may see which figures. The public scoreboard needs no rule: it shows aggregates of
non-sealed kinds only. Dashboards are for leaders, unit heads, administrators and the Front's
liaisons, over the subtrees of their grants (DESIGN.md §2)."""

from __future__ import annotations

from typing import Any

import rules

from langnghe.orgs.access import has_any_role, has_role_over
from langnghe.orgs.models import Organisation, Role

DASHBOARD_ROLES = {Role.LEADER, Role.UNIT_HEAD, Role.ADMIN, Role.FRONT_LIAISON}
REFRESH_ROLES = {Role.LEADER, Role.ADMIN}


@rules.predicate
def can_view_dashboard(user: Any, org: Organisation | None) -> bool:
    """A unit's figures (org), or any dashboard at all (None)."""
    if org is None:
        return has_any_role(user, DASHBOARD_ROLES)
    return has_role_over(user, org, DASHBOARD_ROLES)


@rules.predicate
def can_refresh(user: Any, _obj: Any = None) -> bool:
    return has_any_role(user, REFRESH_ROLES)


rules.add_perm("stats.view_dashboard", can_view_dashboard)
rules.add_perm("stats.refresh", can_refresh)


def can(user: Any, perm: str, obj: Any) -> bool:
    return bool(rules.has_perm(perm, user, obj))
