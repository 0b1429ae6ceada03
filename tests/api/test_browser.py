"""Swagger UI in real Chromium: it renders every operation from our own static files, with every
request outside the test server blocked, and the personal-keys page works without JavaScript."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_works_offline(live_server, new_page, screenshots, db):
    page = new_page()
    page.set_default_timeout(30_000)  # the first request of the live server can be slow
    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(live_server.url):
            return r.continue_()
        outside.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.goto(live_server.url + "/api/docs/", wait_until="domcontentloaded")
    page.wait_for_selector(".opblock", timeout=15_000)
    shown = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/items/" in [p.strip().replace("\u200b", "") for p in shown]
    assert len(shown) >= 19
    screenshots(page, "api-docs")
    assert [u for u in outside if not u.startswith("data:")] == []


def test_keys_page_without_javascript(live_server, new_page, tree, screenshots):
    from langnghe.orgs.models import Role

    from ..factories import user

    user("xuly", grants=[(tree.commune, Role.HANDLER)])
    page = new_page(javascript=False, viewport={"width": 360, "height": 740})
    page.set_default_timeout(30_000)
    page.goto(live_server.url + "/quan-ly/dang-nhap/?next=/api/khoa/")
    page.fill("input[name=username]", "xuly")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_url("**/api/khoa/")
    page.fill("input[name=name]", "Bảng điều khiển")
    page.click("button:has-text('Tạo khóa')")
    key = page.locator(".api-key").inner_text()
    assert key.startswith("ln_")
    screenshots(page, "api-keys")
    page.click("button:has-text('Thu hồi')")
    assert "Đã thu hồi" in page.content()
