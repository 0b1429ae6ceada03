"""Privacy and workflow guarantees that a review found missing, each tested through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.core.errors import HandlingError, NotFound, PermissionDenied
from langnghe.handling.rules import can
from langnghe.handling.services import (
    complaint_appeal,
    item_classify,
    item_extend,
    item_merge,
    item_set_complexity,
    item_transition,
)
from langnghe.handling.sweep import deadlines_sweep
from langnghe.intake.models import Kind
from langnghe.intake.services import Part, identity_reveal, item_by_receipt
from langnghe.orgs.models import Position, Role
from langnghe.search.services import search_ids

from ..factories import person, submit, submit_one, user
from ..intake.test_vault_and_files import jpeg_with_gps as jpeg
from .test_rules import at

D = dt.date
NAME = "Trần Thị Bích"


@pytest.fixture
def staff(tree):
    return type(
        "Staff",
        (),
        dict(
            handler=user(grants=[(tree.commune, Role.HANDLER)]),
            head=user(grants=[(tree.commune, Role.UNIT_HEAD)]),
            receptionist=user(grants=[(tree.commune, Role.RECEPTIONIST)]),
            leader=user(grants=[(tree.commune, Role.LEADER)]),
        ),
    )


def answer(item, staff, *, summary="Phản ánh về đường thôn", public="Đã sửa xong.", day=None):
    if item.status == "received":
        item = item_transition(item=item, name="start", actor=staff.handler, act_date=day)
    item = item_transition(
        item=item,
        name="draft_answer",
        actor=staff.handler,
        answer="Đã sửa xong đường.",
        public_summary=summary,
        public_answer=public,
        act_date=day,
    )
    return item_transition(item=item, name="approve_answer", actor=staff.head, act_date=day)


@pytest.mark.django_db
def test_TC_16_a_denunciation_split_from_a_petition_keeps_its_sender_and_files_closed(tree, staff):
    result = submit(
        tree.commune,
        parts=[
            Part(Kind.FEEDBACK, "Đường thôn 3 hỏng"),
            Part(Kind.DENUNCIATION, "Cán bộ X nhận tiền"),
        ],
        identity={"name": NAME, "phone": "0905111222"},
        uploads=[jpeg()],
    )
    feedback, denunciation = result.items
    assert feedback.identity_id != denunciation.identity_id  # no shared pseudonym to link them
    assert feedback.identity.pseudonym != denunciation.identity.pseudonym
    for item in (feedback, denunciation):
        assert not can(staff.leader, "handling.reveal_identity", item)
        assert not can(staff.handler, "handling.view_attachments", item)
        assert can(staff.receptionist, "handling.reveal_identity", item)
        assert can(staff.receptionist, "handling.view_attachments", item)
    with pytest.raises(PermissionDenied):
        identity_reveal(item=feedback, actor=staff.leader, reason="Cần liên hệ người gửi")


@pytest.mark.django_db
def test_TC_16_verifiers_read_a_redacted_copy_and_reception_can_open_the_original(tree, staff):
    item, _ = submit_one(
        tree.commune,
        kind=Kind.DENUNCIATION,
        identity={"name": NAME},
        body="Tôi là TRAN THI BICH, tố cáo cán bộ địa chính nhận tiền.",
    )
    assert "BICH" not in item.body and "[…]" in item.body
    assert item.pk not in search_ids(query="tran thi bich", kind="item", public_only=False)
    revealed = identity_reveal(item=item, actor=staff.receptionist, reason="Đối chiếu bản gốc")
    assert "TRAN THI BICH" in revealed["original_body"]


@pytest.mark.django_db
def test_TC_16b_a_denouncer_who_waived_protection_is_not_redacted(tree):
    item, _ = submit_one(
        tree.commune,
        kind=Kind.DENUNCIATION,
        identity={"name": NAME},
        waived_protection=True,
        body=f"Tôi là {NAME}, xin được đối chất công khai.",
    )
    assert NAME in item.body and not item.sealed_text


@pytest.mark.django_db
def test_TC_17_only_staff_written_text_is_published_and_indexed(tree, staff):
    item, _ = submit_one(
        tree.commune, identity={"name": NAME}, title=f"Tôi là {NAME} ở thôn 3", body="Đường hỏng"
    )
    item = answer(item, staff, summary="Phản ánh đường thôn 3 hỏng", public=f"Cảm ơn chị {NAME}.")
    assert item.is_published and item.public_summary == "Phản ánh đường thôn 3 hỏng"
    assert NAME not in item.public_answer
    assert search_ids(query="tran thi bich", kind="published", public_only=True) == []
    assert search_ids(query="duong thon 3", kind="published", public_only=True) == [item.pk]


@pytest.mark.django_db
def test_TC_17_nothing_is_published_without_a_staff_summary(tree, staff):
    item, _ = submit_one(tree.commune)
    item = answer(item, staff, summary="")
    assert item.status == "answered" and not item.is_published


@pytest.mark.django_db
def test_TCD_11_is_a_notice_limit_and_the_answer_date_is_the_units_PA_8(tree, staff):
    item, _ = submit_one(tree.commune, received_at=at(D(2026, 3, 2)))
    assert item.due_on == D(2026, 3, 16)
    with pytest.raises(HandlingError):  # a legal limit is never moved by hand
        item_extend(
            item=item,
            actor=staff.head,
            reason="Chưa kịp",
            new_date=timezone.localdate() + dt.timedelta(days=5),
        )
    item = item_transition(item=item, name="start", actor=staff.handler, act_date=D(2026, 3, 5))
    assert "reply" not in item.deadlines and item.deadlines["answer"]["due"] is None
    assert item.deadlines["answer"]["cite"] == "PA-8"
    with pytest.raises(HandlingError) as slip:  # a typing slip, not a date
        item_extend(item=item, actor=staff.head, reason="Gõ nhầm", new_date=D(9999, 12, 31))
    assert "31/12/2099" in str(slip.value.message)
    new_date = timezone.localdate() + dt.timedelta(days=20)
    item = item_extend(
        item=item, actor=staff.head, reason="Cần khảo sát hiện trường", new_date=new_date
    )
    assert item.due_on == new_date


@pytest.mark.django_db
def test_staff_can_continue_when_the_sender_never_replies(tree, staff):
    item, _ = submit_one(tree.commune)
    item = item_transition(item=item, name="start", actor=staff.handler)
    item = item_transition(
        item=item, name="request_info", actor=staff.handler, message="Địa chỉ cụ thể?"
    )
    with pytest.raises(HandlingError):
        item_transition(item=item, name="continue_without_reply", actor=staff.handler)
    item = item_transition(
        item=item, name="continue_without_reply", actor=staff.handler, reason="Quá 15 ngày"
    )
    assert item.status == "in_progress"


@pytest.mark.django_db
def test_KN_9_a_second_complaint_lodged_by_reception_gets_a_working_receipt(tree, staff):
    item, _ = submit_one(tree.commune, kind=Kind.COMPLAINT)
    for name in ("accept", "start_verification"):
        item = item_transition(item=item, name=name, actor=staff.handler)
    item = item_transition(item=item, name="draft_answer", actor=staff.handler, answer="Bác đơn")
    item = item_transition(item=item, name="approve_answer", actor=staff.head)
    item = item_transition(item=item, name="send_decision", actor=staff.handler)
    second = complaint_appeal(item=item, body="Không đồng ý", actor=staff.receptionist)
    assert second.receipt_secret
    assert item_by_receipt(code=second.code, secret=second.receipt_secret) == second


@pytest.mark.django_db
def test_classify_a_feedback_that_is_really_a_denunciation(tree, staff):
    chairman = person("Nguyễn Văn Hùng", org=tree.commune, role=Position.Role.HEAD)
    item, _ = submit_one(
        tree.commune,
        kind=Kind.FEEDBACK,
        identity={"name": NAME},
        body=f"Tôi là {NAME}: chủ tịch xã nhận tiền",
        received_at=at(D(2026, 8, 27)),
    )
    item = item_classify(
        item=item,
        actor=staff.receptionist,
        reason="Nội dung là tố cáo",
        kind=Kind.DENUNCIATION,
        concerned_person=chairman,
    )
    assert item.workflow == "denunciation" and item.status == "received"
    assert item.deadlines["initial_processing"]["due"] == "2026-09-10"  # TC-2 from the receipt date
    assert NAME not in item.body and item.sealed_text  # TC-16 applies from now on
    assert item.handling_org == tree.province  # TC-14: the chairman's unit cannot handle it
    with pytest.raises(NotFound):
        from langnghe.intake.services import access_item

        access_item(staff.handler, item.pk)


@pytest.mark.django_db
def test_TC_10_suspended_time_survives_recording_the_complexity(tree, staff):
    item, _ = submit_one(tree.commune, kind=Kind.DENUNCIATION, received_at=at(D(2026, 9, 1)))
    item = item_transition(item=item, name="accept", actor=staff.handler, act_date=D(2026, 9, 3))
    item = item_transition(
        item=item, name="notify_parties", actor=staff.handler, act_date=D(2026, 9, 4)
    )
    item = item_transition(
        item=item, name="suspend", actor=staff.head, reason="Chờ", act_date=D(2026, 9, 10)
    )
    item = item_transition(item=item, name="resume", actor=staff.head, act_date=D(2026, 9, 20))
    assert item.resolution_deadline == D(2026, 10, 13)
    item = item_set_complexity(
        item=item, actor=staff.head, complexity="complex", criteria=["nhiều nơi"]
    )
    assert item.resolution_deadline == D(2026, 10, 13)  # the base is 30 days either way (TC-7)
    item = item_transition(
        item=item, name="extend", actor=staff.head, reason="Gia hạn", act_date=D(2026, 10, 1)
    )
    assert item.resolution_deadline == D(2026, 11, 12)
    item = item_set_complexity(
        item=item, actor=staff.head, complexity="complex", criteria=["nhiều nơi", "nhiều người"]
    )
    assert item.resolution_deadline == D(2026, 11, 12)  # the extension is kept


@pytest.mark.django_db
def test_KN_13_resume_returns_to_the_step_that_was_suspended(tree, staff):
    item, _ = submit_one(tree.commune, kind=Kind.COMPLAINT, received_at=at(D(2026, 7, 1)))
    for name in ("accept", "start_verification"):
        item = item_transition(item=item, name=name, actor=staff.handler, act_date=D(2026, 7, 2))
    item = item_transition(
        item=item,
        name="hold_dialogue",
        actor=staff.handler,
        message="Mời đối thoại",
        act_date=D(2026, 7, 3),
    )
    item = item_transition(
        item=item, name="suspend", actor=staff.head, reason="Chờ giám định", act_date=D(2026, 7, 6)
    )
    item = item_transition(item=item, name="resume", actor=staff.head, act_date=D(2026, 7, 20))
    assert item.status == "dialogue" and item.paused_on is None


@pytest.mark.django_db
def test_TC_13_each_missed_limit_is_escalated_and_TCD_15_only_for_unprocessed_items(tree, staff):
    complaint, _ = submit_one(tree.commune, kind=Kind.COMPLAINT, received_at=at(D(2026, 8, 1)))
    assert deadlines_sweep(today=D(2026, 8, 20)).escalated == 1  # acceptance missed (KN-3b)
    complaint = item_transition(
        item=complaint, name="accept", actor=staff.handler, act_date=D(2026, 8, 21)
    )
    assert deadlines_sweep(today=D(2026, 8, 22)).escalated == 0
    assert deadlines_sweep(today=D(2026, 9, 21)).escalated == 1  # resolution missed (KN-4)
    assert deadlines_sweep(today=D(2026, 9, 22)).alarmed == 0  # accepted: it is being processed


@pytest.mark.django_db
def test_reopen_is_limited_by_the_data_and_keeps_the_answer_published(tree, staff, settings):
    item, secret = submit_one(tree.commune)
    item = answer(item, staff)
    item = item_transition(item=item, name="reopen", citizen_secret=secret, message="Chưa sửa hết")
    assert item.is_published and item.handling_org == tree.province and item.due_on
    province_staff = type(
        "S",
        (),
        dict(
            handler=user(grants=[(tree.province, Role.HANDLER)]),
            head=user(grants=[(tree.province, Role.UNIT_HEAD)]),
        ),
    )
    item = answer(item, province_staff)
    item = item_transition(item=item, name="reopen", citizen_secret=secret, message="Vẫn chưa")
    item = answer(item, province_staff)
    with pytest.raises(HandlingError):
        item_transition(item=item, name="reopen", citizen_secret=secret, message="Lần ba")


@pytest.mark.django_db
def test_a_refusal_after_a_reopen_sends_the_reason_not_the_old_answer(tree, staff):
    item, secret = submit_one(tree.commune)
    item = answer(item, staff, public="Trả lời cũ")
    item = item_transition(item=item, name="reopen", citizen_secret=secret, message="Chưa đúng")
    head = user(grants=[(tree.province, Role.UNIT_HEAD)])
    item = item_transition(
        item=item, name="not_accept", actor=head, reason="Đã trả lời đúng quy định"
    )
    assert item.public_answer == "Đã trả lời đúng quy định"


@pytest.mark.django_db
def test_merge_only_within_one_workflow_and_into_an_open_item(tree, staff):
    a, _ = submit_one(tree.commune, kind=Kind.DENUNCIATION)
    b, _ = submit_one(tree.commune, kind=Kind.FEEDBACK)
    with pytest.raises(HandlingError):
        item_merge(item=a, into=b, actor=staff.receptionist)
    c, secret = submit_one(tree.commune, kind=Kind.FEEDBACK)
    merged = item_merge(item=c, into=b, actor=staff.receptionist)
    assert merged.duplicate_of == b and item_by_receipt(code=c.code, secret=secret) == merged


@pytest.mark.django_db
def test_staff_mail_carries_the_code_only_and_never_reaches_the_unit_head_concerned(
    tree, staff, mailoutbox, django_capture_on_commit_callbacks
):
    head_person = person(
        "Đỗ Văn Hải", user_account=staff.head, org=tree.commune, role=Position.Role.HEAD
    )
    with django_capture_on_commit_callbacks(execute=True):
        item, _ = submit_one(tree.commune, title="Chuyện riêng của thôn", concerned_org=tree.office)
        item2, _ = submit_one(
            tree.office, title="Về trưởng văn phòng", concerned_person=head_person
        )
    bodies = " ".join(m.body for m in mailoutbox)
    assert item.code in bodies and "Chuyện riêng" not in bodies
    assert not any(staff.head.email in m.to and item2.code in m.body for m in mailoutbox)
