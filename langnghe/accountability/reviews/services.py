"""Writing reviews: cycles, the plan (KD-8 order, KD-10 venues), suggestions (KD-10), the grading
steps (KD-3 … KD-8), re-grades (KD-9) and remediation commitments. Every function checks its
permission, runs in one transaction and is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError, NotFound, PermissionDenied
from langnghe.handling.rules import can, visible_items_q
from langnghe.intake.models import Item
from langnghe.orgs.access import has_role_over
from langnghe.orgs.models import PATH_STEP, Organisation, Person, Position, Role, active_q

from . import policy
from .models import (
    Cadence,
    Commitment,
    Grade,
    GradeRecord,
    Review,
    ReviewCycle,
    ReviewSuggestion,
)


class ReviewError(ApplicationError):
    BAD_CADENCE = "reviews.bad_cadence"
    BAD_PERIOD = "reviews.bad_period"
    BAD_ORGANISER = "reviews.bad_organiser"
    OUT_OF_SCOPE = "reviews.out_of_scope"
    DUPLICATE = "reviews.duplicate"
    BAD_SCORE = "reviews.bad_score"
    BAD_FIGURES = "reviews.bad_figures"
    BAD_STEP = "reviews.bad_step"
    REASON_REQUIRED = "reviews.reason_required"
    BAD_GRADE = "reviews.bad_grade"
    NO_SUPERIOR = "reviews.no_superior"
    BAD_EVIDENCE = "reviews.bad_evidence"
    CLOSED = "reviews.closed"


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied()


# -- cycles -------------------------------------------------------------------------------------


@transaction.atomic
def cycle_create(
    *,
    actor: Any,
    organiser: Organisation,
    cadence: str,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
) -> ReviewCycle:
    if organiser.kind != Organisation.Kind.PARTY_COMMITTEE:
        raise ReviewError(ReviewError.BAD_ORGANISER, _("Đợt kiểm điểm do một cấp ủy đảng tổ chức."))
    _require(actor, "reviews.create_cycle", organiser)
    if cadence not in policy.cadences() or cadence not in Cadence.values:
        raise ReviewError(
            ReviewError.BAD_CADENCE,
            _(
                "Loại kỳ kiểm điểm không hợp lệ: chỉ có nhiệm kỳ, hằng năm, hằng quý, khi cần thiết (KD-2)."
            ),
        )
    if period_end < period_start:
        raise ReviewError(ReviewError.BAD_PERIOD, _("Ngày kết thúc phải sau ngày bắt đầu."))
    title = title.strip()
    if not title:
        raise ReviewError(ReviewError.BAD_PERIOD, _("Nhập tên đợt kiểm điểm."))
    cycle = ReviewCycle.objects.create(
        organiser=organiser,
        cadence=cadence,
        title=title,
        period_start=period_start,
        period_end=period_end,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_event_record(action="reviews.cycle_create", obj=cycle, actor=actor)
    return cycle


@transaction.atomic
def cycle_status_set(*, actor: Any, cycle: ReviewCycle, status: str) -> ReviewCycle:
    _require(actor, "reviews.manage_cycle", cycle)
    allowed = {
        ReviewCycle.Status.PLANNING: {ReviewCycle.Status.OPEN},
        ReviewCycle.Status.OPEN: {ReviewCycle.Status.CLOSED},
        ReviewCycle.Status.CLOSED: set(),
    }
    if status not in allowed[ReviewCycle.Status(cycle.status)]:
        raise ReviewError(
            ReviewError.BAD_STEP, _("Không thể chuyển đợt kiểm điểm sang trạng thái này.")
        )
    before = cycle.status
    cycle.status = status
    cycle.save(update_fields=["status"])
    audit_event_record(
        action="reviews.cycle_status", obj=cycle, actor=actor, data={"from": before, "to": status}
    )
    return cycle


# -- the plan: who, where (KD-10), in which order (KD-8) -----------------------------------------

LEVEL_RANK: dict[str, int] = {
    Organisation.Level.VILLAGE: 0,
    Organisation.Level.COMMUNE: 1,
    Organisation.Level.DISTRICT_LEGACY: 2,
    Organisation.Level.PROVINCE: 3,
}
# The level codes of an order explanation (stored as codes; rendered by models.order_text).
LEVEL_CODE = {0: "village", 1: "commune", 2: "district", 3: "province"}


def _depth(org: Organisation) -> int:
    return len(org.path) // (PATH_STEP + 1)


def leadership_orgs(person: Person, day: dt.date | None = None) -> list[Organisation]:
    """Organisations where the person is head or deputy (their leadership collectives, KD-10)."""
    ids = Position.objects.filter(
        active_q(day),
        person=person,
        role__in=[Position.Role.HEAD, Position.Role.DEPUTY],
    ).values_list("organisation_id", flat=True)
    return list(Organisation.objects.filter(pk__in=list(ids)).order_by("path"))


def venues_for(
    *, org: Organisation | None = None, person: Person | None = None, day: dt.date | None = None
) -> tuple[list[Organisation], str]:
    """KD-10 (W): a collective at its own level; a party member in their cell; leaders and managers
    in two places, their cell and their leadership collective."""
    if org is not None:
        return [org], ""
    assert person is not None
    venues: list[Organisation] = []
    note = ""
    if person.is_party_member:
        if person.party_cell_id is not None:
            venues.append(person.party_cell)  # type: ignore[arg-type]
        else:
            note = _("Đảng viên chưa được ghi chi bộ sinh hoạt: cần bổ sung (KD-10).")
    venues += [o for o in leadership_orgs(person, day) if o not in venues]
    if not venues:
        ids = Position.objects.filter(active_q(day), person=person).values_list(
            "organisation_id", flat=True
        )
        venues = list(Organisation.objects.filter(pk__in=list(ids)).order_by("path"))
    return venues, note


def order_for(
    *, org: Organisation | None = None, person: Person | None = None, day: dt.date | None = None
) -> tuple[str, str]:
    """KD-8 (from the superseded QĐ 124/2023): a sort key and its explanation. Lower levels first;
    collectives before individuals (so units before their heads); government, professional and
    mass bodies before party organisations."""
    if org is not None:
        anchor: Organisation | None = org
        collective = True
        party = org.is_party
    else:
        assert person is not None
        led = leadership_orgs(person, day)
        collective = False
        if led:
            anchor = max(led, key=lambda o: (LEVEL_RANK.get(o.level, 1), -_depth(o)))
            party = any(o.is_party for o in led)
        else:
            anchor = person.party_cell
            if anchor is None:
                pos = (
                    Position.objects.filter(active_q(day), person=person)
                    .select_related("organisation")
                    .first()
                )
                anchor = pos.organisation if pos else None
            party = False
    level = LEVEL_RANK.get(anchor.level, 1) if anchor is not None else 1
    depth = _depth(anchor) if anchor is not None else 1
    key = f"{level}{9 - min(depth, 9)}{0 if collective else 1}{1 if party else 0}"
    # The explanation is stored as codes ("commune individual party after_own_collective") and
    # rendered in the reader's language (Review.order_text).
    parts = [
        LEVEL_CODE[level],
        "collective" if collective else "individual",
        "party" if party else "government",
    ]
    if not collective and person is not None and leadership_orgs(person, day):
        parts.append("after_own_collective")
    return key, " ".join(parts)


def _in_scope_org(actor: Any, cycle: ReviewCycle, org: Organisation) -> bool:
    return org.path.startswith(cycle.organiser.path) or has_role_over(actor, org, {Role.LEADER})


def _in_scope_person(actor: Any, cycle: ReviewCycle, person: Person) -> bool:
    if person.party_cell_id is not None and _in_scope_org(actor, cycle, person.party_cell):  # type: ignore[arg-type]
        return True
    orgs = Organisation.objects.filter(
        pk__in=Position.objects.filter(active_q(), person=person).values("organisation_id")
    )
    return any(_in_scope_org(actor, cycle, o) for o in orgs)


@transaction.atomic
def review_add(
    *,
    actor: Any,
    cycle: ReviewCycle,
    org: Organisation | None = None,
    person: Person | None = None,
    scheduled_on: dt.date | None = None,
) -> Review:
    _require(actor, "reviews.manage_cycle", cycle)
    if cycle.status == ReviewCycle.Status.CLOSED:
        raise ReviewError(ReviewError.CLOSED, _("Đợt kiểm điểm đã kết thúc."))
    if (org is None) == (person is None):
        raise ReviewError(ReviewError.OUT_OF_SCOPE, _("Chọn một tập thể hoặc một cá nhân."))
    if org is not None and not _in_scope_org(actor, cycle, org):
        raise ReviewError(
            ReviewError.OUT_OF_SCOPE,
            _("Tập thể này không thuộc phạm vi của cấp ủy tổ chức kiểm điểm."),
        )
    if person is not None and not _in_scope_person(actor, cycle, person):
        raise ReviewError(
            ReviewError.OUT_OF_SCOPE,
            _("Cá nhân này không thuộc phạm vi của cấp ủy tổ chức kiểm điểm."),
        )
    existing = Review.objects.filter(cycle=cycle)
    if (org is not None and existing.filter(subject_org=org).exists()) or (
        person is not None and existing.filter(subject_person=person).exists()
    ):
        raise ReviewError(ReviewError.DUPLICATE, _("Đã có trong kế hoạch của đợt này."))
    venues, note = venues_for(org=org, person=person, day=cycle.period_end)
    key, explanation = order_for(org=org, person=person, day=cycle.period_end)
    review = Review.objects.create(
        cycle=cycle,
        subject_org=org,
        subject_person=person,
        scheduled_on=scheduled_on,
        venue_note=note,
        order_key=key,
        order_explanation=explanation,
    )
    review.venues.set(venues)
    audit_event_record(
        action="reviews.plan_add",
        obj=review,
        actor=actor,
        data={"cycle": cycle.pk, "venues": [v.pk for v in venues], "order": key},
    )
    return review


@transaction.atomic
def review_schedule(*, actor: Any, review: Review, scheduled_on: dt.date | None) -> Review:
    _require(actor, "reviews.manage_cycle", review)
    review.scheduled_on = scheduled_on
    review.save(update_fields=["scheduled_on"])
    audit_event_record(
        action="reviews.schedule",
        obj=review,
        actor=actor,
        data={"on": scheduled_on.isoformat() if scheduled_on else None},
    )
    return review


# -- grading (KD-3 … KD-9) ----------------------------------------------------------------------


@dataclass
class SelfAssessment:
    general: Any
    results: Any
    tasks_total: int = 0
    tasks_done: int = 0
    tasks_on_time: int = 0
    tasks_exceeded: int = 0
    quality_ok: bool = False
    disciplined: bool = False
    comment: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def _score(value: Any, maximum: Decimal, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ReviewError(
            ReviewError.BAD_SCORE,
            _("%(l)s: nhập một số từ 0 đến %(m)s.") % {"l": label, "m": maximum},
        ) from None
    if not number.is_finite() or number < 0 or number > maximum:
        raise ReviewError(
            ReviewError.BAD_SCORE,
            _("%(l)s phải từ 0 đến %(m)s điểm (KD-3).")
            % {"l": label, "m": policy.show_number(maximum)},
        )
    if number != number.quantize(Decimal("0.1")):
        raise ReviewError(
            ReviewError.BAD_SCORE, _("%(l)s: chấm đến một chữ số thập phân.") % {"l": label}
        )
    return number


def scores_validate(general: Any, results: Any) -> tuple[Decimal, Decimal]:
    """KD-3: general criteria out of 30, task results out of 70 (the rule book's numbers)."""
    g_max = policy.number("general_max")
    r_max = policy.number("results_max")
    assert g_max is not None and r_max is not None
    return (
        _score(general, g_max, _("Tiêu chí chung")),
        _score(results, r_max, _("Kết quả thực hiện nhiệm vụ")),
    )


def figures_validate(a: SelfAssessment) -> policy.TaskFigures:
    values = [a.tasks_total, a.tasks_done, a.tasks_on_time, a.tasks_exceeded]
    if any(v is None or int(v) < 0 for v in values):
        raise ReviewError(ReviewError.BAD_FIGURES, _("Số nhiệm vụ không được âm."))
    total, done, on_time, exceeded = (int(v) for v in values)
    if total == 0:
        raise ReviewError(ReviewError.BAD_FIGURES, _("Nhập số nhiệm vụ được giao (ít nhất 1)."))
    if done > total:
        raise ReviewError(
            ReviewError.BAD_FIGURES, _("Số nhiệm vụ hoàn thành không thể lớn hơn số được giao.")
        )
    if on_time > done:
        raise ReviewError(
            ReviewError.BAD_FIGURES, _("Số nhiệm vụ đúng hạn không thể lớn hơn số đã hoàn thành.")
        )
    if exceeded > done:
        raise ReviewError(
            ReviewError.BAD_FIGURES, _("Số nhiệm vụ vượt mức không thể lớn hơn số đã hoàn thành.")
        )
    return policy.TaskFigures(
        total=total,
        done=done,
        on_time=on_time,
        exceeded=exceeded,
        quality_ok=bool(a.quality_ok),
        disciplined=bool(a.disciplined),
    )


def _org_of_actor_step(review: Review) -> Organisation:
    return review.cycle.organiser


@transaction.atomic
def review_self_assess(*, actor: Any, review: Review, assessment: SelfAssessment) -> Review:
    """Step 1 (KD-8): self-assessment on 30 + 70 (KD-3) and the proposed grade (KD-4 … KD-7)."""
    _require(actor, "reviews.self_assess", review)
    review = (
        Review.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=review.pk)
    )
    if review.status not in {Review.Status.PLANNED, Review.Status.SELF_ASSESSED}:
        raise ReviewError(ReviewError.BAD_STEP, _("Đã thẩm định: không thể sửa bản tự đánh giá."))
    if review.cycle.status == ReviewCycle.Status.CLOSED:
        raise ReviewError(ReviewError.CLOSED, _("Đợt kiểm điểm đã kết thúc."))
    general, results = scores_validate(assessment.general, assessment.results)
    figures = figures_validate(assessment)
    proposal = policy.grade_propose(general, results, figures, collective=review.is_collective)
    review.general_score = general
    review.results_score = results
    review.tasks_total = figures.total
    review.tasks_done = figures.done
    review.tasks_on_time = figures.on_time
    review.tasks_exceeded = figures.exceeded
    review.quality_ok = figures.quality_ok
    review.disciplined = figures.disciplined
    review.self_comment = assessment.comment.strip()
    review.self_assessed_at = timezone.now()
    review.self_assessed_by = actor
    review.proposed_grade = proposal.grade or ""
    # Codes and numbers, rendered in the reader's language at display time.
    review.proposal_reasons = proposal.reason_codes
    review.status = Review.Status.SELF_ASSESSED
    review.save()
    GradeRecord.objects.create(
        review=review,
        stage=GradeRecord.Stage.SELF,
        grade=proposal.grade or "",
        reason_codes=proposal.reason_codes,
        actor=actor,
    )
    audit_event_record(
        action="reviews.self_assess",
        obj=review,
        actor=actor,
        data={"total": str(proposal.total), "proposed": proposal.grade, "cite": proposal.cite},
    )
    return review


