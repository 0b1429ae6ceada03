"""Statistics in a real browser: a leader opens the dashboard, clicks a bar and lands on the
items behind it; the public scoreboard reads on a phone; the dashboard and a report print on A4."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from langnghe.intake.models import Kind
from langnghe.orgs.models import Role

from ..factories import user
from ..stats.conftest import make_item
from .fixtures import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = dt.date


@pytest.fixture
def data(tree):
    leader = user("bl_leader", grants=[(tree.province, Role.LEADER)])
    for i in range(12):
        make_item(
            tree.commune,
            kind=Kind.COMPLAINT if i < 3 else Kind.FEEDBACK,
            received=D(2025, 3, 2 + i),
            closed=D(2025, 3, 20),
            due=D(2025, 3, 25) if i % 4 else D(2025, 3, 10),
            published=D(2025, 3, 21),
            rating=4,
        )
    make_item(tree.sibling, received=D(2025, 5, 5), closed=D(2025, 5, 9), due=D(2025, 5, 20))
    return leader


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/quan-ly/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{base}/quan-ly/")


def test_leader_clicks_a_bar_and_sees_the_items_behind_it(live_server, new_page, data, tree):
    page = new_page(viewport=DESKTOP)
    log_in(page, live_server.url, "bl_leader")
    page.goto(f"{live_server.url}/quan-ly/thong-ke/?ky=2025")
    expect(page.get_by_role("heading", name="Theo loại")).to_be_visible()
    expect(page.locator('[data-measure="received"] .kpi__value')).to_have_text("13")
    # The complaints bar of the "by kind" chart.
    section = page.locator("section", has=page.get_by_role("heading", name="Theo loại"))
    section.locator("svg a", has=page.locator("text", has_text="Khiếu nại")).first.click()
    expect(page.get_by_role("heading", name="Tiếp nhận trong kỳ")).to_be_visible()
    rows = page.locator("table.inbox tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Khiếu nại")
    # …and from a row to the item itself.
    rows.first.get_by_role("link").first.click()
    expect(page).to_have_url(__import__("re").compile(r"/quan-ly/y-kien/\d+/$"))

    # The dashboard prints on A4 without the navigation.
    page.goto(f"{live_server.url}/quan-ly/thong-ke/?ky=2025")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    assert abs(float(pdf.pages[0].mediabox.width) - 595.3) < 2
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Bảng điều hành" in text and "Đăng xuất" not in text


def test_public_scoreboard_on_a_phone(live_server, new_page, data, tree):
    page = new_page(viewport=PHONE, javascript=False)
    page.goto(f"{live_server.url}/thong-ke/?ky=2025")
    expect(page.get_by_role("heading", name="Thống kê trả lời ý kiến")).to_be_visible()
    expect(page.locator('[data-figure="received"]')).to_have_text("13")
    ranked = page.locator("ol.board li")
    expect(ranked).to_have_count(1)
    expect(ranked.first).to_contain_text(tree.commune.name)
    expect(page.get_by_role("heading", name="Chưa đủ số liệu để so sánh")).to_be_visible()
    # Nothing wider than the phone: no sideways scrolling.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    # The period select works without JavaScript.
    page.get_by_label("Chọn kỳ").select_option(index=0)
    page.get_by_role("button", name="Xem").click()
    expect(page).to_have_url(__import__("re").compile(r"/thong-ke/\?ky=\d{4}$"))
