"""Services: transitions, minutes into items and commitments, advance questions, voters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.core.errors import IntakeError, PermissionDenied
from langnghe.core.models import AuditEvent
from langnghe.intake.models import Channel, Item
from langnghe.meetings import selectors, services
from langnghe.meetings.models import (
    Commitment,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    RaisedIssue,
    VoterRequest,
)

from .conftest import conference, held

pytestmark = pytest.mark.django_db


def _issue(m, c, *, speaker=None, actor=None, **kw):
    return services.raised_issue_record(
        conference=c,
        actor=actor or m.leader,
        speaker=speaker,
        text=kw.pop("text", "Đường liên thôn 2 xuống cấp"),
        commitment_text=kw.pop("commitment_text", "Sửa đường trước mùa mưa"),
        responsible_org=kw.pop("responsible_org", m.office),
        deadline=kw.pop("deadline", timezone.localdate() + dt.timedelta(days=30)),
        **kw,
    )


def test_plan_create_is_unique_per_org_and_year(m):
    services.plan_create(organisation=m.commune, year=2026, title="KH 2026", actor=m.leader)
    with pytest.raises(services.MeetingsError) as exc:
        services.plan_create(organisation=m.commune, year=2026, title="Lại", actor=m.head)
    assert exc.value.code == services.MeetingsError.DUPLICATE_PLAN


def test_plan_create_requires_a_title_and_permission(m):
    with pytest.raises(services.MeetingsError):
        services.plan_create(organisation=m.commune, year=2026, title="  ", actor=m.leader)
    with pytest.raises(PermissionDenied):
        services.plan_create(organisation=m.commune, year=2026, title="x", actor=m.sibling_leader)


def test_plan_approve_by_leader_only(m):
    plan = services.plan_create(organisation=m.commune, year=2026, title="x", actor=m.head)
    with pytest.raises(PermissionDenied):
        services.plan_approve(plan=plan, actor=m.head)
    plan = services.plan_approve(plan=plan, actor=m.leader)
    assert plan.approved_on == timezone.localdate()
    with pytest.raises(services.MeetingsError):
        services.plan_approve(plan=plan, actor=m.leader)


def test_conference_must_fall_in_the_plan_year(m):
    plan = services.plan_create(organisation=m.commune, year=2001, title="x", actor=m.leader)
    data = services.ConferenceData(
        kind="commune_dialogue",
        title="x",
        starts_at=timezone.now(),
        topics="t",
        place="p",
    )
    with pytest.raises(services.MeetingsError) as exc:
        services.conference_create(plan=plan, data=data, actor=m.leader)
    assert exc.value.code == services.MeetingsError.BAD_DATE
    assert not Conference.objects.exists()


def test_hold_requires_announcement(m):
    c = conference(m, -1)
    with pytest.raises(services.MeetingsError) as exc:
        services.conference_hold(conference=c, actor=m.leader)
    assert "DC-6" in str(exc.value.message)


def test_full_lifecycle_writes_audit_events(m):
    c = held(m, 3)
    speaker = services.speaker_add(
        conference=c,
        actor=m.leader,
        type="citizen",
        name="Nguyễn Thị Hoa",
        role_or_village="Thôn 2",
    )
    issue = _issue(m, c, speaker=speaker)
    # A citizen's issue is an item of the spine, received by the organiser, on the conference's
    # channel, and its commitment is tracked.
    assert issue.item is not None
    assert issue.item.channel == Channel.DIALOGUE_CONFERENCE
    assert issue.item.channel_detail == {"conference": c.pk, "issue": issue.pk}
    assert issue.item.receiving_org == m.commune
    assert issue.item.identity is not None  # the name is sealed in the vault
    assert issue.commitment.responsible_org == m.office
    services.conference_minutes_close(conference=c, actor=m.leader, summary="Biên bản")
    services.conference_results_publish(
        conference=c, actor=m.leader, summary="Kết quả", channels=["office_posting", "portal"]
    )
    c.refresh_from_db()
    assert c.status == ConferenceStatus.RESULTS_PUBLISHED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "meetings.conference_created",
        "meetings.conference_announced",
        "meetings.conference_held",
        "meetings.issue_recorded",
        "meetings.minutes_recorded",
        "meetings.results_published",
        "item.submitted",
    } <= actions


def test_cadre_issue_is_not_an_item(m):
    c = held(m, 3)
    s = services.speaker_add(conference=c, actor=m.leader, type="cadre", name="Ông Chủ tịch")
    issue = _issue(m, c, speaker=s)
    assert issue.item is None and issue.commitment.pk


def test_unit_head_records_citizen_issue_then_reception_registers_it(m):
    c = held(m, 3)
    s = services.speaker_add(conference=c, actor=m.head, type="citizen", name="Bà B")
    issue = _issue(m, c, speaker=s, actor=m.head)
    assert issue.item is None  # the spine lets only reception staff and leaders enter items
    with pytest.raises(PermissionDenied):
        services.raised_issue_register(issue=issue, actor=m.head)
    issue = services.raised_issue_register(issue=issue, actor=m.receptionist)
    assert issue.item is not None and issue.item.channel == Channel.DIALOGUE_CONFERENCE
    with pytest.raises(services.MeetingsError):
        services.raised_issue_register(issue=issue, actor=m.receptionist)


def test_issue_channel_follows_conference_kind(m):
    c = held(m, 3, kind=ConferenceKind.VOTER_MEETING, co_organiser=None)
    s = services.speaker_add(conference=c, actor=m.leader, type="citizen", name="Cử tri C")
    assert _issue(m, c, speaker=s).item.channel == Channel.VOTER_MEETING


def test_bad_issue_saves_nothing(m):
    c = held(m, 3)
    with pytest.raises(services.MeetingsError):
        _issue(m, c, deadline=c.held_on - dt.timedelta(days=1))
    with pytest.raises(services.MeetingsError):
        _issue(m, c, text="   ")
    with pytest.raises(services.MeetingsError):
        _issue(m, c, answered_on_spot=True, answer="")
    assert not RaisedIssue.objects.exists() and not Commitment.objects.exists()


def test_minutes_need_a_speaker_and_results_need_minutes(m):
    c = held(m, 3)
    with pytest.raises(services.MeetingsError):
        services.conference_minutes_close(conference=c, actor=m.leader, summary="x")
    with pytest.raises(services.MeetingsError):
        services.conference_results_publish(
            conference=c, actor=m.leader, summary="x", channels=["portal"]
        )


def test_results_need_a_known_channel(m):
    c = held(m, 3)
    services.speaker_add(conference=c, actor=m.leader, type="cadre", name="A")
    services.conference_minutes_close(conference=c, actor=m.leader, summary="x")
    for channels in ([], ["tv"]):
        with pytest.raises(services.MeetingsError):
            services.conference_results_publish(
                conference=c, actor=m.leader, summary="x", channels=channels
            )


def test_no_future_dates(m):
    c = conference(m, 20)
    with pytest.raises(services.MeetingsError):
        services.conference_announce(
            conference=c, actor=m.leader, announced_on=timezone.localdate() + dt.timedelta(days=1)
        )


def test_next_conference_opens_with_follow_up_of_previous_commitments(m):
    first = held(m, 60, title="Lần 1")
    services.speaker_add(conference=first, actor=m.leader, type="cadre", name="A")
    done = _issue(m, first, text="Một")
    still_open = _issue(m, first, text="Hai")
    services.conference_minutes_close(conference=first, actor=m.leader, summary="x")
    services.conference_results_publish(
        conference=first,
        actor=m.leader,
        summary="x",
        channels=["portal"],
        published_on=first.held_on + dt.timedelta(days=5),
    )
    services.commitment_progress_add(
        commitment=done.commitment, actor=m.office_handler, note="Đã sửa xong", done=True
    )
    nxt = conference(m, 20, title="Lần 2")
    follow = selectors.followup_commitments(nxt)
    assert [c.issue.text for c in follow] == ["Một", "Hai"]
    assert {c.status for c in follow} == {"done", "open"}
    del still_open
    # Holding the next one moves the previous conference to follow-up (RULES §12).
    second = held(m, 1, title="Lần 2b")
    first.refresh_from_db()
    assert first.status == ConferenceStatus.FOLLOW_UP
    assert selectors.followup_commitments(second)


def test_commitment_progress_and_done(m):
    c = held(m, 3)
    issue = _issue(m, c)
    commitment = services.commitment_progress_add(
        commitment=issue.commitment, actor=m.office_handler, note="Đã khảo sát"
    )
    assert commitment.status == "open" and commitment.progress.count() == 1
    commitment = services.commitment_progress_add(
        commitment=commitment, actor=m.leader, note="Xong", done=True
    )
    assert commitment.status == "done" and commitment.done_on == timezone.localdate()
    with pytest.raises(services.MeetingsError):
        services.commitment_progress_add(commitment=commitment, actor=m.leader, note="Lại")


def test_overdue_commitments_are_flagged(m):
    c = held(m, 40)
    issue = _issue(m, c, deadline=c.held_on + dt.timedelta(days=10))
    assert issue.commitment.overdue is True
    assert list(selectors.commitments_for(m.leader, overdue_only=True)) == [issue.commitment]
    services.commitment_progress_add(
        commitment=issue.commitment, actor=m.leader, note="x", done=True
    )
    assert not selectors.commitments_for(m.leader, overdue_only=True).exists()


def test_advance_question_becomes_an_item_until_the_conference_starts(m):
    c = conference(m, 10)
    with pytest.raises(services.MeetingsError):  # not announced yet
        services.advance_question_submit(conference=c, kind="recommendation", body="Hỏi")
    services.conference_announce(conference=c, actor=m.leader)
    result = services.advance_question_submit(
        conference=c, kind="recommendation", body="Khi nào làm đường?", village="Thôn 3"
    )
    item = result.items[0]
    assert item.channel_detail["conference"] == c.pk and item.channel_detail["advance_question"]
    assert item.anonymous and item.receiving_org == m.commune and result.secret
    questions = selectors.advance_questions(c, m.leader)
    assert questions.total == 1 and questions.visible == [item]
    # The admin manages the conference but does not read items (DESIGN.md §2): the count only.
    questions = selectors.advance_questions(c, m.admin)
    assert questions.total == 1 and questions.visible == []
    with pytest.raises(services.MeetingsError):
        services.advance_question_submit(conference=c, kind="denunciation", body="x")
    with pytest.raises(IntakeError):
        services.advance_question_submit(conference=c, kind="feedback", body="   ")
    assert Item.objects.count() == 1


def test_advance_questions_close_when_the_conference_starts(m):
    c = conference(m, 0)
    Conference.objects.filter(pk=c.pk).update(
        starts_at=timezone.now() - dt.timedelta(minutes=1),
        status=ConferenceStatus.ANNOUNCED,
        announced_on=timezone.localdate(),
    )
    c.refresh_from_db()
    with pytest.raises(services.MeetingsError):
        services.advance_question_submit(conference=c, kind="feedback", body="Muộn")


def test_voter_key_rejects_bad_numbers():
    for bad in ("", "abc", "12345", "09123456789"):
        with pytest.raises(services.MeetingsError):
            services.voter_key(bad)
    assert services.voter_key("0912345678") == services.voter_key("+84 912 345 678")
    assert services.voter_key("0912345678") != services.voter_key("0912345679")


def test_conference_from_voter_request_answers_it(m):
    request = services.voter_support_add(
        organisation=m.commune, full_name="A", village="T", phone_or_id="0912345678"
    )
    c = conference(m, 30, trigger="voter_request", voter_request=request)
    request.refresh_from_db()
    assert request.status == VoterRequest.Status.CONFERENCE_PLANNED and c.voter_request == request
    # A new request may then open.
    again = services.voter_support_add(
        organisation=m.commune, full_name="A", village="T", phone_or_id="0912345678"
    )
    assert again.pk != request.pk


def test_voter_request_close_needs_reason(m):
    request = services.voter_support_add(
        organisation=m.commune, full_name="A", village="T", phone_or_id="0912345678"
    )
    with pytest.raises(services.MeetingsError):
        services.voter_request_close(request=request, actor=m.leader, reason=" ")
    with pytest.raises(PermissionDenied):
        services.voter_request_close(request=request, actor=m.receptionist, reason="Trùng")
    request = services.voter_request_close(request=request, actor=m.leader, reason="Trùng")
    assert request.status == VoterRequest.Status.CLOSED


def test_editing_after_held_is_refused(m):
    c = held(m, 2)
    data = services.ConferenceData(
        kind=c.kind, title="Mới", starts_at=c.starts_at, topics="t", place="p"
    )
    with pytest.raises(services.MeetingsError):
        services.conference_update(conference=c, data=data, actor=m.leader)


def test_moving_an_announced_conference_rechecks_dc6(m):
    c = conference(m, 20)
    c = services.conference_announce(conference=c, actor=m.leader)
    data = services.ConferenceData(
        kind=c.kind,
        title=c.title,
        starts_at=c.starts_at - dt.timedelta(days=16),
        topics=c.topics,
        place=c.place,
        co_organiser=m.front,
    )
    c = services.conference_update(conference=c, data=data, actor=m.leader)
    assert c.announce_late is True


def test_follow_up_stays_within_the_family_of_conferences(m):
    dialogue = held(m, 60, title="Đối thoại")
    services.speaker_add(conference=dialogue, actor=m.leader, type="cadre", name="A")
    _issue(m, dialogue, text="Việc của đối thoại")
    staff = held(m, 30, kind=ConferenceKind.STAFF_CONFERENCE, co_organiser=None, title="CBCC")
    nxt = conference(m, 20, title="Đối thoại sau")
    assert [k.issue.text for k in selectors.followup_commitments(nxt)] == ["Việc của đối thoại"]
    assert selectors.followup_commitments(staff) == []
