"""Each legal rule of meetings with the people, named by its RULES.md ID."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.meetings import policy, services
from langnghe.meetings.models import (
    AnnualPlan,
    ConferenceKind,
    ConferenceStatus,
    VoterRequest,
    VoterSupport,
)
from langnghe.orgs.models import Organisation

from ..factories import org
from .conftest import conference, held, plan_for

pytestmark = pytest.mark.django_db


def test_dc6_latest_announcement_date_is_7_days_before():
    assert policy.announce_latest("commune_dialogue", dt.date(2026, 12, 10)) == dt.date(2026, 12, 3)
    assert policy.rule("announce_before").cite == ("DC-6",)


def test_dc6_announcement_at_least_7_days_before_is_on_time(m):
    c = conference(m, 20)
    c = services.conference_announce(
        conference=c, actor=m.leader, announced_on=timezone.localdate()
    )
    assert c.status == ConferenceStatus.ANNOUNCED
    assert c.announce_latest == c.starts_on - dt.timedelta(days=7)
    assert c.announce_late is False


def test_dc6_announcement_exactly_7_days_before_is_on_time(m):
    c = conference(m, 7)
    c = services.conference_announce(conference=c, actor=m.leader)
    assert c.announce_late is False


def test_dc6_announcement_6_days_before_is_recorded_and_flagged(m):
    c = conference(m, 6)
    c = services.conference_announce(conference=c, actor=m.leader)
    assert c.status == ConferenceStatus.ANNOUNCED  # still allowed: the conference must happen
    assert c.announce_late is True


def test_dc6_announce_rule_applies_to_commune_dialogue_only(m):
    c = conference(m, 2, kind=ConferenceKind.VOTER_MEETING, co_organiser=None)
    c = services.conference_announce(conference=c, actor=m.leader)
    assert c.announce_latest is None and c.announce_late is False


def test_dc6_results_within_10_days_are_on_time(m):
    c = held(m, 12)
    assert c.results_latest == c.held_on + dt.timedelta(days=10)
    _minutes(m, c)
    c = services.conference_results_publish(
        conference=c,
        actor=m.leader,
        summary="Kết quả",
        channels=["office_posting"],
        published_on=c.held_on + dt.timedelta(days=10),
    )
    assert c.results_late is False


def test_dc6_results_after_10_days_are_flagged(m):
    c = held(m, 11)  # published today, the 11th day after the conference: one day late
    _minutes(m, c)
    c = services.conference_results_publish(
        conference=c, actor=m.leader, summary="Kết quả", channels=["mass_media"]
    )
    assert c.status == ConferenceStatus.RESULTS_PUBLISHED
    assert c.results_late is True


def test_dc6_results_not_yet_published_after_10_days_is_overdue(m):
    c = held(m, 11)
    assert policy.results_overdue(c, timezone.localdate()) is True
    c2 = held(m, 3, title="Khác")
    assert policy.results_overdue(c2, timezone.localdate()) is False


def test_dc5_dc6_commune_plan_without_commune_dialogue_is_flagged(m):
    plan = plan_for(m.commune, 2026, m.leader)
    assert policy.plan_flags(plan, [], dt.date(2026, 5, 1)) == ["no_commune_dialogue"]


def test_dc5_dc6_commune_plan_with_commune_dialogue_is_not_flagged(m):
    c = conference(m, 30)
    assert policy.plan_flags(c.plan, [c], timezone.localdate()) == []


def test_dc5_dc6_past_year_without_held_dialogue_is_flagged(m):
    plan = AnnualPlan.objects.create(organisation=m.commune, year=2020, title="2020")
    from langnghe.meetings.models import Conference

    c = Conference.objects.create(
        plan=plan,
        kind=ConferenceKind.COMMUNE_DIALOGUE,
        title="x",
        topics="x",
        starts_at=timezone.make_aware(dt.datetime(2020, 6, 1, 8)),
    )
    assert policy.plan_flags(plan, [c], dt.date(2021, 1, 5)) == ["commune_dialogue_not_held"]


def test_dc5_party_committee_plan_needs_no_commune_dialogue(m):
    plan = plan_for(m.tree.party, 2026, _leader_of(m.tree.party))
    assert policy.plan_flags(plan, [], dt.date(2026, 5, 1)) == []


def test_dc7_staff_conference_within_3_months_of_the_work_year():
    assert policy.staff_conference_latest(2026) == dt.date(2026, 3, 31)


def test_dc7_staff_conference_after_march_is_flagged(m):
    plan = AnnualPlan.objects.create(organisation=m.commune, year=2025, title="2025")
    from langnghe.meetings.models import Conference

    late = Conference(
        plan=plan,
        kind=ConferenceKind.STAFF_CONFERENCE,
        starts_at=timezone.make_aware(dt.datetime(2025, 4, 2, 8)),
        held_on=dt.date(2025, 4, 2),
    )
    on_time = Conference(
        plan=plan,
        kind=ConferenceKind.STAFF_CONFERENCE,
        starts_at=timezone.make_aware(dt.datetime(2025, 3, 31, 8)),
        held_on=dt.date(2025, 3, 31),
    )
    assert policy.staff_conference_late(late, dt.date(2025, 5, 1)) is True
    assert policy.staff_conference_late(on_time, dt.date(2025, 5, 1)) is False


def test_dc7_staff_conference_quorum_two_thirds():
    assert policy.quorum_met(20, 30) is True
    assert policy.quorum_met(19, 30) is False
    assert policy.quorum_met(None, 30) is None


def test_dc7_quorum_on_the_conference(m):
    c = held(m, 5, kind=ConferenceKind.STAFF_CONFERENCE, co_organiser=None, expected_attendees=30)
    c.attendees = 19
    assert c.quorum_met is False
    c.attendees = 20
    assert c.quorum_met is True


def test_dc6_voter_threshold_is_10_percent_rounded_up():
    assert policy.voter_threshold(4321) == 433
    assert policy.voter_threshold(100) == 10
    assert policy.voter_threshold(None) is None


def test_dc6_voter_request_reaches_the_10_percent_threshold(m):
    services.voter_roll_record(
        organisation=m.commune, voters=20, as_of=timezone.localdate(), source="UBND", actor=m.leader
    )
    r = services.voter_support_add(
        organisation=m.commune, full_name="A", village="Thôn 1", phone_or_id="0912345678"
    )
    assert r.status == VoterRequest.Status.COLLECTING
    r = services.voter_support_add(
        organisation=m.commune, full_name="B", village="Thôn 1", phone_or_id="0912345679"
    )
    assert r.status == VoterRequest.Status.THRESHOLD_REACHED
    assert r.threshold_reached_at is not None


def test_dc6_voter_is_counted_once(m):
    services.voter_support_add(
        organisation=m.commune, full_name="A", village="Thôn 1", phone_or_id="0912 345 678"
    )
    with pytest.raises(services.MeetingsError) as exc:
        services.voter_support_add(
            organisation=m.commune, full_name="A khác", village="Thôn 2", phone_or_id="+84912345678"
        )
    assert exc.value.code == services.MeetingsError.ALREADY_SUPPORTED
    assert VoterSupport.objects.count() == 1
    # Only the keyed hash is stored, never the number.
    support = VoterSupport.objects.get()
    assert "0912345678" not in support.voter_key and len(support.voter_key) == 64


def test_dc6_voter_request_without_roll_has_no_threshold(m):
    r = services.voter_support_add(
        organisation=m.commune, full_name="A", village="Thôn 1", phone_or_id="001234567890"
    )
    from langnghe.meetings.selectors import request_progress

    progress = request_progress(m.commune)
    assert progress.voters is None and progress.needed is None and progress.percent is None
    assert progress.supports == 1 and r.status == VoterRequest.Status.COLLECTING


def test_dc6_smaller_roll_brings_request_over_threshold(m):
    for i in range(3):
        services.voter_support_add(
            organisation=m.commune, full_name=f"N{i}", village="T", phone_or_id=f"091234567{i}"
        )
    services.voter_roll_record(
        organisation=m.commune, voters=25, as_of=timezone.localdate(), source="x", actor=m.leader
    )
    assert VoterRequest.objects.get().status == VoterRequest.Status.THRESHOLD_REACHED


def test_dc6_voter_request_is_for_a_commune_peoples_committee(m):
    from langnghe.core.errors import NotFound

    with pytest.raises(NotFound):
        services.voter_support_add(
            organisation=m.front, full_name="A", village="T", phone_or_id="0912345678"
        )


def test_q11_6_party_head_dialogue_request_threshold_is_unverified():
    r = policy.rule("party_head_dialogue_request_threshold")
    assert r.value is None and r.configurable and r.cite == ("Q11-6",)


def test_p217_u_qd218_dialogue_frequency_is_null():
    r = policy.rule("qd218_dialogue_per_year")
    assert r.value is None and r.configurable


def test_dc5_dc6_at_least_one_commune_dialogue_a_year_is_data():
    r = policy.rule("commune_dialogue_per_year")
    assert r.value == 1 and set(r.cite) == {"DC-5", "DC-6"}


def test_dc6_conference_modes_are_in_person_online_social_network(m):
    assert policy.rulebook().setting("modes") == ["in_person", "online", "social_network"]
    c = conference(m, 20, mode="social_network", online_link="https://facebook.com/ubndxa")
    assert c.mode == "social_network"


def test_dc6_co_organiser_must_be_a_front_committee(m):
    with pytest.raises(services.MeetingsError):
        conference(m, 20, co_organiser=m.council)


def _leader_of(o: Organisation):
    from langnghe.orgs.models import Role

    from ..factories import user

    return user(f"lead{o.pk}", grants=[(o, Role.LEADER)])


def _minutes(m, c):
    s = services.speaker_add(conference=c, actor=m.leader, type="cadre", name="Ông A")
    services.raised_issue_record(
        conference=c,
        actor=m.leader,
        speaker=s,
        text="Vấn đề",
        commitment_text="Cam kết",
        responsible_org=m.office,
        deadline=c.held_on + dt.timedelta(days=30),
    )
    services.conference_minutes_close(conference=c, actor=m.leader, summary="Tóm tắt")


__all__ = ["org"]


def test_dc7_resolution_needs_more_than_half_of_those_present():
    assert policy.resolution_passes(16, 30) is True
    assert policy.resolution_passes(15, 30) is False  # exactly half is not enough
    assert policy.resolution_passes(0, 0) is None


def test_dc7_resolution_recorded_at_a_staff_conference(m):
    c = held(m, 5, kind=ConferenceKind.STAFF_CONFERENCE, co_organiser=None, expected_attendees=30)
    passed = services.resolution_record(
        conference=c, actor=m.leader, text="Quy chế", votes_for=16, present=30
    )
    failed = services.resolution_record(
        conference=c, actor=m.leader, text="Khác", votes_for=15, present=30
    )
    assert passed.passed is True and failed.passed is False
    # Present defaults to the conference's attendance (120 in `held`).
    r = services.resolution_record(conference=c, actor=m.leader, text="Ba", votes_for=61)
    assert r.present == 120 and r.passed
    with pytest.raises(services.MeetingsError):
        services.resolution_record(conference=c, actor=m.leader, text="x", votes_for=31, present=30)


def test_dc7_resolutions_only_at_staff_conferences(m):
    c = held(m, 5)
    with pytest.raises(services.MeetingsError):
        services.resolution_record(conference=c, actor=m.leader, text="x", votes_for=1, present=2)
