"""Reads for Front supervision, always for an actor; one object by id through `access_*`, which
answers "not found" alike for missing and forbidden."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.core.errors import NotFound
from langnghe.intake.models import Item
from langnghe.orgs.models import Organisation

from . import policy
from .models import (
    FrontReopen,
    Hearing,
    Recommendation,
    Supervision,
    SupervisionPlan,
    SupervisionStatus,
)
from .policy import Step
from .rules import can, front_visible_q, fronts_managed, visible_supervisions_q

S = SupervisionStatus
ORDER = list(S.values)


def _reached(supervision: Supervision, status: str) -> bool:
    return ORDER.index(supervision.status) >= ORDER.index(status)


def supervision_steps(supervision: Supervision, today: dt.date | None = None) -> list[Step]:
    """The three MT-5 time limits with their due dates, what happened and whether it was late
    (or is late now, when the step is still missing after its due date)."""
    today = today or timezone.localdate()
    first = supervision.first_session_on
    steps = []

    def late(done: dt.date | None, due: dt.date | None) -> bool:
        if due is None:
            return False
        return done > due if done is not None else today > due

    due = policy.decision_due(first)
    rule = policy.rule("decision_sent_before_first_session", first)
    steps.append(
        Step(
            "decision",
            str(_("Gửi kế hoạch, quyết định cho đối tượng giám sát")),
            due,
            supervision.decision_sent_on,
            late(supervision.decision_sent_on, due),
            rule.cite_text,
            rule.configurable,
        )
    )
    due = policy.report_due(first)
    rule = policy.rule("report_received_before_first_session", first)
    steps.append(
        Step(
            "report",
            str(_("Nhận báo cáo của đối tượng giám sát")),
            due,
            supervision.report_received_on,
            late(supervision.report_received_on, due),
            rule.cite_text,
            rule.configurable,
        )
    )
    last = supervision.last_session_on
    due = policy.result_report_due(last) if last else None
    rule = policy.rule("result_report_after_last_session", last or first)
    steps.append(
        Step(
            "result",
            str(_("Báo cáo kết quả giám sát")),
            due,
            supervision.result_report_on,
            late(supervision.result_report_on, due),
            rule.cite_text,
            rule.configurable,
        )
    )
    return steps


def late_steps(supervision: Supervision, today: dt.date | None = None) -> list[Step]:
    return [s for s in supervision_steps(supervision, today) if s.late]


def supervision_list_for(*, actor: Any, status: str = "") -> QuerySet[Supervision]:
    qs = (
        Supervision.objects.filter(visible_supervisions_q(actor))
        .select_related("front", "supervised_org", "plan")
        .annotate(
            n_recs=Count("recommendations", distinct=True),
            n_open=Count(
                "recommendations",
                filter=Q(recommendations__status=Recommendation.Status.OPEN),
                distinct=True,
            ),
        )
        .distinct()
    )
    if status in S.values:
        qs = qs.filter(status=status)
    return qs


def plan_list_for(*, actor: Any) -> QuerySet[SupervisionPlan]:
    fronts = fronts_managed(actor)
    return (
        SupervisionPlan.objects.filter(front__in=fronts)
        .select_related("front")
        .annotate(n=Count("supervisions"))
    )


def access_plan(actor: Any, plan_id: int) -> SupervisionPlan:
    plan = SupervisionPlan.objects.select_related("front").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound()
    if not can(actor, "supervision.manage", plan):
        raise NotFound()
    return plan


def access_supervision(actor: Any, supervision_id: int) -> Supervision:
    s = (
        Supervision.objects.select_related("front", "supervised_org", "plan", "front__parent")
        .filter(pk=supervision_id)
        .first()
    )
    if s is None:
        raise NotFound()
    if not can(actor, "supervision.view", s):
        raise NotFound()
    return s


def access_recommendation(actor: Any, rec_id: int) -> Recommendation:
    rec = (
        Recommendation.objects.select_related(
            "supervision", "supervision__front", "supervision__supervised_org", "competent_body"
        )
        .filter(pk=rec_id)
        .first()
    )
    if rec is None:
        raise NotFound()
    if not can(actor, "supervision.view", rec.supervision):
        raise NotFound()
    return rec


def recommendation_list_for(*, actor: Any, status: str = "") -> QuerySet[Recommendation]:
    qs = Recommendation.objects.filter(
        supervision__in=Supervision.objects.filter(visible_supervisions_q(actor))
    ).select_related("supervision", "supervision__supervised_org", "supervision__front")
    if status in Recommendation.Status.values:
        qs = qs.filter(status=status)
    return qs


def hearing_list_for(*, actor: Any) -> QuerySet[Hearing]:
    return (
        Hearing.objects.filter(front__in=fronts_managed(actor))
        .select_related("front", "body")
        .prefetch_related("supervisions")
    )


@dataclass(frozen=True)
class HearingCheck:
    front: Organisation
    last: dt.date | None
    due: dt.date | None
    overdue: bool


def hearing_checks(*, actor: Any, today: dt.date | None = None) -> list[HearingCheck]:
    """MT-3: for each Front the actor manages, whether more than 6 months have passed since the
    people's council/committee last heard its results."""
    today = today or timezone.localdate()
    months = policy.hearing_interval_months(today)
    out = []
    for front in fronts_managed(actor):
        last = (
            Hearing.objects.filter(front=front)
            .order_by("-held_on")
            .values_list("held_on", flat=True)
            .first()
        )
        if last is None:
            plan = SupervisionPlan.objects.filter(front=front).order_by("adopted_on").first()
            start = plan.adopted_on if plan else None
        else:
            start = last
        due = policy.add_months(start, months) if (start and months) else None
        out.append(HearingCheck(front, last, due, bool(due and today > due)))
    return out


