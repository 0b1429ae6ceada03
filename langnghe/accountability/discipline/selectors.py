"""Reads of party discipline, always filtered by what the actor may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import NotFound
from langnghe.handling.rules import visible_items_q
from langnghe.intake.models import Item
from langnghe.orgs.access import paths_with_roles, subtree_q
from langnghe.orgs.models import Organisation, Person, active_q

from . import policy
from .models import DecisionStatus, DisciplineDecision, StateNotice
from .rules import NOTICE_KEEP_ROLES, can, inspection_paths, leader_paths


def decisions_for(
    *, actor: Any, filters: dict[str, str] | None = None
) -> QuerySet[DisciplineDecision]:
    """The decisions the actor may see (the list-side twin of `discipline.view_decision`)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return DisciplineDecision.objects.none()
    insp = inspection_paths(actor)
    lead = leader_paths(actor)
    q = subtree_q(insp + lead, "deciding_body__path")
    q |= subtree_q(insp, "subject_org__path") | subtree_q(insp, "subject_person__party_cell__path")
    q |= Q(subject_person__user=actor) & ~Q(status=DecisionStatus.DRAFT)
    qs = DisciplineDecision.objects.filter(q).select_related(
        "deciding_body", "subject_org", "subject_person", "publication"
    )
    filters = filters or {}
    if filters.get("form"):
        qs = qs.filter(form=filters["form"])
    if filters.get("subject_type"):
        qs = qs.filter(subject_type=filters["subject_type"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.distinct().order_by("-created_at", "-pk")


def access_decision(*, actor: Any, pk: int, audit: bool = True) -> DisciplineDecision:
    """One decision, or "not found" alike for missing and forbidden. Reading a decision that is
    not yet public is audited (sealed record)."""
    decision = (
        DisciplineDecision.objects.select_related(
            "deciding_body",
            "subject_org",
            "subject_person",
            "subject_person__party_cell",
            "inspection",
            "publication",
        )
        .filter(pk=pk)
        .first()
    )
    if decision is None:
        raise NotFound()
    if not can(actor, "discipline.view_decision", decision):
        raise NotFound()
    if audit and not decision.is_disclosed:
        audit_event_record(action="discipline.read", obj=decision, actor=actor)
    return decision


def notices_for(*, actor: Any, filters: dict[str, str] | None = None) -> QuerySet[StateNotice]:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return StateNotice.objects.none()
    keep = paths_with_roles(actor, NOTICE_KEEP_ROLES)
    q = subtree_q(keep, "issuing_org__path")
    q |= subtree_q(inspection_paths(actor) + leader_paths(actor), "receiving_org__path")
    qs = StateNotice.objects.filter(q).select_related("issuing_org", "receiving_org", "person")
    filters = filters or {}
    today = timezone.localdate()
    state = filters.get("state")
    if state == "unsent":
        qs = qs.filter(sent_on__isnull=True)
    elif state == "overdue":
        qs = qs.filter(sent_on__isnull=True, due_on__lt=today)
    elif state == "sent":
        qs = qs.filter(sent_on__isnull=False)
    return qs.distinct().order_by("-decided_on", "-pk")


def access_notice(*, actor: Any, pk: int) -> StateNotice:
    notice = (
        StateNotice.objects.select_related("issuing_org", "receiving_org", "person")
        .filter(pk=pk)
        .first()
    )
    if notice is None or not can(actor, "discipline.view_notice", notice):
        raise NotFound()
    return notice


# -- choices for the forms -------------------------------------------------------------------


def deciding_bodies_for(actor: Any) -> QuerySet[Organisation]:
    paths = inspection_paths(actor) + leader_paths(actor)
    return Organisation.objects.filter(
        subtree_q(paths, "path"), active_q(), kind__in=sorted(policy.deciding_kinds())
    ).order_by("path")


def subject_orgs_for(actor: Any) -> QuerySet[Organisation]:
    paths = inspection_paths(actor) + leader_paths(actor)
    return Organisation.objects.filter(
        subtree_q(paths, "path"), active_q(), kind__in=sorted(policy.party_org_kinds())
    ).order_by("path")


def subject_people_for(actor: Any) -> QuerySet[Person]:
    """Party members of the cells under the actor's party scope (non-members are not listed:
    they cannot be party-disciplined)."""
    paths = inspection_paths(actor) + leader_paths(actor)
    return (
        Person.objects.filter(subtree_q(paths, "party_cell__path"), is_party_member=True)
        .select_related("party_cell")
        .order_by("full_name", "pk")
    )


def inspections_for(actor: Any) -> QuerySet[Any]:
    from langnghe.accountability.inspections.models import Inspection

    paths = inspection_paths(actor) + leader_paths(actor)
    return Inspection.objects.filter(subtree_q(paths, "commission__path")).order_by("-created_at")


def items_for(actor: Any, person: Person | None) -> QuerySet[Item]:
    """Items the actor may see that concern the subject person (candidates for the grounds)."""
    if person is None:
        return Item.objects.none()
    # The 50 latest, as a filterable queryset (a form field filters its queryset on submit).
    ids = list(
        Item.objects.filter(visible_items_q(actor), concerned_person=person)
        .order_by("-pk")
        .values_list("pk", flat=True)[:50]
    )
    return Item.objects.filter(pk__in=ids).order_by("-pk")


def issuing_orgs_for(actor: Any) -> QuerySet[Organisation]:
    keep = paths_with_roles(actor, NOTICE_KEEP_ROLES)
    return Organisation.objects.filter(
        subtree_q(keep, "path"), active_q(), kind__in=sorted(policy.state_issuer_kinds())
    ).order_by("path")


def notice_people_for(actor: Any) -> QuerySet[Person]:
    """Cadres holding a post in an organisation the actor keeps notices for."""
    keep = paths_with_roles(actor, NOTICE_KEEP_ROLES)
    return (
        Person.objects.filter(subtree_q(keep, "positions__organisation__path"))
        .distinct()
        .order_by("full_name", "pk")
    )
