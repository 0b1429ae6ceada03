"""The citizen's whole journey on a phone, in a real browser: submit, keep the receipt, track,
answer the handler's question, read the answer, rate it, find it published. Staff steps happen
through the services in between; tests/browser/test_staff_journey.py drives them in the browser.

Inputs are found by their label and buttons by their role and name, as a screen reader finds
them: a field that loses its label fails here."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from langnghe.handling.services import item_transition
from langnghe.intake.models import Item
from langnghe.intake.vault import unseal

from .fixtures import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORTER = "Phạm Thị Hoa"
PHONE_NUMBER = "0905 123 456"
BODY = "Cống thoát nước thôn 4 bị tắc, nước tràn ra đường mỗi khi mưa."
QUESTION = "Cống bị tắc ở đoạn gần nhà văn hóa hay gần cầu?"
REPLY = "Đoạn gần nhà văn hóa thôn 4."
# The handler greets the reporter by name: the sender reads it, the public never does.
ANSWER = (
    f"Kính gửi bà {REPORTER}. Ngày 12, đội công trình xã đã nạo vét cống thoát nước "
    "đoạn gần nhà văn hóa thôn 4."
)
COMMENT = "Cảm ơn, cống đã thông."


def fact(page, term: str):
    """The value next to a term in a page's facts list (<dt>term</dt><dd>value</dd>)."""
    return (
        page.get_by_role("term")
        .filter(has_text=re.compile(rf"^{re.escape(term)}$"))
        .locator("xpath=following-sibling::dd[1]")
    )


