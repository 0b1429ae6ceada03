"""Writes to the organisation tree. Each in one transaction, each with its audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import rules
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError, PermissionDenied

from .access import heads_of
from .models import Organisation, Position, Role, RoleGrant, Succession, active_q


class OrgsError(ApplicationError):
    SUCCESSION_APPLIED = "orgs.succession_already_applied"
    SUCCESSION_NOT_EFFECTIVE = "orgs.succession_not_yet_effective"
    SUCCESSION_INVALID = "orgs.succession_invalid"
    GRANT_EXISTS = "orgs.grant_exists"
    GRANT_INVALID = "orgs.grant_invalid"


@dataclass
class SuccessionResult:
    succession: Succession
    moved: list[Any] = field(default_factory=list)  # items now handled by the successor
    left: list[Any] = field(default_factory=list)  # split/transfer: items to route by hand


# The predecessor ends with these; a transfer of part leaves it in place (RULES.md §9).
_ENDING_KINDS = {
    Succession.Kind.MERGE,
    Succession.Kind.SPLIT,
    Succession.Kind.RENAME,
    Succession.Kind.DISSOLVE,
}
# A split or partial transfer hands over only the items that belong to the successor's part.
_PARTIAL_KINDS = {Succession.Kind.SPLIT, Succession.Kind.TRANSFER_PART}


def _belongs_to(item: Any, successor: Organisation, day: dt.date) -> bool:
    """For a split: the item's place lies in the successor's area, or the person it concerns now
    works there (TC-14: "the successor agency where the person now works")."""
    if successor.admin_unit_id is not None and item.admin_unit_id == successor.admin_unit_id:
        return True
    if item.concerned_person_id is not None:
        return Position.objects.filter(
            active_q(day),
            person_id=item.concerned_person_id,
            organisation__path__startswith=successor.path,
        ).exists()
    return False


def _target_for(item: Any, successor: Organisation, day: dt.date) -> Organisation:
    """The successor, unless the item concerns it or its head/deputy: then the level above
    (DESIGN.md §4, TC-14 — never to the person the item concerns)."""
    from langnghe.handling.routing import next_level_up

    conflict = (item.concerned_org_id is not None and item.concerned_org_id == successor.pk) or (
        item.concerned_person_id is not None
        and item.concerned_person_id in heads_of(successor, day)
    )
    return next_level_up(successor, day) if conflict else successor


@transaction.atomic
def succession_apply(*, succession: Succession, actor: Any) -> SuccessionResult:
    """Carry out a merger, split, rename or dissolution on the tree and on the open items.

    The predecessor ends the day before the effective date; its open items go to the successor
    with their `received_at` and every running time limit untouched (RS-9, TC-14: the successor
    answers for the old unit's cases, the law's clock does not restart). Applying twice is refused.
    """
    from langnghe.handling.models import ItemEvent
    from langnghe.handling.services import index_item, record_event
    from langnghe.intake.models import Item

    succession = (
        Succession.objects.select_for_update(of=("self",))
        .select_related("predecessor__parent", "successor")
        .get(pk=succession.pk)
    )
    if not rules.has_perm("orgs.apply_succession", actor, succession):
        raise PermissionDenied()
    if succession.applied_at is not None:
        raise OrgsError(
            OrgsError.SUCCESSION_APPLIED,
            _("Việc kế thừa này đã được áp dụng ngày %(day)s.")
            % {"day": timezone.localtime(succession.applied_at).strftime("%d/%m/%Y")},
        )
    today = timezone.localdate()
    if succession.effective_date > today:
        raise OrgsError(
            OrgsError.SUCCESSION_NOT_EFFECTIVE, _("Chưa đến ngày hiệu lực của việc kế thừa.")
        )
    predecessor, successor = succession.predecessor, succession.successor
    if predecessor.pk == successor.pk or not successor.is_active_on(succession.effective_date):
        raise OrgsError(
            OrgsError.SUCCESSION_INVALID,
            _("Đơn vị kế thừa phải khác đơn vị cũ và có hiệu lực từ ngày kế thừa."),
        )

    last_day = succession.effective_date - dt.timedelta(days=1)
    if succession.kind in _ENDING_KINDS:
        if predecessor.valid_to is None or predecessor.valid_to > last_day:
            predecessor.valid_to = last_day
        predecessor.accepts_items = False
        predecessor.save(update_fields=["valid_to", "accepts_items"])

    result = SuccessionResult(succession=succession)
    items = (
        Item.objects.select_for_update(of=("self",))
        .filter(handling_org=predecessor, is_open=True)
        .select_related("receiving_org")
        .order_by("pk")
    )
    for item in items:
        if succession.kind in _PARTIAL_KINDS and not _belongs_to(item, successor, today):
            result.left.append(item)
            continue
        target = _target_for(item, successor, today)
        previous_handler = item.handler_id
        # Only who handles it changes: received_at, status and `deadlines` stay as they were.
        item.handling_org = target
        item.handling_path = target.path
        item.handler = None
        item.save(update_fields=["handling_org", "handling_path", "handler"])
        record_event(
            item,
            ItemEvent.Type.SUCCESSION,
            actor=actor,
            public=True,
            body=succession.legal_basis,
            data={
                "succession": succession.pk,
                "kind": succession.kind,
                "from": predecessor.pk,
                "from_name": predecessor.name,
                "to": target.pk,
                "to_name": target.name,
                "effective_date": succession.effective_date.isoformat(),
                "previous_handler": previous_handler,
            },
        )
        audit_event_record(
            action="item.succession",
            obj=item,
            actor=actor,
            data={"succession": succession.pk, "from": predecessor.pk, "to": target.pk},
        )
        index_item(item)
        result.moved.append(item)

    succession.applied_at = timezone.now()
    succession.save(update_fields=["applied_at"])
    audit_event_record(
        action="succession.applied",
        obj=succession,
        actor=actor,
        data={
            "kind": succession.kind,
            "predecessor": predecessor.pk,
            "successor": successor.pk,
            "moved": [i.pk for i in result.moved],
            "left": [i.pk for i in result.left],
        },
    )
    return result


# -- role grants (review M10) --------------------------------------------------------------------


def _grant_data(grant: RoleGrant) -> dict[str, Any]:
    """Who got what where, kept in the audit row itself (the grant may be gone later)."""
    return {
        "user": grant.user_id,
        "username": grant.user.get_username(),
        "role": grant.role,
        "organisation": grant.organisation_id,
        "organisation_name": grant.organisation.name,
        "organisation_path": grant.organisation.path,
    }


def _forget_cached_grants(user: Any) -> None:
    """``grants_for`` caches a user's grants on the object; a grant change invalidates it."""
    user.__dict__.pop("_langnghe_grants", None)


