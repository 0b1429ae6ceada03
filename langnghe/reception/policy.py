"""The reception rule book (policies/reception.yaml) and the checks computed from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from langnghe.core.ruledata import Rule, RuleBook, get_rulebook
from langnghe.orgs.models import Organisation

from .models import Capacity


def book() -> RuleBook:
    return get_rulebook("reception", str(Path(__file__).parent))


def publish_due(session_date: dt.date) -> dt.date | None:
    """TCD-8: the latest day the schedule of a session on ``session_date`` may be published."""
    return book().rule("publish_before", session_date).before(session_date)


def online_allowed_on(day: dt.date) -> bool:
    """TCD-2: online reception exists only under the rule sets that introduced it."""
    allowed = set(book().setting("online_rule_sets", []))
    return any(r.id in allowed for r in book().rule_set_on(day))


def online_test_due(session_date: dt.date) -> dt.date | None:
    """TCD-14: the connection is tested at least 1 working day before the session."""
    return book().rule("online_test_connection_before", session_date).before(session_date)


def online_connect_by(session_date: dt.date, start: dt.time) -> dt.time | None:
    """TCD-14: every site is connected at least this long before the start."""
    rule = book().rule("online_connect_before", session_date)
    if rule.value is None:
        return None  # no value in the rule book: nothing to show, never a guess
    hours = int(rule.value)
    moment = dt.datetime.combine(session_date, start) - dt.timedelta(hours=hours)
    return moment.time()


def tcd_rule_set_on(day: dt.date) -> str:
    """The id of the reception rule set in force on ``day`` (the rule book's dates, never code)."""
    sets = sorted(
        (r for r in book().rule_sets.values() if r.id.startswith("tcd_")),
        key=lambda r: r.valid_from,
    )
    if not sets:
        raise ImproperlyConfigured("reception rule book: no tcd_* rule set")
    for rule_set in sets:
        if rule_set.in_force(day):
            return rule_set.id
    # Before the first rule set (an old register being imported) or in a gap: the nearest one.
    return sets[0].id if day < sets[0].valid_from else sets[-1].id


def refusal_grounds_on(day: dt.date) -> list[str]:
    """TCD-7 / TCD-7b: the refusal grounds of the rule set in force on ``day``."""
    grounds: dict[str, list[str]] = book().setting("refusal_grounds", {})
    return list(grounds.get(tcd_rule_set_on(day), []))


def refusal_notice_due(ground: str, day: dt.date) -> dt.date | None:
    """TCD-7c: the day by which the written notice (Mẫu 01/TCD) is due, or None if the ground
    needs no written notice."""
    if ground not in set(book().setting("refusal_written_notice_grounds", [])):
        return None
    rule = book().rule("refusal_notice_within", day)
    if tcd_rule_set_on(day) not in {rule.rule_set, None}:
        return None  # the written notice comes with NĐ 154/2026
    return rule.after(day)


def count_for_both_quotas() -> Rule:
    return book().rule("count_session_for_both_quotas")


@dataclass(frozen=True)
class Obligation:
    """What a head owes in one capacity: the rule in force for a month."""

    capacity: str
    level: str
    rule: Rule


def quota_key(capacity: str, org: Organisation) -> str | None:
    if capacity == Capacity.AGENCY_HEAD:
        return "quota_agency_head_any"
    level = "province" if org.level == Organisation.Level.PROVINCE else "commune"
    if capacity in {Capacity.PARTY_HEAD, Capacity.CHAIR}:
        return f"quota_{capacity}_{level}"
    return None


def capacity_of(org: Organisation) -> str | None:
    """The capacity in which the head of ``org`` owes periodic reception, if any."""
    if org.kind == Organisation.Kind.PARTY_COMMITTEE and org.level in {
        Organisation.Level.PROVINCE,
        Organisation.Level.COMMUNE,
    }:
        return Capacity.PARTY_HEAD  # Q11-1: provincial and commune committees only
    if org.kind == Organisation.Kind.PEOPLES_COMMITTEE and org.level in {
        Organisation.Level.PROVINCE,
        Organisation.Level.COMMUNE,
    }:
        return Capacity.CHAIR
    if org.kind == Organisation.Kind.AGENCY and org.accepts_items:
        return Capacity.AGENCY_HEAD  # TCD-6: agencies that receive citizens
    return None


def obligation(capacity: str, org: Organisation, month: dt.date) -> Obligation | None:
    """The rule in force in the month of ``month``, judged on its first day (the rule sets
    change on the first of a month: 01/7/2026)."""
    key = quota_key(capacity, org)
    if key is None:
        return None
    first = month.replace(day=1)
    rule = book().rule(key, first)
    level = "province" if org.level == Organisation.Level.PROVINCE else "commune"
    return Obligation(capacity=capacity, level=level, rule=rule)


def weeks_in_month(month: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The weeks (Monday–Sunday) whose Monday falls in the month: a per-week quota is checked on
    each of them."""
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    day = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    weeks = []
    while day < nxt:
        weeks.append((day, day + dt.timedelta(days=6)))
        day += dt.timedelta(days=7)
    return weeks


def required_days(rule: Rule, month: dt.date) -> int | None:
    if rule.value is None:
        return None
    if rule.unit == "per_week":
        return int(rule.value) * len(weeks_in_month(month))
    return int(rule.value)


def meets(rule: Rule, month: dt.date, held_days: list[dt.date]) -> bool | None:
    """Q11-3, Q11-4, TCD-3, TCD-4, TCD-4b, TCD-6: were enough days held in the month?
    None when the rule has no verified value."""
    if rule.value is None:
        return None
    days = set(held_days)
    if rule.unit == "per_week":
        return all(
            sum(1 for d in days if start <= d <= end) >= int(rule.value)
            for start, end in weeks_in_month(month)
        )
    first = month.replace(day=1)
    in_month = {d for d in days if (d.year, d.month) == (first.year, first.month)}
    return len(in_month) >= int(rule.value)
