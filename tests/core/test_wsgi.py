"""langnghe.core.wsgi: the server's application, with the objects loaded at start-up (its URL
patterns and views included) moved out of the garbage collector's generations (gc.freeze),
unless LANGNGHE_GC_FREEZE=0."""

from __future__ import annotations

import gc

from django.urls import clear_url_caches, get_resolver

from langnghe.core.wsgi import application


def test_the_objects_loaded_at_start_up_are_frozen(monkeypatch):
    gc.unfreeze()
    try:
        monkeypatch.setenv("LANGNGHE_GC_FREEZE", "0")
        assert callable(application())
        assert gc.get_freeze_count() == 0
        monkeypatch.setenv("LANGNGHE_GC_FREEZE", "1")
        clear_url_caches()
        assert callable(application())
        assert gc.get_freeze_count() > 10_000  # Django, the project, their modules
        # The URL patterns (and the views they import) were loaded before the freeze.
        assert "url_patterns" in get_resolver().__dict__
    finally:
        gc.unfreeze()
