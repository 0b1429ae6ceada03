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


class Open311Throttle(_ScopeThrottle):
    """Open311 GeoReport v2 (plain Django views): per API key when one is given (an integration's
    server may share its address with others), else per client address. Reads and writes count
    apart. ``LANGNGHE_SUBMIT_LIMITS=off`` (the benchmark) turns it off with the portal's limits."""

    def __init__(self, *, write: bool) -> None:
        self.scope = "langnghe_open311_write" if write else "langnghe_open311_read"
        super().__init__()

    def allow_request(self, request: Any, view: Any) -> bool:
        from django.conf import settings

        if not settings.LANGNGHE.get("SUBMIT_LIMITS", True):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str:
        from .services import hash_key

        source = request.POST if request.method == "POST" else request.GET
        raw = source.get("api_key") or request.headers.get("X-Api-Key", "")
        ident = f"key:{hash_key(raw)[:32]}" if raw else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
