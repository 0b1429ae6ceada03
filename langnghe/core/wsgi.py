"""The WSGI application as the server runs it (config.wsgi, and the benchmark's entry point).

Once Django is set up, the objects loaded so far (modules, settings, models, URL patterns,
translations) live as long as the process. `gc.freeze()` moves them out of the garbage
collector's generations, so that a full collection, which a busy worker runs every few
requests, no longer walks a few hundred thousand objects that can never be garbage: it cut the
slowest requests of the back office (docs/performance.md). LANGNGHE_GC_FREEZE=0 turns it off.
"""

from __future__ import annotations

import gc
import os
from typing import Any


def application() -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    if os.environ.get("LANGNGHE_GC_FREEZE", "1") != "0":
        gc.collect()
        gc.freeze()
    return app
