"""Citizen reception in a real browser: a citizen books a reception slot on the portal (on a phone,
without JavaScript), and a receptionist logs a visit that becomes a tracked item.

Inputs are found by their label and buttons by their role and name, as a screen reader finds
them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from langnghe.intake.models import Channel, Item, Kind

from .fixtures import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def schedule(staff, places):
    """A site of the commune and a published periodic session of its chair, in two weeks."""
    from langnghe.core.calendar import get_calendar
    from langnghe.orgs.models import Position, Role
    from langnghe.reception.models import Capacity, SessionKind
    from langnghe.reception.services import SessionInput, session_create, session_publish, site_save

    from ..factories import person, user

    leader = user("lanhdao", grants=[(places.commune, Role.LEADER)])
    chair = person("Y Thanh", org=places.commune, role=Position.Role.HEAD, title="Chủ tịch UBND xã")
    site = site_save(
        actor=leader,
        organisation=places.commune,
        name="Phòng tiếp công dân xã Sa Thầy",
        address="Thôn 1, xã Sa Thầy",
        regular_hours="Thứ Hai đến thứ Sáu, 7g30–11g00",
    )
    day = get_calendar().add_working_days(timezone.localdate(), 10)
    session = session_create(
        data=SessionInput(
            organisation=places.commune,
            kind=SessionKind.PERIODIC,
            date=day,
            start_time=dt.time(7, 30),
            end_time=dt.time(9, 30),
            site=site,
            head=chair,
            capacity=Capacity.CHAIR,
            expected_content="Đất đai, bồi thường giải phóng mặt bằng",
            slot_minutes=30,
        ),
        actor=leader,
    )
    return session_publish(session=session, actor=leader)


def test_citizen_books_a_reception_slot(live_server, new_page, schedule, screenshots):
    from langnghe.reception.models import Booking, BookingStatus
    from langnghe.reception.services import booking_details

    page = new_page(viewport=PHONE, javascript=False)
    page.goto(f"{live_server.url}/lich-tiep-dan/")
    expect(page.get_by_role("heading", name="Lịch tiếp công dân", level=1)).to_be_visible()
    expect(page.get_by_text("Y Thanh")).to_be_visible()
    expect(page.get_by_text("Phòng tiếp công dân xã Sa Thầy").first).to_be_visible()
    screenshots(page, "reception-schedule-phone")
    page.get_by_role("link", name="Đăng ký lượt tiếp").first.click()

    # Nothing chosen: the page says what is missing and keeps what was typed.
    page.get_by_label("Họ và tên").fill("Rơ Châm Hiền")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("alert")).to_contain_text("Giờ tiếp")
    expect(page.get_by_label("Họ và tên")).to_have_value("Rơ Châm Hiền")

    page.get_by_label("08:00–08:30").check()
    page.get_by_label("Số điện thoại").fill("0905 123 456")
    page.get_by_label("Nội dung bạn muốn trình bày").fill(
        "Đề nghị cấp giấy chứng nhận quyền sử dụng đất"
    )
    screenshots(page, "reception-booking-form-phone")
    page.get_by_role("button", name="Đăng ký").click()

    expect(page.get_by_role("heading", name="Đã đăng ký lượt tiếp")).to_be_visible()
    code = page.locator(".receipt .code").inner_text()
    secret = page.locator(".receipt .secret").inner_text()
    assert re.fullmatch(r"LT-[A-Z0-9]{6}", code)
    screenshots(page, "reception-booking-receipt-phone")
    booking = Booking.objects.get(code=code)
    assert booking.slot.start == dt.time(8, 0) and booking.status == BookingStatus.BOOKED
    assert booking_details(booking)["name"] == "Rơ Châm Hiền"

    # Another device: the code and the secret open the booking; the citizen cancels it.
    other = new_page(viewport=PHONE, javascript=False)
    other.goto(f"{live_server.url}/lich-tiep-dan/dang-ky/")
    other.get_by_label("Mã đăng ký").fill(code)
    other.get_by_label("Mật mã").fill(secret)
    other.get_by_role("button", name="Xem").click()
    expect(other.get_by_text("Rơ Châm Hiền")).to_be_visible()
    other.get_by_role("button", name="Hủy lượt đăng ký").click()
    expect(other.get_by_text("Đã hủy")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    # The public schedule never names a booker.
    other.goto(f"{live_server.url}/lich-tiep-dan/")
    expect(other.get_by_text("Rơ Châm Hiền")).to_have_count(0)


def test_receptionist_logs_a_visit_that_becomes_an_item(
    live_server, new_page, staff, places, screenshots
):
    from langnghe.reception.models import ReceptionLogEntry

    page = new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/quan-ly/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("tiepnhan")
    page.get_by_label("Mật khẩu").fill("pw")
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{live_server.url}/quan-ly/tiep-dan/so-tiep/them/")
    expect(page.get_by_role("heading", name="Ghi sổ lượt tiếp công dân")).to_be_visible()
    org = page.get_by_label("Đơn vị tiếp")
    option = org.locator("option").filter(has_text=re.compile(r"^\s*UBND xã Sa Thầy\s*$"))
    org.select_option(value=option.get_attribute("value"))
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Địa chỉ", exact=True).fill("Thôn 2, xã Sa Thầy")
    page.get_by_label("Số CCCD/hộ chiếu").fill("0620")  # wrong on purpose
    page.get_by_label("Loại đơn", exact=True).select_option(Kind.COMPLAINT)
    page.get_by_label("Nội dung công dân trình bày").fill(
        "Khiếu nại mức bồi thường khi thu hồi đất làm đường tránh."
    )
    page.get_by_role("button", name="Ghi sổ", exact=True).click()
    expect(page.get_by_text("Số CCCD gồm 12 chữ số").first).to_be_visible()
    expect(page.get_by_label("Nội dung công dân trình bày")).to_have_value(
        "Khiếu nại mức bồi thường khi thu hồi đất làm đường tránh."
    )
    assert ReceptionLogEntry.objects.count() == 0
    page.get_by_label("Số CCCD/hộ chiếu").fill("062012345678")
    screenshots(page, "reception-log-form")
    page.get_by_role("button", name="Ghi sổ", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("Đã ghi sổ: lượt 1"))).to_be_visible()
    entry = ReceptionLogEntry.objects.get()
    item = entry.items.get()
    assert item.channel == Channel.CITIZEN_RECEPTION and item.kind == Kind.COMPLAINT
    assert item.channel_detail["reception_entry"] == entry.pk
    expect(page.get_by_text(item.code)).to_be_visible()
    screenshots(page, "reception-log-receipt")

    # The log lists the visit under a pseudonym; the item is in the spine's inbox.
    page.goto(f"{live_server.url}/quan-ly/tiep-dan/so-tiep/")
    expect(page.get_by_text("Công dân #1/")).to_be_visible()
    expect(page.get_by_text("Nguyễn Thị Hoa")).to_have_count(0)
    page.get_by_label("Lý do xem họ tên, địa chỉ (được ghi nhật ký)").fill("Gọi lại công dân")
    page.get_by_role("button", name="Hiện danh tính").click()
    expect(page.get_by_text("Nguyễn Thị Hoa")).to_be_visible()
    screenshots(page, "reception-log")
    page.goto(f"{live_server.url}/quan-ly/y-kien/{item.pk}/")
    expect(page.get_by_text(item.code).first).to_be_visible()
    assert Item.objects.filter(channel=Channel.CITIZEN_RECEPTION).count() == 1
