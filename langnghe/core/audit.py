from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent


def audit_event_record(
    *,
    action: str,
    obj: models.Model | None = None,
    actor: Any = None,
    actor_label: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row; callers do it inside the transaction of the change it records."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        action=action,
        actor=user,
        actor_label=actor_label or (user.get_username() if user else ""),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        data=data or {},
    )
