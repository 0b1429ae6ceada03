"""Reads of periodic reports, for an actor, and the figures a report shows (from the one
module that defines every figure, langnghe.stats.selectors)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from langnghe.core.errors import NotFound
from langnghe.core.ruledata import RuleBook, get_rulebook
from langnghe.orgs.access import paths_with_roles, subtree_q
from langnghe.orgs.models import Organisation
from langnghe.stats import selectors as stats

from .models import PeriodKind, Report
from .rules import READ_ROLES, WRITE_ROLES, can


def rulebook() -> RuleBook:
    return get_rulebook("reports", str(Path(__file__).parent))


def layout(side: str) -> dict[str, Any]:
    return dict(rulebook().setting("layout", {}).get(side, {}))


def reports_for(*, actor: Any) -> QuerySet[Report]:
    paths = paths_with_roles(actor, READ_ROLES)
    return (
        Report.objects.filter(subtree_q(paths, "organisation__path"))
        .select_related("organisation")
        .order_by("-period_end", "-pk")
    )


def access_report(actor: Any, report_id: int) -> Report:
    """One report by id: missing and forbidden answer alike (404)."""
    report = Report.objects.select_related("organisation").filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    if not can(actor, "reports.view_report", report):
        raise NotFound()
    return report


def issuing_orgs_for(*, actor: Any) -> QuerySet[Organisation]:
    paths = paths_with_roles(actor, WRITE_ROLES)
    return Organisation.objects.filter(subtree_q(paths, "path")).order_by("path")


def period_for(report: Report) -> stats.Period:
    kind = report.period_kind
    start, end = report.period_start, report.period_end
    if kind == PeriodKind.ADHOC:
        return stats.period_of("adhoc", start.year, start.month, end_month=end.month)
    return stats.period_of(kind, start.year, start.month)


def _rows(rows: list[stats.Row]) -> list[dict[str, Any]]:
    return [
        {
            "label": r.label,
            "received": r.figures.received,
            "answered": r.figures.answered,
            "on_time": r.figures.on_time,
            "late": r.figures.late,
        }
        for r in rows
        if r.figures.received or r.figures.answered
    ]


def report_figures(report: Report, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the report's body shows, JSON-ready: frozen into the report at issue.

    The scope is the issuing body's subtree with every kind: a report is an aggregate sent up
    the chain of command, and denunciations are part of what Q11-8 asks to report on.
    """
    if report.figures and not report.is_draft:
        return report.figures
    today = today or timezone.localdate()
    scope = stats.org_scope(report.organisation, include_sealed=True)
    period = period_for(report)
    figs = stats.figures(scope, period)
    live = stats.open_counts(scope, today)
    commitments = stats.dialogue_commitments(scope, today)
    return {
        "as_of": today.isoformat(),
        "period": period.code,
        "period_label": period.label,
        "totals": {
            **figs.as_dict(),
            "open_now": live.open,
            "overdue_now": live.overdue,
        },
        "bands": [[str(label), value] for label, value in figs.bands],
        "by_kind": _rows(stats.figures_by(scope, period, "kind")),
        "by_channel": _rows(stats.figures_by(scope, period, "channel")),
        "by_unit": _rows(stats.figures_by(scope, period, "unit")),
        "by_month": [
            {"label": r.label, "received": r.figures.received, "answered": r.figures.answered}
            for r in stats.figures_by(scope, period, "month")
        ],
        "commitments": commitments.__dict__ if commitments is not None else None,
    }
