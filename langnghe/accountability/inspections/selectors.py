"""Reads of party inspections, always filtered by what the actor may see. Every read of a sealed
record page is audited (`inspection_for_read`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import NotFound, PermissionDenied
from langnghe.handling.rules import visible_items_q
from langnghe.intake.models import Item, Kind
from langnghe.orgs.access import subtree_q
from langnghe.orgs.models import Organisation, Person, Position, active_q

from .models import Inspection, InspectionAccessGrant, InspectionPlan, Remedy
from .rules import can, inspector_paths, plan_paths


def inspections_visible(actor: Any) -> QuerySet[Inspection]:
    """The list-side twin of `inspections.view_inspection`."""
    if not getattr(actor, "is_authenticated", False):
        return Inspection.objects.none()
    granted = InspectionAccessGrant.objects.filter(
        inspection=OuterRef("pk"), user=actor, revoked_at__isnull=True
    )
    q = subtree_q(inspector_paths(actor), "commission__path") | Q(Exists(granted))
    qs = Inspection.objects.filter(q).exclude(subject_person__user=actor)
    return qs.select_related("commission", "subject_org", "subject_person", "conclusion")


def _get(actor: Any, inspection_id: int) -> Inspection:
    inspection = (
        Inspection.objects.select_related("commission", "subject_org", "subject_person")
        .filter(pk=inspection_id)
        .first()
    )
    if inspection is None or not can(actor, "inspections.view_inspection", inspection):
        raise NotFound()
    return inspection


def inspection_for_read(actor: Any, inspection_id: int, *, page: str) -> Inspection:
    """A sealed record the actor may read; the read itself is audited (who, which page)."""
    inspection = _get(actor, inspection_id)
    audit_event_record(action="inspection.read", obj=inspection, actor=actor, data={"page": page})
    return inspection


def inspection_for_manage(actor: Any, inspection_id: int) -> Inspection:
    inspection = _get(actor, inspection_id)
    if not can(actor, "inspections.manage_inspection", inspection):
        raise PermissionDenied()
    return inspection


def party_denunciations(actor: Any) -> QuerySet[Item]:
    """TC-18: denunciations against party members routed to a commission the actor inspects for,
    as the spine lets the actor see them (never the ones about the actor)."""
    paths = inspector_paths(actor)
    if not paths:
        return Item.objects.none()
    return (
        Item.objects.filter(visible_items_q(actor))
        .filter(kind=Kind.DENUNCIATION, party_matter=True)
        .filter(handling_org__kind=Organisation.Kind.INSPECTION_COMMISSION)
        .filter(subtree_q(paths, "handling_path"))
        .select_related("handling_org", "concerned_person")
        .order_by("-received_at")
    )


def plans_visible(actor: Any) -> QuerySet[InspectionPlan]:
    return (
        InspectionPlan.objects.filter(subtree_q(plan_paths(actor), "organisation__path"))
        .select_related("organisation")
        .prefetch_related("entries")
    )


def plan_for_read(actor: Any, plan_id: int) -> InspectionPlan:
    plan = InspectionPlan.objects.select_related("organisation").filter(pk=plan_id).first()
    if plan is None or not can(actor, "inspections.view_plan", plan):
        raise NotFound()
    return plan


def remedies_due(actor: Any, *, day: dt.date | None = None) -> QuerySet[Remedy]:
    """Open remedies of the inspections the actor may see, the overdue first."""
    day = day or timezone.localdate()
    return (
        Remedy.objects.filter(
            inspection__in=inspections_visible(actor).values("pk"), done_on__isnull=True
        )
        .select_related("inspection")
        .order_by("due_on")
    )


def commissions_for(actor: Any) -> QuerySet[Organisation]:
    """Party bodies where the actor may open an inspection."""
    return Organisation.objects.filter(
        subtree_q(inspector_paths(actor), "path"),
        kind__in=[
            Organisation.Kind.INSPECTION_COMMISSION,
            Organisation.Kind.PARTY_COMMITTEE,
            Organisation.Kind.PARTY_CELL,
        ],
    ).order_by("path")


def covered_root(commission: Organisation) -> Organisation:
    """The party body whose subtree a commission covers: an inspection commission covers its
    party committee's organisations; a committee or cell covers its own subtree."""
    if commission.kind == Organisation.Kind.INSPECTION_COMMISSION and commission.parent_id:
        return commission.parent  # type: ignore[return-value]
    return commission


def covered_paths(commissions: Any) -> list[str]:
    return sorted({covered_root(c).path for c in commissions})


def subject_orgs_covered(commissions: Any) -> QuerySet[Organisation]:
    """Active party organisations (committees, cells) the commissions cover, each once."""
    paths = covered_paths(commissions)
    if not paths:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(
            subtree_q(paths, "path"),
            active_q(),
            kind__in=[Organisation.Kind.PARTY_COMMITTEE, Organisation.Kind.PARTY_CELL],
        )
        .distinct()
        .order_by("path")
    )


def subject_people_covered(commissions: Any) -> QuerySet[Person]:
    """Party members the commissions cover: their party cell is in the covered subtree, or they
    hold a current post in it; each once."""
    paths = covered_paths(commissions)
    if not paths:
        return Person.objects.none()
    posts = Position.objects.filter(
        subtree_q(paths, "organisation__path"), active_q(), person=OuterRef("pk")
    )
    return (
        Person.objects.filter(is_party_member=True)
        .select_related("party_cell")
        .filter(subtree_q(paths, "party_cell__path") | Q(Exists(posts)))
        .distinct()
        .order_by("full_name", "pk")
    )
