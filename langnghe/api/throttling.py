"""Per-address limits for the public endpoints, read from REST_FRAMEWORK at request time."""

from __future__ import annotations

from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _ScopeThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES or {}
        return rates.get(self.scope)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicWriteThrottle(_ScopeThrottle):
    scope = "langnghe_public_write"


class PublicReadThrottle(_ScopeThrottle):
    scope = "langnghe_public_read"
