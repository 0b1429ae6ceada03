"""The item page and its actions over HTTP: each goes through the service, writes the timeline,
and a refused or invalid action answers with a message, never a 500."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfWriter

from langnghe.core.models import AuditEvent
from langnghe.handling.models import ItemEvent
from langnghe.handling.services import item_transition
from langnghe.intake.models import Item, Kind
from langnghe.intake.services import item_by_receipt

from ..factories import submit_one

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "Nguyễn Văn Tác Giả"})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_item_page_shows_content_deadlines_and_pseudonym(login, tree, staff):
    item, _ = submit_one(
        tree.commune,
        body="Đường thôn 3 bị sạt lở\nCần sửa gấp",
        title="Sạt lở đường thôn 3",
        identity={"name": "Trần Thị Bình", "phone": "0905000111"},
        location_text="Thôn 3",
    )
    html = login(staff.handler).get(f"/quan-ly/y-kien/{item.pk}/").content.decode()
    assert "Sạt lở đường thôn 3" in html and "Cần sửa gấp" in html and "Thôn 3" in html
    assert item.identity.pseudonym in html and "Người gửi #" in html
    assert "Trần Thị Bình" not in html and "0905000111" not in html
    # The running deadline with its citation, verification tag and dd/mm/yyyy date.
    assert "TCD-11" in html and "V1" in html
    assert dt.date.fromisoformat(item.deadlines["reply"]["due"]).strftime("%d/%m/%Y") in html
    # The timeline and the allowed actions.
    assert "Tiếp nhận" in html and "Nhận xử lý" in html
    # A handler cannot reveal identities.
    assert "Xem danh tính" not in html


def test_petition_start_draft_approve_publish_over_http(login, tree, staff):
    item, secret = submit_one(tree.commune, identity={"name": "Trần Thị Bình"})
    client = login(staff.handler)

    response = client.post(f"/quan-ly/y-kien/{item.pk}/thao-tac/start/")
    assert response.status_code == 302 and response["Location"] == f"/quan-ly/y-kien/{item.pk}/"
    item.refresh_from_db()
    assert item.status == "in_progress"

    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/thao-tac/draft_answer/",
        {
            "t-draft_answer-answer": "Đã sửa đường, cảm ơn Trần Thị Bình.",
            "t-draft_answer-public_summary": "Phản ánh đường thôn 3 sạt lở",
            "t-draft_answer-public_answer": "Đã sửa đường, cảm ơn Trần Thị Bình.",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "answer_drafted"

    # The handler may not approve; the page says so with a message, not a 500.
    response = client.post(f"/quan-ly/y-kien/{item.pk}/thao-tac/approve_answer/")
    assert response.status_code == 403
    assert "Bạn không có quyền thực hiện việc này." in response.content.decode()

    response = login(staff.head).post(
        f"/quan-ly/y-kien/{item.pk}/thao-tac/approve_answer/", follow=True
    )
    assert response.status_code == 200
    assert "Đã thực hiện: Duyệt và gửi trả lời." in response.content.decode()
    item.refresh_from_db()
    assert item.status == "answered" and item.is_published
    assert "Trần Thị Bình" not in item.public_answer

    transitions = list(item.events.exclude(transition="").values_list("transition", flat=True))
    assert transitions == ["start", "draft_answer", "approve_answer"]
    assert item.events.filter(type=ItemEvent.Type.ANSWER).exists()
    html = response.content.decode()
    assert "Đã trả lời" in html and "Soạn trả lời" in html
    # The citizen's receipt still works and shows the published answer.
    assert item_by_receipt(code=item.code, secret=secret).is_published


def test_invalid_transition_answers_with_a_message(login, tree, staff):
    item, _ = submit_one(tree.commune)
    client = login(staff.head)
    response = client.post(f"/quan-ly/y-kien/{item.pk}/thao-tac/approve_answer/")
    assert response.status_code == 400
    assert "Không thể thực hiện thao tác này ở trạng thái hiện tại." in response.content.decode()
    response = client.post(f"/quan-ly/y-kien/{item.pk}/thao-tac/khong-co/")
    assert response.status_code == 400
    assert "Thao tác không hợp lệ." in response.content.decode()
    # Citizen transitions are not staff actions.
    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/thao-tac/citizen_reply/", {"t-citizen_reply-message": "x"}
    )
    assert response.status_code == 400
    response = client.get(f"/quan-ly/y-kien/{item.pk}/thao-tac/start/")
    assert response.status_code == 405
    item.refresh_from_db()
    assert item.status == "received"


def test_missing_reason_keeps_the_input_and_saves_nothing(login, tree, staff):
    item, _ = submit_one(tree.commune)
    client = login(staff.receptionist)
    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/thao-tac/forward/",
        {
            "t-forward-reason": "   ",
            "t-forward-target_body": "Sở Tài nguyên và Môi trường",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Chưa thực hiện được" in html
    assert "Sở Tài nguyên và Môi trường" in html  # the user's input is kept
    item.refresh_from_db()
    assert item.status == "received" and item.forward_count == 0

    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/thao-tac/not_accept/", {"t-not_accept-reason": ""}
    )
    assert response.status_code == 400
    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/thao-tac/not_accept/",
        {
            "t-not_accept-reason": "Không thuộc thẩm quyền của xã",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "not_accepted"


def test_note_route_assign(login, tree, staff):
    item, _ = submit_one(tree.commune)
    client = login(staff.head)

    assert client.post(f"/quan-ly/y-kien/{item.pk}/ghi-chu/", {"body": ""}).status_code == 400
    assert (
        client.post(
            f"/quan-ly/y-kien/{item.pk}/ghi-chu/", {"body": "Gọi lại cho trưởng thôn"}
        ).status_code
        == 302
    )
    note = item.events.get(type=ItemEvent.Type.NOTE)
    assert note.body == "Gọi lại cho trưởng thôn" and not note.public
    assert "Nội bộ" in client.get(f"/quan-ly/y-kien/{item.pk}/").content.decode()

    response = client.post(f"/quan-ly/y-kien/{item.pk}/giao/", {"handler": staff.handler.pk})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.handler == staff.handler
    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/giao/", {"handler": staff.sibling_handler.pk}
    )
    assert response.status_code == 400  # not in the select: the form refuses it

    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/chuyen-don-vi/",
        {"unit": tree.office.pk, "reason": "Việc của văn phòng"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.handling_org == tree.office and item.handler is None
    # The automatic choice ("Tự động theo quy tắc") sends it back where the rules say.
    response = client.post(f"/quan-ly/y-kien/{item.pk}/chuyen-don-vi/", {"unit": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.handling_org == tree.commune


def test_routing_or_assigning_to_where_it_already_is_says_nothing_changed(login, tree, staff):
    """Sent twice (or from a second tab): nothing is recorded, and the message says so rather
    than claiming a move; the reason given for a move is not kept as a note."""
    item, _ = submit_one(tree.commune)
    client = login(staff.head)
    events, audits = item.events.count(), AuditEvent.objects.count()
    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/chuyen-don-vi/",
        {"unit": tree.commune.pk, "reason": "Chuyển lại"},
        follow=True,
    )
    html = response.content.decode()
    assert "Ý kiến đã do đơn vị này xử lý: không có gì thay đổi." in html
    assert "Đã chuyển đơn vị xử lý." not in html
    assert (item.events.count(), AuditEvent.objects.count()) == (events, audits)
    # "Tự động theo quy tắc" choosing the unit it is already in: the same.
    html = client.post(
        f"/quan-ly/y-kien/{item.pk}/chuyen-don-vi/",
        {"unit": "", "reason": "Theo quy tắc"},
        follow=True,
    ).content.decode()
    assert "Ý kiến đã do đơn vị này xử lý: không có gì thay đổi." in html
    assert (item.events.count(), AuditEvent.objects.count()) == (events, audits)

    url = f"/quan-ly/y-kien/{item.pk}/giao/"
    html = client.post(url, {"handler": staff.handler.pk}, follow=True).content.decode()
    assert "Đã giao người xử lý." in html
    events, audits = item.events.count(), AuditEvent.objects.count()
    html = client.post(url, {"handler": staff.handler.pk}, follow=True).content.decode()
    assert "Ý kiến đã được giao cho người này: không có gì thay đổi." in html
    assert "Đã giao người xử lý." not in html
    assert (item.events.count(), AuditEvent.objects.count()) == (events, audits)

    # A real move still says so, and keeps its reason as an internal note.
    html = client.post(
        f"/quan-ly/y-kien/{item.pk}/chuyen-don-vi/",
        {"unit": tree.office.pk, "reason": "Việc của văn phòng"},
        follow=True,
    ).content.decode()
    assert "Đã chuyển đơn vị xử lý." in html
    assert item.events.filter(type=ItemEvent.Type.NOTE, body="Việc của văn phòng").exists()


def test_routing_out_of_ones_own_scope_returns_to_the_inbox(login, tree, staff):
    item, _ = submit_one(tree.office)
    response = login(staff.head).post(
        f"/quan-ly/y-kien/{item.pk}/chuyen-don-vi/", {"unit": tree.sibling.pk}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.handling_org == tree.sibling
    # The commune's unit head no longer sees it: back to the inbox rather than to a 404.
    assert response["Location"] == "/quan-ly/"


def test_complexity_with_criteria(login, tree, staff):
    item, _ = submit_one(tree.commune, kind=Kind.COMPLAINT, body="Khiếu nại quyết định thu hồi đất")
    item = item_transition(item=item, name="accept", actor=staff.handler)
    before = item.deadlines["resolve"]["due"]
    client = login(staff.head)
    html = client.get(f"/quan-ly/y-kien/{item.pk}/").content.decode()
    assert "Có yếu tố nước ngoài" in html

    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/muc-do/",
        {"complexity": "very_complex", "criteria": ["foreign_element"]},
    )
    assert response.status_code == 400
    assert "ít nhất 2" in response.content.decode()

    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/muc-do/",
        {
            "complexity": "complex",
            "criteria": ["foreign_element"],
            "other": "Cần trưng cầu giám định",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.complexity == "complex"
    assert item.complexity_criteria == ["Có yếu tố nước ngoài", "Cần trưng cầu giám định"]
    assert item.deadlines["resolve"]["due"] > before  # KN-4: 45 days instead of 30


def test_extend_a_petition_reply(login, tree, staff):
    item, _ = submit_one(tree.commune)
    client = login(staff.head)
    # The answer limit the unit sets (PA-8) runs once the item is taken up; the notice limit
    # before it is the law's (TCD-11) and cannot be moved this way.
    assert "Gia hạn trả lời" not in client.get(f"/quan-ly/y-kien/{item.pk}/").content.decode()
    item = item_transition(item=item, name="start", actor=staff.handler)
    html = client.get(f"/quan-ly/y-kien/{item.pk}/").content.decode()
    assert "Gia hạn trả lời" in html
    # Its reason goes on the sender's timeline, and the form says so (M14).
    assert "Lý do gia hạn, gửi người gửi (hiển thị công khai trên trang tra cứu)" in html
    new_date = timezone.localdate() + dt.timedelta(days=40)
    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/gia-han/",
        {"new_date": new_date.strftime("%d/%m/%Y"), "reason": ""},
    )
    assert response.status_code == 400
    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/gia-han/",
        {
            "new_date": (timezone.localdate() - dt.timedelta(days=1)).strftime("%d/%m/%Y"),
            "reason": "Chờ ý kiến huyện",
        },
    )
    assert response.status_code == 400
    assert "Ngày gia hạn phải sau hôm nay." in response.content.decode()
    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/gia-han/",
        {
            "new_date": new_date.strftime("%d/%m/%Y"),
            "reason": "Chờ ý kiến của tỉnh",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.due_on == new_date
    assert item.events.filter(transition="extend", body="Chờ ý kiến của tỉnh", public=True).exists()
    # Denunciation limits are set by law: no such form there.
    den, _ = submit_one(tree.commune, kind=Kind.DENUNCIATION)
    assert "Gia hạn trả lời" not in client.get(f"/quan-ly/y-kien/{den.pk}/").content.decode()


def test_reveal_identity_for_the_receptionist_only(login, tree, staff):
    item, _ = submit_one(
        tree.commune, identity={"name": "Trần Thị Bình", "id_number": "012345678901"}
    )
    client = login(staff.receptionist)
    page = client.get(f"/quan-ly/y-kien/{item.pk}/").content.decode()
    assert "Xem danh tính" in page and "Trần Thị Bình" not in page

    response = client.post(f"/quan-ly/y-kien/{item.pk}/danh-tinh/", {"reason": "ab"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="identity.revealed").exists()

    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/danh-tinh/", {"reason": "Mời người gửi đến đối thoại"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trần Thị Bình" in html and "012345678901" in html
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="identity.revealed")
    assert event.actor == staff.receptionist and event.object_id == item.pk
    assert event.data["reason"] == "Mời người gửi đến đối thoại"
    # Shown once: the next page view does not carry it, and nothing was put in the session.
    assert "Trần Thị Bình" not in client.get(f"/quan-ly/y-kien/{item.pk}/").content.decode()
    assert "Trần Thị Bình" not in str(dict(client.session))

    handler = login(staff.handler)
    response = handler.post(f"/quan-ly/y-kien/{item.pk}/danh-tinh/", {"reason": "Muốn biết ai gửi"})
    assert response.status_code == 403
    assert "Trần Thị Bình" not in response.content.decode()
    assert AuditEvent.objects.filter(action="identity.revealed").count() == 1


def test_denunciation_identity_is_never_shown_to_the_handler(login, tree, staff):
    item, _ = submit_one(
        tree.commune,
        kind=Kind.DENUNCIATION,
        body="Tố cáo cán bộ địa chính nhận tiền",
        identity={"name": "Phạm Thị Dung", "phone": "0912345678"},
    )
    for u in (staff.handler, staff.head):
        client = login(u)
        html = client.get(f"/quan-ly/y-kien/{item.pk}/").content.decode()
        assert "Phạm Thị Dung" not in html and "0912345678" not in html
        assert "Xem danh tính" not in html
        response = client.post(
            f"/quan-ly/y-kien/{item.pk}/danh-tinh/", {"reason": "Cần liên hệ người tố cáo"}
        )
        assert response.status_code == 403 and "Phạm Thị Dung" not in response.content.decode()
    # Leaders of the receiving unit may reveal a petition's sender, not a denouncer (TC-16).
    response = login(staff.leader).post(
        f"/quan-ly/y-kien/{item.pk}/danh-tinh/", {"reason": "Cần liên hệ"}
    )
    assert response.status_code in (403, 404) and "Phạm Thị Dung" not in response.content.decode()

    response = login(staff.receptionist).post(
        f"/quan-ly/y-kien/{item.pk}/danh-tinh/", {"reason": "Thông báo thụ lý cho người tố cáo"}
    )
    assert response.status_code == 200
    assert "Phạm Thị Dung" in response.content.decode()
    assert (
        AuditEvent.objects.filter(action="identity.revealed", actor=staff.receptionist).count() == 1
    )


def test_attachment_is_served_sanitised_as_a_download(login, tree, staff):
    item, _ = submit_one(tree.commune, uploads=[_pdf()])
    attachment = item.attachments.get()
    url = f"/quan-ly/y-kien/{item.pk}/tep/{attachment.pk}/"
    html = login(staff.handler).get(f"/quan-ly/y-kien/{item.pk}/").content.decode()
    assert url in html

    response = login(staff.handler).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF") and "Tác Giả".encode() not in body and b"Nguy" not in body

    assert login(staff.sibling_handler).get(url).status_code == 404
    other, _ = submit_one(tree.commune)
    assert (
        login(staff.handler).get(f"/quan-ly/y-kien/{other.pk}/tep/{attachment.pk}/").status_code
        == 404
    )


def test_merge_keeps_the_duplicates_receipt_working(login, tree, staff):
    original, _ = submit_one(tree.commune, body="Đường thôn 3 bị sạt lở nghiêm trọng sau mưa lũ")
    duplicate, dup_secret = submit_one(
        tree.commune, body="Đường thôn 3 sạt lở nghiêm trọng sau mưa"
    )
    unrelated, _ = submit_one(tree.commune, body="Trường mẫu giáo thiếu giáo viên")
    client = login(staff.receptionist)

    html = client.get(f"/quan-ly/y-kien/{duplicate.pk}/").content.decode()
    assert "Có thể trùng" in html
    assert f"Gộp vào {original.code}" in html and f"Gộp vào {unrelated.code}" not in html

    response = client.post(f"/quan-ly/y-kien/{duplicate.pk}/gop/", {"into_code": "26-XXXXXX"})
    assert response.status_code == 400
    assert "Không tìm thấy ý kiến có mã" in response.content.decode()
    response = client.post(f"/quan-ly/y-kien/{duplicate.pk}/gop/", {"into_code": duplicate.code})
    assert response.status_code == 400
    assert "Chỉ gộp được hai ý kiến cùng loại" in response.content.decode()

    response = client.post(
        f"/quan-ly/y-kien/{duplicate.pk}/gop/",
        {"into_code": original.code.lower().replace("-", "")},
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (
        duplicate.duplicate_of == original
        and duplicate.status == "merged"
        and not duplicate.is_open
    )

    tracked = item_by_receipt(code=duplicate.code, secret=dup_secret)
    assert tracked.pk == duplicate.pk and tracked.duplicate_of == original
    html = client.get(f"/quan-ly/y-kien/{original.pk}/").content.decode()
    assert duplicate.code in html  # "merged here" and the timeline


def test_merge_into_an_item_the_actor_cannot_see_is_not_found(login, tree, staff):
    mine, _ = submit_one(tree.commune)
    theirs, _ = submit_one(tree.sibling)
    response = login(staff.receptionist).post(
        f"/quan-ly/y-kien/{mine.pk}/gop/", {"into_code": theirs.code}
    )
    assert response.status_code == 400
    mine.refresh_from_db()
    assert mine.duplicate_of is None and Item.objects.get(pk=theirs.pk).is_open


def test_a_handler_takes_an_item_for_themself(login, tree, staff):
    item, _ = submit_one(tree.commune)
    client = login(staff.handler)
    assert "Tôi nhận xử lý" in client.get(f"/quan-ly/y-kien/{item.pk}/").content.decode()
    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/giao/", {"handler": staff.handler.pk}, follow=True
    )
    assert "Đã giao người xử lý." in response.content.decode()
    item.refresh_from_db()
    assert item.handler == staff.handler
    assert "Tôi nhận xử lý" not in response.content.decode()
    # ...but cannot hand it to a colleague: that is the unit head's call.
    response = client.post(f"/quan-ly/y-kien/{item.pk}/giao/", {"handler": staff.head.pk})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.handler == staff.handler


def test_item_page_ids_are_unique(login, tree, staff):
    """Several forms share field names ("reason"); each label must point at its own box."""
    import collections
    import re

    item, _ = submit_one(tree.commune, identity={"name": "Trần Thị Bình"})
    for u in (staff.receptionist, staff.head):
        html = login(u).get(f"/quan-ly/y-kien/{item.pk}/").content.decode()
        ids = collections.Counter(re.findall(r'\sid="([^"]+)"', html))
        assert [i for i, n in ids.items() if n > 1] == []
        for target in re.findall(r'\sfor="([^"]+)"', html):
            assert ids[target] == 1, target


def test_status_is_a_labelled_fact(login, tree, staff):
    """Screen readers reach the status by its label, not only as a tag in the heading."""
    item, _ = submit_one(tree.commune)
    html = login(staff.handler).get(f"/quan-ly/y-kien/{item.pk}/").content.decode()
    assert "<dt>Trạng thái</dt><dd>Đã tiếp nhận</dd>" in html


def test_split_links_only_to_parts_the_viewer_may_see(login, tree, staff):
    """TCD-10 families mix kinds: a petition's page must not point at a denunciation its
    viewer may not open (review C1)."""
    from langnghe.handling.services import item_route
    from langnghe.intake.services import Part

    from ..factories import submit

    feedback, denunciation, recommendation = submit(
        tree.commune,
        parts=[
            Part(Kind.FEEDBACK, "Đường hỏng"),
            Part(Kind.DENUNCIATION, "Cán bộ địa chính nhận tiền"),
            Part(Kind.RECOMMENDATION, "Đề nghị làm đèn đường"),
        ],
    ).items
    item_route(item=denunciation, actor=staff.head, unit=tree.sibling)
    handler = login(staff.handler)
    html = handler.get(f"/quan-ly/y-kien/{feedback.pk}/").content.decode()
    assert recommendation.code in html and denunciation.code not in html
    html = login(staff.receptionist).get(f"/quan-ly/y-kien/{feedback.pk}/").content.decode()
    assert recommendation.code in html and denunciation.code in html  # reception sees both

    # The other way round: the denunciation is the first part, the petition split from it.
    first, petition = submit(
        tree.commune,
        parts=[Part(Kind.DENUNCIATION, "Cán bộ thu tiền sai"), Part(Kind.FEEDBACK, "Chợ bẩn")],
    ).items
    item_route(item=first, actor=staff.head, unit=tree.sibling)
    html = login(staff.handler).get(f"/quan-ly/y-kien/{petition.pk}/").content.decode()
    assert "Tách từ" not in html and first.code not in html


def test_route_reason_is_an_internal_note(login, tree, staff, client):
    """M14: why staff routed an item stays with staff; the sender sees only the new unit."""
    from langnghe.portal.selectors import public_timeline

    item, _ = submit_one(tree.commune)
    page = login(staff.head).get(f"/quan-ly/y-kien/{item.pk}/").content.decode()
    assert "Lý do chuyển (ghi chú nội bộ, không bắt buộc)" in page
    reason = "Chuyển vì ông X là em của chủ tịch"
    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/chuyen-don-vi/", {"unit": tree.office.pk, "reason": reason}
    )
    assert response.status_code == 302
    routed = item.events.filter(type=ItemEvent.Type.ROUTED).latest("id")
    assert routed.public and routed.body == ""
    note = item.events.get(type=ItemEvent.Type.NOTE)
    assert note.body == reason and not note.public
    assert all(reason not in e.body for e in public_timeline(item))

    # A refused routing leaves no note behind.
    item_transition(item=item, name="not_accept", actor=staff.head, reason="Không thuộc thẩm quyền")
    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/chuyen-don-vi/", {"unit": tree.commune.pk, "reason": "Lần hai"}
    )
    assert response.status_code == 400
    assert not item.events.filter(type=ItemEvent.Type.NOTE, body="Lần hai").exists()


def test_transition_text_labels_say_who_reads_them(login, tree, staff):
    """M14: a transition's text is labelled public exactly when the service writes it into a
    public timeline event (the tracking page)."""
    public_label = "Nội dung gửi người gửi (hiển thị công khai trên trang tra cứu)"
    internal_label = "Lý do (nội bộ, người gửi không thấy)"
    head = login(staff.head)

    refused, _ = submit_one(tree.commune)
    html = head.get(f"/quan-ly/y-kien/{refused.pk}/").content.decode()
    assert public_label in html
    head.post(
        f"/quan-ly/y-kien/{refused.pk}/thao-tac/not_accept/",
        {"t-not_accept-reason": "Không thuộc thẩm quyền của xã"},
    )
    assert refused.events.get(transition="not_accept").public

    drafted, _ = submit_one(tree.commune)
    drafted = item_transition(item=drafted, name="start", actor=staff.handler)
    drafted = item_transition(
        item=drafted, name="draft_answer", actor=staff.handler, answer="Đã sửa đường."
    )
    html = head.get(f"/quan-ly/y-kien/{drafted.pk}/").content.decode()
    assert internal_label in html
    head.post(
        f"/quan-ly/y-kien/{drafted.pk}/thao-tac/return_draft/",
        {"t-return_draft-reason": "Viết rõ ngày sửa"},
    )
    assert not drafted.events.get(transition="return_draft").public


def test_portal_and_back_office_read_the_same_deadlines(tree):
    """One selector serves both pages; the public variant leaves out the verification tag."""
    from langnghe.handling.selectors import deadline_rows

    item, _ = submit_one(tree.commune)
    staff_rows = deadline_rows(item, for_public=False)
    public_rows = deadline_rows(item, for_public=True)
    keep = ("label", "due", "length", "cite", "law", "badge")
    assert [[getattr(r, k) for k in keep] for r in staff_rows] == [
        [getattr(r, k) for k in keep] for r in public_rows
    ]
    row = staff_rows[0]
    assert row.cite == "TCD-11" and row.length == "10 ngày làm việc" and row.law
    assert row.verified == "V1" and public_rows[0].verified == ""


def test_the_item_page_links_to_where_the_voice_was_gathered(login, tree, staff):
    from langnghe.intake.models import Channel

    item, _ = submit_one(
        tree.commune,
        channel=Channel.DIALOGUE_CONFERENCE,
        channel_detail={"conference": 7, "advance_question": True},
    )
    html = login(staff.handler).get(f"/quan-ly/y-kien/{item.pk}/").content.decode()
    assert '<a href="/quan-ly/hoi-nghi/7/">7</a>' in html
    assert "Câu hỏi gửi trước hội nghị" in html and "<dd>Có</dd>" in html
