"""Reads about suggestion boxes, always for an actor: lists are filtered, not merely guarded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from langnghe.core.errors import NotFound
from langnghe.handling.rules import can
from langnghe.intake.models import Item
from langnghe.orgs.access import paths_with_roles, subtree_q
from langnghe.orgs.models import Organisation, active_q

from . import policy
from . import rules as box_rules
from .models import BoxLetter, BoxOpening, SuggestionBox


def _visible_q(actor: Any) -> Q:
    paths = paths_with_roles(actor, box_rules.REGISTER_ROLES)
    q = subtree_q(paths, "organisation__path")
    units = box_rules.front_admin_unit_ids(actor)
    if units:
        q |= Q(admin_unit_id__in=units) | Q(
            admin_unit__isnull=True, organisation__admin_unit_id__in=units
        )
    return q


def boxes_for(
    *, actor: Any, organisation: Organisation | None = None, include_retired: bool = False
) -> QuerySet[SuggestionBox]:
    """The register as the actor may see it, each box with its last opening and counts."""
    qs = SuggestionBox.objects.filter(_visible_q(actor))
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    if not include_retired:
        qs = qs.filter(active=True)
    return (
        qs.select_related("organisation", "admin_unit")
        .annotate(
            last_opened_at=Max("openings__opened_at"),
            openings_pending=Count(
                "openings", filter=~Q(openings__state=BoxOpening.State.COMPLETE), distinct=True
            ),
        )
        .order_by("organisation__path", "code")
    )


def register_units_for(*, actor: Any) -> QuerySet[Organisation]:
    """Units the actor may add boxes to: those under a register grant that take items."""
    paths = paths_with_roles(actor, box_rules.REGISTER_ROLES)
    return Organisation.objects.filter(
        subtree_q(paths, "path"), active_q(), accepts_items=True
    ).order_by("path")


def filter_units_for(*, actor: Any) -> QuerySet[Organisation]:
    """Units offered in the register's filter: those that hold a box the actor can see."""
    ids = boxes_for(actor=actor, include_retired=True).values("organisation_id")
    return Organisation.objects.filter(pk__in=ids).order_by("path")


