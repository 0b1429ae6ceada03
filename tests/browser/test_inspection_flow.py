"""Party inspection in a real browser: an inspector opens an inspection from a party-rule
denunciation (TC-18), forms the team and sees a conflict-of-interest refusal (TC-15), records the
explanatory report and a finding, concludes, publishes, and the public page shows the conclusion
with the denouncer's identity masked (TC-16, TC-17). No JavaScript is needed anywhere.

Inputs are found by their label and buttons by their role and name, as a screen reader finds them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from langnghe.accountability.inspections.models import Inspection
from langnghe.intake.models import Kind
from langnghe.orgs.models import PartyStatus, PersonTie, Position, Role

from ..factories import person, submit_one, user
from .fixtures import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DENOUNCER = "Phạm Văn Tố"


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/quan-ly/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{base}/quan-ly/")


def choose(select, text: str) -> None:
    option = select.locator("option").filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))
    select.select_option(value=option.get_attribute("value"))


def advance(page, label: str) -> None:
    page.get_by_role("button", name=f"Chuyển sang: {label}").click()
    expect(page.get_by_text("Đã chuyển bước.")).to_be_visible()


@pytest.fixture
def case(tree):
    cadre = person("Lê Văn Minh", org=tree.party, title="Đảng ủy viên")
    Position.objects.create(
        person=cadre, organisation=tree.commune, title="Phó Chủ tịch", role=Position.Role.DEPUTY
    )
    cadre.is_party_member = True
    cadre.party_status = PartyStatus.FULL
    cadre.save()
    item, _ = submit_one(
        tree.commune,
        kind=Kind.DENUNCIATION,
        party_matter=True,
        concerned_person=cadre,
        identity={"name": DENOUNCER, "phone": "0905000111"},
        body="Đồng chí Lê Văn Minh nhận tiền hỗ trợ sai quy định.",
    )
    assert item.handling_org == tree.ubkt
    inspector = user("kiemtra", grants=[(tree.ubkt, Role.INSPECTOR)], first_name="Lan")
    brother = person("Lê Văn Em")
    PersonTie.objects.create(
        person=cadre, relative=brother, kind=PersonTie.Kind.SIBLING, declared_on=dt.date(2025, 1, 1)
    )
    person("Trần Thị Trưởng", org=tree.ubkt, title="Chủ nhiệm UBKT", role=Position.Role.HEAD)
    return type("Case", (), dict(item=item, cadre=cadre, inspector=inspector, tree=tree))


def test_inspector_opens_forms_team_concludes_and_publishes(
    live_server, new_page, case, screenshots
):
    base = live_server.url
    page = new_page(viewport=DESKTOP, javascript=False)
    log_in(page, base, "kiemtra")
    today = dt.date.today()

    # TC-18: the denunciation list, then open an inspection from it.
    page.goto(f"{base}/quan-ly/kiem-tra/don-to-cao/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đơn tố cáo đảng viên")
    expect(page.get_by_text(DENOUNCER)).to_have_count(0)
    page.get_by_label(case.item.code).check()
    page.get_by_label("Tên cuộc kiểm tra").fill("Kiểm tra đồng chí Lê Văn Minh")
    page.get_by_role("button", name="Mở cuộc kiểm tra khi có dấu hiệu vi phạm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra đồng chí Lê Văn Minh")
    inspection = Inspection.objects.get()

    # Preparation: the decision.
    page.get_by_role("link", name="Quyết định kiểm tra").click()
    page.get_by_label("Số quyết định").fill("01-QĐ/UBKT")
    page.get_by_label("Ngày quyết định").fill((today - dt.timedelta(days=5)).isoformat())
    page.get_by_label("Nội dung, phạm vi").fill("Việc hỗ trợ nhà ở")
    page.get_by_label("Ngày bắt đầu").fill((today - dt.timedelta(days=4)).isoformat())
    page.get_by_role("button", name="Lưu quyết định").click()
    advance(page, "Đã ban hành quyết định và kế hoạch")

    # The team: the brother is refused (TC-15), the head is accepted.
    page.get_by_role("link", name="Lập đoàn kiểm tra").click()
    choose(page.get_by_label("Cán bộ"), "Lê Văn Em")
    page.get_by_label("Tôi cam kết không có quan hệ gia đình").check()
    page.get_by_role("button", name="Thêm vào đoàn").click()
    expect(page.get_by_text(re.compile("quan hệ gia đình đã kê khai"))).to_be_visible()
    screenshots(page, "inspection-coi-refused")
    choose(page.get_by_label("Cán bộ"), "Trần Thị Trưởng")
    page.get_by_label("Vai trò").select_option(label="Trưởng đoàn")
    page.get_by_label("Tôi cam kết không có quan hệ gia đình").check()
    page.get_by_role("button", name="Thêm vào đoàn").click()
    expect(page.get_by_text("Đã thêm thành viên đoàn.")).to_be_visible()
    advance(page, "Đã lập đoàn, đề cương báo cáo giải trình")
    advance(page, "Đã công bố quyết định")

    # Conduct: the explanatory report and a finding.
    page.get_by_role("link", name="Ghi báo cáo giải trình").click()
    page.get_by_label("Nội dung báo cáo giải trình").fill("Tôi xin giải trình như sau.")
    page.get_by_label("Ngày nhận báo cáo").fill((today - dt.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Lưu báo cáo").click()
    advance(page, "Đã nhận báo cáo giải trình")
    page.get_by_role("link", name="Ghi kết quả thẩm tra").click()
    page.get_by_label("Nội dung kết quả thẩm tra").fill("Nhận hỗ trợ sai đối tượng.")
    page.get_by_label("Mức độ").select_option(label="Vi phạm đến mức phải xem xét kỷ luật")
    page.get_by_role("button", name="Lưu kết quả").click()
    for label in (
        "Đã thẩm tra, xác minh",
        "Đã dự thảo báo cáo kết quả",
        "Đã trao đổi với đối tượng",
        "Họp ủy ban kiểm tra, cấp ủy",
    ):
        advance(page, label)

    # Conclusion: it quotes the denouncer by name; the published text must not.
    page.get_by_role("link", name="Ghi kết luận").click()
    page.get_by_label("Ngày kết luận").fill(today.isoformat())
    page.get_by_label("Kết quả chung").fill("Có vi phạm")
    page.get_by_label("Nội dung kết luận").fill(
        f"Đồng chí Lê Văn Minh có vi phạm. Đơn của ông {DENOUNCER} đúng một phần."
    )
    page.get_by_label("Đề nghị xem xét kỷ luật").check()
    page.get_by_role("button", name="Lưu kết luận").click()
    expect(page.get_by_text("Đã lưu kết luận.")).to_be_visible()
    page.get_by_role("link", name="Công khai kết luận").click()
    page.get_by_role("button", name="Công khai").click()
    expect(page.get_by_text(re.compile("Đã công khai kết luận"))).to_be_visible()
    screenshots(page, "inspection-concluded")

    # The public page: no login, the text redacted.
    inspection.refresh_from_db()
    public = new_page(viewport=DESKTOP, javascript=False)
    public.goto(f"{base}/cong-khai/{inspection.conclusion.publication_id}/")
    expect(public.get_by_text(re.compile("Đồng chí Lê Văn Minh có vi phạm"))).to_be_visible()
    assert DENOUNCER not in public.content()
    screenshots(public, "inspection-public")
