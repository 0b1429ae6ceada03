"""Each legal rule the reception capability encodes, named by its RULES.md ID."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.core.calendar import get_calendar
from langnghe.intake.models import Channel, Kind
from langnghe.intake.services import Part
from langnghe.reception import policy
from langnghe.reception.models import (
    Capacity,
    RefusalGround,
    SessionForm,
    SessionKind,
    SessionStatus,
)
from langnghe.reception.selectors import quota_table
from langnghe.reception.services import (
    ReceptionError,
    Visit,
    log_entry_add,
    session_hold,
    session_publish,
)

pytestmark = pytest.mark.django_db

cal = get_calendar


def _held(make_session, people, day, **kwargs):
    actor = kwargs.get("actor", people.leader)
    session = make_session(date=day, **kwargs)
    session.status = SessionStatus.SCHEDULE_PUBLISHED
    session.save(update_fields=["status"])
    return session_hold(session=session, actor=actor, held_on=day)


# -- TCD-1, TCD-2 -------------------------------------------------------------------------


def test_tcd1_three_kinds_of_reception():
    assert set(SessionKind.values) == {"regular", "periodic", "adhoc"}


def test_tcd2_two_forms_and_online_only_from_2026(make_session):
    assert set(SessionForm.values) == {"in_person", "online"}
    assert policy.online_allowed_on(dt.date(2026, 7, 1))
    assert not policy.online_allowed_on(dt.date(2026, 6, 30))
    with pytest.raises(ReceptionError) as exc:
        make_session(date=dt.date(2026, 6, 15), form=SessionForm.ONLINE, online_case="other")
    assert exc.value.code == ReceptionError.ONLINE


# -- TCD-8: schedule published at least 5 working days before --------------------------------


def test_tcd8_publish_at_least_5_working_days_before(make_session, people):
    day = cal().add_working_days(timezone.localdate(), 12)
    session = make_session(date=day)
    due = cal().add_working_days(day, -5)
    assert session.publish_due == due
    assert cal().working_days_between(due, day) == 5
    published = session_publish(session=session, actor=people.leader, on=due)
    assert published.status == SessionStatus.SCHEDULE_PUBLISHED
    assert published.publish_late is False


def test_tcd8_publishing_later_is_flagged_late(make_session, people):
    day = cal().add_working_days(timezone.localdate(), 12)
    session = make_session(date=day)
    late_day = cal().add_working_days(day, -4)
    published = session_publish(session=session, actor=people.leader, on=late_day)
    assert published.publish_late is True
    assert published.publish_due == cal().add_working_days(day, -5)


def test_tcd8_adhoc_session_has_no_advance_notice_rule(make_session, people):
    day = cal().add_working_days(timezone.localdate(), 2)
    session = make_session(
        date=day, kind=SessionKind.ADHOC, adhoc_ground="serious_consequence_risk"
    )
    published = session_publish(session=session, actor=people.leader)
    assert published.publish_late is False and published.publish_due is None


def test_tcd8_cannot_publish_a_past_session(make_session, people):
    session = make_session(date=timezone.localdate() - dt.timedelta(days=3))
    with pytest.raises(ReceptionError):
        session_publish(session=session, actor=people.leader)


# -- Q11-5 / TCD-6: ad-hoc sessions state their grounds ------------------------------------------


def test_q11_5_tcd6_adhoc_session_needs_a_ground(make_session):
    with pytest.raises(ReceptionError):
        make_session(kind=SessionKind.ADHOC, adhoc_ground="")
    session = make_session(kind=SessionKind.ADHOC, adhoc_ground="complex_many_people_many_agencies")
    assert session.adhoc_ground == "complex_many_people_many_agencies"


# -- TCD-14: online reception ----------------------------------------------------------------


def test_tcd14_online_notice_5_wd_test_1_wd_connect_1_hour(make_session, people):
    day = cal().add_working_days(timezone.localdate(), 12)
    session = make_session(
        date=day,
        kind=SessionKind.ADHOC,
        adhoc_ground="complex_many_people_many_agencies",
        form=SessionForm.ONLINE,
        online_case="remote_area_or_vulnerable_requester",
    )
    # Online sessions are notified 5 WD before even when ad hoc.
    published = session_publish(
        session=session, actor=people.leader, on=cal().add_working_days(day, -4)
    )
    assert published.publish_late is True
    assert policy.online_test_due(day) == cal().add_working_days(day, -1)
    assert policy.online_connect_by(day, dt.time(8, 0)) == dt.time(7, 0)


def test_tcd14_online_session_needs_an_eligible_case(make_session):
    with pytest.raises(ReceptionError) as exc:
        make_session(form=SessionForm.ONLINE, online_case="")
    assert exc.value.code == ReceptionError.ONLINE


def test_tcd14_online_session_must_be_recorded(make_session, people):
    day = timezone.localdate()
    session = make_session(
        date=day,
        kind=SessionKind.ADHOC,
        adhoc_ground="serious_consequence_risk",
        form=SessionForm.ONLINE,
        online_case="disaster_epidemic_security",
    )
    with pytest.raises(ReceptionError):
        session_hold(session=session, actor=people.leader, connection_tested_on=day)
    late_test = session_hold(
        session=session, actor=people.leader, connection_tested_on=day, recording_kept=True
    )
    assert late_test.status == SessionStatus.HELD
    assert late_test.connection_test_late is True  # tested on the day, not 1 WD before


# -- TCD-5: no delegation of periodic reception by state heads (from 01/7/2026) ------------


def test_tcd5_state_head_may_not_delegate_periodic_reception_from_2026(make_session, people):
    with pytest.raises(ReceptionError) as exc:
        make_session(head=people.deputy, capacity=Capacity.OTHER, date=dt.date(2026, 12, 7))
    assert exc.value.code == ReceptionError.DELEGATION
    # Before 01/7/2026 the deputy's session is recorded (it counts for no quota).
    old = make_session(head=people.deputy, capacity=Capacity.OTHER, date=dt.date(2026, 6, 8))
    assert old.capacity == Capacity.OTHER


def test_tcd5_deputy_cannot_count_as_head(make_session, people):
    with pytest.raises(ReceptionError) as exc:
        make_session(head=people.deputy, capacity=Capacity.CHAIR)
    assert exc.value.code == ReceptionError.NOT_HEAD


# -- TCD-7, TCD-7b, TCD-7c: refusals -------------------------------------------------------------


def test_tcd7_law_grounds_apply_before_2026_and_decree_grounds_only_after(tree, people):
    assert RefusalGround.WEAPONS not in policy.refusal_grounds_on(dt.date(2026, 6, 30))
    assert RefusalGround.INTOXICATED in policy.refusal_grounds_on(dt.date(2026, 6, 30))
    assert RefusalGround.WEAPONS in policy.refusal_grounds_on(dt.date(2026, 7, 1))
    with pytest.raises(ReceptionError) as exc:
        log_entry_add(
            visit=Visit(
                organisation=tree.commune,
                received_on=dt.date(2026, 6, 15),
                summary="Mang dao vào phòng tiếp",
                refusal_ground=RefusalGround.WEAPONS,
                refusal_explanation="Không gửi lại vũ khí",
            ),
            actor=people.receptionist,
        )
    assert exc.value.code == ReceptionError.REFUSAL


def test_tcd7b_decree_ground_accepted_from_2026(tree, people):
    day = timezone.localdate()
    result = log_entry_add(
        visit=Visit(
            organisation=tree.commune,
            received_on=day,
            summary="Mang dao vào phòng tiếp",
            refusal_ground=RefusalGround.WEAPONS,
            refusal_explanation="Không chịu gửi lại vũ khí",
        ),
        actor=people.receptionist,
    )
    refusal = result.entry.refusal
    assert refusal.rule_set == "tcd_2026"
    assert refusal.needs_notice is False and refusal.notice_due is None
    assert result.items == [] and result.entry.items.count() == 0


def test_tcd7c_written_notice_within_3_working_days(tree, people):
    day = timezone.localdate()
    result = log_entry_add(
        visit=Visit(
            organisation=tree.commune,
            received_on=day,
            summary="Khiếu nại đã giải quyết đúng, vẫn khiếu nại kéo dài",
            refusal_ground=RefusalGround.PERSISTENT,
            refusal_explanation="Đã có quyết định giải quyết lần hai",
        ),
        actor=people.receptionist,
    )
    refusal = result.entry.refusal
    assert refusal.needs_notice is True
    assert refusal.notice_due == cal().add_working_days(day, 3)
    assert policy.refusal_notice_due(RefusalGround.PAKN_ANSWERED, day) == cal().add_working_days(
        day, 3
    )
    assert policy.refusal_notice_due(RefusalGround.THREATENING, day) is None


def test_tcd7c_notice_on_the_3rd_working_day_is_on_time_on_the_4th_late(tree, people):
    from langnghe.reception.services import refusal_notice_issue

    day = timezone.localdate() - dt.timedelta(days=20)
    refusals = []
    for n in (1, 2):
        refusals.append(
            log_entry_add(
                visit=Visit(
                    organisation=tree.commune,
                    received_on=day,
                    summary=f"Khiếu nại kéo dài {n}",
                    refusal_ground=RefusalGround.PERSISTENT,
                    refusal_explanation="Đã có quyết định giải quyết lần hai",
                ),
                actor=people.receptionist,
            ).entry.refusal
        )
    on_time = refusal_notice_issue(
        refusal=refusals[0],
        actor=people.receptionist,
        number="01/TB",
        issued_on=cal().add_working_days(day, 3),
        signer="A",
    )
    late = refusal_notice_issue(
        refusal=refusals[1],
        actor=people.receptionist,
        number="02/TB",
        issued_on=cal().add_working_days(day, 4),
        signer="A",
    )
    assert on_time.notice_late is False and late.notice_late is True


# -- TCD-9, TCD-9b, TCD-10, TCD-13: the log and the items ----------------------------------------


def test_tcd9_log_numbers_per_org_per_year_and_tcd10_splits_kinds(tree, people):
    day = timezone.localdate()
    first = log_entry_add(
        visit=Visit(
            organisation=tree.commune,
            received_on=day,
            name="Nguyễn Thị Hoa",
            address="Thôn 2",
            id_number="012345678901",
            parts=[
                Part(Kind.COMPLAINT, "Khiếu nại quyết định thu hồi đất"),
                Part(Kind.DENUNCIATION, "Tố cáo cán bộ địa chính nhận tiền"),
            ],
        ),
        actor=people.receptionist,
    )
    second = log_entry_add(
        visit=Visit(
            organisation=tree.commune,
            received_on=day,
            name="Trần Văn Nam",
            parts=[Part(Kind.FEEDBACK, "Đường thôn 3 sạt lở")],
        ),
        actor=people.receptionist,
    )
    assert (first.entry.number, second.entry.number) == (1, 2)
    assert sorted(i.kind for i in first.items) == [Kind.COMPLAINT, Kind.DENUNCIATION]
    for item in first.items:
        assert item.channel == Channel.CITIZEN_RECEPTION
        assert item.channel_detail["reception_entry"] == first.entry.pk
    assert first.entry.kinds == [Kind.COMPLAINT, Kind.DENUNCIATION]
    # TCD-9d: no plain name anywhere in the row.
    assert "Hoa" not in first.entry.pseudonym and b"Hoa" not in bytes(first.entry.sealed_identity)


def test_tcd13_group_needs_representatives_and_nothing_half_saved(tree, people):
    from langnghe.core.errors import IntakeError
    from langnghe.intake.models import Item
    from langnghe.reception.models import ReceptionLogEntry

    with pytest.raises(IntakeError):
        log_entry_add(
            visit=Visit(
                organisation=tree.commune,
                received_on=timezone.localdate(),
                name="Đại diện thôn 4",
                group_size=12,
                parts=[Part(Kind.RECOMMENDATION, "Đề nghị làm cầu tràn")],
            ),
            actor=people.receptionist,
        )
    assert ReceptionLogEntry.objects.count() == 0 and Item.objects.count() == 0


# -- quotas: Q11-3, Q11-4, TCD-3, TCD-4, TCD-4b, TCD-6 --------------------------------------------


def _row(rows, person):
    return next(r for r in rows if r.person == person)


def _cell(row, month):
    return next(c for c in row.cells if c.month == month)


def _party_site(tree, people):
    from langnghe.reception.services import site_save

    return site_save(
        actor=people.party_leader,
        organisation=tree.party,
        name="Phòng tiếp dân Đảng ủy",
        address="Thôn 1",
    )


def test_q11_4_commune_party_head_two_days_a_month(tree, people, make_session, site):
    month = dt.date(2026, 9, 1)
    party_site = _party_site(tree, people)
    _held(
        make_session,
        people,
        dt.date(2026, 9, 8),
        organisation=tree.party,
        site=party_site,
        head=people.secretary,
        capacity=Capacity.PARTY_HEAD,
        actor=people.party_leader,
    )
    rows = quota_table(actor=people.party_leader, months=[month])
    cell = _cell(_row(rows, people.secretary), month)
    assert (cell.held, cell.required, cell.ok, cell.cite) == (1, 2, False, "Q11-4")
    _held(
        make_session,
        people,
        dt.date(2026, 9, 22),
        organisation=tree.party,
        site=party_site,
        head=people.secretary,
        capacity=Capacity.PARTY_HEAD,
        actor=people.party_leader,
    )
    cell = _cell(
        _row(quota_table(actor=people.party_leader, months=[month]), people.secretary), month
    )
    assert (cell.held, cell.ok) == (2, True)


def test_q11_3_provincial_party_head_one_day_a_month(tree, people, site):
    from langnghe.orgs.models import Role

    from ..factories import user

    province_leader = user("bithutinh", grants=[(tree.province_party, Role.LEADER)])
    rows = quota_table(actor=province_leader, months=[dt.date(2026, 10, 1)])
    cell = _cell(_row(rows, people.province_secretary), dt.date(2026, 10, 1))
    assert (cell.required, cell.ok, cell.cite) == (1, False, "Q11-3")


def test_tcd3_provincial_chair_one_day_a_month(tree, people):
    rows = quota_table(actor=people.province_leader, months=[dt.date(2026, 10, 1)])
    cell = _cell(_row(rows, people.province_chair), dt.date(2026, 10, 1))
    assert (cell.required, cell.ok, cell.cite) == (1, False, "TCD-3")


def test_tcd4_commune_chair_one_day_a_week_until_june_2026(tree, people, make_session):
    june = dt.date(2026, 6, 1)
    weeks = policy.weeks_in_month(june)
    assert len(weeks) == 5  # Mondays 1, 8, 15, 22, 29 June 2026
    for start, _end in weeks[:-1]:
        _held(make_session, people, start + dt.timedelta(days=1))
    cell = _cell(_row(quota_table(actor=people.leader, months=[june]), people.chair), june)
    assert (cell.held, cell.required, cell.ok, cell.cite) == (4, 5, False, "TCD-4")
    # A session on 30/6 covers the last week.
    _held(make_session, people, dt.date(2026, 6, 30))
    cell = _cell(_row(quota_table(actor=people.leader, months=[june]), people.chair), june)
    assert cell.ok is True


def test_tcd4b_commune_chair_two_days_a_month_from_july_2026(tree, people, make_session):
    july = dt.date(2026, 7, 1)
    _held(make_session, people, dt.date(2026, 7, 7))
    _held(make_session, people, dt.date(2026, 7, 21))
    cell = _cell(_row(quota_table(actor=people.leader, months=[july]), people.chair), july)
    assert (cell.held, cell.required, cell.ok, cell.cite) == (2, 2, True, "TCD-4b")


def test_tcd6_agency_head_one_day_a_month(tree, people):
    rows = quota_table(actor=people.leader, months=[dt.date(2026, 8, 1)])
    cell = _cell(_row(rows, people.office_head), dt.date(2026, 8, 1))
    assert (cell.required, cell.ok, cell.cite) == (1, False, "TCD-6")


def test_q11_4_session_as_chair_does_not_count_for_party_quota_by_default(
    tree, people, make_session
):
    """RULES.md §1 design note: counting one session for both quotas is unverified: default no."""
    from langnghe.orgs.models import Position

    Position.objects.create(
        person=people.secretary, organisation=tree.commune, title="Chủ tịch", role="head"
    )
    Position.objects.filter(person=people.chair).delete()
    month = dt.date(2026, 9, 1)
    for day in (dt.date(2026, 9, 8), dt.date(2026, 9, 22)):
        _held(make_session, people, day, head=people.secretary)
    from langnghe.orgs.models import Role

    from ..factories import user

    both = user("tinh", grants=[(tree.commune, Role.LEADER), (tree.party, Role.LEADER)])
    rows = [r for r in quota_table(actor=both, months=[month]) if r.person == people.secretary]
    by_capacity = {r.capacity: _cell(r, month) for r in rows}
    assert by_capacity[Capacity.CHAIR].ok is True
    assert by_capacity[Capacity.PARTY_HEAD].ok is False
    rule = policy.count_for_both_quotas()
    assert rule.value == 0 and rule.configurable
