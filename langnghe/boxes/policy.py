"""The suggestion-box rule book (policies/boxes.yaml). Every value is a local setting: the rules of
boxes could not be verified (RULES.md P99-3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from langnghe.core.ruledata import Rule, RuleBook, get_rulebook


def rulebook() -> RuleBook:
    return get_rulebook("boxes", str(Path(__file__).parent))


@dataclass(frozen=True)
class LocalSetting:
    """One number of the rule book as screens show it."""

    rule: Rule
    value: int | None

    @property
    def configurable(self) -> bool:
        return self.rule.configurable


def min_witnesses(on: dt.date | None = None) -> LocalSetting:
    """P99-3 (unverified): without a configured value at least one witness, since an opening
    "with witnesses" needs one; that floor is not a legal number."""
    rule = rulebook().rule("min_witnesses", on)
    value = int(rule.value) if rule.value is not None else None
    return LocalSetting(rule=rule, value=max(1, value) if value is not None else None)


def required_witnesses(on: dt.date | None = None) -> int:
    setting = min_witnesses(on)
    return setting.value if setting.value is not None else 1


def opening_interval(on: dt.date | None = None) -> LocalSetting:
    """P99-3 (unverified): days between two openings; None when the deployment set none."""
    rule = rulebook().rule("opening_interval", on)
    return LocalSetting(rule=rule, value=int(rule.value) if rule.value is not None else None)


def front_witness_required() -> bool:
    return bool(rulebook().setting("front_witness_required", False))


def max_letters() -> int:
    return int(rulebook().setting("max_letters_per_opening", 500))