def _grade(value: str) -> str:
    if value not in Grade.values:
        raise ReviewError(ReviewError.BAD_GRADE, _("Chọn một mức xếp loại."))
    return value


@transaction.atomic
def review_appraise(*, actor: Any, review: Review, grade: str, note: str) -> Review:
    """Step 2 (KD-8): the organisation/personnel body appraises and proposes."""
    _require(actor, "reviews.appraise", review)
    review = (
        Review.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=review.pk)
    )
    if review.status not in {Review.Status.SELF_ASSESSED, Review.Status.APPRAISED}:
        raise ReviewError(
            ReviewError.BAD_STEP, _("Chỉ thẩm định sau khi đã tự đánh giá và trước khi quyết định.")
        )
    grade = _grade(grade)
    note = note.strip()
    if grade != review.proposed_grade and not note:
        raise ReviewError(
            ReviewError.REASON_REQUIRED,
            _("Mức đề xuất khác mức tính theo điểm và điều kiện: ghi rõ ý kiến thẩm định."),
        )
    review.appraisal_grade = grade
    review.appraisal_note = note
    review.status = Review.Status.APPRAISED
    review.save(update_fields=["appraisal_grade", "appraisal_note", "status"])
    GradeRecord.objects.create(
        review=review,
        stage=GradeRecord.Stage.APPRAISAL,
        grade=grade,
        reason=note,
        actor=actor,
        by_org=review.cycle.organiser,
    )
    audit_event_record(action="reviews.appraise", obj=review, actor=actor, data={"grade": grade})
    return review


