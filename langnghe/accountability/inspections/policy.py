"""The inspection rule book (policies/inspections.yaml): kinds (KT-5), phases and states (KT-6),
the allowed transitions, severity levels and time limits (TC-17; the rest unverified, null)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

from langnghe.core.ruledata import Rule, RuleBook, get_rulebook


def rulebook() -> RuleBook:
    return get_rulebook("inspections", str(Path(__file__).parent))


def rule(key: str, on: dt.date | None = None) -> Rule:
    return rulebook().rule(key, on)


def label(entry: dict[str, Any]) -> str:
    """A rule-book entry's label in the active language (label_en in English, else label_vi)."""
    vi = str(entry.get("label_vi") or entry.get("code", ""))
    if (get_language() or "vi").startswith("en"):
        return str(entry.get("label_en") or vi)
    return vi


def kinds() -> list[dict[str, Any]]:
    return list(rulebook().setting("kinds", []))


def kind_choices() -> list[tuple[str, str]]:
    return [(k["code"], label(k)) for k in kinds()]


def kind_label(code: str) -> str:
    return dict(kind_choices()).get(code, code)


def is_supervision(code: str) -> bool:
    return any(k["code"] == code and k.get("group") == "supervision" for k in kinds())


@dataclass(frozen=True)
class Phase:
    code: str
    label: str
    states: tuple[tuple[str, str], ...]


def phases() -> list[Phase]:
    return [
        Phase(
            code=p["code"],
            label=label(p),
            states=tuple((s["code"], label(s)) for s in p["states"]),
        )
        for p in rulebook().setting("phases", [])
    ]


def states() -> list[str]:
    return [code for phase in phases() for code, _name in phase.states]


def state_choices() -> list[tuple[str, str]]:
    return [s for phase in phases() for s in phase.states]


def state_label(code: str) -> str:
    return dict(state_choices()).get(code, code)


def phase_of(state: str) -> Phase | None:
    for phase in phases():
        if any(code == state for code, _name in phase.states):
            return phase
    return None


def transitions() -> list[dict[str, Any]]:
    return list(rulebook().setting("transitions", []))


def next_states(state: str, *, include_special: bool = False) -> list[str]:
    """States reachable from `state` by a plain transition (special ones have their own form)."""
    return [
        t["to"]
        for t in transitions()
        if t["from"] == state and (include_special or not t.get("by"))
    ]


def severities() -> list[dict[str, Any]]:
    return list(rulebook().setting("severities", []))


def severity_choices() -> list[tuple[str, str]]:
    return [(s["code"], label(s)) for s in severities()]


def severity_label(code: str) -> str:
    return dict(severity_choices()).get(code, code)


def serious_severities() -> set[str]:
    return {s["code"] for s in severities() if s.get("serious")}


def notice_recipient_choices() -> list[tuple[str, str]]:
    return [(r["code"], label(r)) for r in rulebook().setting("notice_recipients", [])]


def publication_categories() -> list[str]:
    return list(rulebook().setting("publication_categories", []))


def publish_due(concluded_on: dt.date) -> dt.date | None:
    """TC-17: the last day to publish a conclusion (working days from its date)."""
    return rule("publish_within", concluded_on).after(concluded_on)
