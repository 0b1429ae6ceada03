"""Disclosures in a real browser: staff print the A4 notice with its QR code; a citizen on a phone
(without JavaScript) follows the QR link, comments, keeps the receipt, and later reads the answer
under the publication and on the tracking page. Staff answer through the handling services."""

from __future__ import annotations

import re

import pytest
import segno
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from langnghe.disclosure import services
from langnghe.disclosure.models import PublicationComment
from langnghe.handling.services import item_transition
from langnghe.orgs.models import Role

from ..factories import user
from .fixtures import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Công khai dự toán ngân sách xã năm 2026"
COMMENT = "Đề nghị nêu rõ khoản chi đầu tư 3.100 triệu đồng làm những công trình nào."
ANSWER = "Khoản chi đầu tư dùng để làm đường thôn 4 và sửa cầu tràn thôn 5."


def test_citizen_comments_through_the_qr_link_and_later_sees_the_answer(
    new_page, live_server, tree, screenshots
):
    base = live_server.url
    leader = user("lanhdao", grants=[(tree.commune, Role.LEADER)])
    handler = user("xuly", grants=[(tree.commune, Role.HANDLER)])
    head = user("truongdonvi", grants=[(tree.commune, Role.UNIT_HEAD)])
    today = timezone.localdate()
    p = services.publication_create(
        actor=leader,
        organisation=tree.commune,
        category="dc1_02_budget",
        title=TITLE,
        body="Tổng thu ngân sách xã: 12.450 triệu đồng.",
        decided_on=today,
        reference="135/QĐ-UBND",
    )
    p = services.publication_publish(publication=p, actor=leader)
    services.channel_record(
        publication=p,
        actor=leader,
        kind="posting",
        place="Bảng tin trụ sở UBND xã",
        start_on=today,
        end_on=today + timezone.timedelta(days=29),
    )

    # --- staff print the notice: A4, one page, the QR code leads to the comment form ------------
    staff = new_page()
    # Signed in through a session made by the test client: this test is about the notice, the
    # login journey has its own test (tests/browser/test_staff_journey.py).
    client = Client()
    client.force_login(leader)
    staff.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    staff.goto(f"{base}/quan-ly/cong-khai/{p.pk}/niem-yet/")
    sheet = staff.get_by_role("article", name="Bản niêm yết")
    expect(sheet).to_contain_text("THÔNG BÁO")
    expect(sheet).to_contain_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    expect(sheet).to_contain_text("30 ngày liên tục")
    qr_url = f"{base}/cong-khai/{p.pk}/gop-y/?qua=qr"
    expected = segno.make(qr_url, error="m").svg_inline(
        scale=4, border=2, dark="#000", light="#fff", omitsize=False
    )
    path = re.search(r' d="([^"]+)"', expected).group(1)
    assert path in sheet.inner_html(), "the QR code does not encode the comment form's URL"
    screenshots(staff, "niem-yet")
    staff.emulate_media(media="print")
    expect(staff.locator(".bo-header")).to_be_hidden()
    expect(sheet).to_be_visible()
    pdf = staff.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box and abs(float(box.group(1)) - 595.3) < 2 and abs(float(box.group(2)) - 841.9) < 2

    # --- the citizen scans the code on a phone without JavaScript and comments -----------------
    page = new_page(viewport=PHONE, javascript=False)
    page.goto(qr_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Góp ý về nội dung công khai")
    expect(page.get_by_role("radio", name="Góp ý")).to_be_checked()
    page.get_by_label("Ý kiến của bạn").fill(COMMENT)
    screenshots(page, "gop-y-cong-khai")
    page.get_by_role("button", name="Gửi góp ý").click()
    expect(page).to_have_url(re.compile(r"/gop-y/bien-nhan/$"))
    expect(page.get_by_role("status")).to_contain_text(TITLE)
    receipt = page.get_by_role("region", name="Biên nhận ý kiến — Lắng Nghe")
    text = receipt.inner_text()
    code = re.search(r"Mã tra cứu[^:]*:\s*(\d\d-[A-Z0-9]{6})", text).group(1)
    secret = re.search(r"Mật mã:\s*(\S+)", text).group(1)
    screenshots(page, "bien-nhan")
    comment = PublicationComment.objects.select_related("item").get(publication=p)
    assert comment.via == "qr" and comment.item.code == code
    assert comment.item.kind == "suggestion" and comment.item.receiving_org == tree.commune

    # Not answered yet: the publication counts the comment and shows no answer.
    page.goto(f"{base}/cong-khai/{p.pk}/")
    answers = page.get_by_role("region", name="Góp ý của Nhân dân và trả lời")
    expect(answers).to_contain_text("Đã nhận 1 ý kiến góp ý.")
    expect(answers).not_to_contain_text(ANSWER)
    expect(page.get_by_text(COMMENT)).to_have_count(0)  # the citizen's own words never go public

    # --- the unit answers and publishes through the spine -------------------------------------
    item = item_transition(item=comment.item, name="start", actor=handler)
    item = item_transition(
        item=item,
        name="draft_answer",
        actor=handler,
        answer=ANSWER,
        public_summary="Chi đầu tư trong dự toán 2026",
        public_answer=ANSWER,
    )
    item_transition(item=item, name="approve_answer", actor=head)

    # --- later: the answer is under the publication, and on the tracking page -----------------
    page.reload()
    answers = page.get_by_role("region", name="Góp ý của Nhân dân và trả lời")
    expect(answers).to_contain_text("Chi đầu tư trong dự toán 2026")
    expect(answers).to_contain_text(ANSWER)
    screenshots(page, "cong-khai-tra-loi")
    page.goto(f"{base}/tra-cuu/")
    page.get_by_label("Mã tra cứu").fill(code)
    page.get_by_label("Mật mã").fill(secret)
    page.get_by_role("button", name="Tra cứu", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/tra-cuu/{code}/$"))
    expect(page.get_by_role("region", name=re.compile(r"^Trả lời"))).to_contain_text(ANSWER)
