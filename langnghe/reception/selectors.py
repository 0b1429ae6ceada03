"""Reads for citizen reception, always for an actor (lists are filtered, not merely guarded)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from langnghe.core.errors import NotFound
from langnghe.handling.rules import can
from langnghe.orgs.access import paths_with_roles, subtree_q
from langnghe.orgs.models import Organisation, Person, Position, Role, active_q

from . import policy
from .models import (
    Booking,
    BookingStatus,
    Capacity,
    ReceptionLogEntry,
    ReceptionSession,
    ReceptionSite,
    SessionStatus,
)
from .rules import KEEP_LOG_ROLES, MANAGE_ROLES, QUOTA_ROLES, VIEW_LOG_ROLES

HELD = [
    SessionStatus.HELD,
    SessionStatus.LOGGED,
    SessionStatus.CONCLUSION_NOTICE_ISSUED,
    SessionStatus.FOLLOW_UP,
    SessionStatus.CLOSED,
]


# -- public (portal) --------------------------------------------------------------------------


def public_sites() -> QuerySet[ReceptionSite]:
    return ReceptionSite.objects.filter(active=True).select_related("organisation")


def public_upcoming(*, today: dt.date | None = None) -> QuerySet[ReceptionSession]:
    """Published sessions from today on (TCD-8): head, date, place, form, content."""
    today = today or timezone.localdate()
    return (
        ReceptionSession.objects.filter(
            date__gte=today,
            status__in=[SessionStatus.SCHEDULE_PUBLISHED, SessionStatus.POSTPONED],
        )
        .select_related("organisation", "site", "head", "rescheduled_to")
        .order_by("date", "start_time")
    )


def public_past(*, today: dt.date | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """Sessions held, with counts only (never who came: TCD-9d)."""
    today = today or timezone.localdate()
    sessions = (
        ReceptionSession.objects.filter(status__in=HELD, date__lte=today)
        .select_related("organisation", "head", "site")
        .annotate(visits=Count("entries", distinct=True))
        .order_by("-date", "-start_time")[:limit]
    )
    return [{"session": s, "visits": s.visits} for s in sessions]


def public_session(session_id: int) -> ReceptionSession:
    if not 0 < session_id < 2**62:
        raise NotFound()
    session = (
        ReceptionSession.objects.filter(pk=session_id)
        .exclude(status=SessionStatus.PLANNED)
        .select_related("organisation", "site", "head", "rescheduled_to")
        .first()
    )
    if session is None:
        raise NotFound()
    return session


def slot_rows(session: ReceptionSession) -> list[dict[str, Any]]:
    """Each slot with its free places (counts only)."""
    taken = dict(
        Booking.objects.filter(
            session=session, status__in=[BookingStatus.BOOKED, BookingStatus.ATTENDED]
        )
        .values_list("slot_id")
        .annotate(n=Count("id"))
    )
    return [
        {"slot": s, "free": max(s.capacity - taken.get(s.pk, 0), 0)}
        for s in session.slots.all().order_by("start")
    ]


# -- back office ------------------------------------------------------------------------------


def orgs_for(actor: Any, roles: set[Role]) -> QuerySet[Organisation]:
    paths = paths_with_roles(actor, roles)
    return Organisation.objects.filter(subtree_q(paths, "path"), active_q()).order_by("path")


def managed_orgs(actor: Any) -> QuerySet[Organisation]:
    return orgs_for(actor, MANAGE_ROLES)


def log_orgs(actor: Any) -> QuerySet[Organisation]:
    """Where the actor may write the log: receiving units (item_submit's rule)."""
    return orgs_for(actor, KEEP_LOG_ROLES).filter(accepts_items=True)


def sites_for(actor: Any) -> QuerySet[ReceptionSite]:
    paths = paths_with_roles(actor, MANAGE_ROLES | VIEW_LOG_ROLES)
    return ReceptionSite.objects.filter(subtree_q(paths, "organisation__path")).select_related(
        "organisation"
    )


def sessions_for(actor: Any) -> QuerySet[ReceptionSession]:
    paths = paths_with_roles(actor, MANAGE_ROLES | VIEW_LOG_ROLES)
    return ReceptionSession.objects.filter(subtree_q(paths, "organisation__path")).select_related(
        "organisation", "site", "head"
    )


def access_session(actor: Any, session_id: int) -> ReceptionSession:
    """One session by id: "not found" alike for missing and out of scope."""
    try:
        session = sessions_for(actor).get(pk=session_id)
    except (ReceptionSession.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None
    return session


def access_site(actor: Any, site_id: int) -> ReceptionSite:
    try:
        site = sites_for(actor).get(pk=site_id)
    except (ReceptionSite.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None
    if not can(actor, "reception.manage_sessions", site.organisation):
        raise NotFound()
    return site


def log_for(actor: Any) -> QuerySet[ReceptionLogEntry]:
    paths = paths_with_roles(actor, VIEW_LOG_ROLES)
    return (
        ReceptionLogEntry.objects.filter(subtree_q(paths, "organisation__path"))
        .select_related("organisation", "session", "session__head", "refusal")
        .prefetch_related("items")
    )


def access_entry(actor: Any, entry_id: int) -> ReceptionLogEntry:
    try:
        return log_for(actor).get(pk=entry_id)
    except (ReceptionLogEntry.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def heads_for(actor: Any) -> QuerySet[Person]:
    """People heading an organisation the actor manages (for the session form)."""
    orgs = managed_orgs(actor)
    return (
        Person.objects.filter(
            positions__organisation__in=orgs,
            positions__role__in=[Position.Role.HEAD, Position.Role.DEPUTY],
        )
        .distinct()
        .order_by("full_name")
    )


# -- quotas -----------------------------------------------------------------------------------


@dataclass
class QuotaCell:
    month: dt.date
    held: int
    required: int | None
    ok: bool | None
    cite: str
    unit: str
    configurable: bool
    days: list[dt.date] = field(default_factory=list)
    # The month is not over: not yet "behind", only "so far".
    current: bool = False


@dataclass
class QuotaRow:
    person: Person
    organisation: Organisation
    capacity: str
    title: str
    cells: list[QuotaCell]

    @property
    def behind(self) -> int:
        return sum(1 for c in self.cells if c.ok is False)


def months_back(today: dt.date, count: int) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def quota_table(*, actor: Any, months: list[dt.date]) -> list[QuotaRow]:
    """Per head × month: days held against the rule in force (Q11-3, Q11-4, TCD-3, TCD-4,
    TCD-4b, TCD-6). A leader sees the heads of the organisations in their subtree."""
    paths = paths_with_roles(actor, QUOTA_ROLES)
    today = timezone.localdate()
    if not paths or not months:
        return []
    first = months[0]
    last_month = months[-1]
    end = (last_month + dt.timedelta(days=32)).replace(day=1) + dt.timedelta(days=6)
    orgs = [
        o
        for o in Organisation.objects.filter(subtree_q(paths, "path"), active_q()).order_by("path")
        if policy.capacity_of(o) is not None
    ]
    positions = (
        Position.objects.filter(active_q(), organisation__in=orgs, role=Position.Role.HEAD)
        .select_related("person", "organisation")
        .order_by("organisation__path")
    )
    both = bool(policy.count_for_both_quotas().value)
    sessions = ReceptionSession.objects.filter(
        status__in=HELD,
        date__gte=first,
        date__lt=end,
        head__in=[p.person_id for p in positions],
    ).exclude(capacity=Capacity.OTHER)
    days: dict[tuple[int, int, str], set[dt.date]] = defaultdict(set)
    for s in sessions.values("head_id", "organisation_id", "capacity", "date"):
        days[(s["head_id"], s["organisation_id"], s["capacity"])].add(s["date"])
    rows = []
    for pos in positions:
        capacity = policy.capacity_of(pos.organisation)
        assert capacity is not None
        held = set(days.get((pos.person_id, pos.organisation_id, capacity), set()))
        if both and capacity in {Capacity.PARTY_HEAD, Capacity.CHAIR}:
            # Unverified local setting: a session in the other capacity counts here too.
            for (head, _org, cap), ds in days.items():
                if head == pos.person_id and cap in {Capacity.PARTY_HEAD, Capacity.CHAIR}:
                    held |= ds
        cells = []
        for month in months:
            ob = policy.obligation(capacity, pos.organisation, month)
            if ob is None:
                continue
            in_month = sorted(d for d in held if (d.year, d.month) == (month.year, month.month))
            week_days = sorted(held) if ob.rule.unit == "per_week" else in_month
            ok = policy.meets(ob.rule, month, week_days)
            current = (month.year, month.month) == (today.year, today.month)
            if current and ok is False:
                ok = None
            cells.append(
                QuotaCell(
                    month=month,
                    held=len(in_month),
                    required=policy.required_days(ob.rule, month),
                    ok=ok,
                    cite=ob.rule.cite_text,
                    unit=ob.rule.unit,
                    configurable=ob.rule.configurable,
                    days=in_month,
                    current=current,
                )
            )
        rows.append(
            QuotaRow(
                person=pos.person,
                organisation=pos.organisation,
                capacity=capacity,
                title=pos.title,
                cells=cells,
            )
        )
    return rows
