"""Service behaviour beyond the legal rules: transitions, bookings, audit, all-or-nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.core.calendar import get_calendar
from langnghe.core.errors import NotFound
from langnghe.core.models import AuditEvent
from langnghe.intake.models import Kind
from langnghe.intake.services import Part
from langnghe.reception.models import Booking, BookingStatus, SessionStatus
from langnghe.reception.services import (
    ReceptionError,
    Visit,
    booking_by_receipt,
    booking_cancel,
    booking_create,
    booking_details,
    conclusion_issue,
    log_entry_add,
    session_advance,
    session_hold,
    session_postpone,
    session_publish,
)

pytestmark = pytest.mark.django_db


def _book(session, slot=None, name="Hiền"):
    slot = slot or session.slots.first()
    return booking_create(
        session=session, slot_id=slot.pk, name=name, phone="0905123456", content="Sổ đỏ"
    )


def test_slots_are_made_from_the_hours(make_session):
    session = make_session(start_time=dt.time(7, 30), end_time=dt.time(9, 0), slot_minutes=20)
    assert [s.start for s in session.slots.all()] == [
        dt.time(7, 30),
        dt.time(7, 50),
        dt.time(8, 10),
        dt.time(8, 30),
    ]


def test_booking_only_on_a_published_session_and_within_capacity(make_session, people):
    session = make_session(slot_capacity=2)
    with pytest.raises(ReceptionError):
        _book(session)  # planned: not public yet
    session_publish(session=session, actor=people.leader)
    first, second = _book(session), _book(session, name="An")
    with pytest.raises(ReceptionError) as exc:
        _book(session, name="Ba")
    assert exc.value.code == ReceptionError.FULL
    # A cancelled place is free again.
    booking_cancel(code=first.booking.code, secret=first.secret)
    assert _book(session, name="Ba").booking.status == BookingStatus.BOOKED
    assert booking_details(second.booking)["name"] == "An"
    assert AuditEvent.objects.filter(action="reception.booking_created").count() == 3


def test_booking_receipt_needs_both_parts(make_session, people):
    session = session_publish(session=make_session(), actor=people.leader)
    result = _book(session)
    assert (
        booking_by_receipt(code=result.booking.code.lower(), secret=result.secret) == result.booking
    )
    for code, secret in [(result.booking.code, "SAI"), ("LT-AAAAAA", result.secret), ("", "")]:
        with pytest.raises(NotFound):
            booking_by_receipt(code=code, secret=secret)


def test_booking_closes_before_the_session(make_session, people):
    session = session_publish(session=make_session(), actor=people.leader)
    session.date = timezone.localdate()
    session.start_time = (timezone.localtime() + dt.timedelta(minutes=30)).time()
    session.end_time = dt.time(23, 59)
    session.save()
    with pytest.raises(ReceptionError):
        _book(session)


def test_postpone_needs_a_reason_and_makes_the_new_session(make_session, people):
    session = session_publish(session=make_session(), actor=people.leader)
    result = _book(session)
    with pytest.raises(ReceptionError):
        session_postpone(session=session, actor=people.leader, reason="")
    new_day = get_calendar().add_working_days(session.date, 5)
    moved = session_postpone(
        session=session, actor=people.leader, reason="Họp đột xuất về bão", new_date=new_day
    )
    assert moved.status == SessionStatus.POSTPONED
    assert moved.rescheduled_to.date == new_day
    assert moved.rescheduled_to.status == SessionStatus.PLANNED
    # The booking stays; the citizen sees the postponement on the booking page and may cancel.
    booking_cancel(code=result.booking.code, secret=result.secret)
    with pytest.raises(ReceptionError):
        session_publish(session=moved, actor=people.leader)


def test_head_session_closes_only_after_conclusion_notice(make_session, people, tree):
    session = make_session(date=timezone.localdate())
    session_publish(session=session, actor=people.leader, on=session.date)
    with pytest.raises(ReceptionError):
        conclusion_issue(
            session=session,
            actor=people.leader,
            number="1/TB",
            issued_on=timezone.localdate(),
            content="x",
            recipients="y",
            signer="z",
        )
    session_hold(session=session, actor=people.leader)
    log_entry_add(
        visit=Visit(
            organisation=tree.commune,
            received_on=timezone.localdate(),
            session=session,
            name="An",
            parts=[Part(Kind.FEEDBACK, "Đèn hỏng")],
        ),
        actor=people.receptionist,
    )
    session.refresh_from_db()
    with pytest.raises(ReceptionError):
        session_advance(session=session, actor=people.leader, to=SessionStatus.CLOSED)
    conclusion_issue(
        session=session,
        actor=people.leader,
        number="1/TB",
        issued_on=timezone.localdate(),
        content="Giao Văn phòng trả lời.",
        recipients="Văn phòng",
        signer="Y Thanh",
    )
    session.refresh_from_db()
    session_advance(session=session, actor=people.leader, to=SessionStatus.FOLLOW_UP)
    closed = session_advance(session=session, actor=people.leader, to=SessionStatus.CLOSED)
    assert closed.status == SessionStatus.CLOSED


def test_log_entry_from_booking_marks_it_attended_and_cannot_repeat(make_session, people, tree):
    session = session_publish(session=make_session(), actor=people.leader)
    result = _book(session)
    session.date = timezone.localdate()
    session.save(update_fields=["date"])
    session_hold(session=session, actor=people.leader)
    visit = Visit(
        organisation=tree.commune,
        received_on=timezone.localdate(),
        session=session,
        booking=result.booking,
        name="Hiền",
        parts=[Part(Kind.RECOMMENDATION, "Cấp sổ đỏ")],
    )
    log_entry_add(visit=visit, actor=people.receptionist)
    assert Booking.objects.get(pk=result.booking.pk).status == BookingStatus.ATTENDED
    with pytest.raises(ReceptionError):
        log_entry_add(visit=visit, actor=people.receptionist)


def test_log_needs_a_held_session_of_the_same_org(make_session, people, tree):
    session = make_session()
    with pytest.raises(ReceptionError):
        log_entry_add(
            visit=Visit(
                organisation=tree.commune,
                received_on=timezone.localdate(),
                session=session,
                name="An",
                parts=[Part(Kind.FEEDBACK, "x")],
            ),
            actor=people.receptionist,
        )
    with pytest.raises(ReceptionError):
        log_entry_add(
            visit=Visit(
                organisation=tree.commune,
                received_on=timezone.localdate() + dt.timedelta(days=1),
                name="An",
                parts=[Part(Kind.FEEDBACK, "x")],
            ),
            actor=people.receptionist,
        )
