"""The opinion rule book (policies/opinion.yaml): score weights and candidate thresholds.

All values are local configuration (KD-10: the triggers of review suggestions are not verified),
so every screen that shows them says "chưa xác minh — cấu hình tại địa phương".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from langnghe.core.ruledata import Rule, RuleBook, get_rulebook

FINDINGS = ("true", "partly_true", "unverified", "false")
WEIGHT_KEYS = (
    "weight_true",
    "weight_partly_true",
    "weight_unverified",
    "weight_false",
    "weight_overdue",
    "weight_late",
    "weight_reopened",
)
THRESHOLD_KEYS = ("threshold_score", "threshold_substantiated", "threshold_reporters")


def book() -> RuleBook:
    return get_rulebook("opinion", str(Path(__file__).parent))


def _num(rule: Rule) -> float:
    return float(rule.value) if rule.value is not None else 0.0


@dataclass(frozen=True)
class Config:
    """The weights and thresholds in force on a day, with the rules they come from."""

    rule_set: str
    version: str
    rules: dict[str, Rule]

    def value(self, key: str) -> float:
        return _num(self.rules[key])

    def configured(self, key: str) -> bool:
        return self.rules[key].value is not None

    @property
    def weights(self) -> dict[str, float]:
        return {k.removeprefix("weight_"): self.value(k) for k in WEIGHT_KEYS}

    @property
    def thresholds(self) -> dict[str, float | None]:
        return {
            k.removeprefix("threshold_"): (self.value(k) if self.configured(k) else None)
            for k in THRESHOLD_KEYS
        }

    @property
    def configurable(self) -> bool:
        """True when any value is unconfirmed by a source (always, with the shipped book)."""
        return any(r.configurable for r in self.rules.values())


def config_on(day: dt.date) -> Config:
    b = book()
    rules = {k: b.rule(k, day) for k in WEIGHT_KEYS + THRESHOLD_KEYS}
    rule_set = next((r.rule_set for r in rules.values() if r.rule_set), "") or ""
    return Config(rule_set=rule_set, version=b.version, rules=rules)


def default_period_months() -> int:
    return int(book().setting("default_period_months", 12))


def max_period_days() -> int:
    return int(book().setting("max_period_days", 1830))


def candidates_page_limit() -> int:
    return int(book().setting("candidates_page_limit", 200))
