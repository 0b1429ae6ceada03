"""The reception form for offline channels: the staff version of intake (DESIGN.md §7: an item
either exists with its receipt, or does not exist and the user is told why)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from langnghe.intake.models import Attachment, Channel, Item, Kind
from langnghe.intake.services import item_by_receipt
from langnghe.intake.vault import unseal

pytestmark = pytest.mark.django_db

RECEIPT = "/quan-ly/tiep-nhan/bien-nhan/"


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _letter(tree, **overrides):
    data = {
        "channel": Channel.LETTER,
        "receiving_org": tree.commune.pk,
        "received_date": (timezone.localdate() - dt.timedelta(days=3)).strftime("%d/%m/%Y"),
        "letter_date": (timezone.localdate() - dt.timedelta(days=6)).strftime("%d/%m/%Y"),
        "sender_reference": "Đơn số 12",
        "meeting_name": "không dùng cho thư",
        "kind": Kind.RECOMMENDATION,
        "title": "Đề nghị sửa cầu tràn",
        "body": "Cầu tràn thôn 5 bị hư hỏng, đề nghị sửa trước mùa mưa.",
        "name": "Hoàng Văn Em",
        "id_number": "012345678901",
        "address": "Thôn 5",
        "group_size": "1",
        "attachments": SimpleUploadedFile("thu.pdf", _pdf(), content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def test_receptionist_logs_a_letter_with_a_scanned_pdf(login, tree, staff):
    client = login(staff.receptionist)
    page = client.get("/quan-ly/tiep-nhan/")
    assert page.status_code == 200
    html = page.content.decode()
    assert timezone.localdate().strftime("%d/%m/%Y") in html  # received date defaults to today
    assert 'value="online"' not in html and 'value="integration"' not in html

    response = client.post("/quan-ly/tiep-nhan/", _letter(tree))
    assert response.status_code == 302 and response["Location"] == "/quan-ly/tiep-nhan/bien-nhan/"
    item = Item.objects.get()
    assert item.channel == Channel.LETTER and item.kind == Kind.RECOMMENDATION
    assert item.created_by == staff.receptionist
    assert timezone.localdate(item.received_at) == timezone.localdate() - dt.timedelta(days=3)
    assert item.channel_detail == {
        "letter_date": (timezone.localdate() - dt.timedelta(days=6)).isoformat(),
        "sender_reference": "Đơn số 12",
    }
    assert Attachment.objects.get(item=item).kind == "pdf"
    assert unseal(item.identity.ciphertext)["id_number"] == "012345678901"

    receipt = client.get(RECEIPT)
    html = receipt.content.decode()
    assert receipt.status_code == 200 and item.code in html
    secret = html.split('class="code big secret">')[-1].split("<")[0]
    assert item_by_receipt(code=item.code, secret=secret).pk == item.pk
    assert "no-store" in receipt["Cache-Control"]
    # The session holds the secret sealed, never in clear (review, low: plaintext secret).
    assert all(secret not in str(s.get_decoded()) for s in Session.objects.all())
    # A reload within the window shows it again (M15)...
    assert secret in client.get(RECEIPT).content.decode()
    # ...until staff confirm the receipt was handed over.
    done = client.post(RECEIPT)
    assert done.status_code == 302 and done["Location"] == "/quan-ly/tiep-nhan/"
    again = client.get(RECEIPT)
    assert again.status_code == 302 and again["Location"] == "/quan-ly/tiep-nhan/"


def test_reception_receipt_secret_is_dropped_after_the_window(login, tree, staff):
    from langnghe.backoffice.views import RECEIPT_SESSION_KEY
    from langnghe.core.sealing import RECEIPT_SECRET_SECONDS

    client = login(staff.receptionist)
    client.post("/quan-ly/tiep-nhan/", _letter(tree, attachments=""))
    item = Item.objects.get()
    session = client.session
    stored = session[RECEIPT_SESSION_KEY]
    session[RECEIPT_SESSION_KEY] = {**stored, "at": stored["at"] - RECEIPT_SECRET_SECONDS - 1}
    session.save()
    response = client.get(RECEIPT)
    html = response.content.decode()
    assert response.status_code == 200 and item.code in html  # the codes stay
    assert 'class="code big secret"' not in html and "Mật mã không còn hiển thị" in html
    assert client.session[RECEIPT_SESSION_KEY]["secret"] is None


def test_mixed_content_is_split_into_items_sharing_one_receipt(login, tree, staff):
    client = login(staff.receptionist)
    response = client.post(
        "/quan-ly/tiep-nhan/",
        _letter(
            tree,
            attachments="",
            part2_kind=Kind.DENUNCIATION,
            part2_body="Tố cáo trưởng thôn thu tiền sai quy định",
        ),
    )
    assert response.status_code == 302
    items = list(Item.objects.order_by("pk"))
    assert [i.kind for i in items] == [Kind.RECOMMENDATION, Kind.DENUNCIATION]
    assert items[1].split_from == items[0]
    html = client.get("/quan-ly/tiep-nhan/bien-nhan/").content.decode()
    assert items[0].code in html and items[1].code in html


def test_future_date_is_rejected_and_nothing_is_saved(login, tree, staff):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    response = login(staff.receptionist).post(
        "/quan-ly/tiep-nhan/", _letter(tree, received_date=tomorrow)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ngày tiếp nhận không được sau hôm nay." in html
    assert "Cầu tràn thôn 5 bị hư hỏng" in html  # the user's text is kept
    assert Item.objects.count() == 0 and Attachment.objects.count() == 0


def test_bad_date_format_is_explained(login, tree, staff):
    response = login(staff.receptionist).post(
        "/quan-ly/tiep-nhan/", _letter(tree, received_date="2026-13-45")
    )
    assert response.status_code == 400
    assert "dd/mm/yyyy" in response.content.decode()
    assert Item.objects.count() == 0


@pytest.mark.parametrize(
    "name,content",
    [
        ("thu.pdf", b"%PDF-1.4 this is not really a pdf"),
        ("thu.pdf", b"MZ\x90\x00 an executable renamed"),
        ("anh.jpg", b"\xff\xd8\xff\xe0 broken jpeg"),
    ],
)
def test_bad_file_is_rejected_and_nothing_is_saved(login, tree, staff, name, content):
    response = login(staff.receptionist).post(
        "/quan-ly/tiep-nhan/",
        _letter(
            tree,
            attachments=SimpleUploadedFile(name, content, content_type="application/pdf"),
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Chưa lưu ý kiến" in html
    assert any(msg in html for msg in ("PDF bị hỏng", "Chỉ nhận ảnh", "Ảnh bị hỏng"))
    assert "vui lòng chọn lại tệp đính kèm" in html
    assert Item.objects.count() == 0 and Attachment.objects.count() == 0


def test_channel_details_are_required_where_they_identify_the_source(login, tree, staff):
    client = login(staff.receptionist)
    response = client.post(
        "/quan-ly/tiep-nhan/", _letter(tree, channel=Channel.FORWARDED, attachments="")
    )
    assert response.status_code == 400
    assert Item.objects.count() == 0
    response = client.post(
        "/quan-ly/tiep-nhan/",
        _letter(
            tree,
            channel=Channel.FORWARDED,
            attachments="",
            forwarding_body="Ban Tiếp công dân tỉnh",
            forwarding_number="123/BTCD",
        ),
    )
    assert response.status_code == 302
    assert Item.objects.get().channel_detail == {
        "forwarding_body": "Ban Tiếp công dân tỉnh",
        "forwarding_number": "123/BTCD",
    }


def test_group_needs_representatives(login, tree, staff):
    client = login(staff.receptionist)
    response = client.post("/quan-ly/tiep-nhan/", _letter(tree, attachments="", group_size="12"))
    assert response.status_code == 400
    assert "TCD-13" in response.content.decode()
    assert Item.objects.count() == 0
    response = client.post(
        "/quan-ly/tiep-nhan/",
        _letter(
            tree,
            attachments="",
            group_size="12",
            representatives="Hoàng Văn Em\nLý Thị Gấm",
        ),
    )
    assert response.status_code == 302
    assert Item.objects.get().group_size == 12


def test_anonymous_with_a_name_is_contradictory(login, tree, staff):
    response = login(staff.receptionist).post(
        "/quan-ly/tiep-nhan/", _letter(tree, attachments="", anonymous="on")
    )
    assert response.status_code == 400
    assert Item.objects.count() == 0


def test_only_receptionists_and_leaders_may_log_items(login, tree, staff):
    client = login(staff.handler)
    assert client.get("/quan-ly/tiep-nhan/").status_code == 403
    assert client.post("/quan-ly/tiep-nhan/", _letter(tree)).status_code == 403
    assert Item.objects.count() == 0
    # A receptionist cannot log for a unit outside their subtree: the select refuses it.
    response = login(staff.receptionist).post(
        "/quan-ly/tiep-nhan/", _letter(tree, receiving_org=tree.sibling.pk)
    )
    assert response.status_code == 400
    assert Item.objects.count() == 0
