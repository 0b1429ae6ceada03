"""Back-office and portal pages of the suggestion boxes through the test client: each page, its bad
input (200/400 with a message, the input kept, nothing saved), 403 and 404, never a 500."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from langnghe.boxes.models import BoxLetter, BoxOpening, SuggestionBox
from langnghe.boxes.services import box_retire, letter_enter
from langnghe.intake.models import Attachment, Channel, Item, Kind
from langnghe.intake.services import Part, Submission

from .conftest import scan_png

pytestmark = pytest.mark.django_db

BO = "boxes_backoffice"


def login(client, u):
    client.force_login(u)
    return client


def html(response) -> str:
    return response.content.decode()


def opening_post(**overrides):
    # A moment just past, whatever the time of day the tests run (08:30 today is in the future
    # between midnight and 08:30).
    opened = timezone.localtime() - dt.timedelta(minutes=5)
    data = {
        "opened_date": opened.strftime("%d/%m/%Y"),
        "opened_time": opened.strftime("%H:%M"),
        "letters_count": "2",
        "minutes_note": "Niêm phong còn nguyên.",
        "w1_name": "Y Nhung",
        "w1_role": "Phó Chủ tịch Ủy ban MTTQ xã",
        "w1_front": "on",
        "w2_name": "A Phương",
        "w2_role": "Trưởng thôn Làng Trập",
    }
    data.update(overrides)
    return data


def letter_post(**overrides):
    data = {
        "kind": Kind.RECOMMENDATION,
        "title": "",
        "body": "Đề nghị sửa đường vào khu sản xuất thôn 2.",
        "group_size": "1",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("register", {}),
        ("box_create", {}),
        ("box", {"box_id": 1}),
        ("box_edit", {"box_id": 1}),
        ("poster", {"box_id": 1}),
        ("opening_create", {"box_id": 1}),
        ("unit_posters", {"org_id": 1}),
        ("opening", {"opening_id": 1}),
        ("letter", {"opening_id": 1}),
        ("minutes", {"opening_id": 1}),
    ],
)
def test_anonymous_is_sent_to_login(client, name, kwargs):
    response = client.get(reverse(f"{BO}:{name}", kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith("/quan-ly/dang-nhap/?next=")


def test_anonymous_post_changes_nothing(client, opening):
    response = client.post(reverse(f"{BO}:letter", args=[opening.pk]), letter_post())
    assert response.status_code == 302 and not Item.objects.exists()
    response = client.post(reverse(f"{BO}:box_retire", args=[opening.box_id]), {})
    assert response.status_code == 302
    assert SuggestionBox.objects.get(pk=opening.box_id).active


# -- register ------------------------------------------------------------------------------------


def test_register_lists_the_actors_boxes_with_local_settings(client, people, box):
    page = login(client, people.receptionist).get(reverse(f"{BO}:register"))
    body = html(page)
    assert page.status_code == 200
    assert "ST-01" in body and "Cổng trụ sở UBND xã Sa Thầy" in body
    assert "chưa xác minh — cấu hình tại địa phương" in body
    assert reverse(f"{BO}:unit_posters", args=[box.organisation_id]) in body
    assert page["Cache-Control"].startswith("max-age=0")


def test_register_is_empty_for_another_commune(client, people, box):
    page = login(client, people.sibling_receptionist).get(reverse(f"{BO}:register"))
    assert page.status_code == 200 and "ST-01" not in html(page)


def test_register_filter_by_unit_and_retired(client, people, units, box):
    other = SuggestionBox.objects.create(
        code="PROV-1", organisation=units.province, place="Trụ sở tỉnh"
    )
    c = login(client, people.leader)
    body = html(c.get(reverse(f"{BO}:register"), {"don_vi": units.commune.pk}))
    assert "ST-01" in body and other.code not in body
    box_retire(actor=people.leader, box=box, removed_on=timezone.localdate(), reason="Hỏng")
    assert "ST-01" not in html(c.get(reverse(f"{BO}:register")))
    assert "ST-01" in html(c.get(reverse(f"{BO}:register"), {"da_thu_hoi": "on"}))
    # A filter value that is not a unit drops that filter only.
    assert c.get(reverse(f"{BO}:register"), {"don_vi": "abc"}).status_code == 200


def test_box_create_through_the_form(client, people, units):
    c = login(client, people.head)
    assert c.get(reverse(f"{BO}:box_create")).status_code == 200
    response = c.post(
        reverse(f"{BO}:box_create"),
        {
            "organisation": units.commune.pk,
            "code": "lt-01",
            "place": "Nhà rông Làng Trập",
            "installed_on": "01/08/2025",
        },
    )
    box = SuggestionBox.objects.get(code="LT-01")
    assert response.status_code == 302 and response["Location"] == reverse(
        f"{BO}:box", args=[box.pk]
    )
    assert box.installed_on == dt.date(2025, 8, 1) and box.admin_unit == units.sathay


@pytest.mark.parametrize(
    "data,message",
    [
        ({"code": "LT-01", "place": ""}, "This field is required"),
        ({"code": "LT 01 !!", "place": "Chợ"}, "Mã hòm thư gồm"),
        ({"code": "ST-01", "place": "Chợ"}, "đã có"),
        ({"code": "", "place": "Chợ", "installed_on": "31/02/2025"}, "dd/mm/yyyy"),
    ],
)
def test_box_create_bad_input_keeps_the_text(client, people, units, box, data, message):
    c = login(client, people.head)
    count = SuggestionBox.objects.count()
    response = c.post(reverse(f"{BO}:box_create"), {"organisation": units.commune.pk, **data})
    body = html(response)
    assert response.status_code == 400
    assert message in body or "Trường này là bắt buộc" in body
    if data["place"]:
        assert data["place"] in body
    assert SuggestionBox.objects.count() == count


def test_box_create_forbidden_without_a_register_role(client, people, units):
    for who in (people.front, people.handler, people.nobody):
        response = login(client, who).get(reverse(f"{BO}:box_create"))
        assert response.status_code == 403
    response = login(client, people.sibling_receptionist).post(
        reverse(f"{BO}:box_create"), {"organisation": units.commune.pk, "place": "X"}
    )
    assert response.status_code == 400  # another unit is not offered
    assert not SuggestionBox.objects.exists()


def test_box_page_scope(client, people, box):
    url = reverse(f"{BO}:box", args=[box.pk])
    assert login(client, people.receptionist).get(url).status_code == 200
    assert login(client, people.front).get(url).status_code == 200  # same commune: looks
    assert login(client, people.sibling_receptionist).get(url).status_code == 404
    assert login(client, people.sibling_front).get(url).status_code == 404
    assert login(client, people.handler).get(url).status_code == 404
    assert (
        login(client, people.receptionist).get(reverse(f"{BO}:box", args=[999])).status_code == 404
    )


def test_box_edit_and_retire(client, people, box):
    c = login(client, people.admin)
    response = c.post(
        reverse(f"{BO}:box_edit", args=[box.pk]),
        {"place": "Hội trường UBND xã", "note": "Chuyển vào trong"},
    )
    assert response.status_code == 302
    box.refresh_from_db()
    assert box.place == "Hội trường UBND xã"
    bad = c.post(reverse(f"{BO}:box_retire", args=[box.pk]), {"removed_on": "", "reason": ""})
    assert bad.status_code == 400 and SuggestionBox.objects.get(pk=box.pk).active
    ok = c.post(
        reverse(f"{BO}:box_retire", args=[box.pk]),
        {"removed_on": timezone.localdate().strftime("%d/%m/%Y"), "reason": "Hòm bị vỡ"},
    )
    assert ok.status_code == 302
    assert not SuggestionBox.objects.get(pk=box.pk).active


def test_front_cannot_edit_or_retire(client, people, box):
    c = login(client, people.front)
    assert c.get(reverse(f"{BO}:box_edit", args=[box.pk])).status_code == 403
    response = c.post(
        reverse(f"{BO}:box_retire", args=[box.pk]),
        {"removed_on": timezone.localdate().strftime("%d/%m/%Y"), "reason": "Không"},
    )
    assert response.status_code == 403 and SuggestionBox.objects.get(pk=box.pk).active


# -- openings ------------------------------------------------------------------------------------


def test_record_an_opening_through_the_form(client, people, box):
    c = login(client, people.receptionist)
    form = c.get(reverse(f"{BO}:opening_create", args=[box.pk]))
    assert form.status_code == 200 and "Họ và tên người chứng kiến 1" in html(form)
    posted = opening_post()
    response = c.post(reverse(f"{BO}:opening_create", args=[box.pk]), posted)
    opening = BoxOpening.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(f"{BO}:opening", args=[opening.pk])
    assert opening.letters_count == 2 and opening.witnesses.count() == 2
    assert timezone.localtime(opening.opened_at).strftime("%H:%M") == posted["opened_time"]
    page = html(c.get(response["Location"]))
    assert "Y Nhung" in page and "Đại diện MTTQ" in page and "0/2" in page


@pytest.mark.parametrize(
    "overrides,message",
    [
        (
            {"w1_name": "", "w1_role": "", "w2_name": "", "w2_role": ""},
            "ít nhất 1 người chứng kiến",
        ),
        ({"w2_role": ""}, "Ghi chức vụ, đơn vị"),
        ({"letters_count": "-3"}, "0"),
        ({"opened_time": "25:99"}, "hh:mm"),
        ({"opened_date": "01/01/2099"}, "không được sau hiện tại"),
    ],
)
def test_opening_bad_input_keeps_the_text(client, people, box, overrides, message):
    response = login(client, people.receptionist).post(
        reverse(f"{BO}:opening_create", args=[box.pk]), opening_post(**overrides)
    )
    body = html(response)
    assert response.status_code == 400 and message in body
    assert "Niêm phong còn nguyên." in body
    assert not BoxOpening.objects.exists()


def test_opening_forms_forbidden_to_front_and_out_of_scope(client, people, box):
    url = reverse(f"{BO}:opening_create", args=[box.pk])
    assert login(client, people.front).post(url, opening_post()).status_code == 403
    assert login(client, people.sibling_receptionist).post(url, opening_post()).status_code == 404
    assert not BoxOpening.objects.exists()


def test_retired_box_takes_no_opening_page(client, people, box):
    box_retire(actor=people.head, box=box, removed_on=timezone.localdate(), reason="Hỏng")
    response = login(client, people.head).get(reverse(f"{BO}:opening_create", args=[box.pk]))
    assert response.status_code == 403 and "thu hồi" in html(response)


# -- letters -------------------------------------------------------------------------------------


def test_enter_a_letter_with_its_scan(client, people, opening):
    c = login(client, people.receptionist)
    url = reverse(f"{BO}:letter", args=[opening.pk])
    form = c.get(url)
    assert form.status_code == 200 and "Vào sổ thư số 1/2" in html(form)
    scan = SimpleUploadedFile("thu-1.png", scan_png(), content_type="image/png")
    response = c.post(url, {**letter_post(name="Đinh Văn Hải"), "attachments": scan, "tiep": "1"})
    receipt_url = reverse(f"{BO}:letter_receipt", args=[opening.pk])
    assert response.status_code == 302 and response["Location"] == receipt_url  # signed
    item = Item.objects.get()
    # The signed letter's receipt: code and secret, to post back to its sender.
    receipt = html(c.get(receipt_url))
    assert item.code in receipt and "Phiếu báo tiếp nhận thư góp ý" in receipt
    assert re.search(r"[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}", receipt)
    assert "Đinh Văn Hải" not in receipt  # the name stays in the vault
    response = c.post(receipt_url)
    assert response.status_code == 302 and response["Location"] == url  # next letter
    assert not re.search(
        r"[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}", html(c.get(receipt_url, follow=True))
    )
    assert item.channel == Channel.SUGGESTION_BOX and item.channel_detail["letter"] == 1
    assert not item.anonymous and Attachment.objects.filter(item=item).count() == 1
    letter = BoxLetter.objects.get()
    assert letter.signed and letter.opening == opening
    page = html(c.get(reverse(f"{BO}:opening", args=[opening.pk])))
    assert reverse("backoffice:item", args=[item.pk]) in page and item.code in page
    assert "1/2" in page


def test_letter_bad_input_keeps_the_text_and_saves_nothing(client, people, opening):
    c = login(client, people.receptionist)
    url = reverse(f"{BO}:letter", args=[opening.pk])
    bad_scan = SimpleUploadedFile("thu.png", b"this is not an image", content_type="image/png")
    response = c.post(url, {**letter_post(), "attachments": bad_scan})
    body = html(response)
    assert response.status_code == 400
    assert "Đề nghị sửa đường vào khu sản xuất thôn 2." in body
    assert "chọn lại bản chụp thư" in body
    response = c.post(url, letter_post(body="", part2_kind=Kind.COMPLAINT))
    assert response.status_code == 400
    assert not Item.objects.exists() and not BoxLetter.objects.exists()


@pytest.mark.parametrize(
    "who,status",
    [
        ("front", 403),
        ("head", 403),
        ("admin", 403),
        ("sibling_receptionist", 404),
        ("handler", 404),
    ],
)
def test_letter_entry_refused(client, people, opening, who, status):
    url = reverse(f"{BO}:letter", args=[opening.pk])
    c = login(client, getattr(people, who))
    assert c.get(url).status_code == status
    assert c.post(url, letter_post()).status_code == status
    assert not Item.objects.exists()


def test_complete_opening_refuses_more_letters_and_mismatch_needs_a_note(client, people, opening):
    c = login(client, people.receptionist)
    c.post(reverse(f"{BO}:letter", args=[opening.pk]), letter_post())
    close = reverse(f"{BO}:opening_close", args=[opening.pk])
    response = c.post(close, {"note": ""})
    assert response.status_code == 400 and "giải trình" in html(response)
    assert c.post(close, {"note": "Thư thứ hai là tờ giấy trắng."}).status_code == 302
    opening.refresh_from_db()
    assert opening.is_complete
    response = c.get(reverse(f"{BO}:letter", args=[opening.pk]))
    assert response.status_code == 403 and "đã vào sổ đủ thư" in html(response)


def test_recount_through_the_form(client, people, opening):
    c = login(client, people.leader)
    url = reverse(f"{BO}:opening_recount", args=[opening.pk])
    assert c.post(url, {"letters_count": "3", "reason": ""}).status_code == 400
    assert c.post(url, {"letters_count": "3", "reason": "Hai thư dính nhau"}).status_code == 302
    opening.refresh_from_db()
    assert opening.letters_count == 3


def test_sealed_item_is_not_shown_to_a_front_liaison_in_the_opening(client, people, units, opening):
    letter_enter(
        actor=people.receptionist,
        opening=opening,
        submission=Submission(
            parts=[Part(Kind.DENUNCIATION, "Tố cáo cán bộ địa chính nhận tiền của dân.")],
            channel=Channel.ONLINE,
            receiving_org=units.commune,
        ),
    )
    item = Item.objects.get()
    page = html(login(client, people.front).get(reverse(f"{BO}:opening", args=[opening.pk])))
    assert item.code not in page and "ngoài phạm vi xem" in page
    minutes = html(client.get(reverse(f"{BO}:minutes", args=[opening.pk])))
    assert item.code not in minutes and "niêm phong" in minutes
    staff_page = html(
        login(client, people.receptionist).get(reverse(f"{BO}:opening", args=[opening.pk]))
    )
    assert item.code in staff_page


# -- printouts -----------------------------------------------------------------------------------


def test_poster_has_the_qr_code_place_and_plain_line(client, people, box):
    response = login(client, people.receptionist).get(reverse(f"{BO}:poster", args=[box.pk]))
    body = html(response)
    assert response.status_code == 200
    assert "<svg" in body and "ST-01" in body and box.place in body
    assert "testserver/hom-thu/ST-01" in body
    assert (
        "Quét mã để gửi góp ý trực tuyến; thư bỏ vào hòm được mở định kỳ có người chứng kiến"
        in body
    )
    assert "boxes/print.css" in body and "bo-nav" not in body


def test_unit_sheet_has_every_active_box(client, people, units, box):
    SuggestionBox.objects.create(code="ST-02", organisation=units.commune, place="Thôn 2")
    SuggestionBox.objects.create(
        code="ST-03",
        organisation=units.commune,
        place="Thôn 3",
        active=False,
        removed_on=timezone.localdate(),
    )
    c = login(client, people.receptionist)
    body = html(c.get(reverse(f"{BO}:unit_posters", args=[units.commune.pk])))
    assert body.count("<svg") == 2 and "ST-02" in body and "ST-03" not in body
    assert c.get(reverse(f"{BO}:unit_posters", args=[units.sibling.pk])).status_code == 404
    assert (
        login(client, people.sibling_receptionist)
        .get(reverse(f"{BO}:unit_posters", args=[units.commune.pk]))
        .status_code
        == 404
    )


def test_minutes_print(client, people, opening):
    body = html(login(client, people.receptionist).get(reverse(f"{BO}:minutes", args=[opening.pk])))
    assert "Biên bản mở hòm thư góp ý" in body
    assert "Y Nhung" in body and "Đại diện Mặt trận Tổ quốc" in body
    assert "<strong>2</strong>" in body


# -- portal --------------------------------------------------------------------------------------


def test_portal_lists_active_boxes_by_unit(client, people, units, box):
    SuggestionBox.objects.create(
        code="OLD-1",
        organisation=units.commune,
        place="Chợ cũ",
        active=False,
        removed_on=timezone.localdate(),
    )
    response = client.get(reverse("boxes_portal:list"))
    body = html(response)
    assert response.status_code == 200
    assert units.commune.name in body and box.place in body and "Chợ cũ" not in body


def test_portal_box_page_links_to_the_online_form(client, box, opening, people, units):
    letter_enter(
        actor=people.receptionist,
        opening=opening,
        submission=Submission(
            parts=[Part(Kind.FEEDBACK, "Thư của Nguyễn Văn Tư về đèn đường.")],
            channel=Channel.ONLINE,
            receiving_org=units.commune,
            identity={"name": "Nguyễn Văn Tư"},
        ),
    )
    response = client.get("/hom-thu/st-01/")  # the code as typed from the poster
    body = html(response)
    assert response.status_code == 200
    assert box.place in body and units.commune.name in body
    assert "/gop-y/?hom-thu=ST-01" in body
    assert "Nguyễn Văn Tư" not in body and "đèn đường" not in body


def test_portal_unknown_or_retired_box_is_404(client, people, box):
    assert client.get("/hom-thu/NOPE-1/").status_code == 404
    box_retire(actor=people.head, box=box, removed_on=timezone.localdate(), reason="Hỏng")
    response = client.get("/hom-thu/ST-01/")
    assert response.status_code == 404 and "Không tìm thấy hòm thư" in html(response)


def test_register_offers_actions_by_role(client, people, box):
    """The Front liaison sees the box but is offered neither an opening nor the unit's posters."""
    opening_url = reverse(f"{BO}:opening_create", args=[box.pk])
    staff_page = html(login(client, people.receptionist).get(reverse(f"{BO}:register")))
    assert opening_url in staff_page and "Thêm hòm thư" in staff_page
    front_page = html(login(client, people.front).get(reverse(f"{BO}:register")))
    assert "ST-01" in front_page
    assert opening_url not in front_page and "Thêm hòm thư" not in front_page
    assert reverse(f"{BO}:unit_posters", args=[box.organisation_id]) not in front_page


