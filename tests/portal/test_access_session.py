"""Receipt access kept in the session: idle expiry, and no session write on every page."""

from __future__ import annotations

from django.contrib.sessions.backends.signed_cookies import SessionStore

from langnghe.portal import access


def _session_at(monkeypatch, now: float) -> None:
    monkeypatch.setattr(access.time, "time", lambda: now)


def test_reading_within_a_minute_does_not_write_the_session(monkeypatch):
    session = SessionStore()
    _session_at(monkeypatch, 1_000_000)
    access.access_grant(session, ["LN-ABC"], "secret-1")
    session.modified = False
    _session_at(monkeypatch, 1_000_030)
    assert access.access_secret(session, "LN-ABC") == "secret-1"
    assert session.modified is False


def test_reading_later_moves_the_idle_timer_forward(monkeypatch):
    session = SessionStore()
    _session_at(monkeypatch, 1_000_000)
    access.access_grant(session, ["LN-ABC"], "secret-1")
    _session_at(monkeypatch, 1_000_000 + access.ACCESS_IDLE_SECONDS - 10)
    assert access.access_secret(session, "LN-ABC") == "secret-1"
    assert session.modified is True
    # Still held long after the grant, because it was used in between.
    _session_at(monkeypatch, 1_000_000 + access.ACCESS_IDLE_SECONDS + 600)
    assert access.access_secret(session, "LN-ABC") == "secret-1"


def test_access_is_forgotten_after_the_idle_time(monkeypatch):
    session = SessionStore()
    _session_at(monkeypatch, 1_000_000)
    access.access_grant(session, ["LN-ABC"], "secret-1")
    _session_at(monkeypatch, 1_000_000 + access.ACCESS_IDLE_SECONDS)
    assert access.access_secret(session, "LN-ABC") is None
    assert "LN-ABC" not in session[access.ACCESS_KEY]
