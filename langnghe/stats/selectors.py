"""Every figure of Lắng Nghe, defined once.

The leaders' dashboard, the public scoreboard, the open data, the periodic reports and the
exports all read their numbers here, so they agree by construction:

- **received**: items whose `received_at` falls in the period;
- **answered**: items closed in the period (`closed_at`) in a state the workflow data marks
  `answered: true` (`handling.selectors.answered_q`: a merged duplicate, a refusal or a forwarding
  is not an answer);
- **on time**: answered items closed by the deadline running when they closed
  (`handling.selectors.closed_on_time_q`, the query twin of `Item.closed_on_time`); **late** is
  answered minus on time;
- **handling time**: received_at → closed_at of the answered items, in days;
- **published**: items published in the period (`published_at`);
- **satisfaction**: ratings of the items closed in the period; "satisfied" is a rating at or
  above the rule book's `satisfied_min_rating`;
- **reopened**: items received in the period that were reopened at least once since;
- **open now / overdue now**: live, whatever the period (`is_open`, `due_on` before today).

A unit's figures are those of the items it handles (`handling_path`), so a subtree adds up its
units without counting anything twice.

Sealed kinds (denunciations, TC-16) are counted on the leaders' dashboards and in reports only
for roles that may see them in the inbox (`handling.rules.SEALED_HANDLING_VIEW_ROLES`), and never
on the public scoreboard or in the open data: a unit with one denunciation must not reveal it.
Periods are whole months (the rollup's grain); Q11-8's periods (month, Q1, 6 and 9 months, year)
all are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from langnghe.core.ruledata import RuleBook, get_rulebook
from langnghe.core.text import is_digits
from langnghe.handling.rules import SEALED_HANDLING_VIEW_ROLES, sealed_kinds, visible_items_q
from langnghe.handling.selectors import (
    annotate_closed_on,
    answered_q,
    closed_on_time_q,
    had_limit_q,
)
from langnghe.intake.models import Channel, Item, Kind, Topic
from langnghe.orgs.access import grants_for, subtree_q
from langnghe.orgs.models import AdminUnit, Organisation, Role

from .models import ItemMonthly
from .rules import DASHBOARD_ROLES

TIME_BANDS = (15, 30, 60)  # days; ItemMonthly.answered_within_<n> (cumulative)
DIMENSIONS = ("month", "kind", "channel", "topic", "admin_unit", "unit")
MEASURES = (
    "received",
    "answered",
    "on_time",
    "late",
    "published",
    "reopened",
    "rated",
    "open",
    "overdue",
)


def rulebook() -> RuleBook:
    return get_rulebook("stats", str(Path(__file__).parent))


def min_sample() -> int:
    rule = rulebook().rule("min_sample")
    return int(rule.value) if rule.value is not None else 10


def satisfied_min_rating() -> int:
    rule = rulebook().rule("satisfied_min_rating")
    return int(rule.value) if rule.value is not None else 4


# -- periods -------------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, n: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months from `start` (a first day) to `end` (a last day), both included."""

    start: dt.date
    end: dt.date
    code: str
    kind: str  # the Q11-8 period type: M, Q1, H1, 9M, Y or adhoc

    @property
    def months(self) -> list[dt.date]:
        out, month = [], self.start
        while month <= self.end:
            out.append(month)
            month = add_months(month, 1)
        return out

    @property
    def start_at(self) -> dt.datetime:
        return _local_midnight(self.start)

    @property
    def end_before(self) -> dt.datetime:
        return _local_midnight(self.end + dt.timedelta(days=1))

    @property
    def label(self) -> str:
        y = self.start.year
        if self.kind == "M":
            return _("tháng %(m)s năm %(y)s") % {"m": f"{self.start.month:02d}", "y": y}
        if self.kind == "Q1":
            return _("quý I năm %(y)s") % {"y": y}
        if self.kind == "H1":
            return _("6 tháng đầu năm %(y)s") % {"y": y}
        if self.kind == "9M":
            return _("9 tháng năm %(y)s") % {"y": y}
        if self.kind == "Y":
            return _("năm %(y)s") % {"y": y}
        return _("từ tháng %(a)s đến tháng %(b)s") % {
            "a": self.start.strftime("%m/%Y"),
            "b": self.end.strftime("%m/%Y"),
        }

    @property
    def range_label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=timezone.get_default_timezone())


