"""Public-opinion signals (dư luận) about one cadre or one unit, and the candidates for a review
suggestion (KD-10: the triggers are local configuration, never law).

Every number here is an aggregate query (Count with a filter), never a per-item loop, and every
number has a *measure* key (``kind:complaint``, ``finding:true``, ``overdue``...) that
``measure_items`` turns back into the exact list of items behind it.

What "concerning" means:
- a cadre: items whose ``concerned_person`` is that person;
- a unit: items whose ``concerned_org`` is that unit itself. Sub-units are NOT rolled up: each has
  its own signals and its own row among the candidates (a commune's signals should not hide which
  office they are about), and items about the unit's people are the people's.

No reporter identity leaves this module: reporters are only counted (distinct persons by the keyed fingerprint of their identity;
anonymous items separately), and no item text is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from langnghe.handling.models import Answer
from langnghe.intake.models import Item

from .policy import FINDINGS, Config, config_on

__all__ = ["FINDINGS", "signal_snapshot", "candidates", "measure_items"]

SUBSTANTIATED = ("true", "partly_true")


# -- the period and the base query ----------------------------------------------------------------


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) in the deployment's time zone (received_at is a datetime)."""
    tz = timezone.get_default_timezone()
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz)
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz)
    return lo, hi


def subject_q(*, person_id: int | None = None, org_id: int | None = None) -> Q:
    if (person_id is None) == (org_id is None):
        raise ValueError("give exactly one of person_id, org_id")
    return Q(concerned_person_id=person_id) if person_id is not None else Q(concerned_org_id=org_id)


def period_q(start: dt.date, end: dt.date) -> Q:
    lo, hi = period_bounds(start, end)
    return Q(received_at__gte=lo, received_at__lt=hi)


def finding_subquery() -> Subquery:
    """TC-11: what the verification found, from the latest approved answer stating a finding."""
    return Subquery(
        Answer.objects.filter(item_id=OuterRef("pk"), approved_at__isnull=False)
        .exclude(finding="")
        .order_by("-approved_at", "-pk")
        .values("finding")[:1]
    )


def annotate_signals(qs: QuerySet[Item]) -> QuerySet[Item]:
    """Adds ``op_finding`` (true / partly_true / false / unverified) and ``closed_on``."""
    return qs.annotate(
        op_finding=Coalesce(finding_subquery(), Value("unverified")),
        closed_on=TruncDate("closed_at", tzinfo=timezone.get_default_timezone()),
    )


def signal_items(
    *, person_id: int | None = None, org_id: int | None = None, start: dt.date, end: dt.date
) -> QuerySet[Item]:
    return annotate_signals(
        Item.objects.filter(subject_q(person_id=person_id, org_id=org_id) & period_q(start, end))
    )


# -- measures: one key per number on screen -------------------------------------------------------


def overdue_q(today: dt.date | None = None) -> Q:
    """Still open past its earliest running time limit (Item.due_on)."""
    return Q(is_open=True, due_on__lt=today or timezone.localdate())


def late_q() -> Q:
    """Closed after the limit that was running at close (needs ``closed_on``)."""
    return Q(is_open=False, due_at_close__isnull=False, closed_on__gt=F("due_at_close"))


def reopened_q() -> Q:
    return Q(reopen_count__gt=0)


def group_q(group: str) -> Q:
    through = Item.indicators.through.objects
    if group == "none":
        return ~Q(pk__in=through.values("item_id"))
    return Q(pk__in=through.filter(degradationindicator__group=group).values("item_id"))


def scored_q(cfg: Config, today: dt.date | None = None) -> Q:
    """The items behind the score: those that bring at least one point."""
    w = cfg.weights
    q = Q(op_finding__in=[f for f in FINDINGS if w[f] > 0])
    if w["overdue"] > 0:
        q |= overdue_q(today)
    if w["late"] > 0:
        q |= late_q()
    if w["reopened"] > 0:
        q |= reopened_q()
    return q


class BadMeasure(ValueError):
    pass


