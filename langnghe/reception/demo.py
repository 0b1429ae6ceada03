"""Demo data for citizen reception (called by `manage.py demo` after the spine's organisations,
people and items exist, inside its transaction), made through the services as staff would.

xã Sa Thầy and the province: reception sites with their hours; the periodic sessions of the
commune party secretary, the commune chair and the provincial heads over the last two months
(held, logged, some with their conclusion notices) and the next weeks (published, with slots and a
few bookings); a reception log whose entries created items; a refusal with its Mẫu 01/TCD notice;
the commune party secretary one session short of the quota last month (Q11-4).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from langnghe.core.calendar import get_calendar
from langnghe.intake.models import Kind
from langnghe.intake.services import Part
from langnghe.orgs.models import Organisation, Person, Position

from . import services
from .models import (
    AdhocGround,
    Capacity,
    OnlineCase,
    RefusalGround,
    SessionForm,
    SessionKind,
    SessionStatus,
)

COMMUNE = "sathay"
CITIZENS = [
    ("Nguyễn Thị Lan", "Thôn 1, xã Sa Thầy"),
    ("A Ngưm", "Làng Kon Xốp, xã Sa Thầy"),
    ("Y Bling", "Làng Đăk Tông, xã Sa Thầy"),
    ("Trần Văn Quý", "Thôn 3, xã Sa Thầy"),
    ("Lê Thị Thu", "Thôn 4, xã Sa Thầy"),
    ("Rơ Châm Hiền", "Làng Rờ Kơi, xã Sa Thầy"),
    ("Phạm Văn Đức", "Thôn 2, xã Sa Thầy"),
    ("Đinh Thị Mai", "Thôn 5, xã Sa Thầy"),
]
VISITS = [
    (
        Kind.RECOMMENDATION,
        "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho thửa đất gia đình đã ở ổn định từ năm 1998.",
    ),
    (Kind.FEEDBACK, "Phản ánh đoạn đường bê tông thôn 3 mới làm đã nứt, đọng nước."),
    (
        Kind.COMPLAINT,
        "Khiếu nại mức bồi thường khi thu hồi đất làm đường tránh, đơn giá thấp hơn đất liền kề.",
    ),
    (Kind.FEEDBACK, "Phản ánh việc xả nước thải chăn nuôi heo ra suối ở làng Kon Xốp."),
    (Kind.RECOMMENDATION, "Kiến nghị sửa cầu tràn qua suối Đăk Tông trước mùa mưa."),
    (Kind.SUGGESTION, "Góp ý niêm yết công khai danh sách hộ nghèo tại nhà văn hóa thôn."),
]


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _head(org: Organisation, name: str, title: str) -> Person:
    """The head of ``org``; the spine's demo names no provincial heads, so make one if needed."""
    pos = (
        Position.objects.filter(organisation=org, role=Position.Role.HEAD)
        .select_related("person")
        .first()
    )
    if pos is not None:
        return pos.person
    person = Person.objects.create(full_name=name, is_party_member=True)
    Position.objects.create(
        person=person,
        organisation=org,
        title=title,
        role=Position.Role.HEAD,
        valid_from=dt.date(2025, 7, 1),
    )
    return person


def _month_days(first: dt.date, picks: list[int]) -> list[dt.date]:
    """Working days of a month, the n-th ones (1-based) in ``picks``."""
    cal = get_calendar()
    days = []
    day = first
    while day.month == first.month:
        if cal.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return [days[i - 1] for i in picks if i - 1 < len(days)]


