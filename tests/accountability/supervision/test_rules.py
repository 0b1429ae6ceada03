"""The legal rules of Front supervision, each named by its RULES.md ID."""

from __future__ import annotations

import datetime as dt

import pytest

from langnghe.accountability.supervision import policy, selectors, services
from langnghe.accountability.supervision.models import Ground, SupervisionForm
from langnghe.accountability.supervision.services import SupervisionError

from .helpers import D, front_item, plan, run_to_result, supervision

pytestmark = pytest.mark.django_db


def _late_keys(s, today=None):
    return {st.key for st in selectors.late_steps(s, today)}


def test_mt5_decision_sent_at_least_15_days_before(world):
    first = world.today - D(days=30)
    assert policy.decision_due(first) == first - D(days=15)
    on_time = supervision(world, first=first)
    on_time = services.supervision_send_decision(
        supervision=on_time,
        decision_number="1/QĐ",
        decision_date=first - D(days=16),
        sent_on=first - D(days=15),
        actor=world.liaison,
    )
    assert "decision" not in _late_keys(on_time)
    p2 = plan(world, year=world.today.year - 1)
    late = supervision(world, first=first, p=p2)
    late = services.supervision_send_decision(
        supervision=late,
        decision_number="2/QĐ",
        decision_date=first - D(days=14),
        sent_on=first - D(days=14),
        actor=world.liaison,
    )
    assert "decision" in _late_keys(late)
    # Not sent at all and the due day has passed: flagged too.
    p3 = plan(world, year=world.today.year - 2)
    missing = supervision(world, first=world.today + D(days=10), p=p3)
    assert "decision" in _late_keys(missing)
    assert "decision" not in _late_keys(missing, today=world.today + D(days=10 - 15))


def test_mt5_report_at_least_7_days_before(world):
    first = world.today - D(days=30)
    assert policy.report_due(first) == first - D(days=7)
    s = run_to_result(world, supervision(world, first=first), report_before=7)
    assert "report" not in _late_keys(s)
    p2 = plan(world, year=world.today.year - 1)
    s2 = run_to_result(world, supervision(world, first=first, p=p2), report_before=6)
    assert "report" in _late_keys(s2)


def test_mt5_result_report_within_15_days_after(world):
    first = world.today - D(days=40)
    assert policy.result_report_due(first) == first + D(days=15)
    s = run_to_result(world, supervision(world, first=first), after=15)
    assert "result" not in _late_keys(s)
    p2 = plan(world, year=world.today.year - 1)
    s2 = run_to_result(world, supervision(world, first=first, p=p2), after=16)
    assert _late_keys(s2) == {"result"}


def test_mt5_decision_after_the_first_session_is_refused(world):
    s = supervision(world, first=world.today - D(days=5))
    with pytest.raises(SupervisionError):
        services.supervision_send_decision(
            supervision=s,
            decision_number="1",
            decision_date=world.today - D(days=4),
            sent_on=world.today - D(days=4),
            actor=world.liaison,
        )


def test_mt5_recommendation_goes_to_the_supervised_party_and_flags_missing_addressees(world):
    s = run_to_result(world, supervision(world))
    with pytest.raises(SupervisionError):
        services.recommendation_issue(
            supervision=s,
            content="X",
            addressees=["next_front"],
            sent_on=world.today,
            actor=world.liaison,
        )
    rec = services.recommendation_issue(
        supervision=s,
        content="Trả lời đúng hạn",
        addressees=["supervised"],
        sent_on=world.today,
        actor=world.liaison,
    )
    assert len(rec.missing_addressees) == 2


def test_mt3_response_time_is_not_in_the_sources_and_stays_null(world):
    r = policy.rule("recommendation_response_within")
    assert r.value is None and r.configurable and r.cite == ("MT-3",)
    s = run_to_result(world, supervision(world, first=world.today - D(days=60)))
    rec = services.recommendation_issue(
        supervision=s,
        content="Rà soát",
        addressees=["supervised", "next_front"],
        sent_on=world.today - D(days=40),
        actor=world.liaison,
    )
    assert rec.response_due_on is None and not rec.is_overdue(world.today)
    rec2 = services.recommendation_issue(
        supervision=s,
        content="Rà soát 2",
        addressees=["supervised"],
        sent_on=world.today - D(days=40),
        response_due_on=world.today - D(days=10),
        actor=world.liaison,
    )
    assert rec2.is_overdue(world.today)


