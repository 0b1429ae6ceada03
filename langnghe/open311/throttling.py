"""Open311's limits (GeoReport v2 views are plain Django views, not DRF's): reads and writes count
apart, per integration once its key is known good (its server may share an address with others),
else per client address, so that made-up keys count against the address that sends them.
``LANGNGHE_SUBMIT_LIMITS=off`` (the benchmark) turns them off with the portal's limits."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from langnghe.api.throttling import ScopeThrottle

from .models import Integration


class Open311Throttle(ScopeThrottle):
    def __init__(self, *, write: bool, integration: Integration | None) -> None:
        self.scope = "langnghe_open311_write" if write else "langnghe_open311_read"
        self.integration = integration
        super().__init__()

    def allow_request(self, request: Any, view: Any) -> bool:
        if not settings.LANGNGHE.get("SUBMIT_LIMITS", True):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str:
        if self.integration is not None:
            return self.key_for(f"integration:{self.integration.pk}")
        return super().get_cache_key(request, view)
