"""Two-factor authentication in a real browser, on a phone, without JavaScript: a leader whose
role requires it is sent to the enrolment page, scans (here: reads) the secret, confirms a code,
sees the recovery codes (printable on A4), then logs in again in two steps."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from langnghe.orgs.models import Role

from ..browser.fixtures import PHONE
from ..factories import person, user
from .conftest import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_enrols_and_logs_in_with_a_code(new_page, live_server, tree, settings, screenshots):
    settings.LANGNGHE_REQUIRE_2FA_ROLES = ["leader"]
    leader = user("lanhdao", grants=[(tree.commune, Role.LEADER)])
    person("Y Thanh", user_account=leader, org=tree.commune)
    page = new_page(viewport=PHONE, javascript=False)
    page.set_default_timeout(30_000)  # a loaded CI machine: the first page compiles templates

    page.goto(f"{live_server.url}/quan-ly/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill("pw")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()
    expect(page.get_by_text("bắt buộc xác thực hai bước").first).to_be_visible()
    assert page.locator(".qr svg").count() == 1
    screenshots(page, "enrol-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "no horizontal scrolling on a phone"

    device = TOTPDevice.objects.get(user=leader)
    page.get_by_label("Mã 6 chữ số từ ứng dụng").fill(totp_code(device))
    page.get_by_role("button", name="Bật xác thực hai bước").click()
    expect(page.get_by_role("heading", name="Mã dự phòng")).to_be_visible()
    assert page.locator(".codes li").count() == 10
    screenshots(page, "recovery-codes-phone")
    page.emulate_media(media="print")
    assert page.locator(".bo-header").is_hidden()
    screenshots(page, "recovery-codes-print")
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Tôi đã cất giữ các mã, tiếp tục").click()
    expect(page.get_by_role("link", name="Hộp thư")).to_be_visible()

    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill("pw")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Bước 2: nhập mã xác thực")).to_be_visible()
    screenshots(page, "login-code-phone")
    page.get_by_label("Mã xác thực").fill("000000")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("Mã xác thực không đúng")).to_be_visible()
    page.wait_for_timeout(2500)  # django-otp waits 1 s after a wrong code before the next try
    page.get_by_label("Mã xác thực").fill(totp_code(device, steps_ahead=1))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("link", name="Hộp thư")).to_be_visible()
