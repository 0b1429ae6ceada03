"""Per-address limits for the public endpoints, read from REST_FRAMEWORK at request time.

Counted in Django's default cache, as DRF does (per process unless CACHE_URL points the nodes at a
shared Redis; docs/operations.md §7): every public request writes its count, which the file cache
that holds the login locks could not take. The address is the one the reverse proxy gives (DRF's
own ``get_ident`` would take a client's X-Forwarded-For at its word without NUM_PROXIES), and it
appears in the cache only inside a keyed hash, as for the login limits (docs/security.md §6).
"""

from __future__ import annotations

from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from langnghe.accounts.throttle import client_address, keyed_digest


class ScopeThrottle(SimpleRateThrottle):
    def get_ident(self, request: Any) -> str:
        return client_address(request)

    def get_rate(self) -> str | None:
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES or {}
        return rates.get(self.scope)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.key_for("ip:" + self.get_ident(request))

    def key_for(self, ident: str) -> str:
        return self.cache_format % {"scope": self.scope, "ident": keyed_digest(ident)}


class PublicWriteThrottle(ScopeThrottle):
    scope = "langnghe_public_write"


class PublicReadThrottle(ScopeThrottle):
    scope = "langnghe_public_read"
