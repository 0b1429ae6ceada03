"""The meetings rule book (policies/meetings.yaml) and the checks computed from it.

Every time limit, quota and threshold here comes from the rule book with its citation; a value
the sources could not confirm is None and the screens say "chưa xác minh — cấu hình tại địa
phương".
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from langnghe.core.ruledata import Rule, RuleBook, get_rulebook

from .models import AnnualPlan, Conference, ConferenceKind, ConferenceStatus


def rulebook() -> RuleBook:
    return get_rulebook("meetings", str(Path(__file__).parent))


def rule(key: str, on: dt.date | None = None) -> Rule:
    return rulebook().rule(key, on)


def _applies(r: Rule, kind: str) -> bool:
    kinds = r.extra.get("applies_to")
    return kinds is None or kind in kinds


def announce_latest(kind: str, starts_on: dt.date) -> dt.date | None:
    """DC-6: the last day to announce a commune dialogue held on ``starts_on`` (None: no rule)."""
    r = rule("announce_before", starts_on)
    return r.before(starts_on) if _applies(r, kind) else None


def results_latest(kind: str, held_on: dt.date) -> dt.date | None:
    """DC-6: the last day to publish the results of a commune dialogue held on ``held_on``."""
    r = rule("results_within", held_on)
    return r.after(held_on) if _applies(r, kind) else None


def staff_conference_latest(plan_year: int) -> dt.date | None:
    """DC-7: the staff conference of year Y reviews work year Y-1 and is held no later than N
    months into year Y (the last day of the N-th month)."""
    r = rule("staff_conference_within_months", dt.date(plan_year, 1, 1))
    if r.value is None:
        return None
    months = int(r.value)
    year, month = plan_year + months // 12, months % 12 + 1
    return dt.date(year, month, 1) - dt.timedelta(days=1)


def quorum_met(attendees: int | None, called: int | None) -> bool | None:
    """DC-7: at least the rule's fraction (two thirds) of those called attend."""
    r = rule("staff_conference_quorum")
    if r.value is None or not attendees or not called:
        return None
    if "denominator" not in r.extra:
        raise ImproperlyConfigured("meetings rule staff_conference_quorum needs its denominator")
    share = Fraction(int(r.value), int(r.extra["denominator"]))
    return Fraction(attendees, called) >= share


def resolution_passes(votes_for: int, present: int) -> bool | None:
    """DC-7: a staff conference's resolution needs strictly more than half of those present."""
    r = rule("staff_conference_resolution_majority")
    if r.value is None or present <= 0:
        return None
    return Fraction(votes_for, present) * 100 > Fraction(str(r.value))


def voter_threshold(voters: int | None, on: dt.date | None = None) -> int | None:
    """DC-6: how many distinct voters make the request binding (None: no roll or no rule)."""
    r = rule("voter_request_threshold", on)
    if voters is None or r.value is None:
        return None
    return max(1, math.ceil(voters * Fraction(str(r.value)) / 100))


def plan_flags(plan: AnnualPlan, conferences: list[Conference], today: dt.date) -> list[str]:
    """Codes of what the plan lacks; the screens turn them into sentences with the citation."""
    flags = []
    if plan.needs_commune_dialogue:
        dialogues = [c for c in conferences if c.kind == ConferenceKind.COMMUNE_DIALOGUE]
        per_year = rule("commune_dialogue_per_year", dt.date(plan.year, 1, 1)).value
        if per_year is not None and len(dialogues) < int(per_year):
            flags.append("no_commune_dialogue")  # DC-5, DC-6
        elif (
            per_year is not None
            and today > dt.date(plan.year, 12, 31)
            and sum(1 for c in dialogues if c.held_on is not None) < int(per_year)
        ):
            flags.append("commune_dialogue_not_held")  # DC-5, DC-6
    return flags


def staff_conference_late(conference: Conference, today: dt.date) -> bool:
    """DC-7: held (or, if not yet held, still not held) after the latest allowed day."""
    if conference.kind != ConferenceKind.STAFF_CONFERENCE:
        return False
    latest = staff_conference_latest(conference.plan.year)
    if latest is None:
        return False
    if conference.held_on is not None:
        return conference.held_on > latest
    return conference.starts_on > latest or (
        today > latest and conference.status == ConferenceStatus.PLANNED
    )


def results_overdue(conference: Conference, today: dt.date) -> bool:
    """DC-6: held, results not yet published, and the deadline has passed."""
    return (
        conference.results_latest is not None
        and conference.results_published_on is None
        and today > conference.results_latest
    )
