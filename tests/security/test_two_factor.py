"""Staff two-factor authentication (TOTP): enrolment, the login's second step, recovery codes,
enforcement by role, and the administrator's reset. Everything audited."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from langnghe.accounts import services
from langnghe.accounts.models import RecoveryCode
from langnghe.core.models import AuditEvent
from langnghe.orgs.models import Role

from ..factories import user
from .conftest import totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/quan-ly/dang-nhap/"
CODE = "/quan-ly/tai-khoan/ma-xac-thuc/"
ENROL = "/quan-ly/tai-khoan/xac-thuc-hai-buoc/"
CODES = "/quan-ly/tai-khoan/xac-thuc-hai-buoc/ma-du-phong/"


def actions(user_obj) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="auth.user", object_id=user_obj.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )


def password_step(client, username="xuly", password="pw", next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


# --- enrolment ---------------------------------------------------------------------------------


def test_enrolment_shows_qr_and_secret_then_confirms_and_shows_codes_once(client, handler):
    client.force_login(handler)
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "Bật xác thực hai bước" in html
    assert "no-store" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=handler, confirmed=False)
    assert services.totp_secret_text(device) in html
    assert client.get(ENROL).status_code == 200
    assert TOTPDevice.objects.filter(user=handler).count() == 1  # the pending device is reused

    response = client.post(ENROL, {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == CODES
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(CODES)
    assert "no-store" in shown["Cache-Control"]
    codes = re.findall(r"<li>([A-Z0-9]{5}-[A-Z0-9]{5})</li>", shown.content.decode())
    assert len(codes) == 10
    # Shown once, kept only as keyed hashes.
    assert client.get(CODES).status_code == 302
    stored = list(RecoveryCode.objects.filter(user=handler).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not any(c.replace("-", "") in h for c in codes for h in stored)
    assert "auth.2fa_enrolled" in actions(handler)
    # The enrolling session counts as verified: the back office stays open.
    assert client.get("/quan-ly/").status_code == 200
    assert "Đang bật" in client.get(ENROL).content.decode()


def test_enrolment_with_a_wrong_code_keeps_the_form_and_is_audited(client, handler):
    client.force_login(handler)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "000000"})
    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.content.decode()
    assert 'value="000000"' in response.content.decode()
    assert not TOTPDevice.objects.filter(user=handler, confirmed=True).exists()
    assert "auth.2fa_failed" in actions(handler)
    bad = client.post(ENROL, {"code": "12ab"})
    assert bad.status_code == 200 and "đúng 6 chữ số" in bad.content.decode()


def test_enrolment_page_needs_login(client):
    response = client.get(ENROL)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- login ---------------------------------------------------------------------------------------


def test_login_without_device_is_one_step(client, handler):
    response = password_step(client)
    assert response.status_code == 302 and response["Location"] == "/quan-ly/"
    assert client.get("/quan-ly/").status_code == 200
    assert actions(handler)[-1] == "auth.login"


def test_login_with_device_needs_the_code(client, enrolled):
    handler, device = enrolled
    response = password_step(client, next_url="/quan-ly/to-chuc/")
    assert response.status_code == 302 and response["Location"] == CODE
    # Not logged in yet: the password alone opens nothing.
    assert client.get("/quan-ly/").status_code == 302
    assert client.get(CODE).status_code == 200
    response = client.post(CODE, {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == "/quan-ly/to-chuc/"
    assert client.get("/quan-ly/").status_code == 200
    login_event = AuditEvent.objects.filter(action="auth.login", object_id=handler.pk).last()
    assert login_event is not None and login_event.data == {"method": "totp"}


def test_wrong_code_is_refused_kept_and_audited(client, enrolled):
    handler, device = enrolled
    password_step(client)
    response = client.post(CODE, {"code": "123456" if totp_code(device) != "123456" else "654321"})
    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.content.decode()
    assert client.get("/quan-ly/").status_code == 302
    assert "auth.2fa_failed" in actions(handler)
    empty = client.post(CODE, {"code": "  "})
    assert empty.status_code == 200 and "Vui lòng nhập mã xác thực" in empty.content.decode()


def test_code_step_without_password_step_goes_back_to_login(client, enrolled):
    response = client.get(CODE)
    assert response.status_code == 302 and response["Location"] == LOGIN
    response = client.post(CODE, {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_code_step_expires(client, enrolled, settings):
    _handler, device = enrolled
    settings.LANGNGHE_2FA_PENDING_SECONDS = -1
    password_step(client)
    response = client.post(CODE, {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert client.get("/quan-ly/").status_code == 302


def test_recovery_code_logs_in_once(client, enrolled):
    handler, _device = enrolled
    codes = services._new_recovery_codes(handler)
    password_step(client)
    response = client.post(CODE, {"code": codes[0].lower()})
    assert response.status_code == 302
    assert client.get("/quan-ly/").status_code == 200
    assert "auth.recovery_code_used" in actions(handler)
    assert services.recovery_codes_left(handler) == 9
    client.post("/quan-ly/dang-xuat/")
    password_step(client)
    again = client.post(CODE, {"code": codes[0]})
    assert again.status_code == 200 and "Mã xác thực không đúng" in again.content.decode()


def test_regenerating_recovery_codes_replaces_them(client, enrolled):
    handler, device = enrolled
    old = services._new_recovery_codes(handler)
    password_step(client)
    client.post(CODE, {"code": totp_code(device)})
    response = client.post(CODES)
    assert response.status_code == 302 and response["Location"] == CODES
    page = client.get(CODES).content.decode()
    new = re.findall(r"<li>([A-Z0-9]{5}-[A-Z0-9]{5})</li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert "auth.recovery_codes_regenerated" in actions(handler)


def test_session_without_the_code_is_logged_out(client, enrolled):
    """A session made by another path (force_login, the Django admin's form) for an account
    with a device never reaches a page."""
    handler, _device = enrolled
    client.force_login(handler)
    response = client.get("/quan-ly/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get("/quan-ly/").status_code == 302  # logged out, not just redirected
    admin = client.get("/admin/")
    assert admin.status_code == 302


def test_force_login_without_device_keeps_working(client, handler):
    client.force_login(handler)
    assert client.get("/quan-ly/").status_code == 200


# --- enforcement by role -------------------------------------------------------------------------


def test_required_role_must_enrol_before_anything_else(client, tree, settings):
    settings.LANGNGHE_REQUIRE_2FA_ROLES = ["leader", "admin"]
    leader = user("lanhdao", grants=[(tree.commune, Role.LEADER)])
    response = client.post(LOGIN, {"username": "lanhdao", "password": "pw"})
    assert response.status_code == 302
    inbox = client.get("/quan-ly/")
    assert inbox.status_code == 302 and inbox["Location"].startswith(ENROL)
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=leader)
    client.post(ENROL, {"code": totp_code(device)})
    assert client.get("/quan-ly/").status_code == 200


def test_roles_outside_the_list_are_not_forced(client, handler, settings):
    settings.LANGNGHE_REQUIRE_2FA_ROLES = ["leader"]
    client.force_login(handler)
    assert client.get("/quan-ly/").status_code == 200
    assert services.two_factor_required(handler) is False


def test_default_settings_force_nobody(tree):
    from django.conf import settings

    assert settings.LANGNGHE_REQUIRE_2FA_ROLES == []
    admin = user(grants=[(tree.province, Role.ADMIN)], is_superuser=True)
    assert services.two_factor_required(admin) is False


def test_superuser_is_covered_by_admin(settings, db):
    settings.LANGNGHE_REQUIRE_2FA_ROLES = ["admin"]
    assert services.two_factor_required(user(is_superuser=True)) is True


# --- reset by an administrator -------------------------------------------------------------------


def test_admin_resets_a_lost_phone(client, tree, enrolled):
    handler, _device = enrolled
    services._new_recovery_codes(handler)
    admin = user("quantri", grants=[(tree.commune, Role.ADMIN)])
    client.force_login(admin)
    page = client.get("/quan-ly/tai-khoan/can-bo/")
    assert page.status_code == 200 and "xuly" in page.content.decode()
    response = client.post(f"/quan-ly/tai-khoan/can-bo/{handler.pk}/dat-lai/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=handler).exists()
    assert not RecoveryCode.objects.filter(user=handler).exists()
    event = AuditEvent.objects.get(action="auth.2fa_reset")
    assert event.actor_id == admin.pk and event.object_id == handler.pk
    # The member logs in with the password alone again.
    client.post("/quan-ly/dang-xuat/")
    assert password_step(client)["Location"] == "/quan-ly/"


def test_url_names_resolve():
    assert reverse("backoffice:accounts:two_factor") == ENROL
    assert reverse("backoffice:accounts:login_code") == CODE
    assert reverse("backoffice:accounts:staff") == "/quan-ly/tai-khoan/can-bo/"