@transaction.atomic
def review_decide(*, actor: Any, review: Review, grade: str, reason: str) -> Review:
    """Step 3 (KD-8): the competent level decides. When no grade could be proposed (KD-7 not
    verified) or the decision departs from the proposal, the reason is required."""
    _require(actor, "reviews.decide", review)
    review = (
        Review.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=review.pk)
    )
    if review.status != Review.Status.APPRAISED:
        raise ReviewError(
            ReviewError.BAD_STEP, _("Chỉ quyết định xếp loại sau khi đã thẩm định, đề xuất.")
        )
    grade = _grade(grade)
    reason = reason.strip()
    if not reason and (
        not review.proposed_grade or grade not in {review.proposed_grade, review.appraisal_grade}
    ):
        raise ReviewError(
            ReviewError.REASON_REQUIRED,
            _(
                "Ghi rõ lý do: mức quyết định khác mức đề xuất, hoặc điểm dưới ngưỡng đã xác minh (KD-7)."
            ),
        )
    review.decided_grade = grade
    review.final_grade = grade
    review.decision_reason = reason
    review.status = Review.Status.DECIDED
    review.save(update_fields=["decided_grade", "final_grade", "decision_reason", "status"])
    GradeRecord.objects.create(
        review=review,
        stage=GradeRecord.Stage.DECISION,
        grade=grade,
        reason=reason,
        actor=actor,
        by_org=review.cycle.organiser,
    )
    audit_event_record(action="reviews.decide", obj=review, actor=actor, data={"grade": grade})
    return review