def hearing_overdue(front: Organisation, today: dt.date) -> bool:
    months = policy.hearing_interval_months(today)
    last = Hearing.objects.filter(front=front).order_by("-held_on").first()
    if last is None or not months:
        return False
    return today > policy.add_months(last.held_on, months)


def aggregate(qs: QuerySet[Supervision]) -> dict[str, int]:
    recs = Recommendation.objects.filter(supervision__in=qs.values("pk"))
    return {
        "supervisions": qs.values("pk").distinct().count(),
        "recommendations": recs.count(),
        "answered": recs.exclude(status=Recommendation.Status.OPEN).count(),
        "accepted": recs.filter(outcome=Recommendation.Outcome.ACCEPTED).count(),
        "partly": recs.filter(outcome=Recommendation.Outcome.PARTLY).count(),
        "rejected": recs.filter(outcome=Recommendation.Outcome.REJECTED).count(),
    }


def reopen_candidates_for(*, actor: Any, code: str = "") -> QuerySet[Item]:
    """Handled items in the actor's Front area whose public result it may see."""
    fronts = fronts_managed(actor)
    if not fronts:
        return Item.objects.none()
    qs = (
        Item.objects.filter(front_visible_q(fronts), is_open=False)
        .select_related("handling_org")
        .distinct()
        .order_by("-closed_at", "-pk")
    )
    if code:
        qs = qs.filter(code__iexact=code.strip())
    return qs


def access_reopen_item(actor: Any, item_id: int) -> Item:
    item = reopen_candidates_for(actor=actor).filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    return item


def reopens_for(*, actor: Any) -> QuerySet[FrontReopen]:
    return FrontReopen.objects.filter(front__in=fronts_managed(actor)).select_related(
        "item", "handled_by_before", "handled_by_after", "supervision"
    )


# --- public -----------------------------------------------------------------------------------


def public_supervisions() -> QuerySet[Supervision]:
    return (
        Supervision.objects.filter(published_at__isnull=False)
        .select_related("front", "supervised_org")
        .annotate(
            n_recs=Count("recommendations", distinct=True),
            n_answered=Count(
                "recommendations",
                filter=~Q(recommendations__status=Recommendation.Status.OPEN),
                distinct=True,
            ),
            n_accepted=Count(
                "recommendations",
                filter=Q(recommendations__outcome=Recommendation.Outcome.ACCEPTED),
                distinct=True,
            ),
        )
        .order_by("-result_report_on", "-pk")
    )


def public_supervision(pk: int) -> Supervision:
    s = public_supervisions().filter(pk=pk).first()
    if s is None:
        raise NotFound()
    return s
