"""Demo data for periodic reports: for the party committee of Sa Thầy, last month's report
issued (number 01 of the year, files kept) and this year's Q1 report as a draft (Q11-8)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from langnghe.orgs.models import Organisation
from langnghe.stats.selectors import add_months

from .services import ReportDraft, report_create, report_issue, report_update

SUMMARY = (
    "Tình hình chính trị, an ninh trật tự trên địa bàn xã ổn định. Cấp ủy, chính quyền, Mặt "
    "trận Tổ quốc và các đoàn thể duy trì tiếp dân định kỳ, đột xuất; các kênh tiếp nhận ý kiến "
    "của Nhân dân (trực tuyến, hòm thư góp ý, tiếp công dân, hội nghị đối thoại) hoạt động thường "
    "xuyên."
)
ASSESSMENT = (
    "Các ý kiến được tiếp nhận, phân loại, chuyển đúng đơn vị có thẩm quyền; phần lớn được trả "
    "lời đúng hạn và công khai. Một số ý kiến về đất đai, môi trường còn quá hạn do phải xác minh "
    "thực địa, cần tập trung giải quyết dứt điểm."
)
TASKS = (
    "Tiếp tục duy trì lịch tiếp dân của người đứng đầu cấp ủy theo Quy định 11-QĐi/TW.\n"
    "Chỉ đạo giải quyết dứt điểm các ý kiến quá hạn; công khai kết quả trên cổng Lắng Nghe."
)


def build_demo(*, seed: int, out: Any) -> list[str]:
    party = Organisation.objects.filter(slug="dang-uy-xa-sathay").first()
    leader = get_user_model().objects.filter(username="lanhdao").first()
    if party is None or leader is None:
        return []
    today = timezone.localdate()
    last_month = add_months(today.replace(day=1), -1)
    monthly = report_create(
        draft=ReportDraft(
            organisation=party, period_kind="M", year=last_month.year, month=last_month.month
        ),
        actor=leader,
    )
    report_update(
        report=monthly,
        actor=leader,
        data={"summary": SUMMARY, "assessment": ASSESSMENT, "tasks": TASKS},
    )
    monthly = report_issue(report=monthly, actor=leader)
    quarterly = report_create(
        draft=ReportDraft(organisation=party, period_kind="Q1", year=today.year), actor=leader
    )
    report_update(report=quarterly, actor=leader, data={"summary": SUMMARY})
    return [
        f"Báo cáo định kỳ / periodic reports: {monthly.number_line} (tháng {last_month:%m/%Y}, "
        f"đã ban hành / issued) và báo cáo quý I dự thảo / Q1 draft — /quan-ly/bao-cao/ (lanhdao)"
    ]