def test_mt3_hearing_every_6_months_warning(world):
    s = run_to_result(world, supervision(world))
    assert policy.hearing_interval_months() == 6
    services.hearing_record(
        front=world.front,
        body=world.council,
        held_on=world.today - D(days=200),
        title="Kỳ họp thứ 3",
        supervisions=[s],
        actor=world.liaison,
    )
    checks = selectors.hearing_checks(actor=world.liaison)
    assert [c.overdue for c in checks if c.front == world.front] == [True]
    services.hearing_record(
        front=world.front,
        body=world.tree.commune,
        held_on=world.today - D(days=20),
        title="Phiên UBND",
        actor=world.liaison,
    )
    checks = selectors.hearing_checks(actor=world.liaison)
    assert [c.overdue for c in checks if c.front == world.front] == [False]
    assert not selectors.hearing_overdue(world.front, world.today)
    assert selectors.hearing_overdue(world.front, world.today + dt.timedelta(days=200))
    with pytest.raises(SupervisionError):  # only the council or the committee hears it
        services.hearing_record(
            front=world.front,
            body=world.tree.party,
            held_on=world.today,
            title="X",
            actor=world.liaison,
        )


def test_mt2_forms(world):
    assert set(policy.forms()) == set(SupervisionForm.values)
    assert len(SupervisionForm.values) == 5
    p = plan(world)
    for i, form in enumerate(SupervisionForm.values):
        s = services.supervision_create(
            plan=p,
            supervised_org=world.tree.commune,
            topic=f"Chủ đề {i}",
            content="Nội dung",
            form=form,
            grounds=["programme"],
            first_session_on=world.today,
            actor=world.liaison,
        )
        assert s.form == form
    with pytest.raises(SupervisionError):
        services.supervision_create(
            plan=p,
            supervised_org=world.tree.commune,
            topic="Sai",
            content="Nội dung",
            form="survey",
            grounds=["programme"],
            first_session_on=world.today,
            actor=world.liaison,
        )


def test_mt4_grounds_link_items(world):
    assert set(policy.grounds()) == set(Ground.values)
    item = front_item(world)
    s = supervision(world, items=[item], grounds=["petitions"])
    assert list(s.items.all()) == [item] and s.grounds == ["petitions"]
    p = s.plan
    # Petitions as grounds need the items; media needs the references.
    with pytest.raises(SupervisionError):
        supervision(world, grounds=["petitions"], p=p)
    with pytest.raises(SupervisionError):
        supervision(world, grounds=["media"], p=p)
    # Only items the Front itself received (MT-4), never a sealed kind.
    from ...factories import submit_one

    not_front, _ = submit_one(world.tree.commune)
    with pytest.raises(SupervisionError):
        supervision(world, items=[not_front], grounds=["petitions"], p=p)
    sealed = front_item(world, kind="denunciation")
    with pytest.raises(SupervisionError):
        supervision(world, items=[sealed], grounds=["petitions"], p=p)
    media = services.supervision_create(
        plan=p,
        supervised_org=world.tree.commune,
        topic="Báo chí",
        content="Nội dung",
        form="documents",
        grounds=["media"],
        press_references="Báo Quảng Ngãi số 123",
        first_session_on=world.today,
        actor=world.liaison,
    )
    assert media.grounds == ["media"]


def test_states_follow_mttq_supervision_order(world):
    s = supervision(world)
    with pytest.raises(SupervisionError):
        services.supervision_record_report(
            supervision=s, received_on=world.today, actor=world.liaison
        )
    s = run_to_result(world, s)
    assert s.status == "result_report"
    rec = services.recommendation_issue(
        supervision=s,
        content="A",
        addressees=["supervised", "competent_body", "next_front"],
        competent_body=world.tree.province,
        sent_on=world.today,
        actor=world.liaison,
    )
    s.refresh_from_db()
    assert s.status == "recommendation_issued"
    services.recommendation_answer(
        recommendation=rec,
        response="Đã tiếp thu",
        outcome="accepted",
        responded_on=world.today,
        actor=world.unit_head,
    )
    s.refresh_from_db()
    assert s.status == "response_tracked"