def _month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


PERIOD_KINDS = ("M", "Q1", "H1", "9M", "Y", "adhoc")  # Q11-8 cadence
PERIOD_KIND_LABELS = {
    "M": gettext_lazy("Tháng"),
    "Q1": gettext_lazy("Quý I"),
    "H1": gettext_lazy("6 tháng"),
    "9M": gettext_lazy("9 tháng"),
    "Y": gettext_lazy("Năm"),
    "adhoc": gettext_lazy("Đột xuất"),
}
_KIND_MONTHS = {"Q1": 3, "H1": 6, "9M": 9, "Y": 12}


def period_of(kind: str, year: int, month: int = 1, *, end_month: int | None = None) -> Period:
    """A Q11-8 period of a year: M (one month), Q1, H1, 9M, Y, or adhoc (month..end_month)."""
    if not 2000 <= year <= 2100:
        raise ValueError("year")
    if kind == "M":
        if not 1 <= month <= 12:
            raise ValueError("month")
        start = dt.date(year, month, 1)
        return Period(start, _month_end(start), f"{year}-{month:02d}", "M")
    if kind in _KIND_MONTHS:
        start = dt.date(year, 1, 1)
        end = _month_end(dt.date(year, _KIND_MONTHS[kind], 1))
        code = str(year) if kind == "Y" else f"{year}-{kind.lower()}"
        return Period(start, end, code, kind)
    if kind == "adhoc":
        last = end_month or month
        if not (1 <= month <= 12 and 1 <= last <= 12 and month <= last):
            raise ValueError("month")
        start, end = dt.date(year, month, 1), _month_end(dt.date(year, last, 1))
        return Period(start, end, f"{year}-{month:02d}..{year}-{last:02d}", "adhoc")
    raise ValueError("kind")


def parse_period(code: str | None, today: dt.date | None = None) -> Period:
    """ "2026", "2026-q1", "2026-h1", "2026-9m", "2026-03", "2026-01..2026-05"; empty: this year.
    Raises ValueError on anything else."""
    today = today or timezone.localdate()
    code = (code or "").strip().lower()
    if not code:
        return period_of("Y", today.year)
    if ".." in code:
        a, b = code.split("..", 1)
        ya, ma = _year_month(a)
        yb, mb = _year_month(b)
        if ya != yb:
            raise ValueError("span")
        return period_of("adhoc", ya, ma, end_month=mb)
    if is_digits(code) and len(code) == 4:
        return period_of("Y", int(code))
    year, _sep, rest = code.partition("-")
    if not is_digits(year) or len(year) != 4:
        raise ValueError("year")
    if rest in ("q1", "h1", "9m"):
        return period_of(rest.upper(), int(year))
    if is_digits(rest):
        return period_of("M", int(year), int(rest))
    raise ValueError("period")


def _year_month(text: str) -> tuple[int, int]:
    year, _sep, month = text.partition("-")
    if not (is_digits(year) and len(year) == 4 and is_digits(month)):
        raise ValueError("month")
    return int(year), int(month)


def period_choices(today: dt.date | None = None) -> list[tuple[str, str]]:
    """The periods offered in selects: this and last year, the Q11-8 periods of this year, and
    the last twelve months."""
    today = today or timezone.localdate()
    y = today.year
    periods = [period_of("Y", y)]
    for kind, months in (("9M", 9), ("H1", 6), ("Q1", 3)):
        if today.month > months or today.year > y:
            periods.append(period_of(kind, y))
    periods.append(period_of("Y", y - 1))
    month = month_start(today)
    for _i in range(12):
        periods.append(period_of("M", month.year, month.month))
        month = add_months(month, -1)
    return [(p.code, p.label[:1].upper() + p.label[1:]) for p in periods]


