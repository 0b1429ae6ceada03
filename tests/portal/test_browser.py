"""The citizen journeys in a real browser (Debian's Chromium driven by Playwright), with
JavaScript off (the site must work without it) and on (the enhancements). Run by .ci/run's
browser leg: LANGNGHE_BROWSER=1 pytest -m browser."""

from __future__ import annotations

import re

import pytest

from langnghe.handling.policy import get_policy
from langnghe.intake.models import Item

from ..browser.fixtures import chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(monkeypatch):
    with chromium(monkeypatch) as b:  # the launch shared with tests/browser/
        yield b


def _page(browser, *, javascript: bool):
    context = browser.new_context(
        java_script_enabled=javascript, locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    return context.new_page()


def test_submit_and_track_without_javascript(browser, live_server, site):
    page = _page(browser, javascript=False)
    page.goto(f"{live_server.url}/gop-y/")

    # Nothing filled in: the error summary lists the problems and takes the focus.
    page.click("form.submit-form button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    assert page.evaluate("document.activeElement.id") == "loi"
    page.click(".error-summary a[href='#id_body']")

    page.check("#id_kind_1")  # Phản ánh
    page.fill("#id_body", "Cống thoát nước thôn 4 bị tắc")
    page.select_option("#id_commune", str(site.commune_unit.pk))
    page.check("#id_anonymous")
    page.click("form.submit-form button[type=submit]")

    assert page.url.endswith("/gop-y/bien-nhan/")
    code = page.locator(".receipt .code").first.inner_text().strip()
    secret = page.locator(".receipt .secret").inner_text().strip()
    assert re.fullmatch(r"\d\d-[A-Z0-9]{6}", code) and len(secret) == 23
    assert page.locator(".qr svg").count() == 1
    item = Item.objects.get(code=code)
    assert item.anonymous and item.identity_id is None

    # M15: a reload within the window shows the secret again; "saved" removes it.
    page.reload()
    assert page.locator(".receipt .secret").inner_text().strip() == secret
    page.get_by_role("button", name="Tôi đã lưu mã và mật mã").click()
    assert page.url.endswith("/gop-y/bien-nhan/")
    assert page.locator(".receipt .secret").count() == 0

    page.goto(f"{live_server.url}/tra-cuu/?ma={code}")
    assert page.input_value("#id_code") == code
    page.fill("#id_secret", secret)
    page.click("form button[type=submit].button")
    assert page.url.endswith(f"/tra-cuu/{code}/")
    assert "Đã tiếp nhận" in page.inner_text(".status")
    label = get_policy().workflow(item.workflow).deadlines["reply"].label  # from the rule data
    assert label in page.inner_text("body")


def test_enhancements_with_javascript(browser, live_server, site):
    page = _page(browser, javascript=True)
    page.goto(f"{live_server.url}/gop-y/")
    # The cadre picker searches by name as one types, without diacritics.
    page.fill("#id_person_search", "van bao")
    page.click("#person-results button")
    assert page.input_value("#id_concerned_person") == str(site.cadre.pk)
    # Choosing a kind other than tố cáo hides the denouncer-protection block (CSS :has()).
    page.check("#id_kind_0")
    assert not page.locator(".only-denunciation").is_visible()
    page.check("#id_kind_4")
    assert page.locator(".only-denunciation").is_visible()

    page.check("#id_kind_1")
    page.fill("#id_body", "Đèn đường thôn 2 hỏng")
    page.check("#id_anonymous")
    page.check("#id_qr_with_secret")
    page.click("form.submit-form button[type=submit]")
    code = page.locator(".receipt .code").first.inner_text().strip()
    secret = page.locator(".receipt .secret").inner_text().strip()
    assert Item.objects.get(code=code).concerned_person == site.cadre

    # A QR code made with the secret opens the tracking form already filled in; the secret
    # never reaches the server in the URL and leaves the address bar.
    page.goto(f"{live_server.url}/tra-cuu/?ma={code}#mm={secret}")
    assert page.input_value("#id_secret") == secret
    assert "#" not in page.url
