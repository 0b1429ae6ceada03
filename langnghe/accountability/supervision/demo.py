"""Demo data for supervision (called by `manage.py demo` inside its transaction): the Sa Thầy
Front's plan, a supervision of UBND xã Sa Thầy on the handling of citizens' petitions (on time,
two recommendations: one answered, one open), a supervision whose decision was sent late, a hearing,
and an answered item the Front asks to reopen. Everything through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from langnghe.accountability.story import commune_org, story_org
from langnghe.handling.rules import sealed_kinds
from langnghe.intake.models import Item

from . import selectors, services

D = dt.timedelta


def build_demo(*, seed: int, out: Any) -> list[str]:
    users = get_user_model().objects
    liaison = users.get(username="mattran")
    unit_head = users.get(username="truongdonvi")
    front = commune_org("mttq")
    supervised = story_org()
    council = commune_org("hdnd")
    today = timezone.localdate()

    plan = services.plan_create(
        front=front,
        year=today.year,
        title=f"Chương trình giám sát năm {today.year} của Ủy ban MTTQ Việt Nam xã Sa Thầy",
        adopted_on=min(dt.date(today.year, 1, 15), today),
        note="Thông qua tại hội nghị Ủy ban MTTQ xã.",
        actor=liaison,
    )

    # MT-4: the citizens' petitions the Front itself received (front meetings), never sealed.
    grounds_items = list(
        Item.objects.filter(receiving_org=front)
        .exclude(kind__in=list(sealed_kinds()))
        .order_by("received_at")[:4]
    )
    first = today - D(days=45)
    s1 = services.supervision_create(
        plan=plan,
        supervised_org=supervised,
        topic="Việc tiếp nhận, giải quyết kiến nghị, phản ánh của Nhân dân",
        content=(
            "Giám sát việc tiếp nhận, phân loại, giải quyết và trả lời kiến nghị, phản ánh của "
            "Nhân dân; việc công khai kết quả giải quyết."
        ),
        form="team",
        grounds=["petitions", "programme"] if grounds_items else ["programme"],
        items=grounds_items,
        first_session_on=first,
        actor=liaison,
    )
    services.supervision_send_decision(
        supervision=s1,
        decision_number="05/QĐ-MTTQ",
        decision_date=first - D(days=17),
        sent_on=first - D(days=16),
        actor=liaison,
    )
    services.supervision_record_report(supervision=s1, received_on=first - D(days=8), actor=liaison)
    services.supervision_record_session(
        supervision=s1, held_on=first, note="Làm việc với UBND xã", actor=liaison
    )
    services.supervision_record_session(
        supervision=s1,
        held_on=first + D(days=2),
        note="Kiểm tra hồ sơ tại bộ phận một cửa",
        actor=liaison,
    )
    result_on = first + D(days=14)
    services.supervision_record_result(
        supervision=s1,
        report_on=result_on,
        summary=(
            "UBND xã tiếp nhận đầy đủ kiến nghị, phản ánh; phần lớn được trả lời đúng hạn. "
            "Còn một số kiến nghị về đường giao thông nông thôn trả lời chậm, chưa công khai "
            "kết quả tại nhà văn hóa thôn."
        ),
        actor=liaison,
    )
    r1 = services.recommendation_issue(
        supervision=s1,
        content="Trả lời dứt điểm các kiến nghị về đường giao thông nông thôn còn tồn đọng.",
        addressees=["supervised", "competent_body", "next_front"],
        competent_body=supervised.parent,
        sent_on=result_on + D(days=1),
        actor=liaison,
    )
    services.recommendation_issue(
        supervision=s1,
        content="Niêm yết công khai kết quả giải quyết kiến nghị tại nhà văn hóa các thôn.",
        addressees=["supervised", "next_front"],
        sent_on=result_on + D(days=1),
        actor=liaison,
    )
    services.recommendation_answer(
        recommendation=r1,
        response="UBND xã đã trả lời toàn bộ 6 kiến nghị còn tồn đọng; đã giao kế hoạch sửa chữa đường.",
        outcome="accepted",
        responded_on=result_on + D(days=10),
        actor=unit_head,
    )
    services.supervision_publish(supervision=s1, actor=liaison)

    first2 = today - D(days=20)
    s2 = services.supervision_create(
        plan=plan,
        supervised_org=supervised,
        topic="Việc công khai ngân sách xã",
        content="Giám sát việc công khai dự toán, quyết toán ngân sách xã.",
        form="peoples_inspection",
        grounds=["programme"],
        first_session_on=first2,
        actor=liaison,
    )
    services.supervision_send_decision(  # MT-5: 10 days before, not 15 → flagged late
        supervision=s2,
        decision_number="09/QĐ-MTTQ",
        decision_date=first2 - D(days=11),
        sent_on=first2 - D(days=10),
        actor=liaison,
    )
    services.supervision_record_report(
        supervision=s2, received_on=first2 - D(days=7), actor=liaison
    )

    services.hearing_record(
        front=front,
        body=council,
        held_on=today - D(days=10),
        title="Kỳ họp HĐND xã cuối năm",
        supervisions=[s1],
        note="Ủy ban MTTQ xã báo cáo kết quả giám sát 6 tháng cuối năm.",
        actor=liaison,
    )

    reopened = ""
    candidates = selectors.reopen_candidates_for(actor=liaison).filter(
        handling_org=supervised, status="answered"
    )
    item = candidates.filter(pk__in=[i.pk for i in grounds_items]).first() or candidates.first()
    if item is not None:
        services.item_front_reopen(
            item=item,
            reason="Trả lời chưa giải quyết được việc người dân nêu; đề nghị cấp trên xem xét lại.",
            supervision=s1,
            actor=liaison,
        )
        reopened = item.code

    for s in (s1, s2):
        s.refresh_from_db()
    late = [s.topic for s in (s1, s2) if selectors.late_steps(s)]
    return [
        f"Giám sát của Mặt trận: 2 cuộc giám sát ({len(late)} trễ hạn), 2 kiến nghị, 1 phiên nghe "
        f"báo cáo, ý kiến {reopened or '—'} được đề nghị xem xét lại — /giam-sat/, "
        "/quan-ly/giam-sat/ (mattran) / "
        f"Front supervision: 2 supervisions ({len(late)} late), 2 recommendations, 1 hearing, item "
        f"{reopened or '—'} reopened by the Front — /giam-sat/, /quan-ly/giam-sat/ (mattran)"
    ]
