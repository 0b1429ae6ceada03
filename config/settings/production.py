"""Production: same as base, behind TLS."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("LANGNGHE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