def build_demo(*, seed: int, out: Any) -> list[str]:
    rng = random.Random(seed)
    cal = get_calendar()
    today = timezone.localdate()
    try:
        dang_uy = Organisation.objects.get(slug=f"dang-uy-xa-{COMMUNE}")
        ubnd = Organisation.objects.get(slug=f"ubnd-xa-{COMMUNE}")
        tinh_uy = Organisation.objects.get(slug="tinh-uy")
        ubnd_tinh = Organisation.objects.get(slug="ubnd-tinh")
    except Organisation.DoesNotExist:
        return []
    leader = _user("lanhdao")
    receptionist = _user("tiepnhan")
    province_admin = _user("admin")
    if leader is None or receptionist is None or province_admin is None:
        return []

    secretary = _head(dang_uy, "", "")
    chair = _head(ubnd, "", "")
    province_secretary = _head(tinh_uy, "Hồ Văn Niên", "Bí thư Tỉnh ủy Quảng Ngãi")
    province_chair = _head(ubnd_tinh, "Nguyễn Hoàng Giang", "Chủ tịch UBND tỉnh Quảng Ngãi")

    commune_site = services.site_save(
        actor=leader,
        organisation=ubnd,
        name="Phòng tiếp công dân xã Sa Thầy",
        address="Trụ sở HĐND - UBND xã Sa Thầy, Thôn 1, xã Sa Thầy, tỉnh Quảng Ngãi",
        regular_hours="Thứ Hai đến thứ Sáu: sáng 7g30–11g00, chiều 13g30–16g30 (trừ ngày lễ).\n"
        "Lãnh đạo tiếp định kỳ theo lịch công bố trên trang này.",
        phone="0260 3820 123",
        online=True,
    )
    province_site = services.site_save(
        actor=province_admin,
        organisation=ubnd_tinh,
        name="Trụ sở Tiếp công dân tỉnh Quảng Ngãi",
        address="Số 52 Hùng Vương, phường Cẩm Thành, tỉnh Quảng Ngãi",
        regular_hours="Thứ Hai đến thứ Sáu: sáng 7g00–11g00, chiều 13g30–17g00.",
        phone="0255 3822 000",
        online=True,
    )

    def session(
        org,
        head,
        capacity,
        day,
        actor,
        *,
        site=commune_site,
        content="",
        start=(7, 30),
        kind=SessionKind.PERIODIC,
        **kw,
    ):
        return services.session_create(
            data=services.SessionInput(
                organisation=org,
                kind=kind,
                date=day,
                start_time=dt.time(*start),
                end_time=dt.time(start[0] + 3, start[1]),
                site=site,
                head=head,
                capacity=capacity,
                participants=kw.pop(
                    "participants", "Đại diện Văn phòng, công chức Địa chính, Tư pháp"
                ),
                expected_content=content
                or "Tiếp công dân định kỳ; các vụ việc đất đai, chính sách.",
                slot_minutes=30,
                slot_capacity=2,
                **kw,
            ),
            actor=actor,
        )

    held: list[Any] = []
    citizen_no = 0

    def hold(s, actor, *, late: bool = False):
        on = cal.add_working_days(s.date, -4 if late else -7)
        services.session_publish(session=s, actor=actor, on=on)
        return services.session_hold(session=s, actor=actor, held_on=s.date)

    def visit(s, kind, body, *, actor=receptionist):
        nonlocal citizen_no
        name, address = CITIZENS[citizen_no % len(CITIZENS)]
        citizen_no += 1
        return services.log_entry_add(
            visit=services.Visit(
                organisation=s.organisation,
                received_on=s.date,
                session=s,
                name=name,
                address=address,
                id_number=f"0620{rng.randrange(10**8):08d}",
                parts=[Part(kind, body)],
                within_competence=kind != Kind.COMPLAINT or rng.random() < 0.5,
                follow_up="Đã chuyển bộ phận chuyên môn xử lý",
            ),
            actor=actor,
        )

    # The last two full months: the chair twice a month (TCD-4b), the secretary twice except
    # last month (Q11-4: behind), the provincial heads once a month (Q11-3, TCD-3).
    first_this = today.replace(day=1)
    months = []
    m = first_this
    for _ in range(2):
        m = (m - dt.timedelta(days=1)).replace(day=1)
        months.append(m)
    months.reverse()
    entries = 0
    for index, month in enumerate(months):
        last = index == len(months) - 1
        for day in _month_days(month, [3, 13]):
            s = hold(
                session(ubnd, chair, Capacity.CHAIR, day, leader),
                leader,
                late=index == 0 and day.day < 10,
            )
            held.append(s)
        for day in _month_days(month, [6] if last else [6, 16]):
            s = hold(
                session(dang_uy, secretary, Capacity.PARTY_HEAD, day, leader, start=(13, 30)),
                leader,
            )
            held.append(s)
        for day in _month_days(month, [9]):
            hold(
                session(
                    ubnd_tinh,
                    province_chair,
                    Capacity.CHAIR,
                    day,
                    province_admin,
                    site=province_site,
                ),
                province_admin,
            )
            s = hold(
                session(
                    tinh_uy,
                    province_secretary,
                    Capacity.PARTY_HEAD,
                    _month_days(month, [11])[0],
                    province_admin,
                    site=province_site,
                ),
                province_admin,
            )
    # Log visits for the commune sessions; conclusion notices for all but the latest few.
    for i, s in enumerate(held):
        for kind, body in rng.sample(VISITS, 2 if i >= len(held) - 2 else 1):
            visit(s, kind, body, actor=receptionist)
            entries += 1
        s.refresh_from_db()
        if i < len(held) - 2:
            notice_day = min(cal.add_working_days(s.date, 3), today)
            services.conclusion_issue(
                session=s,
                actor=leader,
                number=f"{20 + i}/TB-{'UBND' if s.organisation == ubnd else 'ĐU'}",
                issued_on=notice_day,
                content=(
                    "1. Giao công chức Địa chính - Xây dựng kiểm tra, xác minh hồ sơ đất đai của các hộ "
                    "đã trình bày, báo cáo kết quả trước ngày làm việc thứ 10.\n"
                    "2. Giao Văn phòng HĐND - UBND xã theo dõi, đôn đốc; trả lời bằng văn bản cho công dân "
                    "theo thời hạn luật định."
                ),
                recipients="Thường trực Đảng ủy xã\nCông chức Địa chính - Xây dựng\nCông dân có liên quan\nLưu: VT",
                signer=s.head.full_name if s.head else "",
            )
            if i < len(held) - 5:
                services.session_advance(session=s, actor=leader, to=SessionStatus.FOLLOW_UP)

    # A refusal with its written notice (TCD-7, TCD-7c), in the last month.
    refusal_day = _month_days(months[-1], [13])[0]
    refused = services.log_entry_add(
        visit=services.Visit(
            organisation=ubnd,
            received_on=refusal_day,
            name="Võ Văn Kiên",
            address="Thôn 2, xã Sa Thầy",
            summary="Tiếp tục khiếu nại việc thu hồi đất năm 2019 đã có quyết định giải quyết lần hai.",
            refusal_ground=RefusalGround.PERSISTENT,
            refusal_explanation=(
                "Vụ việc đã được giải quyết đúng chính sách, pháp luật, đã kiểm tra, rà soát và thông "
                "báo bằng văn bản; công dân không nêu tình tiết mới."
            ),
        ),
        actor=receptionist,
    )
    assert refused.entry.refusal.notice_due is not None
    services.refusal_notice_issue(
        refusal=refused.entry.refusal,
        actor=receptionist,
        number="15/TB-UBND",
        issued_on=min(cal.add_working_days(refusal_day, 2), today),
        signer=chair.full_name,
    )

    # Coming weeks: published schedules with slots and a few bookings; one online ad-hoc session
    # still being prepared; one session postponed to a new date.
    upcoming = []
    chair_next = session(
        ubnd,
        chair,
        Capacity.CHAIR,
        cal.add_working_days(today, 6),
        leader,
        content="Đất đai, bồi thường giải phóng mặt bằng đường tránh; chính sách giảm nghèo.",
    )
    services.session_publish(session=chair_next, actor=leader)
    upcoming.append(chair_next)
    sec_next = session(
        dang_uy,
        secretary,
        Capacity.PARTY_HEAD,
        cal.add_working_days(today, 9),
        leader,
        start=(13, 30),
        content="Phản ánh về cán bộ, đảng viên; việc thực hiện quy chế dân chủ ở thôn.",
    )
    services.session_publish(session=sec_next, actor=leader)
    upcoming.append(sec_next)
    prov_next = session(
        ubnd_tinh,
        province_chair,
        Capacity.CHAIR,
        cal.add_working_days(today, 12),
        province_admin,
        site=province_site,
        content="Các vụ việc khiếu nại đông người về đất đai.",
    )
    services.session_publish(session=prov_next, actor=province_admin)
    upcoming.append(prov_next)
    moved = session(ubnd, chair, Capacity.CHAIR, cal.add_working_days(today, 3), leader)
    services.session_publish(session=moved, actor=leader, on=cal.add_working_days(today, -4))
    services.session_postpone(
        session=moved,
        actor=leader,
        reason="Chủ tịch UBND xã họp đột xuất về phòng, chống bão số 13.",
        new_date=cal.add_working_days(today, 14),
    )
    session(
        ubnd,
        chair,
        Capacity.CHAIR,
        cal.add_working_days(today, 8),
        leader,
        kind=SessionKind.ADHOC,
        form=SessionForm.ONLINE,
        site=commune_site,
        adhoc_ground=AdhocGround.COMPLEX,
        adhoc_note="Tranh chấp ranh giới đất giữa 12 hộ làng Kon Xốp và công ty cao su.",
        online_case=OnlineCase.REMOTE,
    )
    bookings = 0
    for s in upcoming[:2]:
        slots = list(s.slots.all()[:3])
        for slot in slots:
            name, address = CITIZENS[(bookings + 3) % len(CITIZENS)]
            services.booking_create(
                session=s,
                slot_id=slot.pk,
                name=name,
                phone=f"09{rng.randrange(10**8):08d}",
                address=address,
                content=rng.choice(VISITS)[1][:200],
            )
            bookings += 1

    return [
        "Tiếp công dân / Citizen reception:",
        f"  địa điểm / sites: 2, buổi tiếp đã tiếp / sessions held: {len(held) + 2 * len(months)}, "
        f"sắp tới / upcoming: {len(upcoming)}, đăng ký / bookings: {bookings}",
        f"  sổ tiếp công dân / reception log: {entries + 1} lượt / entries (1 từ chối, Mẫu 01/TCD / 1 refusal)",
        f"  Bí thư Đảng ủy xã Sa Thầy thiếu định mức tháng {months[-1]:%m/%Y} (Q11-4) / "
        f"the commune party secretary is behind on the quota",
    ]
