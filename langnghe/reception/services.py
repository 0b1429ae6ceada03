"""Citizen reception: every write, each in one transaction, permission-checked and audited.

Shape of each transition (STYLE.md): guard → set → save → audit row. The rules with legal
time limits or quotas read their values from policies/reception.yaml (langnghe.reception.policy).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError, NotFound, PermissionDenied
from langnghe.core.text import clean_text, is_digits
from langnghe.handling.rules import can
from langnghe.intake import receipts, vault
from langnghe.intake.models import Channel, Kind
from langnghe.intake.services import Part, Submission, item_submit
from langnghe.orgs.models import Organisation, Person, Position, active_q

from . import policy
from .models import (
    Booking,
    BookingStatus,
    Capacity,
    ConclusionNotice,
    ReceptionLogEntry,
    ReceptionSession,
    ReceptionSite,
    Refusal,
    SessionForm,
    SessionKind,
    SessionSlot,
    SessionStatus,
)

MAX_TEXT = 5000
MAX_SLOTS = 60
BOOKING_PREFIX = "LT"


class ReceptionError(ApplicationError):
    INVALID = "reception.invalid"
    INVALID_TRANSITION = "reception.invalid_transition"
    LATE = "reception.late"
    FULL = "reception.full"
    NOT_HEAD = "reception.not_head"
    DELEGATION = "reception.delegation"
    ONLINE = "reception.online"
    REFUSAL = "reception.refusal"


def _clean(
    value: str | None, limit: int = MAX_TEXT, *, required: bool = False, label: Any = ""
) -> str:
    return clean_text(value, label=label, limit=limit, required=required, error=ReceptionError)


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied()


def _lock(session: ReceptionSession) -> ReceptionSession:
    return ReceptionSession.objects.select_for_update(of=("self",)).get(pk=session.pk)


# -- sites ------------------------------------------------------------------------------------


@transaction.atomic
def site_save(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    address: str,
    regular_hours: str = "",
    phone: str = "",
    online: bool = False,
    active: bool = True,
    site: ReceptionSite | None = None,
) -> ReceptionSite:
    """Create or update a reception site and its regular hours (TCD-8: published)."""
    _require(actor, "reception.manage_sessions", organisation)
    if site is not None:
        _require(actor, "reception.manage_sessions", site.organisation)
    else:
        site = ReceptionSite(organisation=organisation)
    site.organisation = organisation
    site.name = _clean(name, 200, required=True, label=_("tên địa điểm"))
    site.address = _clean(address, 255, required=True, label=_("địa chỉ"))
    site.regular_hours = _clean(regular_hours, 2000)
    site.phone = _clean(phone, 30)
    site.online = bool(online)
    site.active = bool(active)
    created = site.pk is None
    site.save()
    audit_event_record(
        action="reception.site_created" if created else "reception.site_updated",
        obj=site,
        actor=actor,
        data={"name": site.name},
    )
    return site


# -- sessions ---------------------------------------------------------------------------------


@dataclass
class SessionInput:
    organisation: Organisation
    kind: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    site: ReceptionSite | None = None
    form: str = SessionForm.IN_PERSON
    head: Person | None = None
    capacity: str = Capacity.OTHER
    participants: str = ""
    expected_content: str = ""
    adhoc_ground: str = ""
    adhoc_note: str = ""
    online_case: str = ""
    slot_minutes: int = 20
    slot_capacity: int = 1
    booking_open: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def head_holds_post(person: Person, org: Organisation, day: dt.date) -> bool:
    """The person heads the organisation on the day (TCD-5: periodic reception is the head's own)."""
    return Position.objects.filter(
        active_q(day), person=person, organisation=org, role=Position.Role.HEAD
    ).exists()


def _site_serves(site: ReceptionSite, org: Organisation) -> bool:
    """A site serves the organisations of its own subtree or line, and those of the same commune
    or province (the party committee and the people's committee often share one site)."""
    a, b = site.organisation, org
    if a.path.startswith(b.path) or b.path.startswith(a.path):
        return True
    return a.admin_unit_id is not None and a.admin_unit_id == b.admin_unit_id


def _validate_session(data: SessionInput) -> None:
    if data.kind not in SessionKind.values:
        raise ReceptionError(ReceptionError.INVALID, _("Loại buổi tiếp không hợp lệ (TCD-1)."))
    if data.form not in SessionForm.values:
        raise ReceptionError(ReceptionError.INVALID, _("Hình thức tiếp không hợp lệ (TCD-2)."))
    if data.capacity not in Capacity.values:
        raise ReceptionError(ReceptionError.INVALID, _("Tư cách tiếp không hợp lệ."))
    if data.end_time <= data.start_time:
        raise ReceptionError(ReceptionError.INVALID, _("Giờ kết thúc phải sau giờ bắt đầu."))
    if data.site is not None and not _site_serves(data.site, data.organisation):
        raise ReceptionError(ReceptionError.INVALID, _("Địa điểm tiếp không thuộc đơn vị này."))
    if data.form == SessionForm.IN_PERSON and data.site is None:
        raise ReceptionError(ReceptionError.INVALID, _("Vui lòng chọn địa điểm tiếp."))
    # Q11-5 / TCD-6: an ad-hoc session states its ground.
    if data.kind == SessionKind.ADHOC and data.adhoc_ground not in policy.book().setting(
        "adhoc_grounds", []
    ):
        raise ReceptionError(
            ReceptionError.INVALID,
            _(
                "Tiếp đột xuất phải nêu căn cứ: vụ việc phức tạp, đông người hoặc có thể gây hậu quả nghiêm trọng (Q11-5, TCD-6)."
            ),
        )
    if data.form == SessionForm.ONLINE:
        if not policy.online_allowed_on(data.date):
            raise ReceptionError(
                ReceptionError.ONLINE,
                _("Tiếp công dân trực tuyến chỉ áp dụng từ ngày 01/7/2026 (TCD-2, TCD-14)."),
            )
        if data.online_case not in policy.book().setting("online_eligible_cases", []):
            raise ReceptionError(
                ReceptionError.ONLINE,
                _("Vui lòng chọn trường hợp được tiếp trực tuyến (TCD-14)."),
            )
    # Capacity: a session counts for a head's quota only if that person heads the organisation.
    if data.capacity != Capacity.OTHER:
        if data.head is None:
            raise ReceptionError(
                ReceptionError.NOT_HEAD, _("Vui lòng chọn người đứng đầu chủ trì buổi tiếp.")
            )
        expected = policy.capacity_of(data.organisation)
        if expected != data.capacity:
            raise ReceptionError(
                ReceptionError.INVALID, _("Tư cách tiếp không phù hợp với loại đơn vị.")
            )
        if not head_holds_post(data.head, data.organisation, data.date):
            raise ReceptionError(
                ReceptionError.NOT_HEAD,
                _("%(name)s không phải người đứng đầu đơn vị vào ngày tiếp.")
                % {"name": data.head.full_name},
            )
    elif data.kind == SessionKind.PERIODIC and data.organisation.kind in {
        Organisation.Kind.PEOPLES_COMMITTEE,
        Organisation.Kind.AGENCY,
    }:
        # TCD-5 (Luật 136/2025): heads of state bodies may not delegate periodic reception.
        if policy.tcd_rule_set_on(data.date) == "tcd_2026" and not policy.book().setting(
            "delegation_to_deputy_allowed", False
        ):
            raise ReceptionError(
                ReceptionError.DELEGATION,
                _(
                    "Từ 01/7/2026, người đứng đầu không được ủy quyền cho cấp phó tiếp công dân định kỳ (TCD-5)."
                ),
            )
    if not 5 <= int(data.slot_minutes) <= 240:
        raise ReceptionError(ReceptionError.INVALID, _("Thời lượng mỗi lượt từ 5 đến 240 phút."))
    if not 1 <= int(data.slot_capacity) <= 50:
        raise ReceptionError(ReceptionError.INVALID, _("Số người mỗi lượt từ 1 đến 50."))


def _make_slots(session: ReceptionSession) -> None:
    start = dt.datetime.combine(session.date, session.start_time)
    end = dt.datetime.combine(session.date, session.end_time)
    step = dt.timedelta(minutes=session.slot_minutes)
    slots: list[SessionSlot] = []
    while start + step <= end and len(slots) < MAX_SLOTS:
        slots.append(
            SessionSlot(
                session=session,
                start=start.time(),
                end=(start + step).time(),
                capacity=session.slot_capacity,
            )
        )
        start += step
    SessionSlot.objects.bulk_create(slots)


@transaction.atomic
def session_create(*, data: SessionInput, actor: Any) -> ReceptionSession:
    """Plan a session (status planned); bookable slots are made from its hours."""
    _require(actor, "reception.manage_sessions", data.organisation)
    _validate_session(data)
    session = ReceptionSession.objects.create(
        organisation=data.organisation,
        site=data.site,
        kind=data.kind,
        form=data.form,
        head=data.head,
        capacity=data.capacity,
        date=data.date,
        start_time=data.start_time,
        end_time=data.end_time,
        participants=_clean(data.participants, 2000),
        expected_content=_clean(data.expected_content, 2000),
        adhoc_ground=data.adhoc_ground if data.kind == SessionKind.ADHOC else "",
        adhoc_note=_clean(data.adhoc_note, 2000),
        online_case=data.online_case if data.form == SessionForm.ONLINE else "",
        publish_due=policy.publish_due(data.date) if data.kind == SessionKind.PERIODIC else None,
        slot_minutes=int(data.slot_minutes),
        slot_capacity=int(data.slot_capacity),
        booking_open=bool(data.booking_open) and data.kind != SessionKind.REGULAR,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _make_slots(session)
    audit_event_record(
        action="reception.session_created",
        obj=session,
        actor=actor,
        data={"kind": session.kind, "date": session.date.isoformat(), "form": session.form},
    )
    return session


def publish_check(session: ReceptionSession, on: dt.date) -> tuple[dt.date | None, bool]:
    """TCD-8 (and TCD-14 for online sessions): the latest allowed publication day and whether
    publishing on ``on`` is late. Ad-hoc and standing sessions have no advance notice rule."""
    dues = []
    if session.kind == SessionKind.PERIODIC:
        dues.append(policy.publish_due(session.date))
    if session.form == SessionForm.ONLINE:
        rule = policy.book().rule("online_notify_before", session.date)
        dues.append(rule.before(session.date))
    known = [d for d in dues if d is not None]
    due = min(known) if known else None
    return due, (due is not None and on > due)


@transaction.atomic
def session_publish(
    *, session: ReceptionSession, actor: Any, on: dt.date | None = None
) -> ReceptionSession:
    """planned → schedule_published. Late publishing (TCD-8) is allowed but flagged."""
    _require(actor, "reception.manage_sessions", session)
    session = _lock(session)
    on = on or timezone.localdate()
    if session.status != SessionStatus.PLANNED:
        raise ReceptionError(
            ReceptionError.INVALID_TRANSITION, _("Chỉ công bố được buổi tiếp đang dự kiến.")
        )
    if session.date < on:
        raise ReceptionError(
            ReceptionError.LATE, _("Buổi tiếp đã qua: không công bố lịch được nữa.")
        )
    due, late = publish_check(session, on)
    session.status = SessionStatus.SCHEDULE_PUBLISHED
    session.published_on = on
    session.publish_due = due
    session.publish_late = late
    session.save(update_fields=["status", "published_on", "publish_due", "publish_late"])
    audit_event_record(
        action="reception.session_published",
        obj=session,
        actor=actor,
        data={"on": on.isoformat(), "due": due.isoformat() if due else None, "late": late},
    )
    return session


@transaction.atomic
def session_postpone(
    *,
    session: ReceptionSession,
    actor: Any,
    reason: str,
    new_date: dt.date | None = None,
    new_start: dt.time | None = None,
    new_end: dt.time | None = None,
) -> ReceptionSession:
    """planned / schedule_published → postponed, with the reason and, if known, the new time
    (RULES.md §12: "valid reason; announce new expected time"). The new session is planned and
    published on its own (TCD-8 applies to it again)."""
    _require(actor, "reception.manage_sessions", session)
    session = _lock(session)
    if session.status not in {SessionStatus.PLANNED, SessionStatus.SCHEDULE_PUBLISHED}:
        raise ReceptionError(
            ReceptionError.INVALID_TRANSITION, _("Buổi tiếp này không hoãn được nữa.")
        )
    reason = _clean(reason, 2000, required=True, label=_("lý do hoãn"))
    if len(reason) < 5:
        raise ReceptionError(ReceptionError.INVALID, _("Vui lòng ghi rõ lý do hoãn."))
    new = None
    if new_date is not None:
        if new_date <= session.date:
            raise ReceptionError(
                ReceptionError.INVALID, _("Ngày tiếp mới phải sau ngày đã công bố.")
            )
        new = session_create(
            data=SessionInput(
                organisation=session.organisation,
                kind=session.kind,
                date=new_date,
                start_time=new_start or session.start_time,
                end_time=new_end or session.end_time,
                site=session.site,
                form=session.form,
                head=session.head,
                capacity=session.capacity,
                participants=session.participants,
                expected_content=session.expected_content,
                adhoc_ground=session.adhoc_ground,
                adhoc_note=session.adhoc_note,
                online_case=session.online_case,
                slot_minutes=session.slot_minutes,
                slot_capacity=session.slot_capacity,
                booking_open=session.booking_open,
            ),
            actor=actor,
        )
    session.status = SessionStatus.POSTPONED
    session.postponed_reason = reason
    session.rescheduled_to = new
    session.save(update_fields=["status", "postponed_reason", "rescheduled_to"])
    audit_event_record(
        action="reception.session_postponed",
        obj=session,
        actor=actor,
        data={"reason": reason[:500], "new_session": new.pk if new else None},
    )
    return session


@transaction.atomic
def session_hold(
    *,
    session: ReceptionSession,
    actor: Any,
    held_on: dt.date | None = None,
    connection_tested_on: dt.date | None = None,
    recording_kept: bool = False,
) -> ReceptionSession:
    """schedule_published → held (an ad-hoc or standing session may go straight from planned).

    TCD-14: an online session must be recorded (audio and video); the connection test is noted,
    and flagged when it was later than 1 working day before."""
    _require(actor, "reception.manage_sessions", session)
    session = _lock(session)
    allowed = {SessionStatus.SCHEDULE_PUBLISHED}
    if session.kind in {SessionKind.ADHOC, SessionKind.REGULAR}:
        allowed.add(SessionStatus.PLANNED)
    if session.status not in allowed:
        raise ReceptionError(
            ReceptionError.INVALID_TRANSITION,
            _("Chỉ ghi nhận đã tiếp cho buổi tiếp đã công bố lịch (TCD-8)."),
        )
    held_on = held_on or session.date
    if held_on > timezone.localdate():
        raise ReceptionError(ReceptionError.INVALID, _("Buổi tiếp chưa diễn ra."))
    fields = ["status", "held_on"]
    if session.form == SessionForm.ONLINE:
        if not recording_kept:
            raise ReceptionError(
                ReceptionError.ONLINE,
                _("Tiếp trực tuyến phải được ghi âm, ghi hình và lưu trữ (TCD-14)."),
            )
        if connection_tested_on is None:
            raise ReceptionError(
                ReceptionError.ONLINE,
                _("Vui lòng nhập ngày kiểm tra đường truyền (TCD-14)."),
            )
        due = policy.online_test_due(session.date)
        session.connection_tested_on = connection_tested_on
        session.connection_test_late = due is not None and connection_tested_on > due
        session.recording_kept = True
        fields += ["connection_tested_on", "connection_test_late", "recording_kept"]
    session.status = SessionStatus.HELD
    session.held_on = held_on
    session.save(update_fields=fields)
    # Bookings nobody turned up for stay "booked" until staff mark them; nothing automatic.
    audit_event_record(
        action="reception.session_held",
        obj=session,
        actor=actor,
        data={"held_on": held_on.isoformat()},
    )
    return session


NEXT = {
    SessionStatus.CONCLUSION_NOTICE_ISSUED: {SessionStatus.FOLLOW_UP, SessionStatus.CLOSED},
    SessionStatus.FOLLOW_UP: {SessionStatus.CLOSED},
    SessionStatus.LOGGED: {SessionStatus.CLOSED},
}


@transaction.atomic
def session_advance(*, session: ReceptionSession, actor: Any, to: str) -> ReceptionSession:
    """conclusion_notice_issued → follow_up → closed (RULES.md §12)."""
    _require(actor, "reception.manage_sessions", session)
    session = _lock(session)
    if to not in NEXT.get(SessionStatus(session.status), set()):
        raise ReceptionError(
            ReceptionError.INVALID_TRANSITION, _("Không chuyển được buổi tiếp sang bước này.")
        )
    if (
        to == SessionStatus.CLOSED
        and session.status == SessionStatus.LOGGED
        and session.capacity != Capacity.OTHER
    ):
        raise ReceptionError(
            ReceptionError.INVALID_TRANSITION,
            _(
                "Buổi tiếp của người đứng đầu phải có thông báo kết luận trước khi kết thúc (TCD-9c)."
            ),
        )
    old = session.status
    session.status = to
    session.save(update_fields=["status"])
    audit_event_record(
        action="reception.session_advanced", obj=session, actor=actor, data={"from": old, "to": to}
    )
    return session


@transaction.atomic
def conclusion_issue(
    *,
    session: ReceptionSession,
    actor: Any,
    number: str,
    issued_on: dt.date,
    content: str,
    recipients: str,
    signer: str,
) -> ConclusionNotice:
    """TCD-9c: a head's session, once logged, is closed with a written conclusion notice."""
    _require(actor, "reception.issue_conclusion", session)
    session = _lock(session)
    if session.status != SessionStatus.LOGGED:
        raise ReceptionError(
            ReceptionError.INVALID_TRANSITION,
            _("Thông báo kết luận ra sau khi buổi tiếp đã được ghi sổ (TCD-9c)."),
        )
    if session.head_id is None:
        raise ReceptionError(
            ReceptionError.INVALID, _("Chỉ buổi tiếp của người đứng đầu mới có thông báo kết luận.")
        )
    if issued_on < session.date or issued_on > timezone.localdate():
        raise ReceptionError(
            ReceptionError.INVALID,
            _("Ngày ban hành phải từ ngày tiếp đến hôm nay."),
        )
    notice = ConclusionNotice.objects.create(
        session=session,
        number=_clean(number, 60, required=True, label=_("số thông báo")),
        issued_on=issued_on,
        content=_clean(content, 20_000, required=True, label=_("nội dung kết luận")),
        recipients=_clean(recipients, 2000, required=True, label=_("nơi nhận")),
        signer=_clean(signer, 120, required=True, label=_("người ký")),
        issued_by=actor,
    )
    session.status = SessionStatus.CONCLUSION_NOTICE_ISSUED
    session.save(update_fields=["status"])
    audit_event_record(
        action="reception.conclusion_issued",
        obj=session,
        actor=actor,
        data={"notice": notice.pk, "number": notice.number},
    )
    return notice


# -- bookings ---------------------------------------------------------------------------------


def _new_booking_code() -> str:
    for _attempt in range(20):
        code = f"{BOOKING_PREFIX}-" + receipts.new_code()[3:]
        if not Booking.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not allocate a booking code")


def normalise_booking_code(code: str) -> str:
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if raw.startswith(BOOKING_PREFIX) and len(raw) == 8:
        return f"{BOOKING_PREFIX}-{raw[2:]}"
    return raw


def booking_closes_at(session: ReceptionSession) -> dt.datetime:
    hours = int(policy.book().setting("booking_closes_hours_before", 2))
    start = timezone.make_aware(dt.datetime.combine(session.date, session.start_time))
    return start - dt.timedelta(hours=hours)


def booking_is_open(session: ReceptionSession, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        session.booking_open
        and session.status == SessionStatus.SCHEDULE_PUBLISHED
        and now < booking_closes_at(session)
    )


@dataclass
class BookingResult:
    booking: Booking
    secret: str


@transaction.atomic
def booking_create(
    *,
    session: ReceptionSession,
    slot_id: int,
    name: str,
    phone: str,
    content: str,
    address: str = "",
) -> BookingResult:
    """A citizen books a place in a slot (no account). Name, phone, address and content are sealed
    in the vault; the code and a secret (shown once) let the citizen view or cancel it."""
    session = _lock(session)
    if not booking_is_open(session):
        raise ReceptionError(
            ReceptionError.INVALID_TRANSITION, _("Buổi tiếp này không còn nhận đăng ký trực tuyến.")
        )
    name = _clean(name, 120, required=True, label=_("họ và tên"))
    phone = _clean(phone, 20, required=True, label=_("số điện thoại"))
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not 9 <= len(digits) <= 12 or any(ch not in "0123456789 +.-" for ch in phone):
        raise ReceptionError(ReceptionError.INVALID, _("Số điện thoại không hợp lệ."))
    content = _clean(content, 1000, required=True, label=_("nội dung cần trình bày"))
    address = _clean(address, 255)
    try:
        slot = SessionSlot.objects.select_for_update().get(pk=slot_id, session=session)
    except (SessionSlot.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ReceptionError(ReceptionError.INVALID, _("Vui lòng chọn giờ tiếp.")) from None
    taken = slot.bookings.filter(status__in=[BookingStatus.BOOKED, BookingStatus.ATTENDED]).count()
    if taken >= slot.capacity:
        raise ReceptionError(
            ReceptionError.FULL, _("Giờ này đã đủ người đăng ký, vui lòng chọn giờ khác.")
        )
    code = _new_booking_code()
    secret = receipts.new_secret()
    sealed = vault.seal_bytes(
        json.dumps(
            {"name": name, "phone": phone, "address": address, "content": content},
            ensure_ascii=False,
        ).encode()
    )
    booking = Booking.objects.create(
        session=session,
        slot=slot,
        code=code,
        secret_hash=receipts.hash_secret(code, secret),
        sealed=sealed,
    )
    audit_event_record(
        action="reception.booking_created",
        obj=booking,
        actor_label="citizen",
        data={"session": session.pk, "slot": slot.pk},
    )
    return BookingResult(booking=booking, secret=secret)


def booking_by_receipt(*, code: str, secret: str) -> Booking:
    """The citizen's access to a booking: both parts, or "not found" alike for anything wrong."""
    code = normalise_booking_code(code)
    if not code or len(code) > 16 or not secret or len(secret) > 64:
        raise NotFound(_("Không tìm thấy đăng ký với mã và mật mã này."))
    booking = (
        Booking.objects.filter(code=code)
        .select_related(
            "session", "slot", "session__organisation", "session__site", "session__head"
        )
        .first()
    )
    stored = booking.secret_hash if booking is not None else "0" * 64
    if not receipts.secret_matches(code, secret, stored) or booking is None:
        raise NotFound(_("Không tìm thấy đăng ký với mã và mật mã này."))
    return booking


def booking_details(booking: Booking) -> dict[str, Any]:
    """The sealed part of a booking, for its own holder (the receipt) or through an audited
    reveal by reception staff."""
    return json.loads(vault.unseal_bytes(bytes(booking.sealed)))


@transaction.atomic
def booking_open_for_log(*, booking: Booking, actor: Any) -> dict[str, Any]:
    """What the booker wrote, to prefill the log when they come: reception staff of the
    organisation only, audited (TCD-9d)."""
    _require(actor, "reception.reveal_identity", booking.session)
    audit_event_record(action="reception.booking_opened_for_log", obj=booking, actor=actor)
    return booking_details(booking)


@transaction.atomic
def booking_cancel(*, code: str, secret: str) -> Booking:
    booking = booking_by_receipt(code=code, secret=secret)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != BookingStatus.BOOKED:
        raise ReceptionError(
            ReceptionError.INVALID_TRANSITION, _("Đăng ký này không hủy được nữa.")
        )
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    audit_event_record(action="reception.booking_cancelled", obj=booking, actor_label="citizen")
    return booking


@transaction.atomic
def booking_mark(*, booking: Booking, actor: Any, status: str) -> Booking:
    """Staff mark a booked citizen who did not come (no_show) or cancel for them."""
    _require(actor, "reception.keep_log", booking.session)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != BookingStatus.BOOKED or status not in {
        BookingStatus.NO_SHOW,
        BookingStatus.CANCELLED,
    }:
        raise ReceptionError(
            ReceptionError.INVALID_TRANSITION, _("Không đổi được trạng thái đăng ký này.")
        )
    booking.status = status
    if status == BookingStatus.CANCELLED:
        booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    audit_event_record(
        action="reception.booking_marked", obj=booking, actor=actor, data={"status": status}
    )
    return booking


@transaction.atomic
def booking_identities_reveal(
    *, session: ReceptionSession, actor: Any, reason: str
) -> dict[int, dict[str, Any]]:
    """Names and phones of a session's bookers, for reception staff of the organisation (to call
    them if the session moves): a reason and an audit row each time (TCD-9d)."""
    _require(actor, "reception.reveal_identity", session)
    reason = _clean(reason, 500)
    if len(reason) < 5:
        raise ReceptionError(
            ReceptionError.INVALID, _("Cần ghi rõ lý do xem danh tính (ít nhất 5 ký tự).")
        )
    bookings = list(session.bookings.all())
    audit_event_record(
        action="reception.booking_identities_revealed",
        obj=session,
        actor=actor,
        data={"reason": reason, "bookings": [b.pk for b in bookings]},
    )
    return {b.pk: booking_details(b) for b in bookings}


# -- the reception log ------------------------------------------------------------------------


@dataclass
class Visit:
    """One visit, as the receptionist writes it down (Mẫu 03/TCD)."""

    organisation: Organisation
    received_on: dt.date
    name: str = ""
    address: str = ""
    id_number: str = ""
    phone: str = ""
    parts: list[Part] = field(default_factory=list)
    summary: str = ""
    group_size: int = 1
    representatives: list[str] = field(default_factory=list)
    prior_bodies: str = ""
    within_competence: bool = True
    guidance: str = ""
    forwarded_to: str = ""
    follow_up: str = ""
    notes: str = ""
    session: ReceptionSession | None = None
    booking: Booking | None = None
    refusal_ground: str = ""
    refusal_explanation: str = ""
    topic: Any = None
    concerned_person: Person | None = None
    concerned_org: Organisation | None = None


@dataclass
class LogResult:
    entry: ReceptionLogEntry
    secret: str | None
    items: list[Any]


def _pseudonym(number: int, year: int) -> str:
    return f"Công dân #{number}/{year}"


@transaction.atomic
def log_entry_add(*, visit: Visit, actor: Any) -> LogResult:
    """Write one visit into the reception log and, unless the visit was refused, create its items
    in the spine (channel citizen_reception; one item per kind, TCD-10). All or nothing: if the
    items cannot be created, no log row exists either."""
    org = visit.organisation
    _require(actor, "reception.keep_log", org)
    today = timezone.localdate()
    if visit.received_on > today:
        raise ReceptionError(ReceptionError.INVALID, _("Ngày tiếp không được sau hôm nay."))
    session = visit.session
    if session is not None:
        session = _lock(session)
        if session.organisation_id != org.pk:
            raise ReceptionError(ReceptionError.INVALID, _("Buổi tiếp không thuộc đơn vị này."))
        if not session.is_held:
            raise ReceptionError(
                ReceptionError.INVALID_TRANSITION,
                _("Hãy ghi nhận buổi tiếp đã diễn ra trước khi ghi sổ."),
            )
    booking = visit.booking
    if booking is not None:
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if session is None or booking.session_id != session.pk:
            raise ReceptionError(ReceptionError.INVALID, _("Đăng ký không thuộc buổi tiếp này."))
        if booking.status != BookingStatus.BOOKED:
            raise ReceptionError(ReceptionError.INVALID_TRANSITION, _("Đăng ký này đã được xử lý."))
    name = _clean(visit.name, 120)
    address = _clean(visit.address, 255)
    id_number = _clean(visit.id_number, 20)
    phone = _clean(visit.phone, 20)
    if id_number and not (is_digits(id_number) and len(id_number) in (9, 12)):
        raise ReceptionError(
            ReceptionError.INVALID, _("Số CCCD gồm 12 chữ số (CMND cũ: 9 chữ số).")
        )
    refused = bool(visit.refusal_ground)
    if not refused and not name:
        raise ReceptionError(ReceptionError.INVALID, _("Vui lòng nhập họ tên công dân (TCD-9)."))
    if not isinstance(visit.group_size, int) or not 1 <= visit.group_size <= 100_000:
        raise ReceptionError(ReceptionError.INVALID, _("Số người phải từ 1 trở lên."))
    parts = [p for p in visit.parts if (p.body or "").strip()]
    kinds = [p.kind for p in parts]
    if any(k not in Kind.values for k in kinds) or len(set(kinds)) != len(kinds):
        raise ReceptionError(ReceptionError.INVALID, _("Mỗi loại đơn chỉ nhập một lần (TCD-10)."))
    if not refused and not parts:
        raise ReceptionError(
            ReceptionError.INVALID, _("Vui lòng nhập nội dung công dân trình bày.")
        )
    summary = _clean(visit.summary, 2000) or (parts[0].body.strip()[:300] if parts else "")
    if not summary:
        raise ReceptionError(ReceptionError.INVALID, _("Vui lòng nhập tóm tắt nội dung."))

    grounds: list[str] = []
    if refused:
        grounds = policy.refusal_grounds_on(visit.received_on)
        if visit.refusal_ground not in grounds:
            raise ReceptionError(
                ReceptionError.REFUSAL,
                _("Căn cứ từ chối không có trong quy định đang áp dụng (TCD-7, TCD-7b)."),
            )
        explanation = _clean(
            visit.refusal_explanation, 2000, required=True, label=_("giải thích lý do từ chối")
        )

    year = visit.received_on.year
    Organisation.objects.select_for_update().filter(pk=org.pk).first()  # serialise numbering
    last = ReceptionLogEntry.objects.filter(organisation=org, year=year).aggregate(n=Max("number"))
    number = (last["n"] or 0) + 1
    sealed = vault.seal_bytes(
        json.dumps(
            {"name": name, "address": address, "id_number": id_number, "phone": phone},
            ensure_ascii=False,
        ).encode()
    )
    entry = ReceptionLogEntry.objects.create(
        organisation=org,
        year=year,
        number=number,
        received_on=visit.received_on,
        session=session,
        booking=booking,
        sealed_identity=sealed,
        pseudonym=_pseudonym(number, year),
        summary=summary,
        kinds=kinds,
        group_size=visit.group_size,
        prior_bodies=_clean(visit.prior_bodies, 1000),
        within_competence=bool(visit.within_competence) and not refused,
        guidance=_clean(visit.guidance, 255),
        forwarded_to=_clean(visit.forwarded_to, 255),
        follow_up=_clean(visit.follow_up, 2000),
        notes=_clean(visit.notes, 2000),
        created_by=actor,
    )
    secret = None
    items: list[Any] = []
    if refused:
        due = policy.refusal_notice_due(visit.refusal_ground, visit.received_on)
        Refusal.objects.create(
            entry=entry,
            ground=visit.refusal_ground,
            rule_set=policy.tcd_rule_set_on(visit.received_on),
            explanation=explanation,
            needs_notice=due is not None,
            notice_due=due,
        )
    else:
        identity: dict[str, Any] = {
            "name": name,
            "address": address,
            "id_number": id_number,
            "phone": phone,
        }
        reps = [r.strip() for r in visit.representatives if r.strip()]
        if reps:
            identity["representatives"] = reps
        received_at = (
            None
            if visit.received_on == today
            else timezone.make_aware(dt.datetime.combine(visit.received_on, dt.time(9, 0)))
        )
        result = item_submit(
            submission=Submission(
                parts=parts,
                channel=Channel.CITIZEN_RECEPTION,
                receiving_org=org,
                identity=identity,
                group_size=visit.group_size,
                topic=visit.topic,
                concerned_person=visit.concerned_person,
                concerned_org=visit.concerned_org,
                channel_detail={
                    "reception_entry": entry.pk,
                    "session": session.pk if session else None,
                    "log_number": f"{number}/{year}",
                },
                received_at=received_at,
            ),
            actor=actor,
        )
        items = result.items
        secret = result.secret
        entry.items.set(items)
    if booking is not None:
        booking.status = BookingStatus.ATTENDED
        booking.save(update_fields=["status"])
    if session is not None and session.status == SessionStatus.HELD:
        session.status = SessionStatus.LOGGED
        session.save(update_fields=["status"])
    audit_event_record(
        action="reception.log_entry_added",
        obj=entry,
        actor=actor,
        data={
            "number": f"{number}/{year}",
            "refused": refused,
            "items": [i.code for i in items],
            "session": session.pk if session else None,
        },
    )
    return LogResult(entry=entry, secret=secret, items=items)


@transaction.atomic
def log_identities_reveal(
    *, entries: list[ReceptionLogEntry], actor: Any, reason: str
) -> dict[int, dict[str, Any]]:
    """TCD-9d: name, address and ID number of the log's visitors, for reception staff of the
    organisation only, with a reason, audited. Entries outside the actor's reach are skipped."""
    reason = _clean(reason, 500)
    if len(reason) < 5:
        raise ReceptionError(
            ReceptionError.INVALID, _("Cần ghi rõ lý do xem danh tính (ít nhất 5 ký tự).")
        )
    allowed = [e for e in entries if can(actor, "reception.reveal_identity", e)]
    if entries and not allowed:
        raise PermissionDenied()
    audit_event_record(
        action="reception.log_identities_revealed",
        actor=actor,
        data={"reason": reason, "entries": [e.pk for e in allowed]},
    )
    return {e.pk: json.loads(vault.unseal_bytes(bytes(e.sealed_identity))) for e in allowed}


@transaction.atomic
def refusal_notice_issue(
    *, refusal: Refusal, actor: Any, number: str, issued_on: dt.date, signer: str
) -> Refusal:
    """TCD-7c: the written refusal notice (Mẫu 01/TCD); late issue is recorded as such."""
    _require(actor, "reception.keep_log", refusal.entry.organisation)
    refusal = Refusal.objects.select_for_update().get(pk=refusal.pk)
    if refusal.notice_issued_on is not None:
        raise ReceptionError(
            ReceptionError.INVALID_TRANSITION, _("Thông báo từ chối đã được ban hành.")
        )
    if issued_on < refusal.entry.received_on or issued_on > timezone.localdate():
        raise ReceptionError(
            ReceptionError.INVALID, _("Ngày ban hành phải từ ngày tiếp đến hôm nay.")
        )
    refusal.notice_number = _clean(number, 60, required=True, label=_("số thông báo"))
    refusal.notice_signer = _clean(signer, 120, required=True, label=_("người ký"))
    refusal.notice_issued_on = issued_on
    refusal.save(update_fields=["notice_number", "notice_signer", "notice_issued_on"])
    audit_event_record(
        action="reception.refusal_notice_issued",
        obj=refusal,
        actor=actor,
        data={"number": refusal.notice_number, "late": refusal.notice_late},
    )
    return refusal


def session_q_public() -> Q:
    return ~Q(status=SessionStatus.PLANNED)