# -- scopes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which items count: those handled under `paths` (each with whether sealed kinds count
    there). An empty path is the whole deployment."""

    paths: tuple[tuple[str, bool], ...]
    label: str = ""
    org: Organisation | None = None

    @property
    def is_empty(self) -> bool:
        return not self.paths

    @property
    def code(self) -> str:
        return str(self.org.pk) if self.org is not None else ""

    def q(self, path_field: str = "handling_path", kind_field: str = "kind") -> Q:
        parts = self.parts(path_field, kind_field)
        if not parts:
            return Q(pk__in=[])
        # Not seeded with the empty Q(pk__in=[]): OR-ing an empty Q() (the whole deployment,
        # sealed kinds included) onto it would keep the seed and match nothing.
        q = parts[0]
        for part in parts[1:]:
            q |= part
        return q

    def parts(self, path_field: str = "handling_path", kind_field: str = "kind") -> list[Q]:
        """One condition per subtree. The subtrees are disjoint (dashboard_paths keeps the
        outermost only), so counts taken per part add up to the scope's."""
        sealed = list(sealed_kinds())
        parts = []
        for path, with_sealed in self.paths:
            part = Q(**{f"{path_field}__startswith": path}) if path else Q()
            if not with_sealed:
                part &= ~Q(**{f"{kind_field}__in": sealed})
            parts.append(part)
        return parts


def public_scope() -> Scope:
    return Scope(paths=(("", False),), label=_("Toàn hệ thống"))


def org_scope(org: Organisation, *, include_sealed: bool) -> Scope:
    return Scope(paths=((org.path, include_sealed),), label=org.name, org=org)


def dashboard_paths(actor: Any) -> list[str]:
    """The subtrees the actor may see figures of: grants of a dashboard role, outermost only."""
    paths = sorted({p for p, role in grants_for(actor) if role in DASHBOARD_ROLES})
    return [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]


def dashboard_orgs_for(*, actor: Any) -> QuerySet[Organisation]:
    """Every unit in the actor's dashboard subtrees (the scope select)."""
    paths = dashboard_paths(actor)
    return Organisation.objects.filter(subtree_q(paths, "path")).order_by("path")


def sealed_allowed(actor: Any, path: str) -> bool:
    return any(
        path.startswith(p) for p, role in grants_for(actor) if role in SEALED_HANDLING_VIEW_ROLES
    )


def dashboard_scope(*, actor: Any, org: Organisation | None = None) -> Scope:
    """The actor's scope: one unit of their subtrees, or all of them (org=None). An org outside
    them gives an empty scope (the view answers 404)."""
    paths = dashboard_paths(actor)
    if org is not None:
        if not any(org.path.startswith(p) for p in paths):
            return Scope(paths=())
        return org_scope(org, include_sealed=sealed_allowed(actor, org.path))
    if len(paths) == 1:
        only = Organisation.objects.filter(path=paths[0]).first()
        if only is not None:
            return org_scope(only, include_sealed=sealed_allowed(actor, only.path))
    return Scope(
        paths=tuple((p, sealed_allowed(actor, p)) for p in paths),
        label=_("Tất cả đơn vị được phân quyền"),
    )


# -- figures -------------------------------------------------------------------------------------


@dataclass
class Figures:
    received: int = 0
    reopened: int = 0
    closed: int = 0
    answered: int = 0
    with_limit: int = 0
    on_time: int = 0
    answered_seconds: int = 0
    within_15: int = 0
    within_30: int = 0
    within_60: int = 0
    published: int = 0
    rated: int = 0
    rating_sum: int = 0
    satisfied: int = 0

    @property
    def late(self) -> int:
        return self.with_limit - self.on_time

    @property
    def no_limit(self) -> int:
        """Answered with no time limit running (most petitions, PA-8): neither on time nor late."""
        return self.answered - self.with_limit

    @property
    def on_time_percent(self) -> float | None:
        """On time among the answers that had a time limit."""
        return round(100 * self.on_time / self.with_limit, 1) if self.with_limit else None

    @property
    def avg_days(self) -> float | None:
        return round(self.answered_seconds / 86400 / self.answered, 1) if self.answered else None

    @property
    def avg_rating(self) -> float | None:
        return round(self.rating_sum / self.rated, 2) if self.rated else None

    @property
    def satisfied_percent(self) -> float | None:
        return round(100 * self.satisfied / self.rated, 1) if self.rated else None

    @property
    def bands(self) -> list[tuple[str, int]]:
        """The handling-time distribution: 0–15, 16–30, 31–60 and over 60 days."""
        return [
            (_("Đến 15 ngày"), self.within_15),
            (_("16–30 ngày"), self.within_30 - self.within_15),
            (_("31–60 ngày"), self.within_60 - self.within_30),
            (_("Trên 60 ngày"), self.answered - self.within_60),
        ]

    def add(self, other: Figures) -> None:
        for name in _FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "answered": self.answered,
            "answered_with_time_limit": self.with_limit,
            "answered_without_time_limit": self.no_limit,
            "answered_on_time": self.on_time,
            "answered_late": self.late,
            "on_time_percent": self.on_time_percent,
            "average_days": self.avg_days,
            "published": self.published,
            "rated": self.rated,
            "average_rating": self.avg_rating,
            "satisfied_percent": self.satisfied_percent,
            "reopened": self.reopened,
        }


