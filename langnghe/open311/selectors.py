"""Open311 reads: services (topics), and the requests a caller may see.

Who sees what: without a key, only published items (their public summary and answer, as on the
portal); with an integration's key, also the requests that integration posted (with the text it
sent and the answer sent back). Sealed kinds (denunciations, TC-16) never appear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db.models import Max, Q, QuerySet

from langnghe.core.ruledata import RuleBook, get_rulebook
from langnghe.handling.models import ItemEvent
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
# the rest of each item (its JSON columns, texts and dates) is not read.
REQUEST_FIELDS = (
    "code",
    "kind",
    "workflow",
    "status",
    "is_open",
    "is_published",
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


def requests_visible(integration: Integration | None) -> QuerySet[Item]:
    published = Q(is_published=True)
    if integration is not None:
        published |= Q(open311_request__integration=integration)
    return (
        Item.objects.filter(published)
        .exclude(kind__in=list(sealed_kinds()))
        .select_related("topic", "handling_org", "open311_request")
        .only(*REQUEST_FIELDS)
    )


def with_updated_at(items: list[Item]) -> list[Item]:
    """Set each item's ``updated_at`` (its last event) with one query for the page of items.

    Annotating the request query with ``Max("events__at")`` instead made the database group every
    item of the 90-day window with its events before it could keep the newest thousand."""
    if items:
        last = dict(
            ItemEvent.objects.filter(item_id__in=[i.pk for i in items])
            .values("item_id")
            .annotate(at=Max("at"))
            .order_by()
            .values_list("item_id", "at")
        )
        for item in items:
            item.updated_at = last.get(item.pk)  # type: ignore[attr-defined]
    return items


def requests_by_ids(integration: Integration | None, codes: Iterable[str]) -> QuerySet[Item]:
    return requests_visible(integration).filter(code__in=list(codes))


def requests_filtered(
    integration: Integration | None,
    *,
    service_codes: list[str],
    statuses: list[str],
    start: dt.datetime,
    end: dt.datetime,
    limit: int,
) -> list[Item]:
    qs = requests_visible(integration).filter(received_at__gte=start, received_at__lte=end)
    if service_codes:
        qs = qs.filter(topic__code__in=service_codes)
    if statuses and set(statuses) != {"open", "closed"}:
        qs = qs.filter(is_open=statuses[0] == "open")
    return with_updated_at(list(qs.order_by("-received_at", "-pk")[:limit]))


def is_own(item: Item, integration: Integration | None) -> bool:
    request: Any = getattr(item, "open311_request", None)
    return (
        integration is not None and request is not None and request.integration_id == integration.pk
    )


def answer_sent(item: Item) -> str:
    """The answer the sender was sent (the full text they are owed), else the public answer."""
    sent = item.answers.filter(sent_at__isnull=False).order_by("-sent_at").first()
    return sent.body if sent is not None else item.public_answer
