"""The staff-account settings with their defaults (config/settings/base.py, the "Staff accounts"
block; docs/security.md §5–7)."""

from __future__ import annotations

from django.conf import settings


def require_2fa_roles() -> frozenset[str]:
    return frozenset(getattr(settings, "LANGNGHE_REQUIRE_2FA_ROLES", ()) or ())


def login_max_failures() -> int:
    return int(getattr(settings, "LANGNGHE_LOGIN_MAX_FAILURES", 5))


def login_ip_max_failures() -> int:
    return int(getattr(settings, "LANGNGHE_LOGIN_IP_MAX_FAILURES", 30))


def login_lockout_seconds() -> int:
    return int(getattr(settings, "LANGNGHE_LOGIN_LOCKOUT_SECONDS", 15 * 60))


def session_idle_seconds() -> int:
    return int(getattr(settings, "LANGNGHE_SESSION_IDLE_SECONDS", 30 * 60))


def session_absolute_seconds() -> int:
    return int(settings.SESSION_COOKIE_AGE)


def pending_login_seconds() -> int:
    """How long the second login step (the code) may wait after the password."""
    return int(getattr(settings, "LANGNGHE_2FA_PENDING_SECONDS", 5 * 60))


def behind_proxy() -> bool:
    return bool(getattr(settings, "BEHIND_PROXY", False))