_FIELDS = (
    "received",
    "reopened",
    "closed",
    "answered",
    "with_limit",
    "on_time",
    "answered_seconds",
    "within_15",
    "within_30",
    "within_60",
    "published",
    "rated",
    "rating_sum",
    "satisfied",
)
_COLUMN = {
    "with_limit": "answered_with_limit",
    "on_time": "answered_on_time",
    "within_15": "answered_within_15",
    "within_30": "answered_within_30",
    "within_60": "answered_within_60",
}
_SUMS = {name: Sum(_COLUMN.get(name, name)) for name in _FIELDS}


def _figures(row: dict[str, Any]) -> Figures:
    return Figures(**{name: int(row.get(name) or 0) for name in _FIELDS})


def rollup_rows(scope: Scope, period: Period) -> QuerySet[ItemMonthly]:
    return ItemMonthly.objects.filter(
        scope.q("unit_path"), month__gte=period.start, month__lte=period.end
    )


ROLLUP_CACHE_SECONDS = 600


def _cached(kind: str, scope: Scope, period: Period, build: Any) -> Any:
    """Rollup reads are cached until the rollup is rebuilt: the key carries the rebuild's id,
    so a rebuild makes every older entry unreachable (they expire on their own)."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    from .models import RollupState

    version = RollupState.objects.order_by("-pk").values_list("pk", flat=True).first()
    if version is None:
        return build()
    raw = f"{version}|{kind}|{scope.paths}|{period.start}|{period.end}|{get_language()}"
    key = "stats:rollup:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, ROLLUP_CACHE_SECONDS)
    return value


def figures(scope: Scope, period: Period) -> Figures:
    """The headline figures of a scope over a period (from the rollup)."""
    if scope.is_empty:
        return Figures()
    return _cached(
        "figures",
        scope,
        period,
        lambda: _figures(rollup_rows(scope, period).filter(dim="").aggregate(**_SUMS)),
    )


# Which cube and column each split reads (see models.ItemMonthly).
_DIM_FIELD = {
    "month": ("", "month"),
    "kind": ("", "kind"),
    "unit": ("", "unit_id"),
    "channel": ("channel", "key"),
    "topic": ("topic", "key"),
    "admin_unit": ("admin_unit", "key"),
}


@dataclass
class Row:
    key: Any  # the value of the dimension (a code, an id, a month), None for "not set"
    label: str
    figures: Figures
    param: str = ""  # the drill-down's query value for this row
    extra: dict[str, Any] = field(default_factory=dict)


def figures_by(scope: Scope, period: Period, dim: str) -> list[Row]:
    """The figures split by one dimension, largest first (months in order)."""
    if dim not in _DIM_FIELD:
        raise ValueError(dim)
    if scope.is_empty:
        return []
    rows: list[Row] = _cached(f"by:{dim}", scope, period, lambda: _figures_by(scope, period, dim))
    # Callers annotate rows (row.extra): each gets its own copies.
    return [Row(r.key, r.label, r.figures, r.param, dict(r.extra)) for r in rows]


def _figures_by(scope: Scope, period: Period, dim: str) -> list[Row]:
    cube, column = _DIM_FIELD[dim]
    data: dict[Any, Figures] = {}
    rows_qs = rollup_rows(scope, period).filter(dim=cube).values(column).annotate(**_SUMS)
    for r in rows_qs.order_by():
        key = r[column]
        if cube in ("topic", "admin_unit"):
            key = int(key) if key else None
        elif cube == "channel":
            key = key or None
        data[key] = _figures(r)
    if dim == "month":
        return [
            Row(m, m.strftime("%m/%Y"), data.get(m, Figures()), param=m.strftime("%Y-%m"))
            for m in period.months
        ]
    labels = _labels(dim, [k for k in data if k is not None])
    rows = [
        Row(
            key,
            labels.get(key, str(key)) if key is not None else str(_("Chưa xác định")),
            figs,
            param="none" if key is None else str(key),
        )
        for key, figs in data.items()
    ]
    rows.sort(key=lambda r: (-r.figures.received, -r.figures.answered, r.label))
    return rows


def _labels(dim: str, keys: Iterable[Any]) -> dict[Any, str]:
    keys = list(keys)
    if dim == "kind":
        return {k: str(v) for k, v in Kind.choices}
    if dim == "channel":
        return {k: str(v) for k, v in Channel.choices}
    if dim == "topic":
        return {t.pk: str(t) for t in Topic.objects.filter(pk__in=keys)}
    if dim == "admin_unit":
        return {a.pk: a.name for a in AdminUnit.objects.filter(pk__in=keys)}
    if dim == "unit":
        return {
            o.pk: o.short_name or o.name
            for o in Organisation.objects.filter(pk__in=keys).only("pk", "name", "short_name")
        }
    return {}


# -- live figures (whatever the period) ----------------------------------------------------------


@dataclass
class OpenCounts:
    open: int = 0
    overdue: int = 0


def open_counts(scope: Scope, today: dt.date | None = None) -> OpenCounts:
    """Open and overdue items now, from the index item_open_units."""
    return open_counts_total(open_counts_by_unit(scope, today))


def open_counts_by_unit(scope: Scope, today: dt.date | None = None) -> dict[int | None, OpenCounts]:
    """Open and overdue items now by handling unit, read from the index item_open_units
    (is_open, handling_path, handling_org_id, due_on) alone: one query per subtree of the scope,
    since PostgreSQL answers an OR of path prefixes with a bitmap scan, which reads the table
    (60 ms instead of 14 for a leader of two subtrees at 1,000,000 items), and COUNT(*) rather
    than COUNT(id), which the index does not hold."""
    today = today or timezone.localdate()
    counts: dict[int | None, OpenCounts] = {}
    for part in scope.parts():
        rows = (
            Item.objects.filter(part, is_open=True)
            .values("handling_org_id")
            # due_on < today implies due_on is set: COUNT(due_on) counts the same rows.
            .annotate(open=Count("*"), overdue=Count("due_on", filter=Q(due_on__lt=today)))
            .order_by()
        )
        for r in rows:
            found = counts.setdefault(r["handling_org_id"], OpenCounts())
            found.open += r["open"]
            found.overdue += r["overdue"]
    return counts


def open_counts_total(by_unit: dict[int | None, OpenCounts]) -> OpenCounts:
    """The scope's open / overdue items from its per-unit counts (one query for both)."""
    return OpenCounts(
        open=sum(c.open for c in by_unit.values()),
        overdue=sum(c.overdue for c in by_unit.values()),
    )