def role_grant_check(*, user: Any, organisation: Organisation, role: str, actor: Any) -> None:
    """Raise unless ``actor`` may give ``user`` ``role`` on ``organisation`` (see role_grant_add).
    Forms call it for an early, friendly error; role_grant_add calls it again inside its
    transaction."""
    if role not in Role.values:
        raise OrgsError(OrgsError.GRANT_INVALID, _("Vai trò không hợp lệ."))
    if getattr(actor, "pk", None) is not None and user.pk == actor.pk:
        raise PermissionDenied(
            _("Không ai tự cấp quyền cho mình: nhờ một quản trị hoặc lãnh đạo khác cấp quyền.")
        )
    if not rules.has_perm(
        "orgs.grant_role", actor, RoleGrant(user=user, organisation=organisation, role=role)
    ):
        raise PermissionDenied(
            _(
                "Chỉ quản trị hoặc lãnh đạo của “%(org)s” (hoặc của tổ chức cấp trên) mới cấp "
                "quyền tại đơn vị này."
            )
            % {"org": organisation.name}
        )
    if RoleGrant.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise OrgsError(OrgsError.GRANT_EXISTS, _("Người dùng đã có quyền này tại đơn vị này."))


@transaction.atomic
def role_grant_add(*, user: Any, organisation: Organisation, role: str, actor: Any) -> RoleGrant:
    """Give ``user`` ``role`` on ``organisation`` (and so its subtree).

    A role is the way into sealed content, so: the actor must be an administrator or leader over
    the organisation (``orgs.grant_role``; being a Django superuser is not enough), nobody grants
    themselves anything, and the change is audited in the same transaction.
    """
    role_grant_check(user=user, organisation=organisation, role=role, actor=actor)
    try:
        with transaction.atomic():  # two concurrent grants of the same role: one wins
            grant = RoleGrant.objects.create(user=user, organisation=organisation, role=role)
    except IntegrityError:
        raise OrgsError(OrgsError.GRANT_EXISTS, _("Người dùng đã có quyền này tại đơn vị này."))
    audit_event_record(action="role_grant.added", obj=grant, actor=actor, data=_grant_data(grant))
    _forget_cached_grants(user)
    return grant


@transaction.atomic
def role_grant_remove(*, grant: RoleGrant, actor: Any) -> None:
    """Take a role away: the actor must be an administrator or leader over its organisation
    (``orgs.revoke_role``); the removal is audited in the same transaction."""
    grant = (
        RoleGrant.objects.select_for_update(of=("self",))
        .select_related("user", "organisation")
        .get(pk=grant.pk)
    )
    if not rules.has_perm("orgs.revoke_role", actor, grant):
        raise PermissionDenied(
            _(
                "Chỉ quản trị hoặc lãnh đạo của “%(org)s” (hoặc của tổ chức cấp trên) mới thu hồi "
                "quyền tại đơn vị này."
            )
            % {"org": grant.organisation.name}
        )
    audit_event_record(action="role_grant.removed", obj=grant, actor=actor, data=_grant_data(grant))
    grant.delete()
    _forget_cached_grants(grant.user)
