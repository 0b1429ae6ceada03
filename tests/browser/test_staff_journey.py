"""A letter's whole way through the back office, in a real browser: the receptionist logs it with
its scan, the routing rule sends it to the competent unit, a handler takes it and drafts an
answer with a public version, the unit head approves it, and the public finds it.

Inputs are found by their label and buttons by their role and name, as a screen reader finds
them: a field that loses its label fails here."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfWriter

from langnghe.intake.models import Attachment, Channel, Item, Kind

from .fixtures import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENDER = "Hoàng Văn Em"
TITLE = "Đề nghị sửa cầu tràn thôn 5"
BODY = "Cầu tràn thôn 5 bị hư hỏng nặng sau lũ, đề nghị xã sửa trước mùa mưa."
ANSWER = (
    f"Kính gửi ông {SENDER}. UBND xã đã khảo sát cầu tràn thôn 5 ngày 10; "
    "kinh phí sửa chữa đã được bố trí trong kế hoạch quý IV."
)
PUBLIC_ANSWER = "Cầu tràn thôn 5 sẽ được sửa chữa trong quý IV bằng kinh phí của xã."


def scanned_letter() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def choose(select, text: str) -> None:
    """Pick an option by its visible text; organisation lists indent names by depth."""
    option = select.locator("option").filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))
    select.select_option(value=option.get_attribute("value"))


def fact(scope, term: str):
    """The value next to a term in a facts list (<dt>term</dt><dd>value</dd>)."""
    return (
        scope.get_by_role("term")
        .filter(has_text=re.compile(rf"^{re.escape(term)}$"))
        .locator("xpath=following-sibling::dd[1]")
    )


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/quan-ly/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{base}/quan-ly/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hộp thư ý kiến")


def log_out(page, base: str) -> None:
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "button", name="Đăng xuất"
    ).click()
    expect(page).to_have_url(f"{base}/quan-ly/dang-nhap/")
    page.goto(f"{base}/quan-ly/")  # the session is gone: back to the login page
    expect(page).to_have_url(re.compile(r"/quan-ly/dang-nhap/\?next="))


def open_from_inbox(page, code: str):
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=code, exact=True))
    expect(row).to_have_count(1)
    row.get_by_role("link", name=code, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    return row


def test_a_letter_is_received_routed_handled_approved_and_published(
    new_page, live_server, routing, staff, screenshots
):
    base = live_server.url
    page = new_page(viewport=DESKTOP)
    received = timezone.localdate() - dt.timedelta(days=3)
    written = timezone.localdate() - dt.timedelta(days=6)

    # --- the receptionist logs the letter and its scan ---------------------------------------
    log_in(page, base, "tiepnhan")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Tiếp nhận"
    ).click()
    expect(page).to_have_url(f"{base}/quan-ly/tiep-nhan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiếp nhận ý kiến")

    page.get_by_label("Kênh tiếp nhận").select_option(label="Thư, đơn gửi qua bưu điện")
    choose(page.get_by_label("Đơn vị tiếp nhận"), "UBND xã Sa Thầy")
    page.get_by_label("Ngày tiếp nhận").fill(received.strftime("%d/%m/%Y"))
    # The letter's own details show once the channel is chosen.
    page.get_by_label("Ngày ghi trên thư").fill(written.strftime("%d/%m/%Y"))
    page.get_by_label("Số, ký hiệu của người gửi").fill("Đơn số 12")
    expect(page.get_by_label("Tên buổi gặp, hội nghị")).to_be_hidden()
    page.get_by_label("Loại ý kiến").select_option(label="Kiến nghị")
    page.get_by_label("Tiêu đề").fill(TITLE)
    # The accessible name, as a screen reader reads it: the "*" of required fields is aria-hidden.
    page.get_by_role("textbox", name="Nội dung", exact=True).fill(BODY)
    page.get_by_label("Lĩnh vực").select_option(label="Giao thông")
    choose(page.get_by_label("Xã, phường nơi xảy ra"), "Xã Sa Thầy")
    page.get_by_label("Họ và tên").fill(SENDER)
    page.get_by_label("Địa chỉ", exact=True).fill("Thôn 5, xã Sa Thầy")
    page.get_by_label("Tệp đính kèm (bản chụp thư: PDF hoặc ảnh)").set_input_files(
        files=[{"name": "thu.pdf", "mimeType": "application/pdf", "buffer": scanned_letter()}]
    )
    screenshots(page, "quan-ly-tiep-nhan")
    page.get_by_role("button", name="Lưu và in biên nhận").click()

    expect(page).to_have_url(f"{base}/quan-ly/tiep-nhan/bien-nhan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Biên nhận ý kiến")
    expect(page.get_by_role("status")).to_contain_text("Đã tiếp nhận ý kiến.")
    code = fact(page, "Mã tra cứu (Kiến nghị)").inner_text().strip()
    secret = fact(page, "Mật mã").inner_text().strip()
    assert re.fullmatch(r"\d\d-[A-Z0-9]{6}", code) and len(secret) == 23
    expect(page.get_by_text(f"Ngày tiếp nhận: {received:%d/%m/%Y}")).to_be_visible()
    screenshots(page, "quan-ly-bien-nhan")

    item = Item.objects.get(code=code)
    assert item.channel == Channel.LETTER and item.kind == Kind.RECOMMENDATION
    assert timezone.localdate(item.received_at) == received
    assert item.channel_detail == {
        "letter_date": written.isoformat(),
        "sender_reference": "Đơn số 12",
    }
    assert item.created_by == staff.receptionist
    assert item.receiving_org == routing.commune
    assert item.handling_org == routing.office  # the routing rule, not the receiving unit
    assert Attachment.objects.get(item=item).kind == "pdf"
    log_out(page, base)

    # --- the handler finds it in the inbox, takes it and drafts the answer --------------------
    log_in(page, base, "xuly")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=code, exact=True))
    expect(row).to_contain_text("Văn phòng UBND xã Sa Thầy")
    expect(row).to_contain_text("Đã tiếp nhận")
    screenshots(page, "quan-ly-hop-thu")
    open_from_inbox(page, code)
    # Handling units see a pseudonym, never the sender's name (DESIGN.md §4).
    expect(page.get_by_role("main")).not_to_contain_text(SENDER)
    expect(page.get_by_role("link", name="PDF #1", exact=True)).to_be_visible()  # the scan

    actions = page.get_by_role("complementary", name="Thao tác")
    actions.get_by_role("button", name="Nhận xử lý", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã thực hiện: Nhận xử lý.")
    expect(page.locator(".page-head .tag--status")).to_have_text("Đang xử lý")

    draft = actions.locator("details").filter(
        has=page.locator("summary", has_text=re.compile(r"^Soạn trả lời"))
    )
    draft.locator("summary").click()
    draft.get_by_label("Nội dung trả lời").fill(ANSWER)
    draft.get_by_label("Tóm tắt công khai (không bắt buộc)").fill(TITLE)
    draft.get_by_label("Bản công khai (không bắt buộc)").fill(PUBLIC_ANSWER)
    screenshots(page, "quan-ly-soan-tra-loi")
    draft.get_by_role("button", name="Soạn trả lời").click()
    expect(page.get_by_role("status")).to_contain_text("Đã thực hiện: Soạn trả lời.")
    item.refresh_from_db()
    assert item.status == "answer_drafted"
    # A handler drafts; only the unit head approves.
    expect(actions.get_by_role("button", name="Duyệt và gửi trả lời")).to_have_count(0)
    log_out(page, base)

    # --- the unit head approves: the answer is sent and published -----------------------------
    log_in(page, base, "truongdonvi")
    open_from_inbox(page, code)
    screenshots(page, "quan-ly-cho-duyet")
    page.get_by_role("complementary", name="Thao tác").get_by_role(
        "button", name="Duyệt và gửi trả lời"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("Đã thực hiện: Duyệt và gửi trả lời.")
    tags = page.locator(".page-head .tags")
    expect(tags).to_contain_text("Đã trả lời")
    expect(tags).to_contain_text("Đã công khai")
    screenshots(page, "quan-ly-da-tra-loi")
    item.refresh_from_db()
    assert item.status == "answered" and item.is_published
    assert item.public_answer == PUBLIC_ANSWER
    log_out(page, base)

    # --- the public finds it, typed without diacritics, with the public version only ---------
    public = new_page(viewport=DESKTOP)
    public.goto(f"{base}/tim-kiem/")
    public.get_by_label("Tìm ý kiến đã trả lời công khai").fill("cau tran thon 5")
    public.get_by_role("button", name="Tìm", exact=True).click()
    expect(public.get_by_role("status")).to_contain_text("1 kết quả")
    screenshots(public, "tim-kiem-cong-khai")
    public.get_by_role("link", name=TITLE).click()
    expect(public).to_have_url(f"{base}/y-kien/{code}/")
    expect(public.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(public.get_by_role("region", name="Trả lời")).to_contain_text(PUBLIC_ANSWER)
    html = public.content()
    for private in (SENDER, "kế hoạch quý IV", secret, "Đơn số 12"):
        assert private not in html
    screenshots(public, "y-kien-cong-khai")

    # --- the screenshots, for humans -----------------------------------------------------------
    assert len(screenshots.taken) == 8
    assert all(p.stat().st_size > 0 for p in screenshots.taken)
