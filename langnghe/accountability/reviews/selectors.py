"""Reads of reviews: the cycles an actor may see, the ordered plan with its warnings (KD-8), the
reviewed person's own reviews, and the signals snapshot as rows to show (counts only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from langnghe.orgs.access import grants_for, subtree_q
from langnghe.orgs.models import PATH_STEP, Role

from .models import Review, ReviewCycle, ReviewSuggestion


def cycles_for(actor: Any) -> QuerySet[ReviewCycle]:
    """Cycles whose organiser is under a leader grant, or whose inspection side the actor is."""
    grants = grants_for(actor)
    leader = [p for p, r in grants if r == Role.LEADER]
    q = subtree_q(leader, "organiser__path")
    for path, role in grants:
        if role == Role.INSPECTOR:
            parent = path[: -(PATH_STEP + 1)]
            if parent:
                q |= Q(organiser__path__startswith=parent)
    return (
        ReviewCycle.objects.filter(q)
        .select_related("organiser")
        .annotate(
            n_reviews=Count("reviews", distinct=True),
            n_decided=Count(
                "reviews", filter=Q(reviews__status=Review.Status.DECIDED), distinct=True
            ),
        )
    )


def own_reviews(actor: Any) -> QuerySet[Review]:
    if not getattr(actor, "is_authenticated", False):
        return Review.objects.none()
    return Review.objects.filter(subject_person__user=actor).select_related("cycle")


def own_suggestions(actor: Any) -> QuerySet[ReviewSuggestion]:
    if not getattr(actor, "is_authenticated", False):
        return ReviewSuggestion.objects.none()
    return ReviewSuggestion.objects.filter(subject_person__user=actor).select_related("cycle")


@dataclass
class PlanWarning:
    first: Review
    second: Review

    @property
    def text(self) -> str:
        return _(
            "%(a)s (ngày %(da)s) theo thứ tự phải kiểm điểm trước %(b)s (ngày %(db)s) — KD-8."
        ) % {
            "a": self.first.subject_label,
            "da": self.first.scheduled_on.strftime("%d/%m/%Y") if self.first.scheduled_on else "",
            "b": self.second.subject_label,
            "db": self.second.scheduled_on.strftime("%d/%m/%Y") if self.second.scheduled_on else "",
        }


def plan(cycle: ReviewCycle) -> list[Review]:
    return list(
        Review.objects.filter(cycle=cycle)
        .select_related("subject_org", "subject_person")
        .prefetch_related("venues")
        .order_by("order_key", "subject_org__path", "subject_person__full_name", "pk")
    )


def plan_warnings(reviews: list[Review]) -> list[PlanWarning]:
    """KD-8: warn (never block) when a scheduled date puts an entry before one that the order says
    must come first."""
    warnings = []
    dated = [r for r in reviews if r.scheduled_on is not None]
    for a in dated:
        for b in dated:
            if a.order_key < b.order_key and a.scheduled_on > b.scheduled_on:  # type: ignore[operator]
                warnings.append(PlanWarning(a, b))
    return warnings


def progress(reviews: list[Review]) -> dict[str, int]:
    counts = dict.fromkeys(Review.Status.values, 0)
    for r in reviews:
        counts[r.status] += 1
    counts["total"] = len(reviews)
    return counts


SNAPSHOT_LABELS = [
    ("total", "Số ý kiến liên quan"),
    ("substantiated", "Được xác minh đúng hoặc đúng một phần"),
    ("overdue_open", "Quá hạn chưa giải quyết"),
    ("answered_late", "Trả lời chậm"),
    ("reopened", "Bị mở lại"),
]


def snapshot_rows(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot's counts, for the screen: never ids, never identities."""
    if not snapshot:
        return {}
    rows = [
        (_(label), snapshot.get(key))
        for key, label in SNAPSHOT_LABELS
        if snapshot.get(key) is not None
    ]
    reporters = snapshot.get("reporters") or {}
    if "distinct" in reporters:
        rows.append((_("Số người phản ánh khác nhau"), reporters["distinct"]))
    return {
        "rows": rows,
        "by_finding": snapshot.get("by_finding") or {},
        "by_kind": snapshot.get("by_kind") or {},
        "by_group": snapshot.get("by_group") or {},
        "score": snapshot.get("score"),
        "crossed": [c.get("code") for c in snapshot.get("crossed") or []],
        "period": snapshot.get("period") or {},
    }