def units_table(
    scope: Scope,
    period: Period,
    *,
    today: dt.date | None = None,
    live: dict[int | None, OpenCounts] | None = None,
) -> list[Row]:
    """Each handling unit with its period figures and its open / overdue items now (`live`, from
    open_counts_by_unit, when the caller has it already), the units furthest behind first (most
    overdue, then the lowest on-time share)."""
    rows = {r.key: r for r in figures_by(scope, period, "unit")}
    if live is None:
        live = open_counts_by_unit(scope, today)
    missing = [k for k in live if k is not None and k not in rows]
    labels = _labels("unit", missing)
    for key in missing:
        rows[key] = Row(key, labels.get(key, str(key)), Figures(), param=str(key))
    for key, row in rows.items():
        counts = live.get(key, OpenCounts())
        row.extra = {"open": counts.open, "overdue": counts.overdue}
    return sorted(
        rows.values(),
        key=lambda r: (
            -r.extra["overdue"],
            r.figures.on_time_percent if r.figures.on_time_percent is not None else 101,
            r.label,
        ),
    )


# -- the public scoreboard -----------------------------------------------------------------------


@dataclass
class ScoreRow:
    unit: Organisation | None
    label: str
    figures: Figures
    comparable: bool  # enough answered items for a rate and a rank
    rating_shown: bool  # enough ratings for an average
    rank: int | None = None
    # Received in the period, with a legal time limit, past it and still unanswered: they count
    # against the unit, or a unit that answers nothing would look best.
    overdue_open: int = 0

    @property
    def accountable(self) -> int:
        return self.figures.with_limit + self.overdue_open

    @property
    def on_time_share(self) -> float | None:
        """On time among the answers with a time limit and the overdue items still unanswered."""
        if not self.accountable:
            return None
        return round(100 * self.figures.on_time / self.accountable, 1)