def access_box(actor: Any, box_id: Any) -> SuggestionBox:
    """One box by id: "not found" alike for missing and out of scope."""
    try:
        box = SuggestionBox.objects.select_related("organisation", "admin_unit").get(pk=box_id)
    except (SuggestionBox.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not can(actor, "boxes.view_box", box):
        raise NotFound()
    return box


def access_opening(actor: Any, opening_id: Any) -> BoxOpening:
    try:
        opening = BoxOpening.objects.select_related(
            "box", "box__organisation", "box__admin_unit", "recorded_by"
        ).get(pk=opening_id)
    except (BoxOpening.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not can(actor, "boxes.view_box", opening):
        raise NotFound()
    return opening


def openings_of(*, box: SuggestionBox) -> QuerySet[BoxOpening]:
    return (
        BoxOpening.objects.filter(box=box)
        .annotate(entered=Count("letters"))
        .prefetch_related("witnesses")
        .order_by("-opened_at", "-pk")
    )


@dataclass
class LetterRow:
    sequence: int
    letter: BoxLetter
    items: list[Item]  # the items the actor may open (a sealed one is left out for others)
    hidden: int  # how many of the letter's items the actor may not see


def letters_of(*, actor: Any, opening: BoxOpening) -> list[LetterRow]:
    """The letters entered, each with the items the actor may see; the others are only counted,
    never described (an item never reaches staff outside its rules, TC-16)."""
    letters = BoxLetter.objects.filter(opening=opening).select_related(
        "item",
        "item__handling_org",
        "item__receiving_org",
        "item__concerned_person",
        "item__concerned_org",
    )
    letters = letters.prefetch_related(
        Prefetch(
            "item__split_items",
            queryset=Item.objects.select_related(
                "handling_org", "receiving_org", "concerned_person", "concerned_org"
            ),
        )
    )
    rows = []
    for letter in letters.order_by("sequence"):
        family = [letter.item, *letter.item.split_items.all()]
        seen = [i for i in family if can(actor, "handling.view_item", i)]
        rows.append(
            LetterRow(
                sequence=letter.sequence,
                letter=letter,
                items=seen,
                hidden=len(family) - len(seen),
            )
        )
    return rows


@dataclass
class Schedule:
    """When a box is next due to be opened, by the local interval (P99-3, unverified)."""

    interval: policy.LocalSetting
    next_due: dt.date | None
    late: bool


def schedule_for(box: SuggestionBox, last_opened_at: dt.datetime | None) -> Schedule:
    interval = policy.opening_interval()
    if interval.value is None or not box.active:
        return Schedule(interval=interval, next_due=None, late=False)
    start = timezone.localdate(last_opened_at) if last_opened_at is not None else box.installed_on
    if start is None:
        return Schedule(interval=interval, next_due=None, late=False)
    due = interval.rule.after(start)
    return Schedule(
        interval=interval, next_due=due, late=due is not None and due < timezone.localdate()
    )


@dataclass
class WitnessSuggestion:
    full_name: str
    role: str


def front_witnesses_for(box: SuggestionBox) -> list[WitnessSuggestion]:
    """Leaders of the Fatherland Front committee of the box's commune, the usual witnesses:
    those with a Front liaison account first, then heads before deputies."""
    from langnghe.orgs.models import Position, Role, RoleGrant

    unit = box.admin_unit_id or box.organisation.admin_unit_id
    if unit is None:
        return []
    positions = (
        Position.objects.filter(
            active_q(),
            organisation__kind=Organisation.Kind.FATHERLAND_FRONT,
            organisation__admin_unit_id=unit,
            role__in=[Position.Role.HEAD, Position.Role.DEPUTY],
        )
        .select_related("person")
        .order_by("pk")
    )
    liaisons = set(
        RoleGrant.objects.filter(role=Role.FRONT_LIAISON).values_list("user_id", flat=True)
    )
    ordered = sorted(
        positions,
        key=lambda p: (p.person.user_id not in liaisons, p.role != Position.Role.HEAD),
    )
    seen: set[int] = set()
    out = []
    for p in ordered:
        if p.person_id not in seen:
            seen.add(p.person_id)
            out.append(WitnessSuggestion(p.person.full_name, p.title))
    return out[:4]


# -- the public side -----------------------------------------------------------------------------


@dataclass
class PublicUnit:
    organisation: Organisation
    boxes: list[SuggestionBox]


def public_boxes() -> list[PublicUnit]:
    """Active boxes grouped by unit, for /hom-thu/. Only where a box hangs and when it was last
    opened: nothing about the letters' senders or contents."""
    boxes = (
        SuggestionBox.objects.filter(active=True)
        .select_related("organisation", "admin_unit")
        .annotate(last_opened_at=Max("openings__opened_at"))
        .order_by("organisation__path", "code")
    )
    units: dict[int, PublicUnit] = {}
    for box in boxes:
        unit = units.setdefault(box.organisation_id, PublicUnit(box.organisation, []))
        unit.boxes.append(box)
    return list(units.values())


@dataclass
class PublicBox:
    box: SuggestionBox
    openings: int
    last_opened_at: dt.datetime | None


def public_box(code: str) -> PublicBox:
    """The page a poster's QR code points to: an active box by its code, else "not found"."""
    code = (code or "").strip().upper()
    box = (
        SuggestionBox.objects.filter(code=code, active=True)
        .select_related("organisation", "admin_unit")
        .first()
    )
    if box is None:
        raise NotFound()
    # No letter counts in public: in a small village even a count can point at a sender.
    totals = BoxOpening.objects.filter(box=box).aggregate(n=Count("pk"), last=Max("opened_at"))
    return PublicBox(
        box=box,
        openings=totals["n"] or 0,
        last_opened_at=totals["last"],
    )


def box_for_submission(code: str) -> SuggestionBox | None:
    """For the portal's submit form (`/gop-y/?hom-thu=<code>`): the active box whose unit receives
    the online item, or None."""
    code = (code or "").strip().upper()
    if not code or len(code) > 12 or "\x00" in code:
        return None
    return (
        SuggestionBox.objects.filter(code=code, active=True, organisation__accepts_items=True)
        .select_related("organisation", "admin_unit")
        .first()
    )
