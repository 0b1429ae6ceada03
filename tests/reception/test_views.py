"""Back office and portal through HTTP: every page, bad input (200/400 with message, no 500),
privacy of the portal, the XLSX export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from langnghe.core.calendar import get_calendar
from langnghe.core.models import AuditEvent
from langnghe.intake.models import Channel, Item, Kind
from langnghe.intake.services import Part
from langnghe.reception.models import (
    Booking,
    BookingStatus,
    ReceptionLogEntry,
    ReceptionSession,
    RefusalGround,
    SessionStatus,
)
from langnghe.reception.services import (
    Visit,
    booking_create,
    log_entry_add,
    session_hold,
    session_publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(make_session, people):
    session = make_session()
    return session_publish(session=session, actor=people.leader)


def _login(client, user):
    client.force_login(user)
    return client


# -- back office --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("index", {}),
        ("sites", {}),
        ("sessions", {}),
        ("session_create", {}),
        ("session", {"session_id": 1}),
        ("log", {}),
        ("log_add", {}),
        ("log_export", {}),
        ("quotas", {}),
        ("entry", {"entry_id": 1}),
    ],
)
def test_anonymous_is_sent_to_login(client, name, kwargs):
    response = client.get(reverse(f"reception_backoffice:{name}", kwargs=kwargs))
    assert response.status_code == 302 and "/quan-ly/dang-nhap/" in response["Location"]


def test_pages_render_for_leader(client, people, published):
    c = _login(client, people.leader)
    for name, kwargs in [
        ("index", {}),
        ("sites", {}),
        ("sessions", {}),
        ("session_create", {}),
        ("session", {"session_id": published.pk}),
        ("log", {}),
        ("log_add", {}),
        ("quotas", {}),
    ]:
        response = c.get(reverse(f"reception_backoffice:{name}", kwargs=kwargs))
        assert response.status_code == 200, name


def test_session_create_through_the_form(client, people, tree, site):
    c = _login(client, people.leader)
    day = get_calendar().add_working_days(timezone.localdate(), 10)
    response = c.post(
        reverse("reception_backoffice:session_create"),
        {
            "organisation": tree.commune.pk,
            "kind": "periodic",
            "form": "in_person",
            "site": site.pk,
            "head": people.chair.pk,
            "capacity": "chair",
            "date": day.strftime("%d/%m/%Y"),
            "start_time": "07:30",
            "end_time": "09:30",
            "expected_content": "Đất đai",
            "slot_minutes": 20,
            "slot_capacity": 2,
            "booking_open": "on",
        },
    )
    session = ReceptionSession.objects.get()
    assert response.status_code == 302
    assert session.slots.count() == 6 and session.slots.first().capacity == 2
    page = c.post(reverse("reception_backoffice:session_action", args=[session.pk, "publish"]))
    assert page.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULE_PUBLISHED


def test_session_create_bad_input_keeps_text_and_says_why(client, people, tree, site):
    c = _login(client, people.leader)
    response = c.post(
        reverse("reception_backoffice:session_create"),
        {
            "organisation": tree.commune.pk,
            "kind": "periodic",
            "form": "in_person",
            "site": site.pk,
            "head": people.deputy.pk,
            "capacity": "chair",
            "date": "31/02/2026",
            "start_time": "9h",
            "end_time": "07:00",
            "expected_content": "Nội dung giữ lại",
            "slot_minutes": 20,
            "slot_capacity": 1,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nội dung giữ lại" in html and "dd/mm/yyyy" in html
    assert ReceptionSession.objects.count() == 0
    # Valid shapes, but the deputy does not head the committee: the service says so by the field.
    day = get_calendar().add_working_days(timezone.localdate(), 10)
    response = c.post(
        reverse("reception_backoffice:session_create"),
        {
            "organisation": tree.commune.pk,
            "kind": "periodic",
            "form": "in_person",
            "site": site.pk,
            "head": people.deputy.pk,
            "capacity": "chair",
            "date": day.strftime("%d/%m/%Y"),
            "start_time": "07:00",
            "end_time": "09:00",
            "slot_minutes": 20,
            "slot_capacity": 1,
        },
    )
    assert response.status_code == 400
    assert "không phải người đứng đầu" in response.content.decode()
    assert ReceptionSession.objects.count() == 0


def test_log_add_creates_items_and_shows_receipt(client, people, tree):
    c = _login(client, people.receptionist)
    response = c.post(
        reverse("reception_backoffice:log_add"),
        {
            "organisation": tree.commune.pk,
            "received_on": timezone.localdate().strftime("%d/%m/%Y"),
            "name": "Nguyễn Thị Hoa",
            "address": "Thôn 2",
            "id_number": "012345678901",
            "group_size": 1,
            "kind": Kind.FEEDBACK,
            "body": "Đèn đường thôn 2 hỏng đã lâu",
            "within_competence": "on",
        },
    )
    assert response.status_code == 302
    entry = ReceptionLogEntry.objects.get()
    item = entry.items.get()
    assert item.channel == Channel.CITIZEN_RECEPTION and item.body.startswith("Đèn đường")
    receipt = c.get(reverse("reception_backoffice:log_receipt")).content.decode()
    assert item.code in receipt and "Mật mã" in receipt


def test_log_add_refuses_a_name_or_body_of_invisible_characters_only(client, people, tree):
    """TCD-9: the citizen's name is required; zero-width and direction marks are not a name."""
    c = _login(client, people.receptionist)
    response = c.post(
        reverse("reception_backoffice:log_add"),
        {
            "organisation": tree.commune.pk,
            "received_on": timezone.localdate().strftime("%d/%m/%Y"),
            "name": "\u200b\u200e",
            "group_size": 1,
            "kind": Kind.FEEDBACK,
            "body": "\u2060 \u200b",
            "within_competence": "on",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng nhập họ tên công dân (TCD-9)." in html
    assert "Vui lòng nhập nội dung công dân trình bày." in html
    assert ReceptionLogEntry.objects.count() == 0 and Item.objects.count() == 0


def test_log_add_bad_input_200_with_messages_nothing_saved(client, people, tree):
    c = _login(client, people.receptionist)
    response = c.post(
        reverse("reception_backoffice:log_add"),
        {
            "organisation": tree.commune.pk,
            "received_on": "hôm qua",
            "name": "",
            "id_number": "12ab",
            "group_size": 0,
            "kind": "",
            "body": "Nội dung vẫn còn",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nội dung vẫn còn" in html and "Số CCCD" in html
    assert ReceptionLogEntry.objects.count() == 0 and Item.objects.count() == 0
    # A group of 12 without representatives: the spine refuses (TCD-13), nothing half-saved.
    response = c.post(
        reverse("reception_backoffice:log_add"),
        {
            "organisation": tree.commune.pk,
            "received_on": timezone.localdate().strftime("%d/%m/%Y"),
            "name": "Đại diện thôn 4",
            "group_size": 12,
            "kind": Kind.RECOMMENDATION,
            "body": "Đề nghị làm cầu tràn",
        },
    )
    assert response.status_code == 400
    assert "TCD-13" in response.content.decode()
    assert ReceptionLogEntry.objects.count() == 0 and Item.objects.count() == 0


def test_refusal_through_the_form_then_notice_printed(client, people, tree):
    c = _login(client, people.receptionist)
    response = c.post(
        reverse("reception_backoffice:log_add"),
        {
            "organisation": tree.commune.pk,
            "received_on": timezone.localdate().strftime("%d/%m/%Y"),
            "name": "Lê Văn Kéo",
            "group_size": 1,
            "summary": "Tiếp tục khiếu nại quyết định đã giải quyết lần hai",
            "refuse": "on",
            "refusal_ground": RefusalGround.PERSISTENT,
            "refusal_explanation": "Vụ việc đã có quyết định giải quyết lần hai có hiệu lực.",
        },
    )
    assert response.status_code == 302
    entry = ReceptionLogEntry.objects.get()
    assert entry.refusal.needs_notice and entry.items.count() == 0
    page = c.post(
        reverse("reception_backoffice:entry", args=[entry.pk]),
        {"number": "05/TB-UBND", "issued_on": "01/01/1999", "signer": "Y Thanh"},
    )
    assert page.status_code == 400 and "Ngày ban hành" in page.content.decode()
    page = c.post(
        reverse("reception_backoffice:entry", args=[entry.pk]),
        {
            "number": "05/TB-UBND",
            "issued_on": timezone.localdate().strftime("%d/%m/%Y"),
            "signer": "Y Thanh",
        },
    )
    assert page.status_code == 302
    printed = c.get(reverse("reception_backoffice:refusal_print", args=[entry.pk])).content.decode()
    assert "Mẫu 01/TCD" in printed and "Lê Văn Kéo" in printed and "05/TB-UBND" in printed


def test_conclusion_notice_flow(client, people, tree, make_session):
    session = make_session(date=timezone.localdate() - dt.timedelta(days=1))
    session.status = SessionStatus.SCHEDULE_PUBLISHED
    session.save(update_fields=["status"])
    session_hold(session=session, actor=people.leader)
    log_entry_add(
        visit=Visit(
            organisation=tree.commune,
            received_on=session.date,
            name="Phan Văn Tư",
            session=session,
            parts=[Part(Kind.COMPLAINT, "Khiếu nại bồi thường đất")],
        ),
        actor=people.receptionist,
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.LOGGED
    c = _login(client, people.leader)
    bad = c.post(reverse("reception_backoffice:conclusion", args=[session.pk]), {"number": ""})
    assert bad.status_code == 400
    ok = c.post(
        reverse("reception_backoffice:conclusion", args=[session.pk]),
        {
            "number": "12/TB-UBND",
            "issued_on": timezone.localdate().strftime("%d/%m/%Y"),
            "content": "Giao Văn phòng kiểm tra hồ sơ bồi thường, trả lời trước 15/12.",
            "recipients": "Văn phòng UBND xã\nLưu: VT",
            "signer": "Y Thanh",
        },
    )
    assert ok.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CONCLUSION_NOTICE_ISSUED
    printed = c.get(reverse("reception_backoffice:conclusion_print", args=[session.pk]))
    html = printed.content.decode()
    assert "Kết luận việc tiếp công dân" in html and "12/TB-UBND" in html
    assert "Phan Văn Tư" not in html  # visitors are never named on the notice
    # An administrator sees the session, but the log is not theirs: a count, no link to rows.
    entry_url = reverse("reception_backoffice:entry", args=[session.entries.get().pk])
    admin_page = _login(client, people.admin).get(
        reverse("reception_backoffice:session", args=[session.pk])
    )
    assert admin_page.status_code == 200
    assert entry_url not in admin_page.content.decode()
    assert "1 lượt tiếp đã vào sổ" in admin_page.content.decode()
    assert _login(client, people.leader).get(entry_url).status_code == 200


def test_log_identity_shown_only_to_receptionists_audited(client, people, tree):
    log_entry_add(
        visit=Visit(
            organisation=tree.commune,
            received_on=timezone.localdate(),
            name="Nguyễn Thị Hoa",
            id_number="012345678901",
            parts=[Part(Kind.FEEDBACK, "Đèn hỏng")],
        ),
        actor=people.receptionist,
    )
    leader = _login(client, people.leader)
    html = leader.get(reverse("reception_backoffice:log")).content.decode()
    assert "Nguyễn Thị Hoa" not in html and "Công dân #1/" in html
    denied = leader.post(reverse("reception_backoffice:log"), {"reason": "Kiểm tra sổ"})
    assert denied.status_code == 403 and "Nguyễn Thị Hoa" not in denied.content.decode()
    client.logout()
    rc = _login(client, people.receptionist)
    no_reason = rc.post(reverse("reception_backoffice:log"), {"reason": ""})
    assert no_reason.status_code == 400 and "Nguyễn Thị Hoa" not in no_reason.content.decode()
    shown = rc.post(reverse("reception_backoffice:log"), {"reason": "Gọi lại công dân"})
    assert "Nguyễn Thị Hoa" in shown.content.decode()
    assert AuditEvent.objects.filter(action="reception.log_identities_revealed").count() == 1


def test_export_is_mau_03_tcd_xlsx_masked_by_default(client, people, tree):
    from openpyxl import load_workbook

    log_entry_add(
        visit=Visit(
            organisation=tree.commune,
            received_on=timezone.localdate(),
            name="Nguyễn Thị Hoa",
            id_number="012345678901",
            parts=[Part(Kind.COMPLAINT, "Khiếu nại"), Part(Kind.FEEDBACK, "Phản ánh")],
        ),
        actor=people.receptionist,
    )
    c = _login(client, people.leader)
    response = c.get(reverse("reception_backoffice:log_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A4"].value == "SỔ TIẾP CÔNG DÂN"
    assert [ws.cell(row=8, column=c).value for c in range(1, 14)] == [
        f"({n})" for n in range(1, 14)
    ]
    assert ws.cell(row=7, column=4).value == "CCCD/Hộ chiếu"
    row = [ws.cell(row=9, column=c).value for c in range(1, 14)]
    assert row[0] == 1 and row[5] == "KN, PA" and "[bảo mật]" in row[2] and row[3] == "[bảo mật]"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    client.logout()
    rc = _login(client, people.receptionist)
    response = rc.post(reverse("reception_backoffice:log_export"), {"reason": "Báo cáo tháng"})
    ws = load_workbook(io.BytesIO(response.content)).active
    assert "Nguyễn Thị Hoa" in ws.cell(row=9, column=3).value
    assert ws.cell(row=9, column=4).value == "012345678901"


def test_log_export_survives_what_an_administrator_typed_in_a_unit_name(client, people, tree):
    """The unit names head the sheet: through cell() too (a control character made openpyxl
    refuse the file; a leading "=" would be a formula)."""
    from openpyxl import load_workbook

    tree.province.name = '=HYPERLINK("http://x","y")'
    tree.province.save(update_fields=["name"])
    tree.commune.name = "UBND xã\x0b Sa Thầy"
    tree.commune.save(update_fields=["name"])
    response = _login(client, people.leader).get(
        reverse("reception_backoffice:log_export"), {"organisation": tree.commune.pk}
    )
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].data_type != "f" and ws["A1"].value.startswith("'=")
    assert ws["A2"].value == "UBND XÃ SA THẦY"


def test_quota_page_shows_behind_in_red_and_unverified_setting(client, people, tree):
    c = _login(client, people.leader)
    html = c.get(reverse("reception_backoffice:quotas")).content.decode()
    assert "Y Thanh" in html and "quota-behind" in html and "chưa xác minh" in html
    assert c.get(reverse("reception_backoffice:quotas") + "?thang=abc").status_code == 200


# -- portal -------------------------------------------------------------------------------


def test_portal_lists_published_sessions_and_sites_not_planned(
    client, people, published, make_session
):
    planned = make_session(expected_content="Bí mật chưa công bố")
    html = client.get("/lich-tiep-dan/").content.decode()
    assert "Y Thanh" in html and "Phòng tiếp công dân UBND xã" in html
    assert "Bí mật chưa công bố" not in html
    assert client.get(f"/lich-tiep-dan/buoi/{planned.pk}/").status_code == 404


def test_portal_booking_journey_and_cancel(client, published):
    page = client.get(f"/lich-tiep-dan/buoi/{published.pk}/")
    assert page.status_code == 200 and "Đăng ký lượt tiếp" in page.content.decode()
    slot = published.slots.first()
    response = client.post(
        f"/lich-tiep-dan/buoi/{published.pk}/",
        {"slot": slot.pk, "name": "Rơ Châm Hiền", "phone": "0905 123 456", "content": "Cấp sổ đỏ"},
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert b"R\xc6\xa1 Ch" not in bytes(booking.sealed)  # sealed, not plain
    # The form says how many places each slot has left.
    again = client.get(f"/lich-tiep-dan/buoi/{published.pk}/").content.decode()
    left = slot.capacity - 1
    assert (f"còn {left} chỗ" if left else "đã đủ") in again
    other = published.slots.exclude(pk=slot.pk).first()
    assert other is None or f"còn {other.capacity} chỗ" in again
    receipt = client.get(response["Location"]).content.decode()
    assert booking.code in receipt and "Mật mã" in receipt
    view = client.get(f"/lich-tiep-dan/dang-ky/{booking.code}/")
    assert view.status_code == 200 and "Rơ Châm Hiền" in view.content.decode()
    client.post(f"/lich-tiep-dan/dang-ky/{booking.code}/")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    # The public schedule never shows a booker.
    assert "Rơ Châm Hiền" not in client.get("/lich-tiep-dan/").content.decode()


def test_portal_booking_bad_input_keeps_text_no_500(client, published):
    response = client.post(
        f"/lich-tiep-dan/buoi/{published.pk}/",
        {"slot": "abc", "name": "", "phone": "12", "content": "Nội dung giữ lại"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nội dung giữ lại" in html and "error-summary" in html
    response = client.post(
        f"/lich-tiep-dan/buoi/{published.pk}/",
        {"slot": published.slots.first().pk, "name": "An", "phone": "abc-xyz", "content": "x"},
    )
    assert response.status_code == 400 and "Số điện thoại không hợp lệ" in response.content.decode()
    assert Booking.objects.count() == 0
    assert client.get("/lich-tiep-dan/buoi/999999/").status_code == 404


def test_portal_full_slot_is_refused(client, published):
    slot = published.slots.first()
    booking_create(session=published, slot_id=slot.pk, name="A", phone="0905123456", content="x")
    response = client.post(
        f"/lich-tiep-dan/buoi/{published.pk}/",
        {"slot": slot.pk, "name": "B", "phone": "0905123457", "content": "y"},
    )
    assert response.status_code == 400
    assert Booking.objects.count() == 1


def test_portal_lookup_wrong_secret_says_not_found(client, published):
    result = booking_create(
        session=published,
        slot_id=published.slots.first().pk,
        name="A",
        phone="0905123456",
        content="x",
    )
    wrong = client.post("/lich-tiep-dan/dang-ky/", {"code": result.booking.code, "secret": "SAI"})
    assert wrong.status_code == 400 and "Không tìm thấy" in wrong.content.decode()
    right = client.post(
        "/lich-tiep-dan/dang-ky/", {"code": result.booking.code.lower(), "secret": result.secret}
    )
    assert right.status_code == 302
    assert client.get(f"/lich-tiep-dan/dang-ky/{result.booking.code}/").status_code == 200
    # Another browser without the secret is sent to the lookup form.
    from django.test import Client

    other = Client().get(f"/lich-tiep-dan/dang-ky/{result.booking.code}/")
    assert other.status_code == 302 and "/lich-tiep-dan/dang-ky/?ma=" in other["Location"]


def test_booking_then_logged_from_booking(client, people, tree, make_session):
    session = make_session()
    session_publish(session=session, actor=people.leader)
    result = booking_create(
        session=session,
        slot_id=session.slots.first().pk,
        name="Hiền",
        phone="0905123456",
        content="Sổ đỏ",
    )
    ReceptionSession.objects.filter(pk=session.pk).update(date=timezone.localdate())
    session.refresh_from_db()
    session_hold(session=session, actor=people.leader)
    c = _login(client, people.receptionist)
    form = c.get(reverse("reception_backoffice:log_add") + f"?dang_ky={result.booking.pk}")
    assert "Sổ đỏ" in form.content.decode()  # prefilled from the booking for reception staff
    assert AuditEvent.objects.filter(action="reception.booking_opened_for_log").count() == 1
    response = c.post(
        reverse("reception_backoffice:log_add") + f"?dang_ky={result.booking.pk}",
        {
            "organisation": tree.commune.pk,
            "session": session.pk,
            "booking_id": result.booking.pk,
            "received_on": timezone.localdate().strftime("%d/%m/%Y"),
            "name": "Hiền",
            "group_size": 1,
            "kind": Kind.RECOMMENDATION,
            "body": "Đề nghị cấp sổ đỏ",
        },
    )
    assert response.status_code == 302
    result.booking.refresh_from_db()
    assert result.booking.status == BookingStatus.ATTENDED
    assert result.booking.entry.items.get().channel_detail["session"] == session.pk


def test_absurd_ids_are_404_not_500(client, people, published):
    huge = "9" * 25
    assert client.get(f"/lich-tiep-dan/buoi/{huge}/").status_code == 404
    c = _login(client, people.leader)
    assert c.get(f"/quan-ly/tiep-dan/buoi-tiep/{huge}/").status_code == 404
    assert c.get(f"/quan-ly/tiep-dan/so-tiep/{huge}/").status_code == 404
    assert c.get(f"/quan-ly/tiep-dan/so-tiep/them/?buoi={huge}").status_code == 404
    assert c.get(f"/quan-ly/tiep-dan/so-tiep/them/?dang_ky={huge}").status_code == 404
    response = c.post(
        reverse("reception_backoffice:session_action", args=[published.pk, "no_show"]),
        {"booking": huge},
    )
    assert response.status_code == 404
    assert (
        c.post(
            reverse("reception_backoffice:session_action", args=[published.pk, "nope"])
        ).status_code
        == 404
    )


def test_tc16_denunciation_content_in_the_log_stays_with_reception(client, people, tree):
    log_entry_add(
        visit=Visit(
            organisation=tree.commune,
            received_on=timezone.localdate(),
            name="Người tố cáo",
            parts=[Part(Kind.DENUNCIATION, "Tố cáo cán bộ địa chính nhận tiền của dân")],
        ),
        actor=people.receptionist,
    )
    leader = _login(client, people.leader)
    html = leader.get(reverse("reception_backoffice:log")).content.decode()
    assert "nhận tiền của dân" not in html and "bảo mật (TC-16)" in html
    from openpyxl import load_workbook

    ws = load_workbook(
        io.BytesIO(leader.get(reverse("reception_backoffice:log_export")).content)
    ).active
    assert "nhận tiền" not in str(ws.cell(row=9, column=5).value)
    client.logout()
    rc = _login(client, people.receptionist)
    assert "nhận tiền của dân" in rc.get(reverse("reception_backoffice:log")).content.decode()
