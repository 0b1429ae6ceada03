"""Demo data for reviews (called by `manage.py demo` inside its transaction): the 2026 yearly
review of Đảng ủy xã Sa Thầy with its ordered plan, a review suggestion to the story's cadre built
from the opinion signals, the cadre's grade re-graded by the province committee (KD-9), two
remediation commitments (one overdue), and a few cadres graded normally."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from langnghe.accountability.story import commune_org, story_cadre, story_org
from langnghe.orgs.models import Organisation, Person, Position

from . import services
from .models import Grade, ReviewCycle
from .services import SelfAssessment


def _grade(review: Any, actor: Any, *, assessment: SelfAssessment, assessor: Any = None) -> Any:
    review = services.review_self_assess(
        actor=assessor or actor, review=review, assessment=assessment
    )
    grade = review.proposed_grade or Grade.COMPLETED
    review = services.review_appraise(
        actor=actor,
        review=review,
        grade=grade,
        note="" if review.proposed_grade else "Đề xuất theo kết quả thực hiện nhiệm vụ.",
    )
    return services.review_decide(
        actor=actor,
        review=review,
        grade=grade,
        reason="" if review.proposed_grade else "Cấp ủy quyết định (KD-7).",
    )


def build_demo(*, seed: int, out: Any) -> list[str]:
    User = get_user_model()
    leader = User.objects.get(username="lanhdao")
    province_leader = User.objects.filter(username="tinh.lanhdao").first()
    party = commune_org("dang-uy")
    ubnd = story_org()
    cadre = story_cadre()
    today = timezone.localdate()
    cycle = services.cycle_create(
        actor=leader,
        organiser=party,
        cadence="year",
        title="Kiểm điểm, đánh giá, xếp loại chất lượng năm 2026 — Đảng ủy xã Sa Thầy",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    cycle = services.cycle_status_set(actor=leader, cycle=cycle, status=ReviewCycle.Status.OPEN)

    cells = list(
        Organisation.objects.filter(parent=party, kind=Organisation.Kind.PARTY_CELL).order_by(
            "path"
        )
    )
    chair = (
        Position.objects.filter(organisation=ubnd, role=Position.Role.HEAD)
        .select_related("person")
        .first()
    )
    deputy_user = User.objects.filter(username="truongdonvi").first()
    deputy: Person | None = getattr(deputy_user, "person", None) if deputy_user else None
    start = dt.date(2026, 12, 1)
    subjects: list[tuple[Organisation | None, Person | None]] = [(c, None) for c in cells[:3]]
    subjects += [(ubnd, None), (party, None), (None, cadre)]
    if deputy is not None:
        subjects.append((None, deputy))
    if chair is not None:
        subjects.append((None, chair.person))
    reviews = []
    for org, person in subjects:
        reviews.append(services.review_add(actor=leader, cycle=cycle, org=org, person=person))
    # Dates in the computed order (KD-8), two working sessions a day.
    ordered = sorted(reviews, key=lambda r: (r.order_key, r.pk))
    for i, review in enumerate(ordered):
        services.review_schedule(
            actor=leader, review=review, scheduled_on=start + dt.timedelta(days=i // 2)
        )

    by_subject = {(r.subject_org_id, r.subject_person_id): r for r in reviews}
    # The story: a suggestion built from the signals of the last 12 months.
    window_from, window_to = today - dt.timedelta(days=365), today
    item_ids = list(
        services.candidate_items(
            leader, org=None, person=cadre, start=window_from, end=window_to
        ).values_list("pk", flat=True)
    )
    suggestion = services.suggestion_issue(
        actor=leader,
        cycle=cycle,
        person=cadre,
        number="12-GY/ĐU",
        content=(
            "1. Làm rõ trách nhiệm trong việc giải quyết các phản ánh, kiến nghị của người dân về "
            "đất đai, xây dựng trên địa bàn được phân công; nhiều ý kiến được xác minh là đúng.\n"
            "2. Làm rõ việc chậm trả lời, để quá hạn và phải giải quyết lại một số vụ việc.\n"
            "3. Tinh thần, thái độ phục vụ Nhân dân; biện pháp khắc phục và thời hạn."
        ),
        evidence_from=window_from,
        evidence_to=window_to,
        item_ids=item_ids,
        issued_on=today - dt.timedelta(days=20),
    )
    suggestion = services.suggestion_send(
        actor=leader, suggestion=suggestion, sent_on=today - dt.timedelta(days=19)
    )
    suggestion = services.suggestion_acknowledge(actor=leader, suggestion=suggestion)

    story = by_subject[(None, cadre.pk)]
    story = services.review_self_assess(
        actor=leader,
        review=story,
        assessment=SelfAssessment(
            general="25",
            results="58",
            tasks_total=12,
            tasks_done=12,
            tasks_on_time=12,
            tasks_exceeded=1,
            quality_ok=True,
            comment="Hoàn thành các nhiệm vụ được giao; còn chậm trong giải quyết một số phản ánh của người dân.",
        ),
    )
    story = services.review_appraise(
        actor=leader, review=story, grade=story.proposed_grade, note=""
    )
    story = services.review_decide(
        actor=leader, review=story, grade=story.proposed_grade, reason=""
    )
    if province_leader is not None:
        story = services.review_regrade(
            actor=province_leader,
            review=story,
            grade=Grade.COMPLETED,
            reason=(
                "Qua kiểm tra kết quả kiểm điểm: nhiều phản ánh của người dân về lĩnh vực được phân "
                "công đã được xác minh là đúng, có việc trả lời quá hạn; chưa đủ điều kiện Hoàn "
                "thành tốt nhiệm vụ (KD-9)."
            ),
        )
    services.commitment_add(
        actor=leader,
        review=story,
        content="Rà soát, trả lời dứt điểm các phản ánh quá hạn về đất đai, xây dựng.",
        deadline=today - dt.timedelta(days=5),
        responsible=cadre.full_name,
    )
    services.commitment_add(
        actor=leader,
        review=story,
        content="Tổ chức đối thoại với người dân thôn 3 về các vụ việc đã được xác minh đúng.",
        deadline=today + dt.timedelta(days=30),
        responsible=f"{cadre.full_name}; Văn phòng HĐND và UBND xã",
    )

    # Others graded normally.
    for cell in cells[:3]:
        _grade(
            by_subject[(cell.pk, None)],
            leader,
            assessment=SelfAssessment(
                general="24",
                results="52",
                tasks_total=10,
                tasks_done=10,
                tasks_on_time=9,
                tasks_exceeded=1,
                quality_ok=False,
            ),
        )
    _grade(
        by_subject[(ubnd.pk, None)],
        leader,
        assessment=SelfAssessment(
            general="26",
            results="60",
            tasks_total=20,
            tasks_done=20,
            tasks_on_time=20,
            tasks_exceeded=4,
            quality_ok=True,
        ),
    )
    if deputy is not None and deputy_user is not None:
        # The reviewed enters their own self-assessment (their account is linked to their Person).
        _grade(
            by_subject[(None, deputy.pk)],
            leader,
            assessor=deputy_user,
            assessment=SelfAssessment(
                general="28",
                results="64",
                tasks_total=15,
                tasks_done=15,
                tasks_on_time=15,
                tasks_exceeded=6,
                quality_ok=True,
                comment="Tự đánh giá của đồng chí Phó Chủ tịch.",
            ),
        )

    cycle_url = reverse("reviews_backoffice:cycle", args=[cycle.pk])
    return [
        f"kiểm điểm / reviews: {len(reviews)} trong kế hoạch năm 2026 / in the 2026 plan — {cycle_url}",
        f"  gợi ý kiểm điểm / review suggestion to {cadre.full_name}: {len(item_ids)} ý kiến / items — "
        + reverse("reviews_backoffice:suggestion", args=[suggestion.pk]),
        f"  xếp loại / grade: {story.get_decided_grade_display()} → {story.get_final_grade_display()} "
        f"(KD-9) — " + reverse("reviews_backoffice:review", args=[story.pk]),
    ]
