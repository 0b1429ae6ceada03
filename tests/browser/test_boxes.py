"""Suggestion boxes in a real browser: reception registers a box, records an opening before
witnesses and enters a letter with its scan, which becomes an item; the box's poster prints on one
A4 page with its QR code.

Inputs are found by their label and buttons by their role and name, as a screen reader finds them."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from langnghe.boxes.models import BoxLetter, BoxOpening, SuggestionBox
from langnghe.intake.models import Attachment, Channel, Item

from ..boxes.conftest import scan_png
from .fixtures import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LETTER = "Đề nghị xã sửa đèn đường trục chính thôn 2, tối rất nguy hiểm cho học sinh."


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/quan-ly/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{base}/quan-ly/")


def choose(select, text: str) -> None:
    option = select.locator("option").filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))
    select.select_option(value=option.get_attribute("value"))


def test_opening_and_letter_become_an_item(
    live_server, new_page, staff, places, screenshots, tmp_path
):
    base = live_server.url
    page = new_page(viewport=DESKTOP, javascript=False)  # no JavaScript needed anywhere
    log_in(page, base, "tiepnhan")

    # The register: add a box.
    page.goto(f"{base}/quan-ly/hom-thu/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sổ hòm thư góp ý")
    page.get_by_role("link", name="Thêm hòm thư").click()
    choose(page.get_by_label("Đơn vị quản lý hòm thư"), "UBND xã Sa Thầy")
    page.get_by_label("Mã hòm thư").fill("st-01")
    page.get_by_role("textbox", name="Nơi đặt", exact=True).fill("Cổng trụ sở UBND xã Sa Thầy")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hòm thư ST-01")

    # The opening, before two witnesses, one of them from the Front; first a mistake.
    page.get_by_role("link", name="Ghi lần mở hòm").click()
    page.get_by_label("Số thư trong hòm").fill("1")
    page.get_by_label("Ghi chú biên bản").fill("Niêm phong còn nguyên.")
    page.get_by_label("Họ và tên người chứng kiến 1").fill("Y Nhung")
    page.get_by_role("button", name="Lưu biên bản mở hòm").click()
    expect(page.get_by_text("Ghi chức vụ, đơn vị của người chứng kiến.")).to_be_visible()
    expect(page.get_by_label("Ghi chú biên bản")).to_have_value("Niêm phong còn nguyên.")
    page.get_by_label("Chức vụ, đơn vị người chứng kiến 1").fill("Phó Chủ tịch UBMTTQ xã")
    page.get_by_label("Người chứng kiến 1 là đại diện Mặt trận Tổ quốc").check()
    page.get_by_label("Họ và tên người chứng kiến 2").fill("A Phương")
    page.get_by_label("Chức vụ, đơn vị người chứng kiến 2").fill("Trưởng thôn 2")
    page.get_by_role("button", name="Lưu biên bản mở hòm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hòm thư ST-01 — lần mở 1")
    expect(page.get_by_text("Y Nhung — Phó Chủ tịch UBMTTQ xã")).to_be_visible()
    screenshots(page, "box-opening")

    # The letter, with its scan.
    page.get_by_role("link", name="Vào sổ thư số 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vào sổ thư số 1/1")
    scan = tmp_path / "thu-1.png"
    scan.write_bytes(scan_png("Thư số 1"))
    page.get_by_label("Bản chụp thư (ảnh hoặc PDF)").set_input_files(str(scan))
    page.get_by_label("Loại ý kiến").select_option(label="Kiến nghị")
    page.get_by_role("textbox", name="Nội dung", exact=True).fill(LETTER)
    page.get_by_role("button", name="Lưu thư", exact=True).click()

    item = Item.objects.get()
    expect(page.get_by_text(f"Đã vào sổ thư số 1: mã tra cứu {item.code}.")).to_be_visible()
    expect(page.get_by_text("Đã vào sổ đủ thư").first).to_be_visible()
    assert item.channel == Channel.SUGGESTION_BOX and item.anonymous
    assert item.channel_detail["box"] == "ST-01"
    assert Attachment.objects.filter(item=item).count() == 1
    assert BoxLetter.objects.get().item == item
    assert BoxOpening.objects.get().state == BoxOpening.State.COMPLETE
    screenshots(page, "box-letter-entered")

    # From the opening to the item in the back office.
    page.get_by_role("link", name=item.code, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(item.code)
    expect(page.get_by_text(LETTER, exact=True)).to_be_visible()

    # The minutes print on A4 with the letter's code.
    page.go_back()
    page.get_by_role("link", name="In biên bản mở hòm thư").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Biên bản mở hòm thư góp ý")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Thao tác với bản in")).to_be_hidden()
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert len(pdf.pages) == 1 and item.code in text and "Y Nhung" in text


def test_poster_prints_on_one_a4_page_with_its_qr_code(
    live_server, new_page, staff, places, screenshots
):
    from langnghe.boxes.services import box_create

    box = box_create(
        actor=staff.receptionist,
        organisation=places.commune,
        code="ST-T2",
        place="Nhà văn hóa thôn 2",
    )
    base = live_server.url
    page = new_page(viewport=DESKTOP)
    log_in(page, base, "tiepnhan")
    page.goto(f"{base}/quan-ly/hom-thu/{box.pk}/")
    page.get_by_role("link", name="In áp phích").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hòm thư góp ý")
    page.emulate_media(media="print")
    qr = page.locator(".poster__qr svg")
    expect(qr).to_be_visible()
    size = qr.bounding_box()
    assert size is not None and size["width"] > 300  # about 10 cm: scannable from a step away
    expect(page.get_by_role("navigation", name="Thao tác với bản in")).to_be_hidden()
    screenshots(page, "poster-print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    assert len(pdf.pages) == 1
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 portrait, in points
    text = pdf.pages[0].extract_text()
    assert "ST-T2" in text and "Nhà văn hóa thôn 2" in text
    assert "/hom-thu/ST-T2" in text and "Quay lại" not in text
    assert "có người chứng kiến" in text

    # The QR's page, on a phone, without logging in.
    phone = new_page(viewport=PHONE)
    phone.goto(f"{base}/hom-thu/ST-T2/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("ST-T2")
    expect(phone.get_by_text("Nhà văn hóa thôn 2")).to_be_visible()
    phone.get_by_role("link", name="Gửi ý kiến trực tuyến").click()
    expect(phone).to_have_url(re.compile(r"/gop-y/\?hom-thu=ST-T2$"))
    assert SuggestionBox.objects.count() == 1