@transaction.atomic
def review_regrade(*, actor: Any, review: Review, grade: str, reason: str) -> Review:
    """KD-9 (QĐ 124/2023 Đ13, superseded; status under QĐ 366 U): the direct superior committee
    cancels the grade and re-grades, with its reason. The earlier grades stay in the history."""
    _require(actor, "reviews.regrade", review)
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("cycle__organiser")
        .get(pk=review.pk)
    )
    superior = review.cycle.organiser.parent
    if superior is None:
        raise ReviewError(
            ReviewError.NO_SUPERIOR, _("Cấp ủy tổ chức kiểm điểm không có cấp ủy cấp trên.")
        )
    if review.status != Review.Status.DECIDED:
        raise ReviewError(
            ReviewError.BAD_STEP, _("Chỉ xếp loại lại khi đã có quyết định xếp loại.")
        )
    grade = _grade(grade)
    reason = reason.strip()
    if not reason:
        raise ReviewError(ReviewError.REASON_REQUIRED, _("Ghi rõ lý do xếp loại lại (KD-9)."))
    if grade == review.final_grade:
        raise ReviewError(ReviewError.BAD_GRADE, _("Mức xếp loại lại trùng với mức hiện hành."))
    before = review.final_grade
    review.final_grade = grade
    review.regraded = True
    review.save(update_fields=["final_grade", "regraded"])
    GradeRecord.objects.create(
        review=review,
        stage=GradeRecord.Stage.REGRADE,
        grade=grade,
        reason=reason,
        actor=actor,
        by_org=superior,
    )
    audit_event_record(
        action="reviews.regrade",
        obj=review,
        actor=actor,
        data={"from": before, "to": grade, "by_org": superior.pk, "cite": "KD-9"},
    )
    return review