def test_opening_form_suggests_the_communes_front_witness(client, people, units, box):
    from langnghe.orgs.models import Position

    from ..factories import person

    person("Hoàng Thị Mai", org=units.front, role=Position.Role.HEAD, title="Chủ tịch UBMTTQ xã")
    person(
        "Lương Quang Hùng",
        user_account=people.front,
        org=units.front,
        role=Position.Role.DEPUTY,
        title="Phó Chủ tịch UBMTTQ xã",
    )
    person("Y Sinh", org=units.sibling_front, role=Position.Role.HEAD, title="Chủ tịch MTTQ Ya Ly")
    page = login(client, people.receptionist).get(reverse(f"{BO}:opening_create", args=[box.pk]))
    body = html(page)
    # The Front liaison's own post comes first and fills row 1; another commune's Front, never.
    assert 'name="w1_name" value="Lương Quang Hùng"' in body
    assert 'name="w1_front" id="id_w1_front" checked' in body
    assert "Hoàng Thị Mai (Chủ tịch UBMTTQ xã)" in body and "Y Sinh" not in body


def test_unsigned_letter_goes_straight_to_the_next_one(client, people, opening):
    c = login(client, people.receptionist)
    url = reverse(f"{BO}:letter", args=[opening.pk])
    response = c.post(url, {**letter_post(), "tiep": "1"})
    assert response.status_code == 302 and response["Location"] == url
    assert Item.objects.get().anonymous
    # No receipt to print: nobody to send it to.
    receipt = c.get(reverse(f"{BO}:letter_receipt", args=[opening.pk]))
    assert receipt.status_code == 302
    assert receipt["Location"] == reverse(f"{BO}:opening", args=[opening.pk])


def test_letter_receipt_is_only_for_its_opening_and_scope(client, people, box, opening):
    from langnghe.boxes.services import opening_record

    from .conftest import witnesses

    c = login(client, people.receptionist)
    c.post(reverse(f"{BO}:letter", args=[opening.pk]), letter_post(name="Đinh Văn Hải"))
    other = opening_record(
        actor=people.receptionist,
        box=box,
        opened_at=timezone.now(),
        letters_count=1,
        witnesses=witnesses(),
    )
    assert c.get(reverse(f"{BO}:letter_receipt", args=[other.pk])).status_code == 302
    outsider = login(client, people.sibling_receptionist)
    assert outsider.get(reverse(f"{BO}:letter_receipt", args=[opening.pk])).status_code == 404