def overdue_open_by_unit(
    scope: Scope, period: Period, today: dt.date | None = None
) -> dict[int | None, int]:
    """Items received in the period whose time limit has passed with no answer yet, per unit."""
    if scope.is_empty:
        return {}
    today = today or timezone.localdate()
    rows = (
        Item.objects.filter(
            scope.q(),
            is_open=True,
            due_on__lt=today,
            received_at__gte=period.start_at,
            received_at__lt=period.end_before,
        )
        .values("handling_org_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["handling_org_id"]: r["n"] for r in rows}


def scoreboard(period: Period) -> tuple[Figures, list[ScoreRow], list[ScoreRow]]:
    """(totals, ranked units, units with too few items to compare). Public: no sealed kinds."""
    scope = public_scope()
    total = figures(scope, period)
    threshold = min_sample()
    rows = [r for r in figures_by(scope, period, "unit") if r.key is not None]
    orgs = Organisation.objects.in_bulk([r.key for r in rows])
    overdue = overdue_open_by_unit(scope, period)
    ranked: list[ScoreRow] = []
    small: list[ScoreRow] = []
    for r in rows:
        figs = r.figures
        score = ScoreRow(
            unit=orgs.get(r.key),
            label=orgs[r.key].name if r.key in orgs else r.label,
            figures=figs,
            comparable=False,
            rating_shown=figs.rated >= threshold,
            overdue_open=overdue.get(r.key, 0),
        )
        score.comparable = score.accountable >= threshold
        (ranked if score.comparable else small).append(score)
    ranked.sort(key=lambda s: (-(s.on_time_share or 0), s.figures.avg_days or 0, s.label))
    for i, s in enumerate(ranked, start=1):
        s.rank = i
    small.sort(key=lambda s: s.label)
    return total, ranked, small


def public_unit_figures(period: Period) -> list[dict[str, Any]]:
    """The open data: figures per unit for a period, rates withheld below the minimum sample."""
    _total, ranked, small = scoreboard(period)
    out = []
    for s in [*ranked, *small]:
        data = s.figures.as_dict()
        if not s.comparable:
            data["on_time_percent"] = None
            data["average_days"] = None
        if not s.rating_shown:
            data["average_rating"] = None
            data["satisfied_percent"] = None
        out.append(
            {
                "period": period.code,
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
                "unit": s.unit.slug if s.unit else "",
                "unit_name": s.label,
                "rank": s.rank,
                "comparable": s.comparable,
                "overdue_open": s.overdue_open,
                "on_time_share": s.on_time_share if s.comparable else None,
                **data,
            }
        )
    return out


def published_items(period: Period | None = None) -> QuerySet[Item]:
    """Published items for the open data: public text only, never a sealed kind."""
    qs = Item.objects.filter(is_published=True).exclude(kind__in=list(sealed_kinds()))
    if period is not None:
        qs = qs.filter(published_at__gte=period.start_at, published_at__lt=period.end_before)
    return annotate_closed_on(
        qs.select_related("topic", "handling_org", "admin_unit").only(
            "code",
            "kind",
            "received_at",
            "closed_at",
            "due_at_close",
            "is_open",
            "published_at",
            "public_summary",
            "public_answer",
            "topic__name_vi",
            "topic__name_en",
            "handling_org__name",
            "handling_org__slug",
            "admin_unit__name",
        )
    ).order_by("-published_at", "-pk")


# -- the items behind a figure -------------------------------------------------------------------


def measure_q(measure: str, period: Period, today: dt.date | None = None) -> Q:
    """The item filter behind one figure (on a queryset annotated with `closed_on`)."""
    today = today or timezone.localdate()
    received = Q(received_at__gte=period.start_at, received_at__lt=period.end_before)
    closed = Q(closed_at__gte=period.start_at, closed_at__lt=period.end_before)
    if measure == "received":
        return received
    if measure == "reopened":
        return received & Q(reopen_count__gt=0)
    if measure == "answered":
        return answered_q() & closed
    if measure == "on_time":
        return answered_q() & closed & closed_on_time_q()
    if measure == "late":
        return answered_q() & closed & had_limit_q() & ~closed_on_time_q()
    if measure == "no_limit":
        return answered_q() & closed & ~had_limit_q()
    if measure == "published":
        return Q(
            is_published=True,
            published_at__gte=period.start_at,
            published_at__lt=period.end_before,
        )
    if measure == "rated":
        return Q(is_open=False, rating__isnull=False) & closed
    if measure == "open":
        return Q(is_open=True)
    if measure == "overdue":
        return Q(is_open=True, due_on__lt=today)
    raise ValueError(measure)


@dataclass
class DrillFilters:
    measure: str = "received"
    kind: str = ""
    channel: str = ""
    topic: str = ""  # an id or "none"
    admin_unit: str = ""  # an id or "none"
    unit: str = ""  # a handling unit id (exactly that unit)
    month: dt.date | None = None  # narrows the period to one month

    def as_params(self) -> dict[str, str]:
        params = {"do": self.measure}
        for name in ("kind", "channel", "topic", "admin_unit", "unit"):
            if getattr(self, name):
                params[name] = getattr(self, name)
        if self.month:
            params["thang"] = self.month.strftime("%Y-%m")
        return params


def _id_or_none(field_name: str, value: str) -> Q:
    if value == "none":
        return Q(**{f"{field_name}__isnull": True})
    if is_digits(value) and len(value) < 19:
        return Q(**{field_name: int(value)})
    return Q(pk__in=[])


def items_behind(
    *, actor: Any, scope: Scope, period: Period, filters: DrillFilters
) -> QuerySet[Item]:
    """The items behind one figure that the actor may open: the same filter as the figure, then
    `visible_items_q`, so the list never shows what the item page would refuse."""
    if scope.is_empty:
        return Item.objects.none()
    if filters.month is not None and period.start <= filters.month <= period.end:
        period = period_of("M", filters.month.year, filters.month.month)
    qs = annotate_closed_on(Item.objects.filter(visible_items_q(actor)).filter(scope.q()))
    qs = qs.filter(measure_q(filters.measure, period))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.topic:
        qs = qs.filter(_id_or_none("topic_id", filters.topic))
    if filters.admin_unit:
        qs = qs.filter(_id_or_none("admin_unit_id", filters.admin_unit))
    if filters.unit:
        qs = qs.filter(_id_or_none("handling_org_id", filters.unit))
    return qs.select_related("handling_org", "topic", "admin_unit").order_by("-received_at", "-pk")


# -- what the other capabilities record ----------------------------------------------------------


@dataclass
class QuotaSummary:
    person: str
    organisation: str
    held: int
    months_met: int
    months_behind: int
    months_counted: int
    configurable: bool


@dataclass
class CommitmentSummary:
    total: int = 0
    done: int = 0
    done_late: int = 0
    open: int = 0
    overdue: int = 0


def reception_quotas(*, actor: Any, period: Period) -> list[QuotaSummary] | None:
    """Citizen-reception quota compliance of the heads in the actor's subtrees (the reception
    capability's own selector, Q11-3/Q11-4/TCD-4); None when that capability is absent."""
    try:
        from langnghe.reception.selectors import quota_table
    except ImportError:  # pragma: no cover - the capability is optional
        return None
    today = timezone.localdate()
    months = [m for m in period.months if m <= today]
    out = []
    for row in quota_table(actor=actor, months=months):
        out.append(
            QuotaSummary(
                person=row.person.full_name,
                organisation=row.organisation.short_name or row.organisation.name,
                held=sum(c.held for c in row.cells),
                months_met=sum(1 for c in row.cells if c.ok is True),
                months_behind=row.behind,
                months_counted=sum(1 for c in row.cells if c.ok is not None),
                configurable=any(c.configurable for c in row.cells),
            )
        )
    return out


def dialogue_commitments(scope: Scope, today: dt.date | None = None) -> CommitmentSummary | None:
    """Commitments made at dialogue conferences by units in the scope, and how they stand."""
    try:
        from langnghe.meetings.models import Commitment
    except ImportError:  # pragma: no cover - the capability is optional
        return None
    if scope.is_empty:
        return CommitmentSummary()
    today = today or timezone.localdate()
    q = Q(pk__in=[])
    for path, _sealed in scope.paths:
        q |= Q(responsible_org__path__startswith=path)
    row = Commitment.objects.filter(q).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=Commitment.Status.DONE)),
        done_late=Count("pk", filter=Q(status=Commitment.Status.DONE, done_on__gt=F("deadline"))),
        open=Count("pk", filter=Q(status=Commitment.Status.OPEN)),
        overdue=Count("pk", filter=Q(status=Commitment.Status.OPEN, deadline__lt=today)),
    )
    return CommitmentSummary(**{k: int(v or 0) for k, v in row.items()})