# -- remediation commitments --------------------------------------------------------------------


@transaction.atomic
def commitment_add(
    *, actor: Any, review: Review, content: str, deadline: dt.date, responsible: str
) -> Commitment:
    _require(actor, "reviews.manage_commitments", review)
    content, responsible = content.strip(), responsible.strip()
    if not content or not responsible:
        raise ReviewError(
            ReviewError.BAD_STEP, _("Nhập nội dung khắc phục và người, đơn vị chịu trách nhiệm.")
        )
    commitment = Commitment.objects.create(
        review=review, content=content, deadline=deadline, responsible=responsible
    )
    audit_event_record(
        action="reviews.commitment_add", obj=commitment, actor=actor, data={"review": review.pk}
    )
    return commitment


@transaction.atomic
def commitment_update(
    *, actor: Any, commitment: Commitment, progress: str, done_on: dt.date | None
) -> Commitment:
    _require(actor, "reviews.manage_commitments", commitment.review)
    if done_on is not None and done_on > timezone.localdate():
        raise ReviewError(ReviewError.BAD_STEP, _("Ngày hoàn thành không thể ở tương lai."))
    commitment.progress = progress.strip()
    commitment.done_on = done_on
    commitment.save(update_fields=["progress", "done_on"])
    audit_event_record(
        action="reviews.commitment_update",
        obj=commitment,
        actor=actor,
        data={"done_on": done_on.isoformat() if done_on else None},
    )
    return commitment


