from __future__ import annotations

import datetime as dt

from langnghe.accountability.inspections import services
from langnghe.accountability.inspections.models import Inspection

from ...factories import person


def opened(w) -> Inspection:
    return services.inspection_open_from_items(
        actor=w.inspector, items=[w.item], title="Kiểm tra đồng chí Lê Văn Minh"
    )


def to_conduct(w, inspection: Inspection | None = None) -> Inspection:
    i = inspection or opened(w)
    services.inspection_decide(
        actor=w.inspector,
        inspection=i,
        decision_number="01-QĐ/UBKT",
        decision_date=w.today - dt.timedelta(days=20),
        legal_basis="Điều lệ Đảng; QĐ 296-QĐ/TW",
        scope="Việc chấp hành quy định về hỗ trợ",
        start_on=w.today - dt.timedelta(days=19),
        end_on=None,
    )
    services.inspection_transition(
        actor=w.inspector, inspection=i, to_state="decision_and_plan_issued"
    )
    head = person("Trần Văn Trưởng")
    services.team_member_add(
        actor=w.inspector, inspection=i, person=head, role="head", no_tie_declared=True
    )
    services.inspection_transition(actor=w.inspector, inspection=i, to_state="team_formed")
    services.inspection_transition(actor=w.inspector, inspection=i, to_state="deployed")
    i.refresh_from_db()
    return i


def to_committee(w, inspection: Inspection | None = None) -> Inspection:
    i = to_conduct(w, inspection)
    services.explanatory_report_record(
        actor=w.inspector,
        inspection=i,
        text="Tôi xin giải trình.",
        received_on=w.today - dt.timedelta(days=10),
    )
    services.inspection_transition(
        actor=w.inspector, inspection=i, to_state="subject_report_received"
    )
    services.finding_add(
        actor=w.inspector,
        inspection=i,
        content="Nhận hỗ trợ sai đối tượng.",
        severity="discipline_level",
    )
    for s in ("verified", "draft_report", "discussed_with_subject", "committee_meeting"):
        services.inspection_transition(actor=w.inspector, inspection=i, to_state=s)
    i.refresh_from_db()
    return i


def concluded(w, inspection: Inspection | None = None, *, on: dt.date | None = None) -> Inspection:
    i = to_committee(w, inspection)
    services.conclusion_record(
        actor=w.inspector,
        inspection=i,
        text="Đồng chí Lê Văn Minh vi phạm. Đơn của ông Phạm Văn Tố (0905000111) có cơ sở.",
        concluded_on=on or w.today,
        result="Có vi phạm",
        recommends_discipline=True,
    )
    i.refresh_from_db()
    return i
