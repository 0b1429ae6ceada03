"""Staff sessions expire after inactivity and at an absolute age counted from the login."""

from __future__ import annotations

import time

import pytest

from langnghe.accounts import sessions
from langnghe.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def shift(client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    if "login" in seconds_ago:
        session[sessions.LOGIN_AT] = now - seconds_ago["login"]
    if "seen" in seconds_ago:
        session[sessions.SEEN_AT] = now - seconds_ago["seen"]
    session.save()


def test_active_session_stays(client, handler):
    client.force_login(handler)
    shift(client, login=3600, seen=29 * 60)
    assert client.get("/quan-ly/").status_code == 200
    # The visit moved the activity mark forward.
    assert client.session[sessions.SEEN_AT] >= int(time.time()) - 5


def test_idle_session_expires_after_30_minutes(client, handler):
    client.force_login(handler)
    shift(client, login=3600, seen=31 * 60)
    response = client.get("/quan-ly/")
    assert response.status_code == 302 and response["Location"].startswith("/quan-ly/dang-nhap/")
    page = client.get(response["Location"])
    assert "lâu không thao tác" in page.content.decode()
    assert client.get("/quan-ly/").status_code == 302
    event = AuditEvent.objects.get(action="auth.session_expired")
    assert event.data == {"reason": "idle"} and event.object_id == handler.pk


def test_idle_limit_is_configurable(client, handler, settings):
    settings.LANGNGHE_SESSION_IDLE_SECONDS = 120
    client.force_login(handler)
    shift(client, seen=180)
    assert client.get("/quan-ly/").status_code == 302


def test_absolute_age_ends_even_an_active_session(client, handler, settings):
    client.force_login(handler)
    shift(client, login=settings.SESSION_COOKIE_AGE + 60, seen=10)
    response = client.get("/quan-ly/")
    assert response.status_code == 302
    assert "quá thời gian tối đa" in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.get(action="auth.session_expired").data == {"reason": "absolute"}


def test_the_activity_mark_is_written_at_most_once_a_minute(client, handler):
    client.force_login(handler)
    shift(client, seen=10)
    before = client.session[sessions.SEEN_AT]
    client.get("/quan-ly/")
    assert client.session[sessions.SEEN_AT] == before


def test_login_starts_both_clocks(client, handler):
    client.post("/quan-ly/dang-nhap/", {"username": "xuly", "password": "pw"})
    session = client.session
    assert abs(session[sessions.LOGIN_AT] - time.time()) < 5
    assert session[sessions.SEEN_AT] == session[sessions.LOGIN_AT]


def test_anonymous_visitors_are_untouched(client, db):
    assert client.get("/").status_code == 200
    assert sessions.LOGIN_AT not in client.session
