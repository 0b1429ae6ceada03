"""Demo data for meetings with the people (called by `manage.py demo` after the spine's data
exists, inside its transaction), made through the services as a user would.

xã Sa Thầy: the annual plan with a commune dialogue held about six weeks ago (minutes, five raised
issues with commitments: one done, one overdue, the others in progress; results published in
time), an upcoming dialogue announced in time with questions sent in advance and the follow-up of
the previous commitments, a dialogue of the heads of the party committee and government, the staff
conference of the year, the commune's voter roll and a voters' request under way (DC-6).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from langnghe.orgs.models import Organisation, Person, Position

from . import services
from .models import AnnualPlan, ConferenceKind, ConferenceMode

COMMUNE = "sathay"
CITIZENS = [
    ("Nguyễn Văn Tâm", "Thôn 1"),
    ("A Thuấn", "Làng Kon Xốp"),
    ("Y Nhung", "Làng Đăk Tông"),
    ("Trần Thị Hạnh", "Thôn 3"),
    ("Lê Văn Bình", "Thôn 4"),
]
ISSUES = [
    # (text, answer on the spot or "", commitment, responsible key, deadline offset from the
    #  conference, outcome: done / overdue / progress)
    (
        "Đường liên thôn từ Thôn 1 đi Làng Kon Xốp xuống cấp, mùa mưa xe máy không đi được.",
        "",
        "Khảo sát, lập dự toán và sửa các đoạn hư hỏng nặng bằng nguồn duy tu đường giao thông "
        "nông thôn năm nay.",
        "ubnd",
        35,
        "done",
    ),
    (
        "Một số hộ ở Làng Đăk Tông chưa được cấp giấy chứng nhận quyền sử dụng đất dù đã nộp hồ sơ "
        "từ năm trước.",
        "Đã có 12 hồ sơ đủ điều kiện, đang chờ đo đạc bổ sung.",
        "Rà soát toàn bộ hồ sơ tồn đọng, trả lời bằng văn bản cho từng hộ.",
        "dc",
        40,
        "overdue",
    ),
    (
        "Trạm y tế xã thiếu thuốc điều trị bệnh mạn tính cho người có thẻ bảo hiểm y tế.",
        "Trạm y tế đã được bổ sung một đợt thuốc trong tháng.",
        "Đề nghị Trung tâm Y tế khu vực bảo đảm cơ số thuốc; báo cáo kết quả tại hội nghị sau.",
        "vh",
        75,
        "progress",
    ),
    (
        "Đề nghị công khai danh sách hộ nghèo, cận nghèo được hỗ trợ năm nay tại nhà văn hóa thôn.",
        "",
        "Niêm yết danh sách tại nhà văn hóa các thôn và trên cổng thông tin của xã.",
        "vp",
        60,
        "progress",
    ),
    (
        "Điện chiếu sáng công cộng ở Thôn 4 hỏng nhiều tháng chưa sửa.",
        "",
        "Thay bóng đèn và sửa đường dây chiếu sáng Thôn 4.",
        "ubnd",
        90,
        "progress",
    ),
]
QUESTIONS = [
    (
        "recommendation",
        "Khi nào sửa xong cầu tràn Thôn 2? Mùa mưa năm nay nước lên bị chia cắt.",
        "Thôn 2",
    ),
    (
        "feedback",
        "Hồ sơ hỗ trợ nhà ở của gia đình tôi nộp từ tháng 5 chưa có trả lời.",
        "Làng Kon Xốp",
    ),
    (
        "suggestion",
        "Đề nghị xã tổ chức thêm lớp dạy nghề cho thanh niên người dân tộc thiểu số.",
        "",
    ),
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "A", "Y"]
GIVEN = [
    "Văn Hùng",
    "Thị Lan",
    "Minh",
    "Thị Mai",
    "Văn Nam",
    "Thị Hoa",
    "Đức",
    "Thị Thu",
    "Sang",
    "Blơng",
]
VILLAGES = ["Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4", "Làng Kon Xốp", "Làng Đăk Tông"]


def _at(day: dt.date, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _person(org: Organisation, title_start: str) -> Person | None:
    position = (
        Position.objects.filter(organisation=org, title__startswith=title_start)
        .select_related("person")
        .first()
    )
    return position.person if position else None


def build_demo(*, seed: int, out: Any) -> list[str]:
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__endswith=f"-xa-{COMMUNE}")}
    ubnd = orgs.get(f"ubnd-xa-{COMMUNE}")
    if ubnd is None:
        return []
    front = orgs[f"mttq-xa-{COMMUNE}"]
    office = orgs[f"van-phong-xa-{COMMUNE}"]
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["lanhdao", "xuly"])
    }
    leader, handler = users["lanhdao"], users["xuly"]
    rng = random.Random(seed)
    today = timezone.localdate()

    chair = _person(ubnd, "Chủ tịch UBND")
    council_rep = _person(orgs[f"hdnd-xa-{COMMUNE}"], "Phó Chủ tịch HĐND")
    secretary = _person(orgs[f"dang-uy-xa-{COMMUNE}"], "Bí thư")
    front_head = _person(front, "Chủ tịch Ủy ban MTTQ")
    land_officer = _person(ubnd, "Công chức Địa chính")
    culture_officer = _person(ubnd, "Công chức Văn hóa")
    chairs = [p for p in (chair, council_rep, front_head) if p is not None]
    responsible = {
        "ubnd": (ubnd, chair),
        "dc": (ubnd, land_officer),
        "vh": (ubnd, culture_officer),
        "vp": (office, None),
    }

    plans: dict[int, AnnualPlan] = {}

    def plan(year: int) -> AnnualPlan:
        if year not in plans:
            p = services.plan_create(
                organisation=ubnd,
                year=year,
                title=f"Kế hoạch tổ chức đối thoại, tiếp xúc với Nhân dân năm {year}",
                note="Thực hiện Điều 43 Luật Tổ chức chính quyền địa phương và Điều 32 Luật "
                "Thực hiện dân chủ ở cơ sở; phối hợp với Ủy ban MTTQ xã.",
                actor=leader,
            )
            approved = min(dt.date(year, 1, 15), today)
            plans[year] = services.plan_approve(plan=p, actor=leader, approved_on=approved)
        return plans[year]

    def dialogue(day: dt.date, title: str, topics: str, **kw: Any) -> Any:
        return services.conference_create(
            plan=plan(day.year),
            data=services.ConferenceData(
                kind=kw.pop("kind", ConferenceKind.COMMUNE_DIALOGUE),
                title=title,
                starts_at=_at(day),
                topics=topics,
                place=kw.pop("place", "Hội trường Ủy ban nhân dân xã Sa Thầy"),
                mode=kw.pop("mode", ConferenceMode.IN_PERSON),
                co_organiser=kw.pop("co_organiser", front),
                chair_people=kw.pop("chair_people", chairs),
                council_cochair=kw.pop("council_cochair", True),
                party_committee_invited=kw.pop("party_committee_invited", True),
                **kw,
            ),
            actor=leader,
        )

    # 1. The commune dialogue held ~6 weeks ago, with minutes, commitments and results.
    held_on = today - dt.timedelta(days=45)
    past = dialogue(
        held_on,
        "Hội nghị đối thoại giữa Ủy ban nhân dân xã với Nhân dân",
        "Giao thông nông thôn\nĐất đai, cấp giấy chứng nhận\nY tế, chính sách xã hội",
        expected_attendees=150,
    )
    services.conference_announce(
        conference=past,
        actor=leader,
        announced_on=held_on - dt.timedelta(days=10),
        channels="Loa truyền thanh xã, niêm yết tại trụ sở, trưởng thôn",
    )
    services.conference_hold(conference=past, actor=leader, held_on=held_on, attendees=132)
    speakers = []
    for name, village in CITIZENS:
        speakers.append(
            services.speaker_add(
                conference=past, actor=leader, type="citizen", name=name, role_or_village=village
            )
        )
    if chair is not None:
        services.speaker_add(
            conference=past,
            actor=leader,
            type="cadre",
            person=chair,
            role_or_village="Chủ tịch UBND xã",
            summary="Tiếp thu, trả lời và giao nhiệm vụ cho các bộ phận.",
        )
    issues = []
    for (text, answer, promise, key, offset, _outcome), speaker in zip(
        ISSUES, speakers, strict=True
    ):
        org, person = responsible[key]
        issues.append(
            services.raised_issue_record(
                conference=past,
                actor=leader,
                speaker=speaker,
                text=text,
                answered_on_spot=bool(answer),
                answer=answer,
                commitment_text=promise,
                responsible_org=org,
                responsible_person=person,
                deadline=held_on + dt.timedelta(days=offset),
            )
        )
    services.conference_minutes_close(
        conference=past,
        actor=leader,
        summary="Hội nghị ghi nhận 5 vấn đề; Chủ tịch UBND xã giao các bộ phận giải quyết và "
        "báo cáo kết quả tại hội nghị đối thoại tiếp theo.",
    )
    services.conference_results_publish(
        conference=past,
        actor=leader,
        summary="Ủy ban nhân dân xã thông báo kết quả hội nghị đối thoại: 132 người dự, 5 vấn đề "
        "được nêu, các cam kết giải quyết như dưới đây.",
        channels=["office_posting", "village_heads", "portal"],
        published_on=held_on + dt.timedelta(days=7),
    )
    for issue, spec in zip(issues, ISSUES, strict=True):
        outcome, commitment = spec[-1], issue.commitment
        if outcome == "done":
            services.commitment_progress_add(
                commitment=commitment,
                actor=handler,
                note="Đã khảo sát, lập dự toán.",
                on=held_on + dt.timedelta(days=10),
            )
            services.commitment_progress_add(
                commitment=commitment,
                actor=handler,
                note="Đã sửa xong 1,2 km đường hư hỏng.",
                on=min(held_on + dt.timedelta(days=30), today),
                done=True,
            )
        elif outcome == "overdue":
            services.commitment_progress_add(
                commitment=commitment,
                actor=handler,
                note="Đã rà soát 8/20 hồ sơ; chờ đo đạc bổ sung.",
                on=held_on + dt.timedelta(days=20),
            )
        elif rng.random() < 0.7:
            services.commitment_progress_add(
                commitment=commitment,
                actor=handler,
                note="Đang triển khai.",
                on=held_on + dt.timedelta(days=14),
            )

    # 2. The next commune dialogue, announced in time; questions arrive in advance.
    upcoming_day = today + dt.timedelta(days=12)
    upcoming = dialogue(
        upcoming_day,
        "Hội nghị đối thoại giữa Ủy ban nhân dân xã với Nhân dân (lần 2)",
        "Báo cáo kết quả thực hiện các cam kết tại hội nghị trước\nHỗ trợ nhà ở, hộ nghèo\n"
        "Cầu tràn Thôn 2",
        mode=ConferenceMode.IN_PERSON,
        online_link="https://www.facebook.com/ubndxasathay",
        expected_attendees=150,
    )
    services.conference_announce(
        conference=upcoming,
        actor=leader,
        announced_on=today - dt.timedelta(days=1),
        channels="Loa truyền thanh xã, cổng thông tin, trưởng thôn",
    )
    for kind, body, village in QUESTIONS:
        services.advance_question_submit(conference=upcoming, kind=kind, body=body, village=village)

    # 3. A dialogue of the heads of the party committee and government (Q11-6), planned.
    head_day = today + dt.timedelta(days=20)
    dialogue(
        head_day,
        "Đối thoại trực tiếp của Bí thư Đảng ủy, Chủ tịch UBND xã với Nhân dân Làng Kon Xốp",
        "Tranh chấp đất rẫy kéo dài ở Làng Kon Xốp",
        kind=ConferenceKind.PARTY_HEAD_DIALOGUE,
        trigger="citizens_request",
        place="Nhà rông Làng Kon Xốp",
        chair_people=[p for p in (secretary, chair) if p is not None],
        co_organiser=None,
        council_cochair=False,
    )

    # 4. The staff conference of the year (DC-7: by the end of March), held if the date passed.
    staff_day = dt.date(today.year, 3, 12)
    staff = services.conference_create(
        plan=plan(today.year),
        data=services.ConferenceData(
            kind=ConferenceKind.STAFF_CONFERENCE,
            title=f"Hội nghị cán bộ, công chức xã năm {today.year}",
            starts_at=_at(staff_day),
            topics=f"Tổng kết công tác năm {today.year - 1}\nKiểm điểm trách nhiệm người đứng đầu\n"
            "Quy chế chi tiêu nội bộ",
            place="Phòng họp Ủy ban nhân dân xã",
            chair_people=[p for p in (chair,) if p is not None],
            expected_attendees=32,
        ),
        actor=leader,
    )
    if staff_day < today:
        services.conference_announce(
            conference=staff, actor=leader, announced_on=staff_day - dt.timedelta(days=10)
        )
        services.conference_hold(conference=staff, actor=leader, held_on=staff_day, attendees=29)
        services.speaker_add(
            conference=staff,
            actor=leader,
            type="cadre",
            person=chair,
            name="" if chair is not None else "Chủ tịch UBND xã",
            role_or_village="Chủ tịch UBND xã",
            summary=f"Báo cáo tổng kết công tác năm {today.year - 1}.",
        )
        for text, votes in (
            (f"Thông qua báo cáo tổng kết công tác năm {today.year - 1}", 28),
            ("Thông qua Quy chế chi tiêu nội bộ sửa đổi", 24),
        ):
            services.resolution_record(conference=staff, actor=leader, text=text, votes_for=votes)
        services.conference_minutes_close(
            conference=staff,
            actor=leader,
            summary="Hội nghị đủ số lượng (29/32); thông qua 2 nghị quyết.",
        )

    # 5. The voter roll and a voters' request under way (DC-6).
    services.voter_roll_record(
        organisation=ubnd,
        voters=4812,
        as_of=min(dt.date(2026, 3, 15), today),
        source="Danh sách cử tri bầu cử đại biểu Quốc hội và HĐND các cấp, nhiệm kỳ 2026–2031",
        actor=leader,
    )
    supports = 23
    for i in range(supports):
        services.voter_support_add(
            organisation=ubnd,
            full_name=f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
            village=rng.choice(VILLAGES),
            phone_or_id=f"09{seed % 100:02d}{i:06d}",
            reason="Đối thoại về việc thu hồi đất làm đường vành đai" if i == 0 else "",
        )
    n_conferences = sum(p.conferences.count() for p in plans.values())
    return [
        f"Hội nghị, đối thoại: {n_conferences} hội nghị, {len(ISSUES)} cam kết, "
        f"{len(QUESTIONS)} câu hỏi gửi trước, {supports} cử tri đề nghị đối thoại / "
        f"Meetings: {n_conferences} conferences, {len(ISSUES)} commitments, "
        f"{len(QUESTIONS)} questions in advance, {supports} voters asking for a dialogue"
    ]
