"""langnghe.core.wsgi: the server's application, with the objects loaded at start-up moved out
of the garbage collector's generations (gc.freeze), unless LANGNGHE_GC_FREEZE=0."""

from __future__ import annotations

import gc

from langnghe.core.wsgi import application


def test_the_objects_loaded_at_start_up_are_frozen(monkeypatch):
    gc.unfreeze()
    try:
        monkeypatch.setenv("LANGNGHE_GC_FREEZE", "0")
        assert callable(application())
        assert gc.get_freeze_count() == 0
        monkeypatch.setenv("LANGNGHE_GC_FREEZE", "1")
        assert callable(application())
        assert gc.get_freeze_count() > 10_000  # Django, the project, their modules
    finally:
        gc.unfreeze()
