"""Tracking with the receipt: status, deadlines, questions, the answer, rating, reopening."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from langnghe.handling.policy import get_policy
from langnghe.handling.services import item_merge, item_transition
from langnghe.intake.models import Item, Kind
from langnghe.orgs.models import Role

from ..factories import submit, submit_one, user

TRACK = "/tra-cuu/"
NOT_FOUND = "Không tìm thấy ý kiến với mã và mật mã này."


def open_item(client, code, secret):
    response = client.post(TRACK, {"code": code, "secret": secret})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("portal:track_item", args=[code])
    return client.get(response["Location"])


def answered(tree, **kwargs):
    handler = user("xuly_a", grants=[(tree.commune, Role.HANDLER)])
    head = user("truong_a", grants=[(tree.commune, Role.UNIT_HEAD)])
    item, secret = submit_one(tree.commune, **kwargs)
    item = item_transition(item=item, name="start", actor=handler)
    item = item_transition(
        item=item, name="draft_answer", actor=handler, answer="Đã sửa xong đường thôn 3."
    )
    item = item_transition(item=item, name="approve_answer", actor=head)
    return item, secret


@pytest.mark.django_db
def test_form_prefills_the_code(client, tree):
    response = client.get(TRACK, {"ma": "26-ABCDEF"})
    assert response.status_code == 200
    assert 'value="26-ABCDEF"' in response.content.decode()


@pytest.mark.django_db
def test_wrong_secret_and_unknown_code_get_the_same_answer(client, tree):
    item, secret = submit_one(tree.commune)
    wrong = client.post(TRACK, {"code": item.code, "secret": "AAAAA-BBBBB-CCCCC-DDDDD"})
    unknown = client.post(TRACK, {"code": "26-ZZZZZZ", "secret": secret})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert NOT_FOUND in response.content.decode()
    assert client.get(reverse("portal:track_item", args=[item.code])).status_code == 302


@pytest.mark.django_db
def test_empty_tracking_form_says_what_is_missing(client, tree):
    response = client.post(TRACK, {"code": "", "secret": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vui lòng nhập mã tra cứu." in html and "Vui lòng nhập mật mã." in html


@pytest.mark.django_db
def test_tracking_shows_status_deadline_and_unit(client, tree):
    item, secret = submit_one(tree.commune)
    # The secret may be typed in lower case and without its dashes.
    response = open_item(client, item.code, secret.replace("-", "").lower())
    html = response.content.decode()
    assert "Đã tiếp nhận" in html
    due = item.deadlines["reply"]["due"]
    day = f"{due[8:10]}/{due[5:7]}/{due[0:4]}"
    label = get_policy().workflow(item.workflow).deadlines["reply"].label  # from the rule data
    assert f"{label}: {day}" in html
    assert "10 ngày làm việc, TCD-11" in html
    assert "Căn cứ: Luật" in html  # the title of the rule set in force, from the rule data
    # The verification tag is a note for staff (as a word: a CSRF token may contain "V1").
    assert not re.search(r"\bV1\b", html)
    assert tree.commune.name in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_without_access_the_item_page_asks_for_the_receipt(client, tree):
    item, _secret = submit_one(tree.commune)
    response = client.get(reverse("portal:track_item", args=[item.code]))
    assert response.status_code == 302 and response["Location"] == f"{TRACK}?ma={item.code}"


@pytest.mark.django_db
def test_citizen_answers_a_question(client, tree):
    handler = user("xuly_b", grants=[(tree.commune, Role.HANDLER)])
    item, secret = submit_one(tree.commune)
    item = item_transition(item=item, name="start", actor=handler)
    item_transition(
        item=item, name="request_info", actor=handler, message="Xin cho biết vị trí cụ thể?"
    )
    html = open_item(client, item.code, secret).content.decode()
    assert "Xin cho biết vị trí cụ thể?" in html and "Gửi câu trả lời" in html
    assert "xuly_b" not in html  # never a staff name

    url = reverse("portal:track_reply", args=[item.code])
    empty = client.post(url, {"reply-message": "  "})
    assert empty.status_code == 200 and "Vui lòng nhập câu trả lời." in empty.content.decode()
    assert Item.objects.get(pk=item.pk).status == "info_requested"

    done = client.post(url, {"reply-message": "Cạnh cầu treo, đầu thôn 3."}, follow=True)
    assert done.status_code == 200
    assert Item.objects.get(pk=item.pk).status == "in_progress"
    html = done.content.decode()
    assert "Đã gửi câu trả lời của bạn." in html and "Cạnh cầu treo, đầu thôn 3." in html


@pytest.mark.django_db
def test_rating_after_the_answer(client, tree):
    item, secret = answered(tree)
    html = open_item(client, item.code, secret).content.decode()
    assert (
        "Đã trả lời" in html
        and "Đã sửa xong đường thôn 3." in html
        and "Đánh giá câu trả lời" in html
    )
    response = client.post(
        reverse("portal:track_rate", args=[item.code]),
        {"rate-rating": "4", "rate-comment": "Nhanh"},
        follow=True,
    )
    assert response.status_code == 200 and "Cảm ơn bạn đã đánh giá." in response.content.decode()
    item.refresh_from_db()
    assert item.rating == 4 and item.rating_comment == "Nhanh"


@pytest.mark.django_db
def test_rating_is_refused_before_an_answer(client, tree):
    item, secret = submit_one(tree.commune)
    html = open_item(client, item.code, secret).content.decode()
    assert "Đánh giá câu trả lời" not in html
    response = client.post(reverse("portal:track_rate", args=[item.code]), {"rate-rating": "5"})
    assert response.status_code == 200
    assert "Chỉ đánh giá được khi đã có trả lời." in response.content.decode()
    assert Item.objects.get(pk=item.pk).rating is None


@pytest.mark.django_db
def test_bad_rating_value(client, tree):
    item, secret = answered(tree)
    open_item(client, item.code, secret)
    response = client.post(reverse("portal:track_rate", args=[item.code]), {"rate-rating": "9"})
    assert response.status_code == 200 and "Lựa chọn không hợp lệ" in response.content.decode()


@pytest.mark.django_db
def test_reopen_after_the_answer(client, tree):
    item, secret = answered(tree)
    html = open_item(client, item.code, secret).content.decode()
    assert "Đề nghị xem xét lại" in html
    url = reverse("portal:track_reopen", args=[item.code])
    assert "Vui lòng nêu lý do" in client.post(url, {"reopen-message": ""}).content.decode()
    response = client.post(url, {"reopen-message": "Đường vẫn chưa sửa."}, follow=True)
    assert response.status_code == 200
    item.refresh_from_db()
    assert (
        item.status == "in_progress"
        and item.reopen_count == 1
        and item.handling_org == tree.province
    )
    assert "Đường vẫn chưa sửa." in response.content.decode()


@pytest.mark.django_db
def test_merged_item_points_to_the_item_that_handles_it(client, tree):
    receptionist = user("tiepnhan_c", grants=[(tree.province, Role.RECEPTIONIST)])
    first, _s = submit_one(tree.commune)
    dup, secret = submit_one(tree.commune)
    item_merge(item=dup, into=first, actor=receptionist)
    html = open_item(client, dup.code, secret).content.decode()
    assert f"xử lý cùng ý kiến {first.code}" in html
    assert "Đã gộp" in html


@pytest.mark.django_db
def test_split_submission_shows_its_siblings_and_opens_them_all(client, tree):
    from langnghe.intake.services import Part

    result = submit(
        tree.commune,
        parts=[Part(Kind.FEEDBACK, "Đường hỏng"), Part(Kind.COMPLAINT, "Quyết định sai")],
    )
    first, second = result.items
    html = open_item(client, first.code, result.secret).content.decode()
    assert second.code in html
    # One secret, one tracking: both items are open without retyping.
    response = client.get(reverse("portal:track_item", args=[second.code]))
    assert response.status_code == 200 and first.code in response.content.decode()


@pytest.mark.django_db
def test_leaving_forgets_the_access(client, tree):
    item, secret = submit_one(tree.commune)
    open_item(client, item.code, secret)
    client.post(reverse("portal:track_leave"))
    assert client.get(reverse("portal:track_item", args=[item.code])).status_code == 302


@pytest.mark.django_db
def test_action_after_access_expired_asks_again(client, tree):
    item, _secret = answered(tree)
    response = client.post(reverse("portal:track_rate", args=[item.code]), {"rate-rating": "5"})
    assert response.status_code == 302 and response["Location"].startswith(TRACK)
    assert Item.objects.get(pk=item.pk).rating is None


@pytest.mark.django_db
def test_session_does_not_hold_the_secret_in_clear(client, tree):
    item, secret = submit_one(tree.commune)
    open_item(client, item.code, secret)
    from django.contrib.sessions.models import Session

    for session in Session.objects.all():
        assert secret not in str(session.get_decoded())


@pytest.mark.django_db
def test_second_complaint_after_the_first_decision(client, tree):
    """KN-9: the complainant appeals through the receipt; the new item opens with the same secret."""
    handler = user("xuly_k", grants=[(tree.commune, Role.HANDLER)])
    head = user("truong_k", grants=[(tree.commune, Role.UNIT_HEAD)])
    item, secret = submit_one(tree.commune, kind=Kind.COMPLAINT, body="Quyết định thu hồi đất sai")
    for name, extra in [
        ("accept", {}),
        ("start_verification", {}),
        ("draft_answer", {"answer": "Giữ nguyên quyết định."}),
    ]:
        item = item_transition(item=item, name=name, actor=handler, **extra)
    item = item_transition(item=item, name="approve_answer", actor=head)
    item = item_transition(item=item, name="send_decision", actor=handler)
    html = open_item(client, item.code, secret).content.decode()
    assert "Khiếu nại lần hai" in html

    url = reverse("portal:track_appeal", args=[item.code])
    assert "Vui lòng nêu lý do" in client.post(url, {"appeal-message": ""}).content.decode()
    response = client.post(url, {"appeal-message": "Tôi không đồng ý."}, follow=True)
    second = Item.objects.get(split_from=item)
    assert response.redirect_chain[-1][0] == reverse("portal:track_item", args=[second.code])
    html = response.content.decode()
    assert second.code in html and item.code in html and "Tôi không đồng ý." in html
    assert second.receiving_org == tree.province
    # Appealed once: the form is no longer offered on the first item.
    first_page = client.get(reverse("portal:track_item", args=[item.code])).content.decode()
    assert "Gửi khiếu nại lần hai" not in first_page


@pytest.mark.django_db
def test_no_second_complaint_for_a_petition(client, tree):
    item, secret = answered(tree)
    assert "Gửi khiếu nại lần hai" not in open_item(client, item.code, secret).content.decode()
    response = client.post(
        reverse("portal:track_appeal", args=[item.code]), {"appeal-message": "Không đồng ý"}
    )
    assert response.status_code == 200
    assert "không có khiếu nại lần hai" in response.content.decode()