# -- review suggestions (KD-10) -----------------------------------------------------------------


def issuer_for(cycle: ReviewCycle, *, org: Organisation | None) -> Organisation | None:
    """The superior committee that suggests: the organiser for those it reviews below it; the
    organiser's parent for the organiser's own collective."""
    if org is not None and org.pk == cycle.organiser_id:
        return cycle.organiser.parent
    return cycle.organiser


def candidate_items(
    actor: Any, *, org: Organisation | None, person: Person | None, start: dt.date, end: dt.date
) -> QuerySet[Item]:
    """Items concerning the subject in the period, as the spine lets the actor see them."""
    from langnghe.accountability.opinion.selectors import period_q, subject_q

    return (
        Item.objects.filter(visible_items_q(actor))
        .filter(
            subject_q(person_id=person.pk if person else None, org_id=org.pk if org else None)
            & period_q(start, end)
        )
        .order_by("-received_at")
    )


def candidate_inspections(
    actor: Any, *, org: Organisation | None, person: Person | None
) -> QuerySet[Any]:
    """Inspections of the subject that the issuer may read: inspection records are sealed to the
    inspection side and the leaders granted them (inspections.rules)."""
    from langnghe.accountability.inspections.selectors import inspections_visible

    q = Q(subject_person=person) if person is not None else Q(subject_org=org)
    return inspections_visible(actor).filter(q).order_by("-created_at")


def signals(
    *, org: Organisation | None, person: Person | None, start: dt.date, end: dt.date
) -> dict[str, Any]:
    from langnghe.accountability.opinion.selectors import signal_snapshot

    return signal_snapshot(
        person_id=person.pk if person else None,
        org_id=org.pk if org else None,
        start=start,
        end=end,
    )


