"""The submit journey: form → item(s) with a receipt, or the form again with a message."""

from __future__ import annotations

import sys
import types

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from langnghe.intake.models import Item, Kind
from langnghe.intake.services import item_by_receipt

from .conftest import png_bytes

SUBMIT = "/gop-y/"
MARK = "Đường liên thôn 3 bị sạt lở"


def payload(**overrides):
    data = {
        "kind": Kind.FEEDBACK,
        "title": "Sạt lở đường thôn 3",
        "body": f"{MARK} sau mưa lớn, xe máy không qua được.",
        "group_size": "1",
        "anonymous": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.django_db
def test_form_renders_with_kinds_and_manifestations(client, site):
    response = client.get(SUBMIT)
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Góp ý", "Phản ánh", "Kiến nghị", "Khiếu nại", "Tố cáo"):
        assert label in html
    assert 'accept="image/*,application/pdf,audio/*"' in html
    assert 'capture="environment"' in html
    assert "Xã Sa Thầy" in html and "Giao thông" in html
    assert "Áp đặt, bảo thủ" in html and "chưa kiểm chứng" in html
    assert "Nguyễn Văn Bảo" in html  # small deployments: a plain select, no JavaScript needed
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_happy_path_receipt_keeps_the_secret_until_saved(client, site):
    response = client.post(
        SUBMIT, payload(commune=str(site.commune_unit.pk), topic=str(site.topic.pk))
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:receipt")
    item = Item.objects.get()
    assert item.body.startswith(MARK) and item.channel == "online"
    assert item.admin_unit == site.commune_unit and item.topic == site.topic
    assert item.receiving_org == site.commune  # the commune people's committee of the location

    first = client.get(reverse("portal:receipt"))
    assert first.status_code == 200
    html = first.content.decode()
    secret = first.context["secret"]
    assert secret and secret in html and item.code in html
    assert "<svg" in html  # the QR code
    assert item_by_receipt(code=item.code, secret=secret) == item
    assert "no-store" in first["Cache-Control"]
    assert "Tôi đã lưu mã và mật mã" in html

    # M15: a reload (or the phone restoring the tab) shows the secret again...
    second = client.get(reverse("portal:receipt"))
    assert second.context["secret"] == secret and secret in second.content.decode()
    # ...and the session holds it sealed, never in clear.
    from django.contrib.sessions.models import Session

    assert all(secret not in str(s.get_decoded()) for s in Session.objects.all())

    # "Tôi đã lưu mã và mật mã" drops it at once; the codes stay.
    saved = client.post(reverse("portal:receipt"), follow=True)
    assert saved.redirect_chain[-1][0] == reverse("portal:receipt")
    html = saved.content.decode()
    assert saved.context["secret"] is None and secret not in html and item.code in html
    assert "Mật mã đã được xóa khỏi trang này." in html


@pytest.mark.django_db
def test_language_switch_on_the_receipt_keeps_the_secret(client, site):
    client.post(SUBMIT, payload())
    receipt = reverse("portal:receipt")
    page = client.get(receipt)
    secret = page.context["secret"]
    # The language form posts back to the page it is on.
    assert f'name="next" type="hidden" value="{receipt}"' in page.content.decode()
    switched = client.post("/i18n/setlang/", {"language": "en", "next": receipt}, follow=True)
    assert switched.redirect_chain[-1][0] == receipt
    html = switched.content.decode()
    assert '<html lang="en">' in html and secret in html


@pytest.mark.django_db
def test_receipt_secret_is_dropped_after_the_window(client, site):
    from langnghe.portal.access import RECEIPT_KEY, RECEIPT_SECRET_SECONDS

    client.post(SUBMIT, payload())
    item = Item.objects.get()
    session = client.session
    stored = session[RECEIPT_KEY]
    session[RECEIPT_KEY] = {**stored, "at": stored["at"] - RECEIPT_SECRET_SECONDS - 1}
    session.save()
    response = client.get(reverse("portal:receipt"))
    assert response.status_code == 200 and response.context["secret"] is None
    assert item.code in response.content.decode()
    assert "Mật mã không còn hiển thị." in response.content.decode()
    assert client.session[RECEIPT_KEY]["secret"] is None  # gone from the session for good


@pytest.mark.django_db
def test_saving_without_a_receipt_goes_to_the_form(client, site):
    response = client.post(reverse("portal:receipt"))
    assert response.status_code == 302 and response["Location"] == SUBMIT


@pytest.mark.django_db
def test_qr_holds_the_code_only_unless_asked(client, site):
    client.post(SUBMIT, payload())
    entries = client.get(reverse("portal:receipt")).context["entries"]
    assert entries[0]["qr_url"].endswith("/tra-cuu/?ma=" + entries[0]["code"])

    # (another text: the same one twice within the hour would be challenged, test_abuse.py)
    client.post(SUBMIT, payload(qr_with_secret="on", body="Cống thoát nước thôn 2 bị tắc."))
    response = client.get(reverse("portal:receipt"))
    assert response.context["entries"][0]["qr_url"].endswith("#mm=" + response.context["secret"])


@pytest.mark.django_db
def test_mixed_submission_is_split_into_one_item_per_kind(client, site):
    """TCD-10: mixed content becomes one item per kind, sharing the secret."""
    response = client.post(
        SUBMIT, payload(kind2=Kind.DENUNCIATION, body2="Cán bộ địa chính nhận tiền của dân.")
    )
    assert response.status_code == 302
    items = list(Item.objects.order_by("pk"))
    assert [i.kind for i in items] == [Kind.FEEDBACK, Kind.DENUNCIATION]
    assert items[1].split_from == items[0]
    receipt = client.get(reverse("portal:receipt"))
    html = receipt.content.decode()
    assert items[0].code in html and items[1].code in html
    for item in items:
        assert item_by_receipt(code=item.code, secret=receipt.context["secret"]) == item


@pytest.mark.django_db
def test_anonymous_submission_stores_no_identity(client, site):
    response = client.post(
        SUBMIT,
        payload(anonymous="on", name="Trần Thị Bình", phone="0905000111", wants_notifications="on"),
    )
    assert response.status_code == 302
    item = Item.objects.get()
    assert item.anonymous and item.identity_id is None


@pytest.mark.django_db
def test_named_submission_seals_identity(client, site):
    response = client.post(
        SUBMIT,
        payload(
            anonymous=None, name="Trần Thị Bình", phone="0905 000 111", wants_notifications="on"
        ),
    )
    assert response.status_code == 302
    item = Item.objects.select_related("identity").get()
    assert not item.anonymous and item.identity.wants_notifications
    assert b"Tr\xe1\xba\xa7n" not in bytes(item.identity.ciphertext)


@pytest.mark.django_db
def test_group_with_representatives_and_indicators_and_cadre(client, site):
    response = client.post(
        SUBMIT,
        payload(
            anonymous=None,
            name="Trần Thị Bình",
            group_size="6",
            representatives="Trần Thị Bình\nLê Văn Cường",
            indicators=[str(site.indicators[0].pk), str(site.indicators[1].pk)],
            concerned_person=str(site.cadre.pk),
            concerned_org=str(site.office.pk),
        ),
    )
    assert response.status_code == 302
    item = Item.objects.get()
    assert (
        item.group_size == 6
        and item.concerned_person == site.cadre
        and item.concerned_org == site.office
    )
    assert set(item.indicators.all()) == set(site.indicators)


@pytest.mark.django_db
def test_attachment_is_saved(client, site):
    upload = SimpleUploadedFile("anh.png", png_bytes(), content_type="image/png")
    response = client.post(SUBMIT, {**payload(), "attachments": [upload]})
    assert response.status_code == 302
    assert Item.objects.get().attachments.count() == 1


def _text_jpg():
    return [
        SimpleUploadedFile(
            "anh.jpg", b"just some text, not a picture" * 10, content_type="image/jpeg"
        )
    ]


def _exe_jpg():
    return [
        SimpleUploadedFile(
            "anh.jpg",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
            content_type="image/jpeg",
        )
    ]


def _empty_file():
    return [SimpleUploadedFile("anh.jpg", b"", content_type="image/jpeg")]


def _six_files():
    return [
        SimpleUploadedFile(f"anh{i}.png", png_bytes(), content_type="image/png") for i in range(6)
    ]


def _broken_jpeg():
    # JPEG magic bytes, then garbage: passes the form's sniffing, fails the service's decoding.
    return [
        SimpleUploadedFile(
            "anh.jpg",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x13" * 300,
            content_type="image/jpeg",
        )
    ]


BAD_INPUT = {
    "empty body": ({"body": ""}, None, "Vui lòng nhập nội dung ý kiến"),
    "body of 20,001 characters": ({"body": MARK + "a" * 20_001}, None, "Nội dung quá dài"),
    "null byte": ({"body": MARK + " \x00 tiếp"}, None, "ký tự không hợp lệ"),
    "null byte in the cadre": ({"concerned_person": "1\x00"}, None, "ký tự không hợp lệ"),
    "null byte in the email": (
        {"anonymous": None, "name": "Bình", "email": "binh\x00@example.com"},
        None,
        "ký tự không hợp lệ",
    ),
    "group size abc": ({"group_size": "abc"}, None, "Số người phải là một số nguyên"),
    "group size -1": ({"group_size": "-1"}, None, "Số người phải từ 1 trở lên"),
    "group of 6 without representatives (TCD-13)": (
        {"group_size": "6", "anonymous": None, "name": "Trần Thị Bình"},
        None,
        "TCD-13",
    ),
    "text file named .jpg": ({}, _text_jpg, "không phải ảnh, PDF hay ghi âm"),
    "exe renamed .jpg": ({}, _exe_jpg, "không phải ảnh, PDF hay ghi âm"),
    "empty file": ({}, _empty_file, "rỗng"),
    "six files": ({}, _six_files, "tối đa 5 tệp"),
    "corrupt image": ({}, _broken_jpeg, "Ảnh bị hỏng"),
    "unknown kind": ({"kind": "petition"}, None, "Lựa chọn không hợp lệ"),
    "unknown commune": ({"commune": "999999"}, None, "Lựa chọn không hợp lệ"),
    "unknown unit": ({"concerned_org": "abc"}, None, "Lựa chọn không hợp lệ"),
    "unknown cadre": ({"concerned_person": "424242"}, None, "Không tìm thấy cán bộ"),
    "unknown manifestation": ({"indicators": ["99999"]}, None, "Lựa chọn không hợp lệ"),
    "same kind twice": ({"kind2": Kind.FEEDBACK, "body2": "Thêm nữa"}, None, "phải khác loại"),
    "second kind without text": (
        {"kind2": Kind.COMPLAINT},
        None,
        "Vui lòng nhập nội dung khác loại",
    ),
    "named but no name": ({"anonymous": None}, None, "Vui lòng nhập họ tên"),
    "notify without contact": (
        {"anonymous": None, "name": "Bình", "wants_notifications": "on"},
        None,
        "số điện thoại hoặc email",
    ),
    "bad phone": (
        {"anonymous": None, "name": "Bình", "phone": "gọi tôi"},
        None,
        "Số điện thoại không hợp lệ",
    ),
    "bad email": (
        {"anonymous": None, "name": "Bình", "email": "binh@"},
        None,
        "email không hợp lệ",
    ),
    # Django's validator accepts both; mail cannot be sent to either (IDNA refuses the domain).
    "email domain of a zero-width joiner": (
        {"anonymous": None, "name": "Bình", "email": "binh@\u200d.vn"},
        None,
        "Không gửi được thư tới địa chỉ email này",
    ),
    "email domain label too long": (
        {"anonymous": None, "name": "Bình", "email": "binh@" + "ệ" * 60 + ".vn"},
        None,
        "Không gửi được thư tới địa chỉ email này",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD_INPUT), ids=list(BAD_INPUT))
def test_bad_input_keeps_text_and_saves_nothing(client, site, case):
    overrides, files, message = BAD_INPUT[case]
    data = payload(title="Tiêu đề của tôi về đường thôn", **overrides)
    if files:
        data["attachments"] = files()
    response = client.post(SUBMIT, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, html[html.find("error-summary") :][:600]
    assert 'class="error-summary"' in html  # the summary links each problem to its field
    assert "Null characters" not in html  # Django's own message has no Vietnamese
    assert "Tiêu đề của tôi về đường thôn" in html  # the citizen's text is kept
    if overrides.get("body", MARK):
        assert MARK in html
    assert Item.objects.count() == 0


@pytest.mark.django_db
def test_english_messages_for_bad_input(client, site):
    client.cookies["django_language"] = "en"
    response = client.post(SUBMIT, payload(body=""))
    assert response.status_code == 200
    assert "Please write what you want to say." in response.content.decode()


@pytest.mark.django_db
def test_deployment_org_setting_decides_the_receiving_unit(client, site, settings):
    settings.LANGNGHE = {**settings.LANGNGHE, "DEPLOYMENT_ORG_CODE": site.party.slug}
    client.post(SUBMIT, payload(commune=str(site.commune_unit.pk)))
    assert Item.objects.get().receiving_org == site.party


@pytest.mark.django_db
def test_without_a_location_the_first_root_unit_receives(client, site):
    client.post(SUBMIT, payload())
    assert Item.objects.get().receiving_org == site.province


@pytest.mark.django_db
def test_old_address_is_converted_to_the_new_commune(client, site, monkeypatch):
    fake = types.ModuleType("langnghe.orgs.gazetteer")
    fake.convert_address = lambda text: site.commune_unit if "Sa Sơn" in text else None
    monkeypatch.setitem(sys.modules, "langnghe.orgs.gazetteer", fake)
    response = client.post(SUBMIT, payload(old_address="xã Sa Sơn, huyện Sa Thầy, tỉnh Kon Tum"))
    assert response.status_code == 302
    item = Item.objects.get()
    assert item.admin_unit == site.commune_unit and "Sa Sơn" in item.location_text
    assert "Xã Sa Thầy" in client.get(reverse("portal:receipt")).content.decode()


@pytest.mark.django_db
def test_old_address_without_gazetteer_is_kept_as_text(client, site, monkeypatch):
    monkeypatch.setitem(sys.modules, "langnghe.orgs.gazetteer", None)  # import fails
    response = client.post(SUBMIT, payload(old_address="thôn 2, xã Sa Sơn"))
    assert response.status_code == 302
    item = Item.objects.get()
    assert item.admin_unit is None and "thôn 2, xã Sa Sơn" in item.location_text


@pytest.mark.django_db
def test_person_search_endpoint(client, site):
    response = client.get(reverse("portal:person_search"), {"q": "nguyen bao"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results == [
        {
            "id": site.cadre.pk,
            "name": "Nguyễn Văn Bảo",
            "detail": f"Phó Chủ tịch, {site.commune.name}",
        }
    ]
    assert client.get(reverse("portal:person_search"), {"q": "x"}).json() == {"results": []}


@pytest.mark.django_db
def test_cadre_typed_by_name_on_large_deployments(client, site, monkeypatch):
    from langnghe.portal import selectors

    from ..factories import person

    monkeypatch.setattr(selectors, "PERSON_SELECT_LIMIT", 0)
    assert 'name="concerned_person_name"' in client.get(SUBMIT).content.decode()
    # One match is taken.
    assert client.post(SUBMIT, payload(concerned_person_name="nguyen van bao")).status_code == 302
    assert Item.objects.get().concerned_person == site.cadre
    # Two people of the same name: the form offers both to choose from, and saves nothing.
    person("Nguyễn Văn Bảo", org=site.sibling, title="Cán bộ địa chính")
    response = client.post(SUBMIT, payload(concerned_person_name="Nguyễn Văn Bảo"))
    assert response.status_code == 200 and "trùng tên" in response.content.decode()
    assert "Cán bộ địa chính" in response.content.decode()
    assert Item.objects.count() == 1


@pytest.mark.django_db
def test_receipt_without_submission_goes_to_the_form(client, site):
    response = client.get(reverse("portal:receipt"))
    assert response.status_code == 302 and response["Location"] == SUBMIT


@pytest.mark.django_db
def test_oversized_request_gets_the_bad_request_page_not_an_error(site, settings):
    from django.test import Client

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client(enforce_csrf_checks=True)
    client.get(SUBMIT)
    token = client.cookies["csrftoken"].value
    response = client.post(SUBMIT, {**payload(body="x" * 5000), "csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
    assert Item.objects.count() == 0


@pytest.mark.django_db
def test_missing_csrf_token_explains_itself(site):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.get(SUBMIT)
    response = client.post(SUBMIT, payload())
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in response.content.decode()


@pytest.mark.django_db
def test_the_cached_blank_form_gives_each_visitor_a_working_token_of_their_own(site):
    from django.test import Client

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [c.get(SUBMIT).content.decode() for c in (first, second)]
    tokens = [page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0] for page in pages]
    assert tokens[0] != tokens[1]
    assert "csrf-placeholder" not in pages[1]
    assert pages[0].replace(tokens[0], "") == pages[1].replace(tokens[1], "")  # served from cache
    response = second.post(SUBMIT, {**payload(), "csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302
    assert Item.objects.count() == 1


@pytest.mark.django_db
def test_the_blank_form_is_cached_per_language(client, site):
    assert "Gửi ý kiến" in client.get(SUBMIT).content.decode()
    client.cookies["django_language"] = "en"
    html = client.get(SUBMIT).content.decode()
    assert 'lang="en"' in html and "Transport" in html


@pytest.mark.django_db
def test_a_suggestion_box_poster_sends_the_item_to_the_box_unit(client, site):
    from langnghe.boxes.models import SuggestionBox

    office_box = SuggestionBox.objects.create(
        code="ST01", organisation=site.office, place="Nhà văn hóa thôn 3", active=True
    )
    html = client.get(SUBMIT + "?hom-thu=st01").content.decode()
    assert 'name="hom_thu" value="ST01"' in html and "Nhà văn hóa thôn 3" in html
    response = client.post(SUBMIT, {**payload(), "hom_thu": "ST01"})
    assert response.status_code == 302
    item = Item.objects.get()
    assert item.receiving_org == site.office and item.channel_detail == {"box": office_box.code}
    # An unknown or retired box is ignored: the ordinary form and routing.
    assert "hom_thu" not in client.get(SUBMIT + "?hom-thu=NOPE").content.decode()
