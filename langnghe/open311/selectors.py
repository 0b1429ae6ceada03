"""Open311 reads: services (topics), and the requests a caller may see.

Who sees what: without a key, only published items (their public summary and answer, as on the
portal); with an integration's key, also the requests that integration posted (with the text it
sent and the answer sent back). Sealed kinds (denunciations, TC-16) never appear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Max, Q, QuerySet

from langnghe.core.db_routers import replica_alias
from langnghe.core.ruledata import RuleBook, get_rulebook
from langnghe.handling.models import Answer, ItemEvent
from langnghe.handling.rules import sealed_kinds
from langnghe.intake.models import Item, Kind, Topic

if TYPE_CHECKING:
    from .models import Integration


def rulebook() -> RuleBook:
    return get_rulebook("open311", str(Path(__file__).parent))


def offered_kinds() -> list[str]:
    """Kinds a GeoReport client may choose (attribute `kind`); the default first."""
    book = rulebook()
    excluded = set(book.setting("excluded_kinds") or []) | sealed_kinds()
    kinds = [k for k in Kind.values if k not in excluded]
    default = book.setting("default_kind") or Kind.FEEDBACK
    if default in kinds:
        kinds.remove(default)
        kinds.insert(0, default)
    return kinds


def services() -> QuerySet[Topic]:
    return Topic.objects.filter(active=True).order_by("order", "name_vi")


def service_by_code(code: str) -> Topic | None:
    if not code or len(code) > 40:
        return None
    return services().filter(code=code).first()


# What a GeoReport request is made of (views._request): a thousand of them make one answer, so
# they are read as plain rows, not as items (building the models took half the answer's time).
REQUEST_COLUMNS = (
    "pk",
    "code",
    "workflow",
    "status",
    "is_open",
    "body",
    "public_summary",
    "public_answer",
    "location_text",
    "channel_detail",
    "received_at",
    "due_on",
    "resolution_deadline",
    "topic__code",
    "topic__name_vi",
    "topic__name_en",
    "handling_org__name",
    "open311_request__integration_id",
)


@dataclass(slots=True)
class RequestRow:
    """One item as GeoReport shows it; ``updated_at`` (its last event) and ``answer_sent`` (the
    answer the sender was sent, for an integration's own closed requests) are read per page."""

    pk: int
    code: str
    workflow: str
    status: str
    is_open: bool
    body: str
    public_summary: str
    public_answer: str
    location_text: str
    channel_detail: dict[str, Any] | None
    received_at: dt.datetime
    due_on: dt.date | None
    resolution_deadline: dt.date | None
    topic_code: str | None
    topic_name_vi: str | None
    topic_name_en: str | None
    handling_org_name: str | None
    integration_id: int | None
    updated_at: dt.datetime | None = None
    answer_sent: str = ""


def requests_visible(integration: Integration | None, within: str | None = None) -> QuerySet[Item]:
    """What the caller may read; ``within``: a unit's path (jurisdiction_id), to keep the requests
    received or handled within that unit (an integration's request escalated to the province
    stays in its commune's jurisdiction too)."""
    # Written as "not unpublished" (the same rows: the column is never null) so that no index
    # serves it: without statistics SQLite otherwise walks the half-million published items
    # (item_published) and sorts them, 1.4 s at 1,000,000 items, instead of the 90-day window
    # of the received_at index (PostgreSQL's planner takes that index either way).
    published = ~Q(is_published=False)
    if integration is not None:
        published |= Q(open311_request__integration=integration)
    visible = Item.objects.filter(published).exclude(kind__in=list(sealed_kinds()))
    if not within:
        return visible
    return visible.filter(
        Q(handling_path__startswith=within) | Q(receiving_org__path__startswith=within)
    )


def is_own(row: RequestRow, integration: Integration | None) -> bool:
    return integration is not None and row.integration_id == integration.pk


def request_rows(items: QuerySet[Item], integration: Integration | None) -> list[RequestRow]:
    """The rows of these items, with their last event's time (one query for the page: annotating
    the item query with ``Max("events__at")`` made the database group every item of the 90-day
    window with its events before it could keep the newest thousand) and, for the integration's
    own closed requests, the answer it was sent (one query too)."""
    # Without a key only published items are read, as on the portal: a replica may serve them
    # (a few seconds old). An integration reads its own requests, just posted: the primary.
    alias = replica_alias() if integration is None else DEFAULT_DB_ALIAS
    rows = [RequestRow(*values) for values in items.using(alias).values_list(*REQUEST_COLUMNS)]
    if not rows:
        return rows
    last = dict(
        ItemEvent.objects.using(alias)
        .filter(item_id__in=[r.pk for r in rows])
        .values("item_id")
        .annotate(at=Max("at"))
        .order_by()
        .values_list("item_id", "at")
    )
    answered = [r.pk for r in rows if not r.is_open and is_own(r, integration)]
    sent: dict[int, str] = {}
    if answered:
        # Newest first, so the first one seen for an item is the one it was last sent.
        for item_id, body in (
            Answer.objects.filter(item_id__in=answered, sent_at__isnull=False)
            .order_by("-sent_at", "-pk")
            .values_list("item_id", "body")
        ):
            sent.setdefault(item_id, body)
    for row in rows:
        row.updated_at = last.get(row.pk)
        row.answer_sent = sent.get(row.pk, "")
    return rows


def requests_by_ids(
    integration: Integration | None, codes: Iterable[str], *, within: str | None = None
) -> list[RequestRow]:
    found = requests_visible(integration, within).filter(code__in=list(codes))
    return request_rows(found.order_by("-received_at", "-pk"), integration)


def requests_filtered(
    integration: Integration | None,
    *,
    service_codes: list[str],
    statuses: list[str],
    start: dt.datetime,
    end: dt.datetime,
    limit: int,
    within: str | None = None,
) -> list[RequestRow]:
    qs = requests_visible(integration, within).filter(received_at__gte=start, received_at__lte=end)
    if service_codes:
        qs = qs.filter(topic__code__in=service_codes)
    if statuses and set(statuses) != {"open", "closed"}:
        qs = qs.filter(is_open=statuses[0] == "open")
    return request_rows(qs.order_by("-received_at", "-pk")[:limit], integration)