def measure_q(measure: str, *, cfg: Config, today: dt.date | None = None) -> Q:
    """The filter behind one number. Keys: all, kind:<k>, channel:<c>, topic:<code>|topic:none,
    group:<g>|group:none, finding:<true|partly_true|false|unverified>, substantiated,
    substantiated_identified, anonymous, overdue, late, reopened, month:YYYY-MM, scored."""
    name, _, arg = measure.partition(":")
    if name == "all" and not arg:
        return Q()
    if name == "kind" and arg:
        return Q(kind=arg)
    if name == "channel" and arg:
        return Q(channel=arg)
    if name == "topic" and arg:
        return Q(topic__isnull=True) if arg == "none" else Q(topic__code=arg)
    if name == "group" and arg:
        return group_q(arg)
    if name == "finding" and arg in FINDINGS:
        return Q(op_finding=arg)
    if name == "substantiated" and not arg:
        return Q(op_finding__in=SUBSTANTIATED)
    if name == "substantiated_identified" and not arg:
        return Q(op_finding__in=SUBSTANTIATED, identity__isnull=False)
    if name == "anonymous" and not arg:
        return Q(identity__isnull=True)
    if name == "overdue" and not arg:
        return overdue_q(today)
    if name == "late" and not arg:
        return late_q()
    if name == "reopened" and not arg:
        return reopened_q()
    if name == "scored" and not arg:
        return scored_q(cfg, today)
    if name == "month" and arg:
        try:
            first = dt.date.fromisoformat(arg + "-01")
        except ValueError as exc:
            raise BadMeasure(measure) from exc
        nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return period_q(first, nxt - dt.timedelta(days=1))
    raise BadMeasure(measure)


# -- the snapshot ---------------------------------------------------------------------------------


def _counter_aggregates(cfg: Config, today: dt.date) -> dict[str, Any]:
    """The conditional counts shared by the snapshot and the candidates list."""
    aggs: dict[str, Any] = {
        "total": Count("pk"),
        "overdue": Count("pk", filter=overdue_q(today)),
        "late": Count("pk", filter=late_q()),
        "reopened": Count("pk", filter=reopened_q()),
        "anonymous": Count("pk", filter=Q(identity__isnull=True)),
        # The same person (same phone, ID number, e-mail, or name and address) counts once.
        "reporters": Count("identity__fingerprint", distinct=True),
        "substantiated": Count("pk", filter=Q(op_finding__in=SUBSTANTIATED)),
        "substantiated_reporters": Count(
            "identity__fingerprint", distinct=True, filter=Q(op_finding__in=SUBSTANTIATED)
        ),
    }
    for f in FINDINGS:
        aggs[f"finding_{f}"] = Count("pk", filter=Q(op_finding=f))
    return aggs


def score_terms(counts: dict[str, int], cfg: Config) -> list[dict[str, Any]]:
    """The formula, term by term: measure, count, weight, points."""
    w = cfg.weights
    parts = [(f"finding:{f}", f, counts[f"finding_{f}"]) for f in FINDINGS]
    parts += [(k, k, counts[k]) for k in ("overdue", "late", "reopened")]
    return [
        {
            "measure": measure,
            "key": key,
            "count": n,
            "weight": w[key],
            "points": round(n * w[key], 2),
        }
        for measure, key, n in parts
    ]


def crossed_reasons(counts: dict[str, int], score: float, cfg: Config) -> list[dict[str, Any]]:
    """Which configured thresholds the signals reach (empty: not a candidate)."""
    th = cfg.thresholds
    reasons: list[dict[str, Any]] = []
    if th["score"] is not None and score >= th["score"]:
        reasons.append({"code": "score", "value": score, "threshold": th["score"]})
    if (
        th["substantiated"] is not None
        and th["reporters"] is not None
        and counts["substantiated"] >= th["substantiated"]
        and counts["substantiated_reporters"] >= th["reporters"]
    ):
        reasons.append(
            {
                "code": "substantiated",
                "value": counts["substantiated"],
                "threshold": th["substantiated"],
                "reporters": counts["substantiated_reporters"],
                "reporters_threshold": th["reporters"],
            }
        )
    return reasons


def _grouped(qs: QuerySet[Item], field_name: str) -> dict[str, int]:
    rows = qs.order_by().values(field_name).annotate(n=Count("pk")).values_list(field_name, "n")
    return {(key if key not in (None, "") else "none"): n for key, n in rows}


def _by_group(base: QuerySet[Item]) -> dict[str, int]:
    through = Item.indicators.through.objects
    rows = (
        through.filter(item_id__in=base.order_by().values("pk"))
        .order_by()
        .values("degradationindicator__group")
        .annotate(n=Count("item_id", distinct=True))
        .values_list("degradationindicator__group", "n")  # type: ignore[misc]
    )
    result: dict[str, int] = dict(rows)
    without = base.exclude(pk__in=through.values("item_id")).count()
    if without:
        result["none"] = without
    return result


