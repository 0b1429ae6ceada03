"""Per-address limits for the public endpoints (and per key for Open311), read from REST_FRAMEWORK
at request time."""

from __future__ import annotations

from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from langnghe.accounts.throttle import _digest, client_address, throttle_cache


class _ScopeThrottle(SimpleRateThrottle):
    """Counted where the login and portal limits are (LANGNGHE_THROTTLE_CACHE, shared by the web
    processes in production), per client address as the reverse proxy gives it (DRF's own
    ``get_ident`` would take a client's X-Forwarded-For at its word without NUM_PROXIES), under a
    keyed hash of it."""

    @property
    def cache(self) -> Any:
        return throttle_cache()

    def get_ident(self, request: Any) -> str:
        return client_address(request)

    def get_rate(self) -> str | None:
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES or {}
        return rates.get(self.scope)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self._key(self.get_ident(request))

    def _key(self, ident: str) -> str:
        # The address only inside a keyed hash, as for the login limits (docs/security.md §6).
        return self.cache_format % {"scope": self.scope, "ident": _digest(ident)}


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
        return self._key(f"key:{hash_key(raw)}" if raw else self.get_ident(request))
