"""Who sees opinion signals: leaders and inspectors, over the organisations under their grants.

A cadre is in scope when they hold a position (valid now or during the period) in an
organisation under the actor's leader/inspector grants, or belong to a party cell there (KD-10);
a unit when it lies in those subtrees.
The person an item concerns never sees it (DESIGN.md §4), so an actor never sees their own
signals, nor those of a unit they head or deputise now.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import rules
from django.db.models import Q, QuerySet
from django.utils import timezone

from langnghe.orgs.access import has_any_role, paths_with_roles, subtree_q
from langnghe.orgs.models import Organisation, Person, Position, Role, active_q

SIGNAL_ROLES = {Role.LEADER, Role.INSPECTOR}


def signal_paths(user: Any) -> list[str]:
    """Leader and inspector subtrees. An inspector on an inspection commission (UBKT) watches the
    members and organisations of the committee it belongs to, so its scope is that committee's
    subtree (the commission is a child of the committee in the tree)."""
    paths = set(paths_with_roles(user, SIGNAL_ROLES))
    inspector_paths = paths_with_roles(user, {Role.INSPECTOR})
    if inspector_paths:
        commissions = Organisation.objects.filter(
            path__in=inspector_paths,
            kind=Organisation.Kind.INSPECTION_COMMISSION,
            parent__isnull=False,
        ).values_list("parent__path", flat=True)
        paths.update(commissions)
    return sorted(paths)


def _own_person_id(user: Any) -> int | None:
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    return person.pk if person is not None else None


def headed_org_ids(user: Any) -> QuerySet[Any]:
    pid = _own_person_id(user)
    if pid is None:
        return Position.objects.none().values("organisation_id")
    return Position.objects.filter(
        active_q(), person_id=pid, role__in=[Position.Role.HEAD, Position.Role.DEPUTY]
    ).values("organisation_id")


def persons_in_scope(user: Any, start: dt.date, end: dt.date) -> QuerySet[Any]:
    """Ids (a subquery) of the cadres whose signals the user may see for the period."""
    paths = signal_paths(user)
    overlaps = (Q(valid_from__isnull=True) | Q(valid_from__lte=end)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )
    positions = Position.objects.filter(
        subtree_q(paths, "organisation__path") & (overlaps | active_q(timezone.localdate()))
    ).values("person_id")
    # KD-10: a party member also answers to the committee over the cell where they belong, so an
    # inspector on the party side sees the members of the cells under their grant.
    qs = Person.objects.filter(Q(pk__in=positions) | subtree_q(paths, "party_cell__path"))
    own = _own_person_id(user)
    if own is not None:
        qs = qs.exclude(pk=own)
    return qs.values("pk")


def orgs_in_scope(user: Any) -> QuerySet[Any]:
    """Ids (a subquery) of the units whose signals the user may see."""
    qs = Organisation.objects.filter(subtree_q(signal_paths(user), "path"))
    if _own_person_id(user) is not None:
        qs = qs.exclude(pk__in=headed_org_ids(user))
    return qs.values("pk")


def person_visible(user: Any, person_id: int, start: dt.date, end: dt.date) -> bool:
    return (
        bool(signal_paths(user))
        and Person.objects.filter(pk=person_id, pk__in=persons_in_scope(user, start, end)).exists()
    )


def org_visible(user: Any, org_id: int) -> bool:
    return (
        bool(signal_paths(user))
        and Organisation.objects.filter(pk=org_id, pk__in=orgs_in_scope(user)).exists()
    )


@rules.predicate
def has_signal_role(user: Any) -> bool:
    return has_any_role(user, SIGNAL_ROLES)


rules.add_perm("opinion.view_signals", has_signal_role)
