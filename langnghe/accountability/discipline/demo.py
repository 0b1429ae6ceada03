"""Demo data for discipline (called by `manage.py demo` inside its transaction).

The story's last steps: the Đảng ủy xã Sa Thầy reprimands the story cadre on the ground of the
story inspection (created by the inspections demo, which runs first) and of the substantiated
feedback about him; the decision is notified and published, redacted, on /cong-khai/. And KT-3: UBND
xã Sa Thầy reprimanded two commune civil servants who are party members; one notice went to their
cell on time, the other is overdue.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from langnghe.accountability.story import commune_org, story_cadre, story_org
from langnghe.core.calendar import get_calendar
from langnghe.handling.rules import visible_items_q
from langnghe.intake.models import Item
from langnghe.orgs.models import Person, Position

from . import services


def build_demo(*, seed: int, out: Any) -> list[str]:
    from langnghe.accountability.inspections.models import Inspection

    users = get_user_model().objects
    leader = users.get(username="lanhdao")
    unit_head = users.get(username="truongdonvi")
    cadre = story_cadre()
    party = commune_org("dang-uy")
    ubnd = story_org()
    today = timezone.localdate()
    cal = get_calendar()

    inspection = Inspection.objects.filter(subject_person=cadre).first()
    items = list(
        Item.objects.filter(visible_items_q(leader), concerned_person=cadre).order_by("pk")[:6]
    )
    chair = Position.objects.filter(organisation=party, role=Position.Role.HEAD).first()
    decision = services.decision_create(
        actor=leader,
        deciding_body=party,
        subject_person=cadre,
        form="reprimand",
        grounds=(
            f"Đồng chí {cadre.full_name}, Phó Chủ tịch UBND xã, trong thời gian phụ trách lĩnh vực "
            "đất đai đã để xảy ra nhiều trường hợp chậm giải quyết hồ sơ, gây phiền hà cho người "
            "dân; nhiều ý kiến phản ánh của Nhân dân đã được xác minh là đúng. "
            + (
                f"Kết luận cuộc kiểm tra “{inspection.title}” xác định đồng chí vi phạm "
                "Quy định về những điều đảng viên không được làm. "
                if inspection is not None
                else ""
            )
            + "Vi phạm đến mức phải thi hành kỷ luật."
        ),
        inspection=inspection,
        source_items=items,
        place="Sa Thầy",
        recipients="Ban Thường vụ Tỉnh ủy (để báo cáo)\nUBKT Tỉnh ủy\nChi bộ cơ quan chính quyền xã\n"
        f"Đồng chí {cadre.full_name}",
        signer_name=chair.person.full_name if chair else "",
        signer_title="T/M Đảng ủy — Bí thư",
    )
    decided_on = cal.add_working_days(today, -4)
    services.decision_decide(
        decision=decision, actor=leader, number="18-QĐ/ĐU", decided_on=decided_on
    )
    services.decision_notify(
        decision=decision, actor=leader, notified_on=cal.add_working_days(decided_on, 1)
    )
    decision = services.decision_publish(decision=decision, actor=leader)

    # KT-3: two party members among the commune's civil servants (not the story cadre).
    staff = list(
        Person.objects.filter(
            positions__organisation=ubnd,
            positions__role=Position.Role.STAFF,
            is_party_member=True,
            party_cell__isnull=False,
        )
        .exclude(pk=cadre.pk)
        .distinct()
        .order_by("pk")[:2]
    )
    notices = []
    for i, person in enumerate(staff):
        decided = today - dt.timedelta(days=14 if i == 0 else 8)
        notice = services.notice_create(
            actor=unit_head,
            issuing_org=ubnd,
            person=person,
            measure="reprimand",
            decided_on=decided,
            decision_number=f"{31 + i}/QĐ-UBND",
            summary="Vi phạm quy định về thời hạn giải quyết thủ tục hành chính.",
            notice_number=f"{12 + i}/TB-UBND",
            signer_title="Chủ tịch UBND xã",
        )
        if i == 0:
            notice = services.notice_mark_sent(
                notice=notice, actor=unit_head, sent_on=decided + dt.timedelta(days=3)
            )
        notices.append(notice)

    lines = [
        "Kỷ luật đảng / Party discipline: "
        f"“khiển trách” {cadre.full_name} — 18-QĐ/ĐU, {party.name}, "
        f"{'đúng hạn / on time' if not decision.published_late else 'muộn / late'} "
        f"{reverse('discipline_backoffice:decision', args=[decision.pk])} "
        f"(công khai / published: {reverse('disclosure_portal:publication', args=[decision.publication_id])})",
        f"Thông báo KT-3 / KT-3 notices: {len(notices)} "
        f"({sum(1 for n in notices if n.sent_on)} đã gửi đúng hạn / sent on time, "
        f"{sum(1 for n in notices if n.is_overdue())} quá hạn / overdue) "
        f"{reverse('discipline_backoffice:notices')}",
        f"Tình trạng quy định / Rule status: {reverse('discipline_backoffice:rules')}",
    ]
    return lines
