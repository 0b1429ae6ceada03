"""Publishing a party inspection conclusion or a discipline decision on the portal (TC-17).

`publish_redacted` is shared with the discipline app: the text goes through `reporter_redact`
(TC-16: no denouncer identity in anything published), becomes a disclosure Publication
(`/cong-khai/`) and is put on the portal the same day, with the TC-17 deadline (7 working days
after the decision, counted with the working-day calendar) and the lateness flag stored on it.

Why the rows are written here rather than through `disclosure.services.publication_create` /
`publication_publish`: those services admit only leaders, unit heads and administrators of the
organisation (disclosure.manage_publication) and stamp the DC-2 deadline (5 working days). A party
inspection commission publishes its own conclusions (its inspectors hold no leader role), and the
deadline here is TC-17's. The same validation (category, lengths, dates), the same portal channel
row and the same audit actions are kept, so the disclosure register and portal treat it alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from langnghe.accountability.redaction import reporter_redact
from langnghe.core.errors import PermissionDenied
from langnghe.disclosure.errors import DisclosureError
from langnghe.disclosure.models import Publication
from langnghe.disclosure.services import publication_issue
from langnghe.handling.rules import can
from langnghe.intake.models import Item
from langnghe.orgs.access import has_role_over
from langnghe.orgs.models import Organisation, Role

from . import policy
from .errors import InspectionError


def may_publish(actor: Any, org: Organisation) -> bool:
    """Leaders/unit heads who manage the organisation's publications, or its inspectors."""
    return can(actor, "disclosure.manage_publication", org) or has_role_over(
        actor, org, {Role.INSPECTOR}
    )


def publish_due(decided_on: dt.date) -> dt.date | None:
    return policy.publish_due(decided_on)


@transaction.atomic
def publish_redacted(
    *,
    title: str,
    body: str,
    org: Organisation,
    category: str,
    decided_on: dt.date,
    source_items: Iterable[Item],
    actor: Any,
    reference: str = "",
    published_on: dt.date | None = None,
) -> Publication:
    """Redact reporters' identities (TC-16/17) and publish on the portal; flag it late (TC-17)."""
    if not may_publish(actor, org):
        raise PermissionDenied()
    items = list(source_items)
    title, _n1 = reporter_redact((title or "").strip(), items, actor=actor)
    body, _n2 = reporter_redact((body or "").strip(), items, actor=actor)
    due = publish_due(decided_on) if decided_on else None
    cite = policy.rule("publish_within", decided_on).cite_text if decided_on else ""
    try:
        return publication_issue(
            actor=actor,
            organisation=org,
            category=category,
            title=title,
            body=body,
            decided_on=decided_on,
            due=(due, cite),
            reference=reference,
            published_on=published_on,
            audit={"cite": "TC-17", "redacted_items": [i.pk for i in items]},
        )
    except DisclosureError as exc:
        code = (
            InspectionError.BAD_DATE
            if exc.code == DisclosureError.BAD_DATE
            else InspectionError.INVALID
        )
        raise InspectionError(code, exc.message) from exc
