"""Each legal rule encoded in the workflow data, tested by its RULES.md ID through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.core.errors import HandlingError
from langnghe.handling.policy import get_policy
from langnghe.handling.services import item_set_complexity, item_transition
from langnghe.handling.sweep import deadlines_sweep
from langnghe.intake.models import Kind
from langnghe.orgs.models import Organisation, Role

from ..factories import submit, submit_one, user

D = dt.date


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


@pytest.fixture
def staff(tree):
    return type(
        "Staff",
        (),
        dict(
            handler=user(grants=[(tree.commune, Role.HANDLER)]),
            head=user(grants=[(tree.commune, Role.UNIT_HEAD)]),
            receptionist=user(grants=[(tree.commune, Role.RECEPTIONIST)]),
        ),
    )


def run(item, staff, *steps):
    for name, day, kwargs in steps:
        actor = (
            staff.head
            if name
            in {
                "approve_answer",
                "suspend",
                "resume",
                "extend",
                "extend_initial",
                "terminate",
                "withdraw",
                "use_as_management_info",
            }
            else staff.handler
        )
        item = item_transition(item=item, name=name, actor=actor, act_date=day, **kwargs)
    return item


@pytest.mark.django_db
def test_TCD_11_petition_reply_within_10_working_days_across_tet(tree):
    item, _ = submit_one(tree.commune, kind=Kind.FEEDBACK, received_at=at(D(2026, 2, 13)))
    assert item.deadlines["reply"]["cite"] == "TCD-11"
    assert item.stage_deadline == D(2026, 3, 6)  # Tết 16–20/2 and two weekends skipped
    assert item.due_on == D(2026, 3, 6)


@pytest.mark.django_db
def test_Q11_7_party_committee_written_notice_within_10_working_days(tree):
    item, _ = submit_one(tree.party, kind=Kind.RECOMMENDATION, received_at=at(D(2026, 4, 24)))
    assert item.deadlines["reply"]["cite"] == "Q11-7"
    assert item.stage_deadline == D(2026, 5, 13)  # Giỗ Tổ (observed 27/4), 30/4 and 1/5 skipped


@pytest.mark.django_db
def test_KN_3_and_KN_3b_acceptance_limit_switches_on_1_july_2026(tree):
    before, _ = submit_one(tree.commune, kind=Kind.COMPLAINT, received_at=at(D(2026, 6, 20)))
    assert before.deadlines["accept"]["cite"] == "KN-3"
    assert before.stage_deadline == D(2026, 6, 30)  # 10 calendar days (kn_2020)
    after, _ = submit_one(tree.commune, kind=Kind.COMPLAINT, received_at=at(D(2026, 7, 2)))
    assert after.deadlines["accept"]["cite"] == "KN-3b"
    assert after.stage_deadline == D(2026, 7, 13)  # 7 working days (kn_2026)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("remote", "complexity", "days"),
    [(False, "normal", 30), (False, "complex", 45), (True, "normal", 45), (True, "complex", 60)],
)
def test_KN_4_first_instance_resolution_limit(tree, staff, remote, complexity, days):
    if remote:
        Organisation.objects.filter(pk=tree.commune.pk).update(remote_area=True)
    item, _ = submit_one(tree.commune, kind=Kind.COMPLAINT, received_at=at(D(2026, 8, 1)))
    if complexity != "normal":
        item = item_set_complexity(
            item=item,
            actor=staff.head,
            complexity=complexity,
            criteria=["Phải xác minh ở nhiều địa điểm"],
        )
    item = run(item, staff, ("accept", D(2026, 8, 3), {}))
    assert item.deadlines["resolve"]["cite"] == "KN-4"
    assert item.resolution_deadline == D(2026, 8, 3) + dt.timedelta(days=days)


def test_KN_11_second_instance_limits_are_data():
    policy = get_policy()
    rule = policy.workflow("complaint_second").deadlines["resolve"]
    start = D(2026, 8, 3)
    for remote, complexity, days in [
        (False, "normal", 45),
        (False, "complex", 60),
        (True, "normal", 60),
        (True, "very_complex", 70),
    ]:
        due, variant = policy.due_date(rule, start, remote=remote, complexity=complexity)
        assert variant.cite == "KN-11" and due == start + dt.timedelta(days=days)


@pytest.mark.django_db
def test_KN_8_decision_sent_within_3_working_days(tree, staff):
    item, _ = submit_one(tree.commune, kind=Kind.COMPLAINT, received_at=at(D(2026, 12, 20)))
    item = run(
        item,
        staff,
        ("accept", D(2026, 12, 22), {}),
        ("start_verification", D(2026, 12, 23), {}),
        ("draft_answer", D(2026, 12, 29), {"answer": "Giữ nguyên quyết định"}),
        ("approve_answer", D(2026, 12, 31), {}),
    )
    assert item.status == "decided"
    assert item.deadlines["send_decision"]["cite"] == "KN-8"
    assert item.stage_deadline == D(2027, 1, 6)
    assert "resolve" not in item.deadlines


@pytest.mark.django_db
def test_KN_13_resolution_limit_restarts_on_resumption(tree, staff):
    item, _ = submit_one(tree.commune, kind=Kind.COMPLAINT, received_at=at(D(2026, 7, 1)))
    item = run(
        item,
        staff,
        ("accept", D(2026, 7, 2), {}),
        ("start_verification", D(2026, 7, 3), {}),
        ("suspend", D(2026, 7, 10), {"reason": "Chờ kết quả giám định"}),
    )
    assert item.status == "suspended" and item.due_on is None  # the clock is paused
    item = run(item, staff, ("resume", D(2026, 8, 10), {}))
    assert item.resolution_deadline == D(2026, 9, 9)  # 30 days from the resumption


@pytest.mark.django_db
def test_TC_2_initial_processing_7_working_days_extendable_to_10(tree, staff):
    item, _ = submit_one(tree.commune, kind=Kind.DENUNCIATION, received_at=at(D(2026, 8, 27)))
    assert item.deadlines["initial_processing"]["cite"] == "TC-2"
    assert item.stage_deadline == D(2026, 9, 10)
    item = run(item, staff, ("extend_initial", D(2026, 9, 8), {"reason": "Xác minh nhiều nơi"}))
    assert item.stage_deadline == D(2026, 9, 15)
    with pytest.raises(HandlingError):
        run(item, staff, ("extend_initial", D(2026, 9, 9), {"reason": "Lần hai"}))


@pytest.mark.django_db
def test_TC_6_TC_7_accepted_denunciation_notify_and_resolve(tree, staff):
    item, _ = submit_one(tree.commune, kind=Kind.DENUNCIATION, received_at=at(D(2026, 9, 1)))
    item = run(item, staff, ("accept", D(2026, 9, 3), {}))
    assert item.deadlines["notify"]["cite"] == "TC-6"
    assert item.stage_deadline == D(2026, 9, 10)  # 5 WD
    assert item.deadlines["resolve"]["cite"] == "TC-7"
    assert item.resolution_deadline == D(2026, 10, 3)  # 30 days


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("complexity", "criteria", "allowed"),
    [("normal", [], 0), ("complex", ["a"], 1), ("very_complex", ["a", "b"], 2)],
)
def test_TC_7_extensions_by_complexity(tree, staff, complexity, criteria, allowed):
    item, _ = submit_one(tree.commune, kind=Kind.DENUNCIATION, received_at=at(D(2026, 9, 1)))
    item = run(item, staff, ("accept", D(2026, 9, 3), {}), ("notify_parties", D(2026, 9, 4), {}))
    if complexity != "normal":
        item = item_set_complexity(
            item=item, actor=staff.head, complexity=complexity, criteria=criteria
        )
    for n in range(allowed):
        item = run(item, staff, ("extend", D(2026, 9, 20), {"reason": "Gia hạn"}))
        assert item.resolution_deadline == D(2026, 10, 3) + dt.timedelta(days=30 * (n + 1))
    with pytest.raises(HandlingError):
        run(item, staff, ("extend", D(2026, 9, 21), {"reason": "Quá số lần"}))


@pytest.mark.django_db
def test_TC_10_suspended_time_is_not_counted(tree, staff):
    item, _ = submit_one(tree.commune, kind=Kind.DENUNCIATION, received_at=at(D(2026, 9, 1)))
    item = run(
        item,
        staff,
        ("accept", D(2026, 9, 3), {}),
        ("notify_parties", D(2026, 9, 4), {}),
        ("suspend", D(2026, 9, 10), {"reason": "Chờ cơ quan khác"}),
    )
    item = run(item, staff, ("resume", D(2026, 9, 20), {}))
    assert item.resolution_deadline == D(2026, 10, 13)  # 3/10 + 10 paused days


@pytest.mark.django_db
def test_TC_11_TC_17_conclusion_sent_and_published_without_the_denouncer(tree, staff):
    item, secret = submit_one(
        tree.commune,
        kind=Kind.DENUNCIATION,
        received_at=at(D(2026, 9, 1)),
        identity={"name": "Lê Văn Cường", "phone": "0912345678"},
    )
    item = run(
        item,
        staff,
        ("accept", D(2026, 9, 3), {}),
        ("notify_parties", D(2026, 9, 4), {}),
        (
            "draft_answer",
            D(2026, 9, 20),
            {
                "answer": "Ông Lê Văn Cường tố cáo đúng một phần.",
                "finding": "partly_true",
                "public_summary": "Tố cáo về cán bộ địa chính xã",
                "public_answer": "Ông LÊ VAN CUONG tố cáo đúng một phần.",
            },
        ),
        ("approve_answer", D(2026, 9, 21), {}),
    )
    assert item.deadlines["send_conclusion"]["cite"] == "TC-11"
    assert item.deadlines["publish_conclusion"]["cite"] == "TC-17"
    assert item.stage_deadline == D(2026, 9, 28)
    item = run(item, staff, ("send_conclusion", D(2026, 9, 22), {}))
    assert item.is_published and not item.is_open
    assert "LÊ VAN CUONG" not in item.public_answer and "[…]" in item.public_answer
    # The denunciation's own text was redacted for its verifiers at intake (TC-16).
    assert "Lê Văn Cường" not in item.body


@pytest.mark.django_db
def test_TC_4_anonymous_denunciation_with_evidence_used_as_management_information(tree, staff):
    item, _ = submit_one(tree.commune, kind=Kind.DENUNCIATION, anonymous=True)
    assert item.identity_id is None
    item = item_transition(
        item=item, name="not_process", actor=staff.receptionist, reason="Tố cáo nặc danh"
    )
    assert item.status == "not_processed" and not item.is_open
    item = run(item, staff, ("use_as_management_info", None, {"reason": "Có tài liệu cụ thể"}))
    assert item.status == "management_info" and item.is_open


@pytest.mark.django_db
def test_TC_19_forwarded_only_once(tree, staff):
    item, _ = submit_one(tree.commune, kind=Kind.FEEDBACK)
    item = item_transition(
        item=item,
        name="forward",
        actor=staff.receptionist,
        reason="Không thuộc thẩm quyền",
        target_body="Sở Tài nguyên và Môi trường",
    )
    assert item.status == "forwarded" and item.forward_count == 1
    with pytest.raises(HandlingError):
        item_transition(
            item=item, name="forward", actor=staff.receptionist, reason="again", target_body="x"
        )


@pytest.mark.django_db
def test_TCD_10_mixed_submission_is_split_one_item_per_kind(tree):
    from langnghe.intake.services import Part

    result = submit(
        tree.commune,
        parts=[
            Part(Kind.COMPLAINT, "Khiếu nại quyết định thu hồi đất"),
            Part(Kind.DENUNCIATION, "Tố cáo cán bộ địa chính nhận tiền"),
        ],
    )
    complaint, denunciation = result.items
    assert (complaint.workflow, denunciation.workflow) == ("complaint_first", "denunciation")
    assert denunciation.split_from == complaint
    from langnghe.intake.services import item_by_receipt

    assert item_by_receipt(code=denunciation.code, secret=result.secret) == denunciation


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("size", "reps", "ok"),
    [
        (5, 0, False),
        (5, 1, True),
        (10, 2, True),
        (10, 3, False),
        (11, 5, True),
        (11, 6, False),
        (4, 0, True),
    ],
)
def test_TCD_13_group_representatives(tree, size, reps, ok):
    from langnghe.core.errors import IntakeError
    from langnghe.intake.models import Item

    identity = {
        "name": "Nhóm hộ dân thôn 2",
        "representatives": [f"Đại diện {i}" for i in range(reps)],
    }
    if ok:
        submit_one(tree.commune, group_size=size, identity=identity)
    else:
        with pytest.raises(IntakeError):
            submit_one(tree.commune, group_size=size, identity=identity)
        assert Item.objects.count() == 0


@pytest.mark.django_db
def test_TCD_15_hard_alarm_at_45_days_and_TC_13_overdue_escalation(
    tree, mailoutbox, django_capture_on_commit_callbacks
):
    leader = user(grants=[(tree.province, Role.LEADER)])
    item, _ = submit_one(tree.commune, received_at=at(D(2026, 1, 5)))
    with django_capture_on_commit_callbacks(execute=True):
        result = deadlines_sweep(today=D(2026, 2, 1))
    assert result.escalated == 1 and result.alarmed == 0
    assert any(
        leader.email in m.to and item.code in m.body for m in mailoutbox
    )  # the superior is told
    result = deadlines_sweep(today=D(2026, 2, 20))
    assert result.alarmed == 1 and result.escalated == 0
    assert deadlines_sweep(today=D(2026, 2, 21)).alarmed == 0  # once only
    item.refresh_from_db()
    assert item.hard_alarm_at and item.escalated_at


@pytest.mark.django_db
def test_reminder_before_the_deadline_once(tree):
    item, _ = submit_one(tree.commune, received_at=at(D(2026, 3, 2)))
    assert item.due_on == D(2026, 3, 16)
    assert deadlines_sweep(today=D(2026, 3, 12)).reminded == 1
    assert deadlines_sweep(today=D(2026, 3, 13)).reminded == 0


@pytest.mark.django_db
def test_KN_9_second_complaint_within_30_days_goes_up_with_KN_10_limits(tree, staff):
    from langnghe.handling.services import complaint_appeal

    item, secret = submit_one(tree.commune, kind=Kind.COMPLAINT, received_at=at(D(2026, 7, 1)))
    item = run(
        item,
        staff,
        ("accept", D(2026, 7, 2), {}),
        ("start_verification", D(2026, 7, 3), {}),
        ("draft_answer", D(2026, 7, 20), {"answer": "Bác đơn"}),
        ("approve_answer", D(2026, 7, 21), {}),
        ("send_decision", D(2026, 7, 22), {}),
    )
    today = timezone.localdate(item.closed_at)
    with pytest.raises(HandlingError):
        complaint_appeal(
            item=item,
            body="Không đồng ý",
            citizen_secret=secret,
            act_date=today + dt.timedelta(days=31),
        )
    second = complaint_appeal(
        item=item,
        body="Không đồng ý",
        citizen_secret=secret,
        act_date=today + dt.timedelta(days=30),
    )
    assert second.workflow == "complaint_second" and second.handling_org == tree.province
    assert second.deadlines["accept"]["cite"] == "KN-3b"
    from langnghe.intake.services import item_by_receipt

    assert item_by_receipt(code=second.code, secret=secret) == second