@dataclass
class AccountabilitySummary:
    """Where the reviews, inspections and discipline of the actor's subtrees stand: counts only
    (inspection records are sealed; a number reveals none of them)."""

    cycles: int = 0
    reviews: int = 0
    reviews_decided: int = 0
    grades: list[tuple[str, int]] = field(default_factory=list)
    suggestions: int = 0
    suggestions_acknowledged: int = 0
    review_commitments_open: int = 0
    review_commitments_overdue: int = 0
    inspections_by_phase: list[tuple[str, int]] = field(default_factory=list)
    inspections_concluded: int = 0
    remedies_overdue: int = 0
    decisions: list[tuple[str, int]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.cycles or self.inspections_by_phase or self.decisions)


def accountability_status(
    *, actor: Any, period: Period, today: dt.date | None = None
) -> AccountabilitySummary | None:
    """For leaders and inspectors: the review cycles they see, and the inspections and discipline
    decisions of the party bodies under their grants in the period. None for other roles."""
    from langnghe.accountability.discipline.models import DisciplineDecision
    from langnghe.accountability.inspections import policy as inspection_policy
    from langnghe.accountability.inspections.models import Inspection, Remedy
    from langnghe.accountability.reviews.models import Commitment, Review, ReviewSuggestion
    from langnghe.accountability.reviews.selectors import cycles_for
    from langnghe.orgs.access import paths_with_roles

    paths = paths_with_roles(actor, {Role.LEADER, Role.INSPECTOR})
    if not paths:
        return None
    today = today or timezone.localdate()
    out = AccountabilitySummary()
    cycles = cycles_for(actor).filter(period_start__lte=period.end, period_end__gte=period.start)
    out.cycles = cycles.count()
    # Each table's figures in one query (conditional counts).
    reviews = Review.objects.filter(cycle__in=cycles)
    counted = reviews.aggregate(n=Count("pk"), decided=Count("pk", filter=~Q(final_grade="")))
    out.reviews, out.reviews_decided = counted["n"], counted["decided"]
    labels = dict(Review._meta.get_field("final_grade").choices or [])
    out.grades = [
        (str(labels.get(r["final_grade"], r["final_grade"])), r["n"])
        for r in reviews.exclude(final_grade="")
        .values("final_grade")
        .annotate(n=Count("pk"))
        .order_by("final_grade")
    ]
    counted = ReviewSuggestion.objects.filter(cycle__in=cycles).aggregate(
        n=Count("pk"),
        acknowledged=Count("pk", filter=Q(status=ReviewSuggestion.Status.ACKNOWLEDGED)),
    )
    out.suggestions, out.suggestions_acknowledged = counted["n"], counted["acknowledged"]
    counted = Commitment.objects.filter(review__in=reviews, done_on__isnull=True).aggregate(
        n=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today))
    )
    out.review_commitments_open, out.review_commitments_overdue = counted["n"], counted["overdue"]

    inspections = Inspection.objects.filter(subtree_q(paths, "commission__path"))
    by_state = dict(inspections.values("state").annotate(n=Count("pk")).values_list("state", "n"))
    for phase in inspection_policy.phases():
        n = sum(by_state.get(code, 0) for code, _label in phase.states)
        if n:
            out.inspections_by_phase.append((phase.label, n))
    out.inspections_concluded = inspections.filter(
        conclusion__concluded_on__gte=period.start, conclusion__concluded_on__lte=period.end
    ).count()
    out.remedies_overdue = Remedy.objects.filter(
        inspection__in=inspections, done_on__isnull=True, due_on__lt=today
    ).count()
    form_labels = dict(DisciplineDecision._meta.get_field("form").choices or [])
    out.decisions = [
        (str(form_labels.get(r["form"], r["form"])), r["n"])
        for r in DisciplineDecision.objects.filter(
            subtree_q(paths, "deciding_body__path"),
            decided_on__gte=period.start,
            decided_on__lte=period.end,
        )
        .values("form")
        .annotate(n=Count("pk"))
        .order_by("form")
    ]
    return out
