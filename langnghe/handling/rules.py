"""Who may do what with an item. Named rules (django-rules), composed from small predicates.

The person an item concerns never sees it (DESIGN.md §4); the identity vault opens only to the
receiving unit's reception staff and leaders, and for a denunciation only to reception staff (TC-16).
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q

from langnghe.intake.models import Item
from langnghe.orgs.access import grants_for, has_role_over, subtree_q
from langnghe.orgs.models import Role


def sealed_kinds() -> set[str]:
    """Kinds whose workflow data says `sealed: true` (TC-16)."""
    from .policy import get_policy

    return get_policy().sealed_kinds()


def family_is_sealed(item: Item) -> bool:
    """True when the item, or any item split from the same submission (TCD-10), is sealed.

    A denunciation sent together with a petition shares its sender and its files with it, so
    the petition's side must not open what the denunciation's side keeps closed (TC-16).
    """
    cached = getattr(item, "_family_sealed", None)
    if cached is None:
        kinds = sealed_kinds()
        if item.kind in kinds:
            cached = True
        else:
            root = item.split_from_id or item.pk
            cached = Item.objects.filter(
                Q(pk=root) | Q(split_from_id=root), kind__in=kinds
            ).exists() or (
                item.identity_id is not None
                and Item.objects.filter(identity_id=item.identity_id, kind__in=kinds).exists()
            )
        item._family_sealed = cached  # type: ignore[attr-defined]
    return bool(cached)


HANDLING_VIEW_ROLES = {
    Role.HANDLER,
    Role.UNIT_HEAD,
    Role.LEADER,
    Role.INSPECTOR,
    Role.FRONT_LIAISON,
}
SEALED_HANDLING_VIEW_ROLES = {Role.HANDLER, Role.UNIT_HEAD, Role.LEADER, Role.INSPECTOR}
RECEIVING_VIEW_ROLES = {Role.RECEPTIONIST, Role.LEADER}
ROUTE_ROLES = {Role.RECEPTIONIST, Role.LEADER, Role.UNIT_HEAD}
WORK_ROLES = {Role.HANDLER, Role.UNIT_HEAD, Role.INSPECTOR}
APPROVE_ROLES = {Role.UNIT_HEAD, Role.LEADER}


def _concerned_person_user_id(item: Item) -> int | None:
    person = item.concerned_person
    return person.user_id if person is not None else None


@rules.predicate
def is_concerned(user: Any, item: Item) -> bool:
    """The item is about this user (or about an organisation this user heads)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if _concerned_person_user_id(item) == user.pk:
        return True
    if item.concerned_org_id is not None:
        from langnghe.orgs.access import heads_of

        person = getattr(user, "person", None)
        if person is not None and item.concerned_org and person.pk in heads_of(item.concerned_org):
            return True
    return False


@rules.predicate
def can_view_as_handler(user: Any, item: Item) -> bool:
    roles = SEALED_HANDLING_VIEW_ROLES if item.kind in sealed_kinds() else HANDLING_VIEW_ROLES
    return has_role_over(user, item.handling_org, roles)


@rules.predicate
def can_view_as_receiver(user: Any, item: Item) -> bool:
    roles = {Role.RECEPTIONIST} if item.kind in sealed_kinds() else RECEIVING_VIEW_ROLES
    return has_role_over(user, item.receiving_org, roles)


@rules.predicate
def can_route(user: Any, item: Item) -> bool:
    return has_role_over(user, item.receiving_org, ROUTE_ROLES) or has_role_over(
        user, item.handling_org, ROUTE_ROLES
    )


@rules.predicate
def can_work(user: Any, item: Item) -> bool:
    return has_role_over(user, item.handling_org, WORK_ROLES)


@rules.predicate
def can_approve(user: Any, item: Item) -> bool:
    return has_role_over(user, item.handling_org, APPROVE_ROLES)


@rules.predicate
def can_reveal(user: Any, item: Item) -> bool:
    if item.identity_id is None:
        return False
    roles = {Role.RECEPTIONIST} if family_is_sealed(item) else {Role.RECEPTIONIST, Role.LEADER}
    return has_role_over(user, item.receiving_org, roles)


@rules.predicate
def in_sealed_family(user: Any, item: Item) -> bool:
    return family_is_sealed(item)


@rules.predicate
def is_receptionist_of_receiving_unit(user: Any, item: Item) -> bool:
    return has_role_over(user, item.receiving_org, {Role.RECEPTIONIST})


view_item = (can_view_as_handler | can_view_as_receiver) & ~is_concerned
rules.add_perm("handling.view_item", view_item)
rules.add_perm("handling.route_item", can_route & ~is_concerned)
rules.add_perm("handling.work_item", can_work & ~is_concerned)
rules.add_perm("handling.approve_item", can_approve & ~is_concerned)
rules.add_perm("handling.reveal_identity", can_reveal & ~is_concerned)
# TC-16: a denouncer's scanned letter or photos may show their name or handwriting, so the files of
# a denunciation stay with reception staff, who hand verifiers a redacted copy.
rules.add_perm(
    "handling.view_attachments", view_item & (~in_sealed_family | is_receptionist_of_receiving_unit)
)


def can(user: Any, perm: str, obj: Any) -> bool:
    """Check a named rule. Never `user.has_perm`: Django lets a superuser pass every permission,
    and the system administrator has no access to items or identities (DESIGN.md §2)."""
    return bool(rules.has_perm(perm, user, obj))


PERMISSION_FOR = {
    "route": "handling.route_item",
    "work": "handling.work_item",
    "approve": "handling.approve_item",
    # The Front's follow-up (MT-3): the rule lives with the supervisions it draws on; while that app
    # is not installed the name is unknown and django-rules denies it.
    "front": "supervision.reopen_item",
}


def visible_items_q(user: Any) -> Q:
    """The list-side twin of `view_item`: a filter, so lists are filtered, not merely guarded."""
    grants = grants_for(user)
    if not grants:
        return Q(pk__in=[])

    def paths(roles: set[Role]) -> list[str]:
        return [p for p, r in grants if r in roles]

    sealed = Q(kind__in=list(sealed_kinds()))
    q = (~sealed & subtree_q(paths(HANDLING_VIEW_ROLES), "handling_path")) | (
        sealed & subtree_q(paths(SEALED_HANDLING_VIEW_ROLES), "handling_path")
    )
    q |= (~sealed & subtree_q(paths(RECEIVING_VIEW_ROLES), "receiving_org__path")) | (
        sealed & subtree_q(paths({Role.RECEPTIONIST}), "receiving_org__path")
    )
    exclude = Q(concerned_person__user_id=user.pk)
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    if person is not None:
        from langnghe.orgs.models import Organisation, Position, active_q

        headed = Position.objects.filter(
            active_q(), person=person, role__in=[Position.Role.HEAD, Position.Role.DEPUTY]
        ).values_list("organisation_id", flat=True)
        exclude |= Q(concerned_org__in=Organisation.objects.filter(pk__in=headed))
    return q & ~exclude
