"""Staff session expiry: after inactivity (LANGNGHE_SESSION_IDLE_SECONDS, 30 min) and at an
absolute age (SESSION_COOKIE_AGE, 8 h, counted from the login, not from the last activity)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest
from django.utils.translation import gettext as _

from langnghe.core.audit import audit_event_record

from . import conf

LOGIN_AT = "ln_login_at"
SEEN_AT = "ln_seen_at"
# The last-activity mark is rewritten at most once a minute: no session write per request.
SEEN_RESOLUTION = 60


def mark_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in: start both clocks (every login path: the form, force_login, the admin)."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


def session_expiry_check(request: HttpRequest) -> str | None:
    """For a logged-in request: log out an expired session and return why ("idle"/"absolute"),
    else refresh the activity mark and return None."""
    session = request.session
    now = int(time.time())
    login_at = session.get(LOGIN_AT)
    if not isinstance(login_at, int):
        # A session from before this check existed: its clocks start now.
        session[LOGIN_AT] = session[SEEN_AT] = now
        return None
    seen_at = session.get(SEEN_AT, login_at)
    reason = None
    if now - login_at > conf.session_absolute_seconds():
        reason = "absolute"
    elif now - int(seen_at) > conf.session_idle_seconds():
        reason = "idle"
    if reason is None:
        if now - int(seen_at) >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
        return None
    user = request.user
    audit_event_record(
        action="auth.session_expired",
        obj=user,  # type: ignore[arg-type]  # authenticated: a User
        actor=user,
        data={"reason": reason},
    )
    logout(request)
    if reason == "idle":
        message = _("Phiên làm việc đã hết hạn vì lâu không thao tác. Vui lòng đăng nhập lại.")
    else:
        message = _("Phiên làm việc đã quá thời gian tối đa. Vui lòng đăng nhập lại.")
    messages.info(request, message)
    return reason