def _by_month(base: QuerySet[Item]) -> dict[str, int]:
    rows = (
        base.order_by()
        .annotate(m=TruncMonth("received_at", tzinfo=timezone.get_default_timezone()))
        .values("m")
        .annotate(n=Count("pk"))
        .values_list("m", "n")
    )
    return {
        (m.date() if isinstance(m, dt.datetime) else m).strftime("%Y-%m"): n for m, n in rows if m
    }


def signal_snapshot(
    *,
    person_id: int | None = None,
    org_id: int | None = None,
    start: dt.date,
    end: dt.date,
) -> dict[str, Any]:
    """A JSON-serialisable summary of the signals about one cadre OR one unit over [start, end]
    (by ``Item.received_at`` date, in the deployment's time zone). No reporter identity, no item
    text: counts and item ids only. The review-suggestion app stores it as evidence.

    Stable keys (schema ``opinion.signal_snapshot/1``):

    - ``schema``: "opinion.signal_snapshot/1"
    - ``subject``: {"type": "person" | "org", "id": int}
    - ``period``: {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}
    - ``computed_on``: "YYYY-MM-DD" (the day "overdue" was judged)
    - ``config``: {"rule_set": str, "version": str, "verified": "U", "weights": {true,
      partly_true, unverified, false, overdue, late, reopened: float}, "thresholds": {score,
      substantiated, reporters: float | None}}
    - ``total``: int — items concerning the subject in the period
    - ``by_kind``, ``by_channel``: {code: int}; ``by_topic``: {topic code | "none": int};
      ``by_group``: {manifestation group | "none": int} (an item on indicators of two groups
      counts in both); ``by_month``: {"YYYY-MM": int}
    - ``by_finding``: {"true", "partly_true", "false", "unverified": int} (latest approved
      Answer.finding, TC-11)
    - ``reporters``: {"distinct": int (distinct persons: identity fingerprints), "anonymous_items": int,
      "substantiated_distinct": int (distinct identities among items found true/partly true)}
    - ``substantiated``: int — items found true or partly true
    - ``overdue_open``: int — open past their limit on ``computed_on``
    - ``answered_late``: int — closed after the limit running at close
    - ``reopened``: int — items reopened at least once
    - ``score``: float; ``score_terms``: [{"measure", "key", "count", "weight", "points"}]
    - ``score_item_ids``: [int] — the items that bring points (sorted ids)
    - ``crossed``: [{"code": "score" | "substantiated", "value", "threshold", ...}] — the
      thresholds reached (empty: not a candidate)
    """
    today = timezone.localdate()
    cfg = config_on(end)
    base = signal_items(person_id=person_id, org_id=org_id, start=start, end=end)
    counts = base.order_by().aggregate(**_counter_aggregates(cfg, today))
    plain = Item.objects.filter(
        subject_q(person_id=person_id, org_id=org_id) & period_q(start, end)
    )
    terms = score_terms(counts, cfg)
    score = round(sum(t["points"] for t in terms), 2)
    scored_ids = sorted(base.filter(scored_q(cfg, today)).order_by().values_list("pk", flat=True))
    return {
        "schema": "opinion.signal_snapshot/1",
        "subject": {
            "type": "person" if person_id is not None else "org",
            "id": person_id if person_id is not None else org_id,
        },
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "computed_on": today.isoformat(),
        "config": {
            "rule_set": cfg.rule_set,
            "version": cfg.version,
            "verified": "U" if cfg.configurable else "",
            "weights": cfg.weights,
            "thresholds": cfg.thresholds,
        },
        "total": counts["total"],
        "by_kind": _grouped(plain, "kind"),
        "by_channel": _grouped(plain, "channel"),
        "by_topic": _grouped(plain, "topic__code"),
        "by_group": _by_group(plain),
        "by_month": _by_month(plain),
        "by_finding": {f: counts[f"finding_{f}"] for f in FINDINGS},
        "reporters": {
            "distinct": counts["reporters"],
            "anonymous_items": counts["anonymous"],
            "substantiated_distinct": counts["substantiated_reporters"],
        },
        "substantiated": counts["substantiated"],
        "overdue_open": counts["overdue"],
        "answered_late": counts["late"],
        "reopened": counts["reopened"],
        "score": score,
        "score_terms": terms,
        "score_item_ids": scored_ids,
        "crossed": crossed_reasons(counts, score, cfg),
    }


