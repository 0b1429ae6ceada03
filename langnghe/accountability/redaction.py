"""Redact reporters' identities from texts about to be published (TC-16, TC-17).

A conclusion or a decision is written by staff and may quote a reporter by name, phone, address or
e-mail. Before it goes public, every identity value sealed in the vault for the items behind it is
masked (the spine's `intake.redaction` does the matching). The scan reads the vault without showing
anything to anybody; it is audited as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from langnghe.core.audit import audit_event_record
from langnghe.intake import vault
from langnghe.intake.models import Item
from langnghe.intake.redaction import MASK, identity_values, redact


def reporter_redact(text: str, items: Iterable[Item], *, actor: Any = None) -> tuple[str, int]:
    """`text` with every reporter identity of `items` masked; and how many values were masked."""
    items = list(items)
    values: set[str] = set()
    for item in items:
        if item.identity_id is not None:
            values.update(identity_values(vault.unseal(item.identity.ciphertext)))  # type: ignore[union-attr]
    before = text.count(MASK)
    text = redact(text, sorted(values, key=len, reverse=True))
    count = text.count(MASK) - before
    if items:
        audit_event_record(
            action="identity.redaction_scan",
            actor=actor,
            data={"items": [i.pk for i in items], "replaced": count},
        )
    return text, count
