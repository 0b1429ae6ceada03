"""Reads of the API app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import ApiKey


def api_keys_for(*, actor: Any) -> QuerySet[ApiKey]:
    if not getattr(actor, "is_authenticated", False):
        return ApiKey.objects.none()
    return ApiKey.objects.filter(user_id=actor.pk).order_by("revoked_at", "-created_at")
