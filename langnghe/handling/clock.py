"""Keeps an item's running time limits in step with its state, from the workflow data.

Each running limit is stored by rule code in `Item.deadlines`; `stage_deadline`,
`resolution_deadline` and `due_on` are derived from it so that inboxes can sort on an index.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from langnghe.intake.models import Item

from .policy import DeadlineRule, Policy, Workflow


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _remote(item: Item) -> bool:
    org = item.handling_org or item.receiving_org
    return bool(org and org.remote_area)


def _party(item: Item) -> bool:
    org = item.handling_org or item.receiving_org
    return bool(org and org.is_party)


def start_rule(item: Item, rule: DeadlineRule, start: dt.date, policy: Policy) -> None:
    due, variant = policy.due_date(
        rule, start, remote=_remote(item), complexity=item.complexity, party_org=_party(item)
    )
    item.deadlines[rule.code] = {
        "start": start.isoformat(),
        "due": _iso(due),
        "cite": variant.cite if variant else "",
        "unit": variant.unit if variant else "",
        "verified": variant.verified if variant else "U",
        "resolution": rule.resolution,
        "extensions": 0,
    }


def enter_state(
    item: Item,
    workflow: Workflow,
    state: str,
    act_date: dt.date,
    policy: Policy,
    *,
    restart: bool = False,
) -> None:
    """Stop the limits that end in `state`, start those that begin there (dated by the act)."""
    for code in list(item.deadlines):
        rule = workflow.deadlines.get(code)
        if rule is None or state in rule.stops:
            item.deadlines.pop(code)
    for rule in workflow.deadlines_starting_at(state):
        if rule.code not in item.deadlines or restart:
            start_rule(item, rule, act_date, policy)
    refresh(item)


def pause(item: Item, act_date: dt.date) -> None:
    item.paused_on = act_date
    refresh(item)


def resume(
    item: Item, workflow: Workflow, act_date: dt.date, policy: Policy, *, restart: bool
) -> None:
    """TC-10: suspended time is not counted (continue); KN-13: the limit restarts (restart)."""
    paused_on = item.paused_on or act_date
    item.paused_on = None
    for code, entry in list(item.deadlines.items()):
        rule = workflow.deadlines.get(code)
        if rule is None or not entry.get("due"):
            continue
        if restart and rule.resolution:
            start_rule(item, rule, act_date, policy)
            continue
        due = _date(entry["due"])
        assert due is not None
        # The shift is kept so that a later recomputation (complexity) still honours it.
        if entry.get("unit") == "wd":
            shift = policy.calendar.working_days_between(paused_on, act_date)
            entry["due"] = _iso(policy.calendar.add_working_days(due, shift))
        else:
            shift = (act_date - paused_on).days
            entry["due"] = _iso(due + dt.timedelta(days=shift))
        entry["shift"] = entry.get("shift", 0) + shift
    refresh(item)


def extend(item: Item, workflow: Workflow, code: str, policy: Policy) -> dict[str, Any]:
    """Apply the extension the data allows for `code`, or raise ValueError with the reason."""
    rule = workflow.deadlines[code]
    entry = item.deadlines.get(code)
    if entry is None or not entry.get("due"):
        raise ValueError("no running time limit to extend")
    if rule.extendable:  # TC-2: initial processing 7 WD, extendable to 10 WD from the same start
        if entry.get("extensions"):
            raise ValueError("already extended")
        start = _date(entry["start"])
        assert start is not None
        entry["due"] = _iso(
            policy.calendar.add(start, rule.extendable["value"], rule.extendable["unit"])
        )
        entry["cite"] = rule.extendable.get("cite", entry["cite"])
    elif rule.extension_each and rule.max_extensions is not None:  # TC-7
        allowed = rule.max_extensions.get(item.complexity, 0)
        if entry.get("extensions", 0) >= allowed:
            raise ValueError("no extension left for this complexity")
        due = _date(entry["due"])
        assert due is not None
        entry["due"] = _iso(due + dt.timedelta(days=rule.extension_each))
    else:
        raise ValueError("this time limit has no legal extension")
    entry["extensions"] = entry.get("extensions", 0) + 1
    refresh(item)
    return entry


def recompute(item: Item, workflow: Workflow, code: str, policy: Policy) -> None:
    """Recompute a running limit from its start (after the complexity or the unit changed),
    keeping the suspended time (TC-10) and the extensions already granted (TC-2, TC-7)."""
    rule = workflow.deadlines[code]
    entry = item.deadlines[code]
    start = _date(entry["start"])
    assert start is not None
    extensions = entry.get("extensions", 0)
    shift = entry.get("shift", 0)
    start_rule(item, rule, start, policy)
    entry = item.deadlines[code]
    due = _date(entry.get("due"))
    if due is not None:
        if rule.extendable and extensions:
            due = policy.calendar.add(start, rule.extendable["value"], rule.extendable["unit"])
        elif rule.extension_each and extensions:
            due += dt.timedelta(days=rule.extension_each * extensions)
        if shift:
            due = (
                policy.calendar.add_working_days(due, shift)
                if entry.get("unit") == "wd"
                else due + dt.timedelta(days=shift)
            )
        entry["due"] = _iso(due)
    entry["extensions"], entry["shift"] = extensions, shift
    refresh(item)


def set_due(item: Item, code: str, new_due: dt.date) -> None:
    item.deadlines[code]["due"] = new_due.isoformat()
    item.deadlines[code]["extensions"] = item.deadlines[code].get("extensions", 0) + 1
    refresh(item)


def refresh(item: Item) -> None:
    stage: tuple[dt.date, str] | None = None
    resolution: tuple[dt.date, str] | None = None
    for entry in item.deadlines.values():
        due = _date(entry.get("due"))
        if due is None:
            continue
        if entry.get("resolution"):
            resolution = (due, entry["cite"])
        elif stage is None or due < stage[0]:
            stage = (due, entry["cite"])
    item.stage_deadline, item.stage_deadline_cite = stage if stage else (None, "")
    item.resolution_deadline, item.resolution_deadline_cite = (
        resolution if resolution else (None, "")
    )
    dues = [d for d in (item.stage_deadline, item.resolution_deadline) if d]
    item.due_on = None if (item.paused_on or not item.is_open or not dues) else min(dues)


DEADLINE_FIELDS = [
    "deadlines",
    "stage_deadline",
    "stage_deadline_cite",
    "resolution_deadline",
    "resolution_deadline_cite",
    "due_on",
    "paused_on",
]
