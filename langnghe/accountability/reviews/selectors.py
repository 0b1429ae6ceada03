"""Reads of reviews: the cycles an actor may see, the ordered plan with its warnings (KD-8), the
reviewed person's own reviews, and the signals snapshot as rows to show (counts only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    ("total", gettext_lazy("Số ý kiến liên quan")),
    ("substantiated", gettext_lazy("Được xác minh đúng hoặc đúng một phần")),
    ("overdue_open", gettext_lazy("Quá hạn chưa giải quyết")),
    ("answered_late", gettext_lazy("Trả lời chậm")),
    ("reopened", gettext_lazy("Bị mở lại")),
]
FINDING_LABELS = {
    "true": gettext_lazy("Đúng"),
    "partly_true": gettext_lazy("Đúng một phần"),
    "false": gettext_lazy("Sai"),
    "unverified": gettext_lazy("Chưa xác minh"),
}
FINDING_ORDER = ("true", "partly_true", "false", "unverified")


def _group_label(code: str) -> str:
    from langnghe.portal.selectors import INDICATOR_GROUPS

    if code == "none":
        return _("Không gắn biểu hiện")
    return str(INDICATOR_GROUPS.get(code, code))


def _kind_label(code: str) -> str:
    from langnghe.intake.models import Kind

    return str(Kind(code).label) if code in Kind.values else code


def snapshot_rows(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot's counts, for the screen, each with its label (never an internal code), never
    ids, never identities. Lists of (label, count)."""
    if not snapshot:
        return {}
    rows = [
        (str(label), snapshot.get(key))
        for key, label in SNAPSHOT_LABELS
        if snapshot.get(key) is not None
    ]
    reporters = snapshot.get("reporters") or {}
    if "distinct" in reporters:
        rows.append((_("Số người phản ánh khác nhau"), reporters["distinct"]))
    by_finding = snapshot.get("by_finding") or {}
    ordered = [k for k in FINDING_ORDER if k in by_finding] + [
        k for k in by_finding if k not in FINDING_ORDER
    ]
    return {
        "rows": rows,
        "by_finding": [(str(FINDING_LABELS.get(k, k)), by_finding[k]) for k in ordered],
        "by_kind": [(_kind_label(k), n) for k, n in (snapshot.get("by_kind") or {}).items()],
        "by_group": [
            (_group_label(k), n)
            for k, n in sorted(
                (snapshot.get("by_group") or {}).items(), key=lambda kv: (kv[0] == "none", kv[0])
            )
        ],
        "score": snapshot.get("score"),
        "crossed": [c.get("code") for c in snapshot.get("crossed") or []],
        "period": snapshot.get("period") or {},
        "computed_on": snapshot.get("computed_on") or "",
    }


# -- who may issue a review suggestion for whom (KD-10) -----------------------------------------


def _issuable(actor: Any, cycle: ReviewCycle, *, org: Any, person: Any) -> bool:
    from langnghe.handling.rules import can

    from . import services

    draft = ReviewSuggestion(
        cycle=cycle,
        issuer=services.issuer_for(cycle, org=org),
        subject_org=org,
        subject_person=person,
    )
    if not can(actor, "reviews.issue_suggestion", draft):
        return False
    if org is not None:
        return services._in_scope_org(actor, cycle, org)
    return services._in_scope_person(actor, cycle, person)


def suggestion_cycles(actor: Any, *, org: Any = None, person: Any = None) -> list[ReviewCycle]:
    """The cycles (not closed) in which the actor may issue a review suggestion to this collective
    or individual: they lead the issuing committee (the organiser, or its parent for the
    organiser's own collective) and the subject is within the cycle's scope — the same checks as
    services.suggestion_issue."""
    if (org is None) == (person is None):
        return []
    open_cycles = cycles_for(actor).exclude(status=ReviewCycle.Status.CLOSED)
    return [c for c in open_cycles if _issuable(actor, c, org=org, person=person)]


def suggestion_checker(actor: Any) -> Any:
    """For a list of subjects (the candidates of the opinion signals): a function
    ``check(kind, pk) -> bool`` ("person" or "org") answering "may the actor issue a review
    suggestion for this subject?", with the actor's open cycles read once."""
    from langnghe.orgs.models import Organisation, Person

    open_cycles = list(
        cycles_for(actor)
        .exclude(status=ReviewCycle.Status.CLOSED)
        .select_related("organiser__parent")
    )

    def check(kind: str, pk: int) -> bool:
        if not open_cycles:
            return False
        if kind == "person":
            person = Person.objects.filter(pk=pk).select_related("party_cell").first()
            if person is None:
                return False
            return any(_issuable(actor, c, org=None, person=person) for c in open_cycles)
        org = Organisation.objects.filter(pk=pk).first()
        if org is None:
            return False
        return any(_issuable(actor, c, org=org, person=None) for c in open_cycles)

    return check


def can_issue_suggestion(actor: Any, *, org: Any = None, person: Any = None) -> bool:
    """Whether the actor has a cycle in which they may issue a review suggestion for this
    collective or individual (the rule behind the "Gợi ý kiểm điểm" buttons elsewhere)."""
    return bool(suggestion_cycles(actor, org=org, person=person))
