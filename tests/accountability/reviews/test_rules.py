"""Grading rules of QĐ 366-QĐ/TW (RULES.md §7), read from the rule book."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from langnghe.accountability.reviews import policy, services
from langnghe.accountability.reviews.models import Grade, Review
from langnghe.accountability.reviews.policy import TaskFigures, grade_propose
from langnghe.accountability.reviews.services import ReviewError, SelfAssessment
from langnghe.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db

D = Decimal


def figures(total=10, done=10, on_time=10, exceeded=3, quality_ok=True, disciplined=False):
    return TaskFigures(total, done, on_time, exceeded, quality_ok, disciplined)


def test_kd3_scores_bounded_30_and_70():
    assert services.scores_validate("30", "70") == (D(30), D(70))
    assert services.scores_validate("27,5", "0") == (D("27.5"), D(0))
    for general, results in [
        ("30.5", "10"),
        ("10", "70.1"),
        ("-1", "10"),
        ("abc", "10"),
        ("10", ""),
    ]:
        with pytest.raises(ReviewError) as e:
            services.scores_validate(general, results)
        assert e.value.code == ReviewError.BAD_SCORE
    assert "30" in str(
        pytest.raises(ReviewError, services.scores_validate, "31", "1").value.message
    )


def test_kd4_excellent_requires_90_and_30_percent_exceeded():
    assert grade_propose(D(25), D(65), figures(exceeded=3), collective=False).grade == "excellent"
    low = grade_propose(D(25), D(65), figures(exceeded=2), collective=False)
    assert low.grade == "good"
    assert any("KD-4" in r and "30" in r for r in low.reasons)
    assert grade_propose(D(25), D(64.9), figures(), collective=False).grade == "good"
    late = grade_propose(D(30), D(70), figures(on_time=9), collective=False)
    assert late.grade == "completed" and any("đúng hạn" in r for r in late.reasons)


def test_kd4_collective_with_disciplined_member_is_not_excellent():
    p = grade_propose(D(30), D(65), figures(disciplined=True), collective=True)
    assert p.grade == "good" and any("kỷ luật" in r for r in p.reasons)
    # an individual is not judged on that condition
    assert (
        grade_propose(D(30), D(65), figures(disciplined=True), collective=False).grade
        == "excellent"
    )


def test_kd5_good_requires_70_all_on_time_and_quality():
    assert grade_propose(D(20), D(50), figures(exceeded=0), collective=False).grade == "good"
    no_quality = grade_propose(D(20), D(55), figures(quality_ok=False), collective=False)
    assert no_quality.grade == "completed" and any("KD-5" in r for r in no_quality.reasons)
    assert grade_propose(D(20), D(49.9), figures(), collective=False).grade == "completed"


def test_kd6_completed_requires_all_done_and_collective_at_most_20_percent_late():
    assert grade_propose(D(20), D(30), figures(on_time=8), collective=True).grade == "completed"
    too_late = grade_propose(D(20), D(30), figures(on_time=7), collective=True)
    assert too_late.grade is None and any("20" in r and "KD-6" in r for r in too_late.reasons)
    # the 20 % limit is for collectives only
    assert grade_propose(D(20), D(30), figures(on_time=7), collective=False).grade == "completed"
    not_done = grade_propose(D(20), D(30), figures(done=9, on_time=9), collective=False)
    assert not_done.grade is None


def test_kd7_not_completed_threshold_not_invented():
    rule = policy.rule("not_completed_below")
    assert rule.value is None and rule.configurable
    p = grade_propose(D(10), D(20), figures(), collective=False)
    assert p.grade is None and p.decided_by_competent_level
    assert any("chưa xác minh — cấu hình tại địa phương" in r for r in p.reasons)


def test_kd7_locally_configured_threshold_is_used(settings, tmp_path):
    from langnghe.core.ruledata import get_rulebook

    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "reviews.yaml").write_text(
        "rules:\n  not_completed_below:\n    - {value: 50, unit: points, cite: KD-7, verified: U}\n"
    )
    settings.DATA_DIR = tmp_path
    get_rulebook.cache_clear()
    try:
        assert grade_propose(D(10), D(20), figures(), collective=False).grade == "not_completed"
    finally:
        get_rulebook.cache_clear()


def test_kd7_decision_needs_reason_when_no_grade_proposed(world):
    review = services.review_add(actor=world.leader, cycle=world.cycle, person=world.member)
    review = services.review_self_assess(
        actor=world.leader,
        review=review,
        assessment=SelfAssessment(
            general="10", results="20", tasks_total=5, tasks_done=3, tasks_on_time=3
        ),
    )
    assert review.proposed_grade == ""
    review = services.review_appraise(
        actor=world.leader, review=review, grade="not_completed", note="Nhiều việc chưa làm."
    )
    with pytest.raises(ReviewError) as e:
        services.review_decide(actor=world.leader, review=review, grade="not_completed", reason="")
    assert e.value.code == ReviewError.REASON_REQUIRED
    review = services.review_decide(
        actor=world.leader, review=review, grade="not_completed", reason="Hội nghị quyết định."
    )
    assert review.final_grade == "not_completed"
    assert [h.stage for h in review.grade_history.all()] == ["self", "appraisal", "decision"]


def test_kd2_cadences(world):
    assert set(policy.cadences()) == {"term", "year", "quarter", "adhoc"}
    for cadence in ("term", "quarter", "adhoc"):
        services.cycle_create(
            actor=world.leader,
            organiser=world.party,
            cadence=cadence,
            title=f"Kỳ {cadence}",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31),
        )
    with pytest.raises(ReviewError) as e:
        services.cycle_create(
            actor=world.leader,
            organiser=world.party,
            cadence="monthly",
            title="Tháng",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 1, 31),
        )
    assert e.value.code == ReviewError.BAD_CADENCE
    with pytest.raises(ReviewError):
        services.cycle_create(
            actor=world.leader,
            organiser=world.commune,
            cadence="year",
            title="UBND",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
        )


def test_kd8_order_lower_before_higher_collectives_before_individuals_government_before_party(
    world,
):
    add = lambda **kw: services.review_add(actor=world.leader, cycle=world.cycle, **kw)  # noqa: E731
    cadre = add(person=world.cadre)
    party = add(org=world.party)
    commune = add(org=world.commune)
    village = add(org=world.village)
    order = [r.pk for r in Review.objects.filter(cycle=world.cycle).order_by("order_key", "pk")]
    assert order.index(village.pk) < order.index(commune.pk)  # lower before higher
    assert order.index(commune.pk) < order.index(party.pk)  # government before party
    assert order.index(commune.pk) < order.index(cadre.pk)  # unit before its head
    assert "sau tập thể do mình lãnh đạo" in cadre.order_text
    assert "cấp thôn" in village.order_text


def test_kd8_schedule_against_order_warns_not_blocks(world):
    from langnghe.accountability.reviews import selectors

    unit = services.review_add(
        actor=world.leader, cycle=world.cycle, org=world.commune, scheduled_on=dt.date(2026, 12, 10)
    )
    head = services.review_add(
        actor=world.leader, cycle=world.cycle, person=world.cadre, scheduled_on=dt.date(2026, 12, 5)
    )
    warnings = selectors.plan_warnings(selectors.plan(world.cycle))
    assert [(w.first.pk, w.second.pk) for w in warnings] == [(unit.pk, head.pk)]
    assert "KD-8" in warnings[0].text
    services.review_schedule(actor=world.leader, review=head, scheduled_on=dt.date(2026, 12, 11))
    assert selectors.plan_warnings(selectors.plan(world.cycle)) == []


def test_kd9_regrade_by_direct_superior_committee_with_reason(world):
    from langnghe.core.models import AuditEvent

    review = services.review_add(actor=world.leader, cycle=world.cycle, person=world.cadre)
    review = services.review_self_assess(
        actor=world.leader,
        review=review,
        assessment=SelfAssessment(
            general="25",
            results="55",
            tasks_total=4,
            tasks_done=4,
            tasks_on_time=4,
            quality_ok=True,
        ),
    )
    assert review.proposed_grade == Grade.GOOD
    services.review_appraise(actor=world.leader, review=review, grade="good", note="")
    review = services.review_decide(actor=world.leader, review=review, grade="good", reason="")
    with pytest.raises(PermissionDenied):  # the organiser's own leaders cannot re-grade
        services.review_regrade(actor=world.leader, review=review, grade="completed", reason="x")
    with pytest.raises(ReviewError) as e:
        services.review_regrade(actor=world.superior, review=review, grade="completed", reason=" ")
    assert e.value.code == ReviewError.REASON_REQUIRED
    review = services.review_regrade(
        actor=world.superior,
        review=review,
        grade="completed",
        reason="Phản ánh được xác minh đúng.",
    )
    assert review.final_grade == "completed" and review.decided_grade == "good" and review.regraded
    last = review.grade_history.last()
    assert last.stage == "regrade" and last.by_org == world.tinh_uy and last.actor == world.superior
    assert AuditEvent.objects.filter(action="reviews.regrade", object_id=review.pk).exists()


def test_kd10_venues_cell_and_leadership_collective(world):
    leader_review = services.review_add(actor=world.leader, cycle=world.cycle, person=world.cadre)
    assert set(leader_review.venues.all()) == {world.cell, world.commune}
    member_review = services.review_add(actor=world.leader, cycle=world.cycle, person=world.member)
    assert list(member_review.venues.all()) == [world.cell]
    collective = services.review_add(actor=world.leader, cycle=world.cycle, org=world.village)
    assert list(collective.venues.all()) == [world.village]


def test_kd10_member_without_cell_is_flagged(world):
    world.member.party_cell = None
    world.member.save()
    review = services.review_add(actor=world.leader, cycle=world.cycle, person=world.member)
    assert "KD-10" in review.venue_note


def test_review_add_refuses_duplicates_and_out_of_scope(world):
    from ...factories import person

    services.review_add(actor=world.leader, cycle=world.cycle, org=world.village)
    with pytest.raises(ReviewError):
        services.review_add(actor=world.leader, cycle=world.cycle, org=world.village)
    with pytest.raises(ReviewError) as e:
        services.review_add(actor=world.leader, cycle=world.cycle, org=world.other_party)
    assert e.value.code == ReviewError.OUT_OF_SCOPE
    stranger = person("Người ngoài", org=world.tree.sibling)
    with pytest.raises(ReviewError):
        services.review_add(actor=world.leader, cycle=world.cycle, person=stranger)


def test_self_assessment_figures_validated(world):
    review = services.review_add(actor=world.leader, cycle=world.cycle, person=world.member)
    for kwargs in (
        dict(tasks_total=0),
        dict(tasks_total=3, tasks_done=4),
        dict(tasks_total=3, tasks_done=2, tasks_on_time=3),
        dict(tasks_total=3, tasks_done=2, tasks_on_time=2, tasks_exceeded=3),
    ):
        with pytest.raises(ReviewError) as e:
            services.review_self_assess(
                actor=world.leader,
                review=review,
                assessment=SelfAssessment(general="20", results="50", **kwargs),
            )
        assert e.value.code == ReviewError.BAD_FIGURES
    review.refresh_from_db()
    assert review.status == "planned" and review.general_score is None  # nothing half-saved
