"""Versioned rule books: time limits, quotas and thresholds as data, each with its citation.

The handling workflows have their own richer format (``langnghe.handling.policy``). The other
capabilities (disclosures, meetings, citizen reception...) keep their checkable rules in a small
YAML file of this shape, beside their code in ``policies/<name>.yaml``::

    version: "2026-11-26"
    rule_sets:                      # optional; when a value changed on a date
      - {id: tcd_2013, valid_from: 2014-07-01, valid_to: 2026-06-30, title: "..."}
    rules:
      publish_within:               # one rule, one or more variants
        - {value: 5, unit: wd, cite: DC-2, verified: V1}
      commune_chair_quota:
        - {rule_set: tcd_2013, value: 1, unit: per_week, cite: TCD-4, verified: V1}
        - {rule_set: tcd_2026, value: 2, unit: per_month, cite: TCD-4b, verified: V2}
    settings:                       # anything else (lists, thresholds); read with .setting()
      ...

A deployment overrides any rule by a file of the same name in ``$LANGNGHE_DATA_DIR/policies/``:
its rules replace the rules with the same key, its rule sets those with the same id.

``value: null`` or ``verified: U`` marks a value the sources could not confirm: the rule is
"configurable" and screens say so (never invent a value).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from langnghe.core.calendar import get_calendar

UNITS = {"wd", "d", "hour", "per_week", "per_month", "per_year", "percent", "count", "points"}


@dataclass(frozen=True)
class RuleSet:
    id: str
    valid_from: dt.date
    valid_to: dt.date | None
    title: str
    note: str = ""

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Rule:
    """One variant of a rule: a value with its unit, citation and verification tag."""

    key: str
    value: int | float | None
    unit: str
    cite: tuple[str, ...]
    verified: str = ""
    note: str = ""
    rule_set: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def configurable(self) -> bool:
        """True when no source confirmed the value: shown on screen as a local setting."""
        return self.value is None or self.verified == "U"

    @property
    def cite_text(self) -> str:
        return ", ".join(self.cite)

    def after(self, start: dt.date) -> dt.date | None:
        """The last day of a time limit of this rule that starts on ``start``."""
        if self.value is None:
            return None
        return _shift(start, int(self.value), self.unit)

    def before(self, event: dt.date) -> dt.date | None:
        """The latest day an act may take place to be this rule's time ahead of ``event``."""
        if self.value is None:
            return None
        return _shift(event, -int(self.value), self.unit)


def _shift(day: dt.date, n: int, unit: str) -> dt.date:
    if unit == "wd":
        return get_calendar().add_working_days(day, n)
    if unit == "d":
        return day + dt.timedelta(days=n)
    raise ImproperlyConfigured(f"rule unit {unit!r} is not a time limit in days")


@dataclass(frozen=True)
class RuleBook:
    name: str
    version: str
    rule_sets: dict[str, RuleSet]
    rules: dict[str, tuple[Rule, ...]]
    settings: dict[str, Any]

    def rule(self, key: str, on: dt.date | None = None) -> Rule:
        """The variant of ``key`` in force on ``on`` (today by default)."""
        variants = self.rules.get(key)
        if not variants:
            raise KeyError(f"{self.name}: no rule {key!r}")
        day = on or timezone.localdate()
        plain = [v for v in variants if v.rule_set is None]
        dated = [v for v in variants if v.rule_set and self.rule_sets[v.rule_set].in_force(day)]
        if dated:
            return dated[0]
        if plain:
            return plain[0]
        # Before the first or after the last rule set: the nearest one.
        ordered = sorted(variants, key=lambda v: self.rule_sets[v.rule_set or ""].valid_from)
        return (
            ordered[0]
            if day < self.rule_sets[ordered[0].rule_set or ""].valid_from
            else ordered[-1]
        )

    def setting(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)

    def rule_set_on(self, day: dt.date) -> list[RuleSet]:
        return [r for r in self.rule_sets.values() if r.in_force(day)]


def _parse_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),)


def _build(name: str, raw: dict[str, Any]) -> RuleBook:
    rule_sets = {
        r["id"]: RuleSet(
            id=r["id"],
            valid_from=_parse_date(r["valid_from"]),  # type: ignore[arg-type]
            valid_to=_parse_date(r.get("valid_to")),
            title=r.get("title", r["id"]),
            note=r.get("note", ""),
        )
        for r in raw.get("rule_sets") or []
    }
    rules: dict[str, tuple[Rule, ...]] = {}
    known = {"value", "unit", "cite", "verified", "note", "rule_set"}
    for key, variants in (raw.get("rules") or {}).items():
        if isinstance(variants, dict):
            variants = [variants]
        built = []
        for v in variants:
            unit = v.get("unit", "")
            if unit not in UNITS:
                raise ImproperlyConfigured(f"{name}: rule {key}: unknown unit {unit!r}")
            rule_set = v.get("rule_set")
            if rule_set is not None and rule_set not in rule_sets:
                raise ImproperlyConfigured(f"{name}: rule {key}: unknown rule set {rule_set!r}")
            if not v.get("cite"):
                raise ImproperlyConfigured(f"{name}: rule {key} has no citation")
            built.append(
                Rule(
                    key=key,
                    value=v.get("value"),
                    unit=unit,
                    cite=_as_tuple(v.get("cite")),
                    verified=str(v.get("verified", "")),
                    note=v.get("note", ""),
                    rule_set=rule_set,
                    extra={k: val for k, val in v.items() if k not in known},
                )
            )
        rules[key] = tuple(built)
    return RuleBook(
        name=name,
        version=str(raw.get("version", "")),
        rule_sets=rule_sets,
        rules=rules,
        settings=dict(raw.get("settings") or {}),
    )


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    sets = {r["id"]: r for r in base.get("rule_sets") or []}
    sets.update({r["id"]: r for r in override.get("rule_sets") or []})
    merged["rule_sets"] = list(sets.values())
    merged["rules"] = {**(base.get("rules") or {}), **(override.get("rules") or {})}
    merged["settings"] = {**(base.get("settings") or {}), **(override.get("settings") or {})}
    if "version" in override:
        merged["version"] = override["version"]
    return merged


def load_rulebook(name: str, paths: list[Path]) -> RuleBook:
    raw: dict[str, Any] = {}
    for path in paths:
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            raw = _merge(raw, data) if raw else data
    if not raw:
        raise ImproperlyConfigured(f"rule book {name!r} not found in {paths}")
    return _build(name, raw)


@functools.cache
def get_rulebook(name: str, package_dir: str) -> RuleBook:
    """The rule book ``policies/<name>.yaml`` of a package, with the deployment's override.

    Call as ``get_rulebook("reception", str(Path(__file__).parent))``.
    """
    own = Path(package_dir) / "policies" / f"{name}.yaml"
    override = Path(settings.DATA_DIR) / "policies" / f"{name}.yaml"
    return load_rulebook(name, [own, override])
