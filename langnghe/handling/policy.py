"""Loads the handling workflows (states, transitions, time limits) from versioned data files.

The law is data here: `policies/workflows.yaml` ships with the code; a deployment may override any
rule set, workflow or deadline by a file of the same shape in $LANGNGHE_DATA_DIR/policies/.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils.translation import get_language

from langnghe.core.calendar import WorkingCalendar, get_calendar

POLICY_DIR = Path(__file__).resolve().parent / "policies"
CLOCK_ACTIONS = {None, "pause", "resume_continue", "resume_restart"}
PREVIOUS = "previous"  # a transition target: back to the state before the suspension
PERMISSIONS = {"route", "work", "approve", "citizen", "front"}
REQUIREMENTS = {"message", "reason", "answer", "target_body", "finding"}
EFFECTS = {"send_answer", "publish", "escalate"}


class PolicyError(ValueError):
    """The policy data is inconsistent; raised at load time, never during a request."""


def _localised(vi: str, en: str) -> str:
    return en if (get_language() or "vi").startswith("en") and en else vi


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
class Variant:
    rule_sets: tuple[str, ...]
    unit: str
    cite: str
    verified: str
    value: int | None = None
    values: dict[str, int] | None = None
    applies_if: str | None = None

    def value_for(self, *, remote: bool, complexity: str) -> int | None:
        if self.values is None:
            return self.value
        complex_ = complexity in ("complex", "very_complex")
        key = {
            (False, False): "normal",
            (False, True): "complex",
            (True, False): "remote",
            (True, True): "remote_complex",
        }[(remote, complex_)]
        return self.values.get(key, self.values.get("normal"))


@dataclass(frozen=True)
class DeadlineRule:
    code: str
    starts: str
    stops: tuple[str, ...]
    variants: tuple[Variant, ...]
    resolution: bool = False
    extendable: dict[str, Any] | None = None
    extension_each: int | None = None
    max_extensions: dict[str, int] | None = None
    label_vi: str = ""
    label_en: str = ""
    user_extendable: bool = False

    @property
    def label(self) -> str:
        return _localised(self.label_vi or self.code, self.label_en)


@dataclass(frozen=True)
class State:
    code: str
    open: bool
    label_vi: str
    label_en: str
    means: str = ""
    answered: bool = False

    @property
    def label(self) -> str:
        return _localised(self.label_vi, self.label_en)


@dataclass(frozen=True)
class Transition:
    name: str
    from_states: tuple[str, ...]
    to: str
    permission: str
    label_vi: str
    label_en: str
    requires: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    clock: str | None = None
    cite: tuple[str, ...] = ()
    once: bool = False
    extends: str | None = None

    @property
    def label(self) -> str:
        return _localised(self.label_vi, self.label_en)


@dataclass(frozen=True)
class Workflow:
    code: str
    title_vi: str
    title_en: str
    kinds: tuple[str, ...]
    initial: str
    states: dict[str, State]
    transitions: tuple[Transition, ...]
    deadlines: dict[str, DeadlineRule]
    sealed: bool = False
    cite: tuple[str, ...] = ()
    limitation_period: dict[str, Any] | None = None
    appeal: dict[str, Any] | None = None

    @property
    def title(self) -> str:
        return _localised(self.title_vi, self.title_en)

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.from_states]

    def transition(self, name: str, state: str) -> Transition | None:
        for t in self.transitions:
            if t.name == name and state in t.from_states:
                return t
        return None

    @property
    def answered_states(self) -> list[str]:
        return [code for code, state in self.states.items() if state.answered]

    def deadlines_starting_at(self, state: str) -> list[DeadlineRule]:
        return [d for d in self.deadlines.values() if d.starts == state]


@dataclass(frozen=True)
class Policy:
    version: str
    rule_sets: dict[str, RuleSet]
    workflows: dict[str, Workflow]
    hard_alarm: dict[str, Any]
    reminder_before_deadline: dict[str, Any]
    calendar: WorkingCalendar = field(compare=False, repr=False)
    reopen: dict[str, Any] = field(default_factory=dict)
    complexity_min_criteria: dict[str, Any] = field(default_factory=dict)
    group_representatives: dict[str, Any] = field(default_factory=dict)

    def representatives_range(self, group_size: int) -> tuple[int, int] | None:
        """TCD-13: how many representatives a group of this size appoints, or None."""
        rule = self.group_representatives
        if not rule or group_size < int(rule["from_size"]):
            return None
        for band in rule["bands"]:
            if band["up_to"] is None or group_size <= int(band["up_to"]):
                return int(rule["min"]), int(band["max"])
        return None

    def sealed_kinds(self) -> set[str]:
        """Kinds whose workflow is sealed (TC-16): identity and files stay with reception."""
        return {k for wf in self.workflows.values() if wf.sealed for k in wf.kinds}

    def workflow(self, code: str) -> Workflow:
        return self.workflows[code]

    def workflow_for_kind(self, kind: str) -> Workflow:
        for wf in self.workflows.values():
            if kind in wf.kinds:
                return wf
        raise PolicyError(f"no workflow handles kind {kind!r}")

    def variant_on(
        self, rule: DeadlineRule, day: dt.date, *, party_org: bool = False
    ) -> Variant | None:
        """The time limit in force on the date of the act (DESIGN.md §4)."""
        in_force = [
            v for v in rule.variants if any(self.rule_sets[r].in_force(day) for r in v.rule_sets)
        ]
        if not in_force:
            return None
        if party_org:
            party = [v for v in in_force if v.applies_if == "party_org"]
            if party:
                return party[0]
        plain = [v for v in in_force if v.applies_if is None]
        return (plain or in_force)[0]

    def due_date(
        self,
        rule: DeadlineRule,
        start: dt.date,
        *,
        act_date: dt.date | None = None,
        remote: bool = False,
        complexity: str = "normal",
        party_org: bool = False,
    ) -> tuple[dt.date | None, Variant | None]:
        variant = self.variant_on(rule, act_date or start, party_org=party_org)
        if variant is None:
            return None, None
        value = variant.value_for(remote=remote, complexity=complexity)
        if value is None:
            return None, variant
        return self.calendar.add(start, value, variant.unit), variant


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),)


def _parse_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _build_workflow(code: str, raw: dict[str, Any], raw_all: dict[str, Any]) -> Workflow:
    if "inherits" in raw:
        base = dict(raw_all[raw["inherits"]])
        base.update({k: v for k, v in raw.items() if k != "inherits"})
        raw = base
    if raw.get("transition_overrides"):
        overrides = {t["name"]: t for t in raw["transition_overrides"]}
        raw = {**raw, "transitions": [overrides.get(t["name"], t) for t in raw["transitions"]]}
    states = {
        name: State(
            name,
            bool(s["open"]),
            s["label_vi"],
            s["label_en"],
            s.get("means", ""),
            bool(s.get("answered", False)),
        )
        for name, s in raw["states"].items()
    }
    transitions = tuple(
        Transition(
            name=t["name"],
            from_states=_as_tuple(t["from"]),
            to=t["to"],
            permission=t["permission"],
            label_vi=t["label_vi"],
            label_en=t["label_en"],
            requires=_as_tuple(t.get("requires")),
            effects=_as_tuple(t.get("effects")),
            clock=t.get("clock"),
            cite=_as_tuple(t.get("cite")),
            once=bool(t.get("once", False)),
            extends=t.get("extends"),
        )
        for t in raw["transitions"]
    )
    deadlines = {
        name: DeadlineRule(
            code=name,
            starts=d["starts"],
            stops=_as_tuple(d.get("stops")),
            variants=tuple(
                Variant(
                    rule_sets=_as_tuple(v["rule_set"]),
                    unit=v["unit"],
                    cite=v["cite"],
                    verified=str(v.get("verified", "U")),
                    value=v.get("value"),
                    values=v.get("values"),
                    applies_if=v.get("applies_if"),
                )
                for v in d["variants"]
            ),
            resolution=bool(d.get("resolution", False)),
            extendable=d.get("extendable"),
            extension_each=d.get("extension_each"),
            max_extensions=d.get("max_extensions"),
            label_vi=d.get("label_vi", ""),
            label_en=d.get("label_en", ""),
            user_extendable=bool(d.get("user_extendable", False)),
        )
        for name, d in (raw.get("deadlines") or {}).items()
    }
    return Workflow(
        code=code,
        title_vi=raw["title_vi"],
        title_en=raw["title_en"],
        kinds=_as_tuple(raw.get("kinds")),
        initial=raw["initial"],
        states=states,
        transitions=transitions,
        deadlines=deadlines,
        sealed=bool(raw.get("sealed", False)),
        cite=_as_tuple(raw.get("cite")),
        limitation_period=raw.get("limitation_period"),
        appeal=raw.get("appeal") if "inherits" not in raw_all.get(code, {}) else None,
    )


def _validate(policy: Policy) -> None:
    kinds_seen: dict[str, str] = {}
    for wf in policy.workflows.values():
        if wf.initial not in wf.states:
            raise PolicyError(f"{wf.code}: initial state {wf.initial!r} is not a state")
        for kind in wf.kinds:
            if kind in kinds_seen:
                raise PolicyError(f"kind {kind!r} is in {kinds_seen[kind]} and {wf.code}")
            kinds_seen[kind] = wf.code
        for t in wf.transitions:
            for s in (*t.from_states, t.to):
                if s not in wf.states and not (s == PREVIOUS and s == t.to):
                    raise PolicyError(f"{wf.code}.{t.name}: unknown state {s!r}")
            if t.permission not in PERMISSIONS:
                raise PolicyError(f"{wf.code}.{t.name}: unknown permission {t.permission!r}")
            if t.clock not in CLOCK_ACTIONS:
                raise PolicyError(f"{wf.code}.{t.name}: unknown clock action {t.clock!r}")
            if set(t.requires) - REQUIREMENTS or set(t.effects) - EFFECTS:
                raise PolicyError(f"{wf.code}.{t.name}: unknown requirement or effect")
            if t.extends and t.extends not in wf.deadlines:
                raise PolicyError(f"{wf.code}.{t.name}: extends unknown deadline {t.extends!r}")
        for d in wf.deadlines.values():
            for s in (d.starts, *d.stops):
                if s not in wf.states:
                    raise PolicyError(f"{wf.code}.{d.code}: unknown state {s!r}")
            for v in d.variants:
                for r in v.rule_sets:
                    if r not in policy.rule_sets:
                        raise PolicyError(f"{wf.code}.{d.code}: unknown rule set {r!r}")
                if v.unit not in ("wd", "d"):
                    raise PolicyError(f"{wf.code}.{d.code}: unit must be wd or d")


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    if "rule_sets" in override:
        by_id = {r["id"]: r for r in base.get("rule_sets", [])}
        by_id.update({r["id"]: r for r in override["rule_sets"]})
        merged["rule_sets"] = list(by_id.values())
    workflows = dict(base.get("workflows", {}))
    for code, wf in (override.get("workflows") or {}).items():
        if code in workflows:
            combined = dict(workflows[code])
            deadlines = dict(combined.get("deadlines") or {})
            deadlines.update(wf.get("deadlines") or {})
            combined.update(wf)
            combined["deadlines"] = deadlines
            workflows[code] = combined
        else:
            workflows[code] = wf
    merged["workflows"] = workflows
    for key in (
        "hard_alarm",
        "reminder_before_deadline",
        "version",
        "reopen",
        "complexity_min_criteria",
        "group_representatives",
    ):
        if key in override:
            merged[key] = override[key]
    return merged


def load_policy(paths: list[Path] | None = None, calendar: WorkingCalendar | None = None) -> Policy:
    paths = paths or [POLICY_DIR / "workflows.yaml"]
    raw: dict[str, Any] = {}
    for path in paths:
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            raw = _merge(raw, data) if raw else data
    rule_sets = {
        r["id"]: RuleSet(
            id=r["id"],
            valid_from=_parse_date(r["valid_from"]),  # type: ignore[arg-type]
            valid_to=_parse_date(r.get("valid_to")),
            title=r["title"],
            note=r.get("note", ""),
        )
        for r in raw["rule_sets"]
    }
    workflows = {
        code: _build_workflow(code, wf, raw["workflows"]) for code, wf in raw["workflows"].items()
    }
    policy = Policy(
        version=str(raw.get("version", "")),
        rule_sets=rule_sets,
        workflows=workflows,
        hard_alarm=raw.get("hard_alarm") or {},
        reminder_before_deadline=raw.get("reminder_before_deadline") or {},
        calendar=calendar or get_calendar(),
        reopen=raw.get("reopen") or {},
        complexity_min_criteria=raw.get("complexity_min_criteria") or {},
        group_representatives=raw.get("group_representatives") or {},
    )
    _validate(policy)
    return policy


@functools.lru_cache(maxsize=1)
def get_policy() -> Policy:
    override = Path(settings.DATA_DIR) / "policies" / "workflows.yaml"
    return load_policy([POLICY_DIR / "workflows.yaml", override])
