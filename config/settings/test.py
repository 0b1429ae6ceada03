"""Test settings: fast hashing, in-memory mail, tasks run in-process unless a test says otherwise."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("LANGNGHE_DATA_DIR", tempfile.mkdtemp(prefix="langnghe-test-"))
# The tests that import config.wsgi would freeze the test process's objects (langnghe.core.wsgi);
# tests/core/test_wsgi.py turns it on for itself.
os.environ.setdefault("LANGNGHE_GC_FREEZE", "0")

from .base import *  # noqa: E402, F403
from .base import LANGNGHE  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LANGNGHE["SMS_BACKEND"] = "langnghe.notify.backends.MemorySMSBackend"
LANGNGHE["SMS_FILE_PATH"] = Path(os.environ["LANGNGHE_DATA_DIR"]) / "sms"
LANGNGHE["VAULT_CREATE_KEY"] = True
# Tests serve static files from the apps (no collectstatic step).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
