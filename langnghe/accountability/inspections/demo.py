"""Demo data for inspections (called by `manage.py demo` inside its transaction).

The story: the UBKT of the Sa Thầy party committee adopts its 2026 plan; a party-rule denunciation
about the story cadre (TC-18) opens an inspection "on signs of violation", linked to it; the team is
formed (one proposed member refused for a declared family tie, TC-15); the explanatory report,
findings (one serious), the conclusion recommending discipline, its notices, two remedies (one
overdue) and the redacted publication on /cong-khai/ (TC-17). A second inspection is still in the
conduct phase."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from langnghe.accountability.story import commune_org, story_cadre, story_denunciation, story_org
from langnghe.core.calendar import get_calendar
from langnghe.orgs.models import Organisation, Person, PersonTie, Position

from . import services
from .errors import InspectionError
from .models import Inspection


def _ubkt_people(ubkt: Organisation) -> list[Person]:
    return [
        p.person
        for p in Position.objects.filter(organisation=ubkt)
        .select_related("person")
        .order_by("role", "pk")
    ]


def build_demo(*, seed: int, out: Any) -> list[str]:
    cal = get_calendar()
    today = timezone.localdate()
    ubkt = commune_org("ubkt")
    inspector = get_user_model().objects.get(username="kiemtra")
    leader = get_user_model().objects.get(username="lanhdao")
    cadre = story_cadre()
    if not cadre.is_party_member:  # the story needs a party member (KT-8 forms follow)
        return [
            "Kiểm tra: cán bộ trong câu chuyện không phải đảng viên / inspections: story cadre is not a party member"
        ]

    # -- the 2026 plan (KT-7) --
    plan = services.plan_create(
        actor=inspector,
        organisation=ubkt,
        year=2026,
        adopted_on=dt.date(2026, 1, 12),
        note="Chương trình kiểm tra, giám sát năm 2026 của Ủy ban Kiểm tra Đảng ủy xã.",
    )
    cells = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.PARTY_CELL, path__startswith=commune_org("dang-uy").path
        ).order_by("path")[:2]
    )
    entries = [
        (
            "thematic",
            cells[0].name if cells else "Chi bộ",
            "Việc chấp hành quy định về sinh hoạt chi bộ",
            2,
        ),
        (
            "supervision_thematic",
            "Đảng ủy viên phụ trách UBND xã",
            "Việc tiếp nhận, xử lý ý kiến của Nhân dân",
            3,
        ),
        (
            "of_subordinate_discipline_work",
            cells[1].name if len(cells) > 1 else "Chi bộ",
            "Việc thi hành kỷ luật trong Đảng",
            4,
        ),
    ]
    plan_entries = [
        services.plan_entry_add(actor=inspector, plan=plan, kind=k, subject=s, content=c, quarter=q)
        for k, s, c, q in entries
    ]

    # -- the inspection on signs of violation (TC-18) --
    item = story_denunciation()
    items = [item]
    inspection = services.inspection_open_from_items(
        actor=inspector,
        items=items,
        title=f"Kiểm tra khi có dấu hiệu vi phạm đối với đồng chí {cadre.full_name}",
        scope="Việc lập danh sách hỗ trợ nhà ở và quan hệ với nhà thầu công trình đường thôn.",
    )
    decided = cal.add_working_days(today, -40)
    services.inspection_decide(
        actor=inspector,
        inspection=inspection,
        decision_number="05-QĐ/UBKT",
        decision_date=decided,
        legal_basis=(
            "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;\n"
            "Căn cứ Quy định số 296-QĐ/TW ngày 30/5/2025 của Ban Chấp hành Trung ương về công tác "
            "kiểm tra, giám sát và kỷ luật của Đảng;\n"
            "Xét đơn tố cáo chuyển đến Ủy ban Kiểm tra."
        ),
        scope="Việc lập danh sách hỗ trợ nhà ở năm 2026 và việc nhận quà của nhà thầu.",
        start_on=cal.add_working_days(decided, 2),
        end_on=cal.add_working_days(decided, 30),
    )
    services.inspection_transition(
        actor=inspector, inspection=inspection, to_state="decision_and_plan_issued"
    )
    people = [p for p in _ubkt_people(ubkt) if p.pk != cadre.pk]
    refused_line = ""
    relative = Person.objects.create(full_name="Nguyễn Văn Tường", is_party_member=True)
    PersonTie.objects.create(
        person=cadre,
        relative=relative,
        kind=PersonTie.Kind.SIBLING,
        declared_on=dt.date(2025, 3, 1),
    )
    try:
        services.team_member_add(
            actor=inspector,
            inspection=inspection,
            person=relative,
            role="member",
            no_tie_declared=True,
        )
    except InspectionError as exc:
        refused_line = str(exc.message)
    for n, person in enumerate(people[:3]):
        services.team_member_add(
            actor=inspector,
            inspection=inspection,
            person=person,
            role="head" if n == 0 else "member",
            no_tie_declared=True,
        )
    for state in ("team_formed", "deployed"):
        services.inspection_transition(actor=inspector, inspection=inspection, to_state=state)
    services.explanatory_report_record(
        actor=inspector,
        inspection=inspection,
        text=(
            "Tôi thừa nhận đã đề xuất đưa hai hộ có quan hệ họ hàng vào danh sách hỗ trợ khi chưa "
            "đủ điều kiện. Về việc nhận quà của nhà thầu, tôi xin giải trình là quà Tết, giá trị nhỏ."
        ),
        received_on=cal.add_working_days(decided, 10),
    )
    services.inspection_transition(
        actor=inspector, inspection=inspection, to_state="subject_report_received"
    )
    services.finding_add(
        actor=inspector,
        inspection=inspection,
        content="Đề xuất đưa 2 hộ không đủ điều kiện (có quan hệ họ hàng) vào danh sách hỗ trợ nhà ở, gây dư luận xấu trong Nhân dân.",
        severity="discipline_level",
    )
    services.finding_add(
        actor=inspector,
        inspection=inspection,
        content="Nhận quà của nhà thầu thi công đường thôn dịp Tết; chưa báo cáo theo quy định.",
        severity="shortcoming",
    )
    for state in ("verified", "draft_report", "discussed_with_subject", "committee_meeting"):
        services.inspection_transition(actor=inspector, inspection=inspection, to_state=state)
    concluded_on = cal.add_working_days(today, -4)
    conclusion = services.conclusion_record(
        actor=inspector,
        inspection=inspection,
        number="12-TB/UBKT",
        text=(
            f"Đồng chí {cadre.full_name} đã vi phạm quy định về những điều đảng viên không được làm "
            "trong việc lập danh sách hỗ trợ nhà ở; có khuyết điểm trong việc nhận quà của nhà thầu. "
            # The denouncer is never named nor referred to by a gendered title (TC-16).
            "Nội dung đơn tố cáo: đúng một phần. "
            "Ủy ban Kiểm tra đề nghị Ban Thường vụ Đảng ủy xã xem xét, thi hành kỷ luật."
        ),
        concluded_on=concluded_on,
        result="Có vi phạm đến mức phải xem xét kỷ luật",
        recommends_discipline=True,
    )
    party_org = cadre.party_cell.name if cadre.party_cell else "Chi bộ nơi đảng viên sinh hoạt"
    services.notice_record(
        actor=inspector,
        inspection=inspection,
        recipient="subject",
        recipient_name=cadre.full_name,
        sent_on=cal.add_working_days(concluded_on, 1),
    )
    services.notice_record(
        actor=inspector,
        inspection=inspection,
        recipient="party_org",
        recipient_name=party_org,
        sent_on=cal.add_working_days(concluded_on, 1),
    )
    services.notice_record(
        actor=inspector,
        inspection=inspection,
        recipient="forwarding_body",
        recipient_name=story_org().name,
        sent_on=cal.add_working_days(concluded_on, 2),
    )
    services.inspection_transition(actor=inspector, inspection=inspection, to_state="notified")
    services.remedy_add(
        actor=inspector,
        inspection=inspection,
        content="Rà soát, điều chỉnh danh sách hỗ trợ nhà ở; thu hồi hỗ trợ đã cấp sai.",
        responsible="UBND xã Sa Thầy",
        due_on=cal.add_working_days(concluded_on, 2),  # overdue today
    )
    services.remedy_add(
        actor=inspector,
        inspection=inspection,
        content="Kiểm điểm trước chi bộ; báo cáo kết quả khắc phục về Ủy ban Kiểm tra.",
        responsible=cadre.full_name,
        due_on=today + dt.timedelta(days=30),
    )
    services.inspection_transition(actor=inspector, inspection=inspection, to_state="follow_up")
    services.conclusion_publish(
        actor=inspector,
        inspection=inspection,
        category="p99_inspection_conclusions",
        title=f"Thông báo kết luận kiểm tra đối với đồng chí {cadre.full_name}",
    )
    services.access_grant(
        actor=inspector,
        inspection=inspection,
        user_id=leader.pk,
        reason="Bí thư chỉ đạo xem xét kỷ luật",
    )
    conclusion.refresh_from_db()

    # -- a second inspection, still in the conduct phase --
    second = services.inspection_create(
        actor=inspector,
        commission=ubkt,
        kind="thematic",
        title=f"Kiểm tra chuyên đề {entries[0][1]} năm 2026",
        subject_org=cells[0] if cells else None,
        subject_person=None if cells else cadre,
        scope=entries[0][2],
        plan_entry=plan_entries[0],
    )
    d2 = cal.add_working_days(today, -10)
    services.inspection_decide(
        actor=inspector,
        inspection=second,
        decision_number="09-QĐ/UBKT",
        decision_date=d2,
        legal_basis="Căn cứ Điều lệ Đảng; Quy định số 296-QĐ/TW; Chương trình kiểm tra năm 2026.",
        scope=entries[0][2],
        start_on=cal.add_working_days(d2, 1),
        end_on=cal.add_working_days(d2, 25),
    )
    services.inspection_transition(
        actor=inspector, inspection=second, to_state="decision_and_plan_issued"
    )
    heads = (
        set(
            Position.objects.filter(
                organisation=second.subject_org, role__in=["head", "deputy"]
            ).values_list("person_id", flat=True)
        )
        if second.subject_org
        else set()
    )
    free = [p for p in people if p.pk not in heads]
    if free:
        services.team_member_add(
            actor=inspector, inspection=second, person=free[-1], role="head", no_tie_declared=True
        )
        services.inspection_transition(actor=inspector, inspection=second, to_state="team_formed")
        services.inspection_transition(actor=inspector, inspection=second, to_state="deployed")

    pub_url = reverse("disclosure_portal:publication", args=[conclusion.publication_id])
    return [
        f"Kiểm tra: chương trình 2026 của UBKT ({len(plan_entries)} nội dung) — "
        f"{reverse('inspections_backoffice:plan', args=[plan.pk])} / Inspections: the UBKT's 2026 plan",
        f"Kiểm tra khi có dấu hiệu vi phạm đối với {cadre.full_name} (từ đơn {item.code}, TC-18), "
        f"đăng nhập kiemtra: {reverse('inspections_backoffice:inspection', args=[inspection.pk])}; "
        f"kết luận đề nghị kỷ luật, công khai (đã che người tố cáo): {pub_url} / "
        "An inspection on signs of violation of the story cadre, concluded, published redacted",
        f"Đoàn kiểm tra: từ chối 1 người vì quan hệ gia đình (TC-15): {refused_line} / "
        "One proposed team member refused for a declared family tie",
        f"Biện pháp khắc phục (1 quá hạn): {reverse('inspections_backoffice:remedies')}; "
        f"đơn tố cáo đảng viên: {reverse('inspections_backoffice:denunciations')} / Remedies, one overdue; TC-18 list",
        f"Cuộc kiểm tra đang tiến hành: {reverse('inspections_backoffice:inspection', args=[second.pk])} "
        f"({Inspection.objects.get(pk=second.pk).state_label}) / A second inspection in the conduct phase",
    ]
