"""The periodic deadline sweep: reminders before a deadline, escalation to the superior when
overdue (TC-13), and the 45-day hard alarm (TCD-15). Idempotent: each step is recorded on the item
so a repeated sweep sends nothing twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from langnghe.core.audit import audit_event_record
from langnghe.intake.models import Item
from langnghe.orgs.models import Role

from .models import ItemEvent
from .policy import get_policy
from .routing import next_level_up
from .services import _notify_staff, _on_commit, record_event


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0
    alarmed: int = 0


def deadlines_sweep(*, today: dt.date | None = None) -> SweepResult:
    today = today or timezone.localdate()
    policy = get_policy()
    result = SweepResult()
    remind = policy.reminder_before_deadline
    horizon = policy.calendar.add(today, int(remind.get("value") or 0), remind.get("unit") or "wd")

    open_items = Item.objects.filter(is_open=True, handling_org__isnull=False)
    for item_id in (
        open_items.filter(due_on__gte=today, due_on__lte=horizon)
        .exclude(reminded_for__isnull=False, reminded_for=models_F("due_on"))
        .values_list("pk", flat=True)
        .iterator()
    ):
        with transaction.atomic():
            item = Item.objects.select_for_update(of=("self",)).get(pk=item_id)
            if item.due_on is None or item.reminded_for == item.due_on:
                continue
            item.reminded_for = item.due_on
            item.save(update_fields=["reminded_for"])
            record_event(item, ItemEvent.Type.REMINDER, data={"due": item.due_on.isoformat()})
            _on_commit(
                _notify_staff,
                item.pk,
                "reminder",
                item.handling_org_id,
                [Role.HANDLER, Role.UNIT_HEAD],
            )
            result.reminded += 1

    # Escalation, once per running limit and due date: a later limit of the same item (the
    # resolution after a missed acceptance, or after a reopen) is escalated in its turn.
    for item_id in open_items.filter(due_on__lt=today).values_list("pk", flat=True).iterator():
        with transaction.atomic():
            item = (
                Item.objects.select_for_update(of=("self",))
                .select_related("handling_org")
                .get(pk=item_id)
            )
            overdue = [
                (code, entry)
                for code, entry in item.deadlines.items()
                if entry.get("due")
                and entry["due"] < today.isoformat()
                and entry.get("escalated_for") != entry["due"]
            ]
            if not overdue or item.paused_on is not None:
                continue
            superior = next_level_up(item.handling_org, today)  # type: ignore[arg-type]
            for code, entry in overdue:
                entry["escalated_for"] = entry["due"]
                record_event(
                    item,
                    ItemEvent.Type.ESCALATED,
                    public=True,
                    data={
                        "superior": superior.pk,
                        "superior_name": superior.name,
                        "deadline": code,
                        "due": entry["due"],
                        "cite": entry.get("cite", ""),
                    },
                )
            item.escalated_at = timezone.now()
            item.save(update_fields=["deadlines", "escalated_at"])
            audit_event_record(
                action="item.escalated",
                obj=item,
                actor_label="system",
                data={"superior": superior.pk, "deadlines": [c for c, _ in overdue]},
            )
            _on_commit(
                _notify_staff, item.pk, "overdue", superior.pk, [Role.LEADER, Role.UNIT_HEAD]
            )
            result.escalated += 1

    # TCD-15: the hard alarm is for items not processed at all (still in the states the data
    # lists) 45 days after receipt; a suspended item's clock is stopped.
    alarm = policy.hard_alarm
    if alarm.get("value"):
        cutoff = today - dt.timedelta(days=int(alarm["value"]))
        start_of_cutoff = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
        candidates = open_items.filter(
            received_at__lt=start_of_cutoff, hard_alarm_at__isnull=True, paused_on__isnull=True
        )
        if alarm.get("states"):
            candidates = candidates.filter(status__in=alarm["states"])
        for item_id in candidates.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                item = (
                    Item.objects.select_for_update(of=("self",))
                    .select_related("handling_org")
                    .get(pk=item_id)
                )
                if item.hard_alarm_at is not None:
                    continue
                item.hard_alarm_at = timezone.now()
                item.save(update_fields=["hard_alarm_at"])
                record_event(item, ItemEvent.Type.ALARM, data={"cite": alarm.get("cite", "")})
                audit_event_record(action="item.hard_alarm", obj=item, actor_label="system")
                superior = next_level_up(item.handling_org, today)  # type: ignore[arg-type]
                for org_id in {item.handling_org_id, superior.pk}:
                    _on_commit(
                        _notify_staff, item.pk, "alarm", org_id, [Role.LEADER, Role.UNIT_HEAD]
                    )
                result.alarmed += 1
    return result


def models_F(name: str):
    from django.db.models import F

    return F(name)
