"""Party discipline in a real browser, without JavaScript: a leader prepares a decision (the form
list narrows to the subject's forms with a plain submit), issues it, prints it on A4, and publishes
it; the public page shows it without the reporter's name."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from langnghe.intake.models import Kind

from ...browser.fixtures import (  # noqa: F401 — fixtures used by name
    DESKTOP,
    PHONE,
    _fresh_cache,
    browser,
    new_page,  # noqa: F811
    screenshots,
)
from ...factories import submit_one

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/quan-ly/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{base}/quan-ly/")


def test_a_leader_prepares_issues_prints_and_publishes_a_decision(
    world,
    live_server,
    new_page,  # noqa: F811
    screenshots,  # noqa: F811 — the imported fixtures
):
    submit_one(
        world.commune,
        kind=Kind.FEEDBACK,
        body="Phó chủ tịch xã gây khó dễ khi làm sổ đỏ",
        identity={"name": "Trần Thị Bình", "phone": "0905123456", "address": "Thôn 3"},
        concerned_person=world.cadre,
    )
    base = live_server.url
    page = new_page(viewport=DESKTOP, javascript=False)
    log_in(page, base, "lanhdao")
    page.goto(f"{base}/quan-ly/ky-luat/moi/")
    page.get_by_label("Cơ quan quyết định").select_option(label=world.party.name)
    page.get_by_label("Đối tượng bị kỷ luật").select_option(value=f"p{world.probationer.pk}")
    page.get_by_label("Căn cứ, nội dung vi phạm").fill(
        "Theo phản ánh của bà Trần Thị Bình, đồng chí gây khó dễ cho người dân."
    )
    page.get_by_role("button", name="Cập nhật danh sách hình thức theo đối tượng").click()
    options = page.get_by_label("Hình thức kỷ luật").locator("option")
    expect(options).to_have_text(["Khiển trách", "Cảnh cáo"])
    expect(page.get_by_label("Căn cứ, nội dung vi phạm")).to_have_value(
        re.compile("gây khó dễ cho người dân")
    )
    # The cadre instead: a full member, with the items about him to choose from.
    page.get_by_label("Đối tượng bị kỷ luật").select_option(value=f"p{world.cadre.pk}")
    page.get_by_role("button", name="Cập nhật danh sách hình thức theo đối tượng").click()
    expect(options).to_have_text(["Khiển trách", "Cảnh cáo", "Cách chức", "Khai trừ"])
    page.get_by_label("Hình thức kỷ luật").select_option(label="Khiển trách")
    page.locator("input[name=source_items]").first.check()
    page.get_by_label("Người ký", exact=True).fill("Nguyễn Văn Bí")
    page.get_by_label("Chức vụ người ký").fill("T/M Đảng ủy — Bí thư")
    screenshots(page, "discipline-form")
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Khiển trách — {world.cadre.full_name}"
    )
    expect(page.get_by_text("chưa xác minh — cấu hình tại địa phương").first).to_be_visible()
    page.get_by_label("Số quyết định").fill("12-QĐ/ĐU")
    page.get_by_label("Ngày quyết định").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Ban hành", exact=True).click()
    expect(page.get_by_text("Đã ban hành quyết định.")).to_be_visible()

    page.get_by_role("link", name="Bản in (A4)").click()
    expect(page.get_by_text("ĐẢNG CỘNG SẢN VIỆT NAM")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".bo-header")).to_be_hidden()
    screenshots(page, "discipline-print")
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"
    page.emulate_media(media="screen")

    page.go_back()
    page.get_by_role("link", name="Công khai quyết định (TC-17)").click()
    page.get_by_role("button", name="Công khai", exact=True).click()
    expect(page.get_by_text("Đã công khai quyết định")).to_be_visible()
    page.get_by_role("link", name="Xem trên cổng thông tin").click()
    expect(page.get_by_text("12-QĐ/ĐU").first).to_be_visible()
    content = page.content()
    assert "Trần Thị Bình" not in content and world.cadre.full_name in content
    screenshots(page, "discipline-public")