def track(page, base: str, code: str, secret: str) -> None:
    page.goto(f"{base}/tra-cuu/")
    page.get_by_label("Mã tra cứu").fill(code)
    page.get_by_label("Mật mã").fill(secret)
    page.get_by_role("button", name="Tra cứu", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/tra-cuu/{code}/$"))


def test_citizen_submits_tracks_answers_a_question_rates_and_finds_the_answer_published(
    new_page, live_server, routing, staff, screenshots
):
    base = live_server.url
    page = new_page(viewport=PHONE)

    # --- submit on a phone ------------------------------------------------------------------
    page.goto(f"{base}/gop-y/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gửi ý kiến")
    page.get_by_role("group", name="1. Loại ý kiến").get_by_role(
        "radio", name=re.compile(r"^Phản ánh")
    ).check()
    page.get_by_label("Nội dung (bắt buộc)").fill(BODY)
    page.get_by_label("Lĩnh vực").select_option(label="Giao thông")
    page.get_by_label("Xã, phường nơi xảy ra việc").select_option(label="Xã Sa Thầy")
    page.get_by_label("Họ và tên").fill(REPORTER)
    page.get_by_label("Số điện thoại").fill(PHONE_NUMBER)
    page.get_by_label("Báo cho tôi khi có câu hỏi hoặc trả lời").check()
    screenshots(page, "gop-y-filled")
    page.get_by_role("button", name="Gửi ý kiến", exact=True).click()

    # --- the receipt: the code, and the secret shown once ------------------------------------
    expect(page).to_have_url(re.compile(r"/gop-y/bien-nhan/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã gửi ý kiến")
    receipt = page.get_by_role("region", name="Biên nhận ý kiến — Lắng Nghe")
    text = receipt.inner_text()
    code = re.search(r"Mã tra cứu[^:]*:\s*(\d\d-[A-Z0-9]{6})", text).group(1)
    secret = re.search(r"Mật mã:\s*(\S+)", text).group(1)
    assert len(secret) == 23
    screenshots(page, "bien-nhan")

    item = Item.objects.get(code=code)
    assert item.kind == "feedback" and item.topic == routing.topic
    assert item.receiving_org == routing.commune and item.handling_org == routing.office
    assert not item.anonymous and item.identity.wants_notifications
    sealed = unseal(item.identity.ciphertext)
    assert sealed["name"] == REPORTER and sealed["phone"] == PHONE_NUMBER

    # --- tracking: received, with the reply deadline -----------------------------------------
    track(page, base, code, secret)
    expect(fact(page, "Trạng thái")).to_have_text("Đã tiếp nhận")
    item.refresh_from_db()
    due = dt.date.fromisoformat(item.deadlines["reply"]["due"])  # 10 working days (TCD-11)
    expect(page.get_by_role("region", name="Thời hạn")).to_contain_text(
        f"Hạn thông báo thụ lý: {due:%d/%m/%Y}"
    )
    screenshots(page, "tra-cuu-da-tiep-nhan")

    # --- the handler asks a question; the citizen answers it through the form ----------------
    item = item_transition(item=item, name="start", actor=staff.handler)
    item = item_transition(item=item, name="request_info", actor=staff.handler, message=QUESTION)
    page.reload()
    expect(fact(page, "Trạng thái")).to_have_text("Chờ người gửi bổ sung")
    question = page.get_by_role("region", name="Đơn vị xử lý hỏi thêm bạn")
    expect(question).to_contain_text(QUESTION)
    screenshots(page, "tra-cuu-cau-hoi")
    question.get_by_label("Câu trả lời của bạn").fill(REPLY)
    question.get_by_role("button", name="Gửi câu trả lời").click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi câu trả lời của bạn.")
    expect(fact(page, "Trạng thái")).to_have_text("Đang xử lý")
    expect(page.get_by_role("region", name="Đơn vị xử lý hỏi thêm bạn")).to_have_count(0)
    expect(page.get_by_role("region", name="Diễn biến")).to_contain_text(REPLY)
    item.refresh_from_db()
    assert item.status == "in_progress"

    # --- the handler drafts the answer, the unit head approves it -----------------------------
    item = item_transition(
        item=item,
        name="draft_answer",
        actor=staff.handler,
        answer=ANSWER,
        public_summary="Cống thoát nước thôn 4 bị tắc",
        public_answer=ANSWER,
    )
    item = item_transition(item=item, name="approve_answer", actor=staff.head)
    assert item.is_published and REPORTER not in item.public_answer

    # --- the citizen reads the answer and rates it --------------------------------------------
    page.reload()
    expect(fact(page, "Trạng thái")).to_have_text("Đã trả lời")
    expect(page.get_by_role("region", name=re.compile(r"^Trả lời"))).to_contain_text(
        "đội công trình xã đã nạo vét cống"
    )
    rating = page.get_by_role("region", name="Đánh giá câu trả lời")
    rating.get_by_role("radio", name="5 sao — Rất hài lòng").check()
    rating.get_by_label("Nhận xét (không bắt buộc)").fill(COMMENT)
    screenshots(page, "tra-cuu-tra-loi")
    rating.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("status")).to_contain_text("Cảm ơn bạn đã đánh giá.")
    expect(page.get_by_role("region", name="Đánh giá câu trả lời")).to_contain_text(
        "Bạn đã đánh giá 5/5"
    )
    item.refresh_from_db()
    assert item.rating == 5 and item.rating_comment == COMMENT

    # --- the answer is published: found without diacritics, the reporter never named ----------
    anonymous = new_page(viewport=PHONE)  # a stranger: no tracking session
    anonymous.goto(f"{base}/tim-kiem/?q=cong thoat nuoc thon 4")
    expect(anonymous.get_by_role("status")).to_contain_text("1 kết quả")
    screenshots(anonymous, "tim-kiem")
    anonymous.get_by_role("link", name=re.compile(r"^Cống thoát nước thôn 4")).click()
    expect(anonymous).to_have_url(re.compile(rf"/y-kien/{code}/$"))
    expect(anonymous.get_by_role("region", name="Trả lời")).to_contain_text(
        "đội công trình xã đã nạo vét cống"
    )
    expect(fact(anonymous, "Người gửi đánh giá")).to_have_text("5/5")
    html = anonymous.content()
    for private in (REPORTER, "Phạm", PHONE_NUMBER, secret, COMMENT):
        assert private not in html
    screenshots(anonymous, "y-kien-cong-khai")

    # --- the screenshots, for humans -----------------------------------------------------------
    assert len(screenshots.taken) == 7
    assert all(p.stat().st_size > 0 for p in screenshots.taken)
