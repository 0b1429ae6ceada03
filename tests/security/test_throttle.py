"""Login throttling: per username and per client address, in the cache only, audited without the
password, a clear Vietnamese message, refused before the password is even checked."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from langnghe.accounts import throttle
from langnghe.core.models import AuditEvent

from .conftest import totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/quan-ly/dang-nhap/"
LOCKED = "Đăng nhập sai quá nhiều lần"


def fail(client, n: int, username: str = "xuly", address: str = "198.51.100.7"):
    response = None
    for _ in range(n):
        response = client.post(
            LOGIN, {"username": username, "password": "sai-mat-khau"}, REMOTE_ADDR=address
        )
    return response


def test_five_failures_lock_the_username(client, handler):
    response = fail(client, 4)
    assert response.status_code == 200 and LOCKED not in response.content.decode()
    response = fail(client, 1)
    assert LOCKED in response.content.decode() and "15 phút" in response.content.decode()
    # Even the right password is refused now, with the username kept in the form.
    right = client.post(LOGIN, {"username": "xuly", "password": "pw"}, REMOTE_ADDR="198.51.100.7")
    assert right.status_code == 429
    assert LOCKED in right.content.decode() and 'value="xuly"' in right.content.decode()
    assert "Vui lòng nhập" not in right.content.decode()  # no "required" noise either
    assert client.get("/quan-ly/").status_code == 302
    # From another address too: the lock is on the username.
    other = client.post(LOGIN, {"username": "xuly", "password": "pw"}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 429


def test_lock_expires(client, handler, settings, monkeypatch):
    fail(client, 5)
    import time as real_time

    later = real_time.time() + 16 * 60
    monkeypatch.setattr(throttle.time, "time", lambda: later)
    response = client.post(LOGIN, {"username": "xuly", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == "/quan-ly/"


def test_lockout_is_progressive(client, handler):
    fail(client, 5)
    assert throttle.login_lock(username="xuly", address="x").seconds > 14 * 60
    # The lock's end is forgotten (as if it had passed), the failures start again.
    cache.delete(throttle._keys("user", "xuly")[1])
    fail(client, 5)
    lock = throttle.login_lock(username="xuly", address="x")
    assert lock is not None and lock.seconds > 29 * 60  # doubled


def test_success_clears_the_username_count(client, handler):
    fail(client, 4)
    assert client.post(LOGIN, {"username": "xuly", "password": "pw"}).status_code == 302
    client.post("/quan-ly/dang-xuat/")
    assert LOCKED not in fail(client, 4).content.decode()


def test_one_address_trying_many_usernames_is_locked(client, handler, settings):
    settings.LANGNGHE_LOGIN_IP_MAX_FAILURES = 6
    for i in range(6):
        fail(client, 1, username=f"khach{i}")
    response = client.post(
        LOGIN, {"username": "xuly", "password": "pw"}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 429
    # Another address is not affected.
    other = client.post(LOGIN, {"username": "xuly", "password": "pw"}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


def test_failures_are_audited_without_password_or_address(client, handler):
    fail(client, 6)  # the 6th: refused while locked, before the password is checked
    rows = list(AuditEvent.objects.filter(action__startswith="auth."))
    assert [r.action for r in rows].count("auth.login_failed") == 5
    assert any(r.action == "auth.locked" and r.object_id == handler.pk for r in rows)
    dumped = repr([(r.actor_label, r.data) for r in rows])
    assert "sai-mat-khau" not in dumped and "198.51.100.7" not in dumped


def test_unknown_usernames_are_not_recorded(client, handler):
    fail(client, 1, username="matkhau-go-nham-o-day")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor_label == "?" and event.object_id is None
    assert "matkhau-go-nham-o-day" not in repr(event.data)


def test_the_address_appears_in_the_cache_only_as_a_keyed_hash(client, handler):
    fail(client, 2)
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys and not any("198.51.100.7" in k or "xuly" in k for k in keys)


def test_wrong_codes_count_towards_the_lock(client, enrolled):
    _handler, device = enrolled
    client.post(LOGIN, {"username": "xuly", "password": "pw"})
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    for _ in range(5):
        response = client.post("/quan-ly/tai-khoan/ma-xac-thuc/", {"code": wrong})
    assert response.status_code == 200
    # Locked: even the right code cannot finish this login.
    after = client.post("/quan-ly/tai-khoan/ma-xac-thuc/", {"code": totp_code(device)})
    assert after.status_code == 302 and after["Location"] == LOGIN
    assert client.get("/quan-ly/").status_code == 302


def test_behind_the_proxy_the_forwarded_address_counts(rf, settings):
    settings.BEHIND_PROXY = True
    request = rf.get("/", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.5", REMOTE_ADDR="127.0.0.1")
    assert throttle.client_address(request) == "203.0.113.5"
    settings.BEHIND_PROXY = False
    assert throttle.client_address(request) == "127.0.0.1"


def test_the_admin_login_form_is_the_throttled_one(client, handler):
    response = client.post("/admin/login/", {"username": "xuly", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert client.get("/quan-ly/").status_code == 302  # nothing logged in through it
    page = client.get("/admin/login/?next=/admin/")
    assert page["Location"] == f"{LOGIN}?next=%2Fadmin%2F"


def test_a_locked_attempt_never_reaches_the_password_check(client, handler, monkeypatch):
    fail(client, 5)
    from django.contrib.auth import forms as auth_forms

    def boom(*args, **kwargs):
        raise AssertionError("the password was checked")

    monkeypatch.setattr(auth_forms, "authenticate", boom)
    response = client.post(LOGIN, {"username": "xuly", "password": "pw"})
    assert response.status_code == 429
