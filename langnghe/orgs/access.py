"""Who holds which role where. A grant on an organisation covers its subtree (DESIGN.md §2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from .models import Organisation, Position, Role, RoleGrant, active_q


def grants_for(user: Any) -> list[tuple[str, str]]:
    """(organisation path, role) pairs of a user, read once per request and cached on it."""
    return _grants(user)[0]


def grant_labels(user: Any) -> list[tuple[Any, str]]:
    """(role, unit name) of each of the user's grants, in the tree's order: the back office's
    header. Read with the grants themselves, so the header costs no query of its own. The role is
    its lazy label, drawn in the language of the page that shows it."""
    return _grants(user)[1]


def _grants(user: Any) -> tuple[list[tuple[str, str]], list[tuple[Any, str]]]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return [], []
    cached = getattr(user, "_langnghe_grants", None)
    if cached is None:
        rows = sorted(
            RoleGrant.objects.filter(user=user).values_list(
                "organisation__path", "role", "organisation__short_name", "organisation__name"
            )
        )
        labels = dict(Role.choices)
        cached = (
            [(path, role) for path, role, _short, _name in rows],
            [(labels.get(role, role), short or name) for _path, role, short, name in rows],
        )
        user._langnghe_grants = cached
    return cached


def has_role_over(user: Any, org: Organisation | None, roles: Iterable[str]) -> bool:
    if org is None:
        return False
    roles = set(roles)
    return any(org.path.startswith(path) for path, role in grants_for(user) if role in roles)


def paths_with_roles(user: Any, roles: Iterable[str]) -> list[str]:
    roles = set(roles)
    return sorted({path for path, role in grants_for(user) if role in roles})


def has_any_role(user: Any, roles: Iterable[str] | None = None) -> bool:
    grants = grants_for(user)
    return bool(grants) if roles is None else any(role in set(roles) for _, role in grants)


def heads_of(org: Organisation, day: dt.date | None = None) -> list[int]:
    """Person ids heading or deputising an organisation on a day (TC-14)."""
    day = day or timezone.localdate()
    return list(
        Position.objects.filter(
            active_q(day),
            organisation=org,
            role__in=[Position.Role.HEAD, Position.Role.DEPUTY],
        ).values_list("person_id", flat=True)
    )


def person_org_ids(person_id: int, day: dt.date | None = None) -> list[int]:
    day = day or timezone.localdate()
    return list(
        Position.objects.filter(active_q(day), person_id=person_id).values_list(
            "organisation_id", flat=True
        )
    )


def subtree_q(paths: Iterable[str], field: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q