# -- the items behind a number --------------------------------------------------------------------


@dataclass
class MeasureItems:
    total: int
    hidden: int
    items: QuerySet[Item]


def measure_items(
    *,
    actor: Any,
    person_id: int | None = None,
    org_id: int | None = None,
    start: dt.date,
    end: dt.date,
    measure: str,
) -> MeasureItems:
    """The items behind one number, as far as the actor may see them (``visible_items_q``); the
    others are only counted. Raises BadMeasure for an unknown measure key."""
    from langnghe.handling.rules import visible_items_q

    cfg = config_on(end)
    qs = signal_items(person_id=person_id, org_id=org_id, start=start, end=end).filter(
        measure_q(measure, cfg=cfg)
    )
    total = qs.count()
    visible = qs.filter(visible_items_q(actor)).select_related("topic", "handling_org")
    shown = visible.count()
    return MeasureItems(total=total, hidden=total - shown, items=visible.order_by("-received_at"))


# -- candidates for a review suggestion -----------------------------------------------------------


@dataclass
class Candidate:
    type: str  # "person" | "org"
    id: int
    name: str
    counts: dict[str, int]
    score: float
    terms: list[dict[str, Any]]
    reasons: list[dict[str, Any]] = field(default_factory=list)
    unit_name: str = ""
    detail_url: str = ""
    suggest_url: str = ""
    score_url: str = ""
    subst_url: str = ""


def _candidate_rows(
    key: str, scope_ids: QuerySet[Any], start: dt.date, end: dt.date, cfg: Config, today: dt.date
) -> list[tuple[int, dict[str, int], float, list[dict[str, Any]], list[dict[str, Any]]]]:
    """One grouped query over ``key`` (concerned_person_id / concerned_org_id) in the period."""
    rows = (
        annotate_signals(Item.objects.filter(period_q(start, end), **{f"{key}__in": scope_ids}))
        .order_by()
        .values(key)
        .annotate(**_counter_aggregates(cfg, today))
    )
    out = []
    for row in rows:
        counts = {k: v for k, v in row.items() if k != key}
        terms = score_terms(counts, cfg)
        score = round(sum(t["points"] for t in terms), 2)
        reasons = crossed_reasons(counts, score, cfg)
        if reasons:
            out.append((row[key], counts, score, terms, reasons))
    return out


def candidates(
    *,
    person_ids: QuerySet[Any],
    org_ids: QuerySet[Any],
    start: dt.date,
    end: dt.date,
) -> list[Candidate]:
    """Cadres and units (within the given id sets) whose signals cross the thresholds, sorted
    by score (then substantiated items). Two grouped queries plus the names."""
    from langnghe.orgs.models import Organisation, Person, Position, active_q

    today = timezone.localdate()
    cfg = config_on(end)
    result: list[Candidate] = []
    people = _candidate_rows("concerned_person_id", person_ids, start, end, cfg, today)
    names = dict(
        Person.objects.filter(pk__in=[r[0] for r in people]).values_list("pk", "full_name")
    )
    units: dict[int, str] = {}
    for pid, org_name in (
        Position.objects.filter(active_q(), person_id__in=[r[0] for r in people])
        .order_by("person_id", "role", "pk")
        .values_list("person_id", "organisation__name")
    ):
        units.setdefault(pid, org_name)
    for pid, counts, score, terms, reasons in people:
        result.append(
            Candidate(
                "person", pid, names.get(pid, ""), counts, score, terms, reasons, units.get(pid, "")
            )
        )
    orgs = _candidate_rows("concerned_org_id", org_ids, start, end, cfg, today)
    org_names = dict(
        Organisation.objects.filter(pk__in=[r[0] for r in orgs]).values_list("pk", "name")
    )
    for oid, counts, score, terms, reasons in orgs:
        result.append(Candidate("org", oid, org_names.get(oid, ""), counts, score, terms, reasons))
    result.sort(key=lambda c: (-c.score, -c.counts["substantiated"], c.name))
    return result


def month_series(by_month: dict[str, int], start: dt.date, end: dt.date) -> list[tuple[str, int]]:
    """Every month of the period, with zeros, for the bar chart."""
    out = []
    month = start.replace(day=1)
    while month <= end:
        key = month.strftime("%Y-%m")
        out.append((key, by_month.get(key, 0)))
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out
