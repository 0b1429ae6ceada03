"""Writes to the organisation tree. Each in one transaction, each with its audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError, PermissionDenied

from .access import heads_of
from .models import Organisation, Position, Succession, active_q


class OrgsError(ApplicationError):
    SUCCESSION_APPLIED = "orgs.succession_already_applied"
    SUCCESSION_NOT_EFFECTIVE = "orgs.succession_not_yet_effective"
    SUCCESSION_INVALID = "orgs.succession_invalid"


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
