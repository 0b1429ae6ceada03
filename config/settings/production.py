"""Production: same as base, behind a TLS-terminating reverse proxy (docs/operations.md §2), with
the switches past one machine of scale.py (docs/deployment.md).

LANGNGHE_BEHIND_PROXY (default 1): the proxy sets X-Forwarded-Proto, and the application trusts it
to know that the request came over HTTPS. Without that, every POST fails Django's origin check and
the HTTPS redirect loops. The application listens on loopback, so only the proxy can set it; the
proxy must overwrite (never pass through) the client's header.
"""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DATA_DIR, env_flag

DEBUG = False
SECURE_SSL_REDIRECT = env_flag("LANGNGHE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

BEHIND_PROXY = env_flag("LANGNGHE_BEHIND_PROXY", default=True)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Only when the proxy rewrites Host and passes the public name in X-Forwarded-Host instead.
USE_X_FORWARDED_HOST = BEHIND_PROXY and env_flag("LANGNGHE_USE_X_FORWARDED_HOST")


def _trusted_origins(hosts: list[str]) -> list[str]:
    """https://<host> for every allowed host; ".example.vn" (a domain and its sub-domains) gives
    https://*.example.vn; "*" gives nothing (list the origins in CSRF_TRUSTED_ORIGINS then)."""
    origins = []
    for host in hosts:
        host = host.strip()
        if not host or host == "*":
            continue
        origins.append(f"https://*{host}" if host.startswith(".") else f"https://{host}")
    return origins


# CSRF_TRUSTED_ORIGINS (comma-separated, with scheme, e.g. "https://gopy.example.vn:8443")
# replaces the list derived from ALLOWED_HOSTS, e.g. when the public port is not 443.
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
] or _trusted_origins(ALLOWED_HOSTS)

# Past one machine: read replicas, object storage, the Redis task queue, the shared cache, and the
# hashed static files, each from the environment (config/settings/scale.py, docs/deployment.md).
from .scale import *  # noqa: E402, F403

# Two-factor authentication (TOTP) for the roles that see or decide the most (docs/security.md),
# unless the deployment lists its own roles (LANGNGHE_REQUIRE_2FA_ROLES, comma-separated).
if "LANGNGHE_REQUIRE_2FA_ROLES" not in os.environ:
    LANGNGHE_REQUIRE_2FA_ROLES = ["admin", "leader", "inspector"]

# Failed logins are counted in a cache every web process shares: Redis when CACHE_URL/REDIS_URL
# is set (scale.py), else files under the data directory (one machine, several processes).
_caches = dict(globals()["CACHES"])  # from scale.py
if _caches["default"]["BACKEND"].endswith("LocMemCache"):
    CACHES = {
        **_caches,
        "throttle": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(Path(DATA_DIR) / "cache" / "throttle"),
        },
    }
    LANGNGHE_THROTTLE_CACHE = "throttle"