@transaction.atomic
def suggestion_issue(
    *,
    actor: Any,
    cycle: ReviewCycle,
    org: Organisation | None = None,
    person: Person | None = None,
    content: str,
    evidence_from: dt.date,
    evidence_to: dt.date,
    item_ids: list[int] | None = None,
    inspection_ids: list[int] | None = None,
    number: str = "",
    issued_on: dt.date | None = None,
) -> ReviewSuggestion:
    if (org is None) == (person is None):
        raise ReviewError(ReviewError.OUT_OF_SCOPE, _("Chọn một tập thể hoặc một cá nhân."))
    issuer = issuer_for(cycle, org=org)
    if issuer is None:
        raise ReviewError(
            ReviewError.NO_SUPERIOR, _("Không có cấp ủy cấp trên để gợi ý kiểm điểm tập thể này.")
        )
    draft = ReviewSuggestion(cycle=cycle, issuer=issuer, subject_org=org, subject_person=person)
    _require(actor, "reviews.issue_suggestion", draft)
    if not can(actor, "reviews.view_cycle", cycle):
        raise PermissionDenied()
    if org is not None and not _in_scope_org(actor, cycle, org):
        raise ReviewError(
            ReviewError.OUT_OF_SCOPE,
            _("Tập thể này không thuộc phạm vi của cấp ủy tổ chức kiểm điểm."),
        )
    if person is not None and not _in_scope_person(actor, cycle, person):
        raise ReviewError(
            ReviewError.OUT_OF_SCOPE,
            _("Cá nhân này không thuộc phạm vi của cấp ủy tổ chức kiểm điểm."),
        )
    content = content.strip()
    if not content:
        raise ReviewError(ReviewError.BAD_EVIDENCE, _("Nhập nội dung gợi ý kiểm điểm."))
    if evidence_to < evidence_from:
        raise ReviewError(ReviewError.BAD_PERIOD, _("Khoảng thời gian dư luận không hợp lệ."))
    items = candidate_items(actor, org=org, person=person, start=evidence_from, end=evidence_to)
    wanted = set(item_ids or [])
    chosen = list(items.filter(pk__in=wanted).values_list("pk", flat=True))
    if len(chosen) != len(wanted):
        raise ReviewError(
            ReviewError.BAD_EVIDENCE,
            _(
                "Có ý kiến không liên quan đến người được gợi ý, ngoài khoảng thời gian, hoặc bạn không được xem."
            ),
        )
    wanted_insp = set(inspection_ids or [])
    chosen_insp = list(
        candidate_inspections(actor, org=org, person=person)
        .filter(pk__in=wanted_insp)
        .values_list("pk", flat=True)
    )
    if len(chosen_insp) != len(wanted_insp):
        raise ReviewError(
            ReviewError.BAD_EVIDENCE, _("Có cuộc kiểm tra không liên quan đến người được gợi ý.")
        )
    draft.content = content
    draft.number = number.strip()
    draft.evidence_from = evidence_from
    draft.evidence_to = evidence_to
    draft.signal_snapshot = signals(org=org, person=person, start=evidence_from, end=evidence_to)
    draft.issued_on = issued_on or timezone.localdate()
    draft.issued_by = actor
    draft.save()
    draft.items.set(chosen)
    draft.inspections.set(chosen_insp)
    audit_event_record(
        action="reviews.suggestion_issue",
        obj=draft,
        actor=actor,
        data={"cycle": cycle.pk, "items": sorted(chosen), "inspections": sorted(chosen_insp)},
    )
    return draft


@transaction.atomic
def suggestion_send(
    *, actor: Any, suggestion: ReviewSuggestion, sent_on: dt.date
) -> ReviewSuggestion:
    _require(actor, "reviews.send_suggestion", suggestion)
    if suggestion.status != ReviewSuggestion.Status.ISSUED:
        raise ReviewError(ReviewError.BAD_STEP, _("Gợi ý này đã được gửi."))
    if sent_on < suggestion.issued_on:
        raise ReviewError(ReviewError.BAD_PERIOD, _("Ngày gửi không thể trước ngày ban hành."))
    suggestion.status = ReviewSuggestion.Status.SENT
    suggestion.sent_on = sent_on
    suggestion.save(update_fields=["status", "sent_on"])
    audit_event_record(action="reviews.suggestion_send", obj=suggestion, actor=actor)
    return suggestion


@transaction.atomic
def suggestion_acknowledge(*, actor: Any, suggestion: ReviewSuggestion) -> ReviewSuggestion:
    _require(actor, "reviews.acknowledge_suggestion", suggestion)
    if suggestion.status != ReviewSuggestion.Status.SENT:
        raise ReviewError(
            ReviewError.BAD_STEP, _("Chỉ xác nhận đã nhận sau khi gợi ý đã được gửi.")
        )
    suggestion.status = ReviewSuggestion.Status.ACKNOWLEDGED
    suggestion.acknowledged_at = timezone.now()
    suggestion.save(update_fields=["status", "acknowledged_at"])
    audit_event_record(action="reviews.suggestion_acknowledge", obj=suggestion, actor=actor)
    return suggestion


def get_or_404(model: Any, pk: int) -> Any:
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj
