"""Demo data for reviews (called by `manage.py demo` inside its transaction): this year's yearly
review of Đảng ủy xã Sa Thầy with its ordered plan, a review suggestion to the story's cadre built
from the opinion signals, the cadre's grade re-graded by the province committee (KD-9), two
remediation commitments (one overdue), and a few cadres graded normally. Everything is dated in
the story's order over the last month (see build_demo), not "now"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from langnghe.accountability.story import commune_org, story_cadre, story_org
from langnghe.orgs.models import Organisation, Person, Position

from . import selectors, services
from .models import Commitment, Grade, GradeRecord, Review, ReviewCycle, ReviewSuggestion
from .services import SelfAssessment


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _backdate(review: Any, *, on: dt.date) -> None:
    """Record the steps of a review on the days they happened in the story, from its scheduled
    date: self-assessment presented at the meeting (day 0), appraisal the next day, decision two
    days later, a re-grade a week after the meeting. The services stamp "now"; the demo tells a
    story that happened over the last weeks."""
    days = {
        GradeRecord.Stage.SELF: (0, 8),
        GradeRecord.Stage.APPRAISAL: (1, 14),
        GradeRecord.Stage.DECISION: (3, 10),
        GradeRecord.Stage.REGRADE: (8, 15),
    }
    for stage, (offset, hour) in days.items():
        GradeRecord.objects.filter(review=review, stage=stage).update(
            at=_at(on + dt.timedelta(days=offset), hour)
        )
    Review.objects.filter(pk=review.pk).update(self_assessed_at=_at(on, 8))
    Commitment.objects.filter(review=review).update(created_at=_at(on + dt.timedelta(days=3), 11))


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
    review = services.review_decide(
        actor=actor,
        review=review,
        grade=grade,
        reason="" if review.proposed_grade else "Cấp ủy quyết định (KD-7).",
    )
    _backdate(review, on=review.scheduled_on)
    return review


def build_demo(*, seed: int, out: Any) -> list[str]:
    User = get_user_model()
    leader = User.objects.get(username="lanhdao")
    province_leader = User.objects.filter(username="tinh.lanhdao").first()
    party = commune_org("dang-uy")
    ubnd = story_org()
    cadre = story_cadre()
    today = timezone.localdate()
    # The story's calendar (all in the past, in this order): the cycle is opened; the superior
    # committee issues the suggestion from the signals of the 12 months before that day, sends it,
    # the cadre acknowledges it; the reviews are held in the KD-8 order, two a day; each is
    # appraised the next day and decided two days later; the province re-grades a week after.
    opened_on = today - dt.timedelta(days=30)
    issued_on = today - dt.timedelta(days=20)
    first_meeting = today - dt.timedelta(days=14)
    year = today.year
    cycle = services.cycle_create(
        actor=leader,
        organiser=party,
        cadence="year",
        title=f"Kiểm điểm, đánh giá, xếp loại chất lượng năm {year} — Đảng ủy xã Sa Thầy",
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
    )
    cycle = services.cycle_status_set(actor=leader, cycle=cycle, status=ReviewCycle.Status.OPEN)
    ReviewCycle.objects.filter(pk=cycle.pk).update(created_at=_at(opened_on))

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
    # (the plan's own order, so that the dates follow the rows of the cycle page)
    ordered = selectors.plan(cycle)
    for i, review in enumerate(ordered):
        services.review_schedule(
            actor=leader, review=review, scheduled_on=first_meeting + dt.timedelta(days=i // 2)
        )

    by_subject = {(r.subject_org_id, r.subject_person_id): r for r in selectors.plan(cycle)}
    # The story: a suggestion built from the signals of the 12 months before its issue date.
    window_from, window_to = issued_on - dt.timedelta(days=365), issued_on
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
        issued_on=issued_on,
    )
    suggestion = services.suggestion_send(
        actor=leader, suggestion=suggestion, sent_on=issued_on + dt.timedelta(days=1)
    )
    suggestion = services.suggestion_acknowledge(actor=leader, suggestion=suggestion)
    ReviewSuggestion.objects.filter(pk=suggestion.pk).update(
        created_at=_at(issued_on, 10),
        acknowledged_at=_at(issued_on + dt.timedelta(days=2), 15),
    )

    story = by_subject[(None, cadre.pk)]
    story.refresh_from_db()
    meeting = story.scheduled_on
    assert meeting is not None
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
    decided_on = meeting + dt.timedelta(days=3)
    services.commitment_add(
        actor=leader,
        review=story,
        content="Rà soát, trả lời dứt điểm các phản ánh quá hạn về đất đai, xây dựng.",
        # After the decision and already past: the overdue one.
        deadline=max(decided_on + dt.timedelta(days=1), today - dt.timedelta(days=5)),
        responsible=cadre.full_name,
    )
    services.commitment_add(
        actor=leader,
        review=story,
        content="Tổ chức đối thoại với người dân thôn 3 về các vụ việc đã được xác minh đúng.",
        deadline=today + dt.timedelta(days=30),
        responsible=f"{cadre.full_name}; Văn phòng HĐND và UBND xã",
    )
    _backdate(story, on=meeting)

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
        f"kiểm điểm / reviews: {len(reviews)} trong kế hoạch năm {year} / in the {year} plan — {cycle_url}",
        f"  gợi ý kiểm điểm / review suggestion to {cadre.full_name}: {len(item_ids)} ý kiến / items — "
        + reverse("reviews_backoffice:suggestion", args=[suggestion.pk]),
        f"  xếp loại / grade: {story.get_decided_grade_display()} → {story.get_final_grade_display()} "
        f"(KD-9) — " + reverse("reviews_backoffice:review", args=[story.pk]),
    ]
