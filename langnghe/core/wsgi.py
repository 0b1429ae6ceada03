"""The WSGI application as the server runs it (config.wsgi, and the benchmark's entry point).

Once Django is set up and its URL patterns loaded, the objects loaded so far (modules, settings,
models, views, URL patterns, translations) live as long as the process. `gc.freeze()` moves them
out of the garbage collector's generations, so that a full collection, which a busy worker runs
every few requests, no longer walks about 130,000 objects that can never be garbage: it cut the
slowest requests of the back office (docs/performance.md). LANGNGHE_GC_FREEZE=0 turns it off.
"""

from __future__ import annotations

import gc
import os
from typing import Any


def application(urlconf: str | None = None) -> Any:
    """Django's WSGI application, with `urlconf` as the URLconf when given. The URL patterns, and
    with them every view module, are loaded before the freeze: Django would otherwise load them
    at the first request, after it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.urls import get_resolver

    app = get_wsgi_application()
    if urlconf is not None:
        settings.ROOT_URLCONF = urlconf
    get_resolver().url_patterns  # noqa: B018 (loads the URLconf and the views)
    if os.environ.get("LANGNGHE_GC_FREEZE", "1") != "0":
        gc.collect()
        gc.freeze()
    return app
