"""The supervision rule book (policies/supervision.yaml) and the time limits computed from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from langnghe.core.ruledata import Rule, RuleBook, get_rulebook


def book() -> RuleBook:
    return get_rulebook("supervision", str(Path(__file__).parent))


def rule(key: str, on: dt.date | None = None) -> Rule:
    return book().rule(key, on)


def decision_due(first_session_on: dt.date) -> dt.date | None:
    """MT-5: the last day the plan and decision may reach the supervised party."""
    return rule("decision_sent_before_first_session", first_session_on).before(first_session_on)


def report_due(first_session_on: dt.date) -> dt.date | None:
    """MT-5: the last day the supervised party's report may reach the team."""
    return rule("report_received_before_first_session", first_session_on).before(first_session_on)


def result_report_due(last_session_on: dt.date) -> dt.date | None:
    """MT-5: the last day of the team's result report."""
    return rule("result_report_after_last_session", last_session_on).after(last_session_on)


def response_due(sent_on: dt.date) -> dt.date | None:
    """MT-3 sets no time for the answer: None unless the deployment configures one."""
    return rule("recommendation_response_within", sent_on).after(sent_on)


def hearing_interval_months(on: dt.date | None = None) -> int | None:
    value = rule("hearing_interval_months", on).value
    return int(value) if value is not None else None


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def forms() -> list[str]:
    return list(book().setting("forms", []))


def grounds() -> list[str]:
    return list(book().setting("grounds", []))


@dataclass(frozen=True)
class Step:
    """One timed step of a supervision, for lists and the supervision page."""

    key: str
    label: str
    due: dt.date | None
    done: dt.date | None
    late: bool
    cite: str
    configurable: bool
