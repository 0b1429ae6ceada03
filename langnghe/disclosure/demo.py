"""Demo data for disclosures (called by `manage.py demo` after the spine's data exists).

Xã Sa Thầy's party committee and people's committee publish in several categories (one of them
late, DC-2), record postings and loudspeaker readings (DC-3), receive comments that become items,
answer and publish some of them through the handling services; the commune heads' commitments for
2025 and 2026 are published (P99-2). Everything goes through this app's and the spine's services.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from langnghe.orgs.models import Organisation, Position

COMMUNE = "sathay"

PUBLICATIONS: list[dict[str, Any]] = [
    {
        "org": "dang_uy",
        "category": "p99_degradation_27",
        "title": "Công khai 27 biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, “tự diễn biến”, “tự chuyển hóa”",
        "reference": "45-TB/ĐU",
        "body": "Thực hiện Quyết định 99-QĐ/TW của Ban Bí thư, Đảng ủy xã công khai 27 biểu hiện suy thoái để Nhân dân biết, giám sát cán bộ, đảng viên.\n\nNhóm 1: 9 biểu hiện suy thoái về tư tưởng chính trị.\nNhóm 2: 9 biểu hiện suy thoái về đạo đức, lối sống.\nNhóm 3: 9 biểu hiện “tự diễn biến”, “tự chuyển hóa” trong nội bộ.\n\nMọi người dân phát hiện cán bộ, đảng viên có biểu hiện trên có thể góp ý trực tiếp, qua hòm thư góp ý, qua Mặt trận Tổ quốc hoặc qua mã QR trên bản niêm yết.",
        "decided": 62,
        "published": 60,
        "channels": [
            ("posting", "Bảng tin trụ sở Đảng ủy xã", 60, 30),
            ("cell_meeting", "Sinh hoạt các chi bộ thôn tháng 9", 55, None),
        ],
        "comments": [
            (
                "suggestion",
                "Đề nghị in to bản niêm yết và dán thêm ở chợ xã để bà con dễ đọc.",
                True,
            ),
            (
                "feedback",
                "Ở thôn 3 có cán bộ thôn thường xuyên uống rượu trong giờ làm việc.",
                False,
            ),
        ],
    },
    {
        "org": "dang_uy",
        "category": "p99_prohibitions_19",
        "title": "Công khai 19 điều đảng viên không được làm",
        "reference": "46-TB/ĐU",
        "body": "Đảng ủy xã công khai Quy định về những điều đảng viên không được làm để Nhân dân cùng giám sát.\n\nNhân dân góp ý về việc chấp hành của đảng viên nơi cư trú qua chi bộ thôn, Mặt trận Tổ quốc xã hoặc trang góp ý trực tuyến.",
        "decided": 58,
        "published": 57,
        "channels": [("cell_meeting", "Sinh hoạt chi bộ thôn 1 đến thôn 6", 50, None)],
        "comments": [],
    },
    {
        "org": "ubnd",
        "category": "p99_handling_results",
        "title": "Kết quả giải quyết phản ánh, kiến nghị của Nhân dân quý III",
        "reference": "128/TB-UBND",
        "body": "Trong quý III, Ủy ban nhân dân xã đã tiếp nhận 42 ý kiến phản ánh, kiến nghị; đã giải quyết 38 ý kiến, đang giải quyết 4 ý kiến.\n\nCác nội dung chủ yếu: đường giao thông nông thôn, thủy lợi nội đồng, cấp giấy chứng nhận quyền sử dụng đất.",
        "decided": 40,
        "published": 30,  # more than 5 working days after the decision: late (DC-2)
        "late_reason": "Chờ tổng hợp số liệu từ các thôn.",
        "channels": [
            ("posting", "Bảng tin trụ sở UBND xã", 30, 30),
            ("loudspeaker", "Đài truyền thanh xã", 29, 3),
        ],
        "comments": [
            (
                "recommendation",
                "Đề nghị công bố rõ 4 ý kiến đang giải quyết là những việc gì và hạn giải quyết.",
                True,
            ),
        ],
    },
    {
        "org": "dang_uy",
        "category": "p99_inspection_conclusions",
        "title": "Thông báo kết luận kiểm tra việc thực hiện quy chế dân chủ tại Chi bộ thôn 2",
        "reference": "12-TB/UBKT",
        "body": "Ủy ban Kiểm tra Đảng ủy xã đã kiểm tra việc thực hiện quy chế dân chủ ở cơ sở tại Chi bộ thôn 2. Kết luận: chi bộ cơ bản thực hiện tốt; còn chậm công khai các khoản đóng góp của Nhân dân. Yêu cầu chi bộ khắc phục trong quý IV.",
        "decided": 20,
        "published": 18,
        "channels": [("posting", "Nhà văn hóa thôn 2", 18, 30)],
        "comments": [
            (
                "suggestion",
                "Đề nghị sau khi khắc phục thì thông báo lại cho bà con thôn 2 biết.",
                False,
            ),
        ],
    },
    {
        "org": "ubnd",
        "category": "dc1_02_budget",
        "title": "Công khai dự toán ngân sách xã năm 2026 đã được Hội đồng nhân dân xã quyết định",
        "reference": "135/QĐ-UBND",
        "body": "Tổng thu ngân sách xã: 12.450 triệu đồng. Tổng chi ngân sách xã: 12.450 triệu đồng, trong đó chi đầu tư phát triển 3.100 triệu đồng, chi thường xuyên 9.100 triệu đồng, dự phòng 250 triệu đồng.\n\nChi tiết theo biểu kèm theo.",
        "decided": 12,
        "published": 10,
        "channels": [
            ("posting", "Bảng tin trụ sở HĐND và UBND xã", 10, 30),
            ("posting", "Nhà văn hóa các thôn", 9, 30),
        ],
        "comments": [
            (
                "suggestion",
                "Đề nghị nêu rõ khoản chi đầu tư 3.100 triệu đồng làm những công trình nào.",
                True,
            ),
            (
                "recommendation",
                "Kiến nghị dành một phần dự phòng sửa cầu tràn thôn 5 trước mùa mưa.",
                False,
            ),
        ],
    },
    {
        "org": "ubnd",
        "category": "dc1_07_social_support",
        "title": "Danh sách hộ được hỗ trợ nhà ở năm 2026 (chương trình mục tiêu quốc gia)",
        "reference": "140/TB-UBND",
        "body": "Ủy ban nhân dân xã công khai danh sách 18 hộ được hỗ trợ xây mới, sửa chữa nhà ở năm 2026 theo kết quả bình xét ở các thôn. Người dân có ý kiến về danh sách xin gửi trong thời gian niêm yết.",
        "decided": 6,
        "published": 4,
        "channels": [
            ("posting", "Bảng tin trụ sở UBND xã và nhà văn hóa các thôn", 4, 30),
            ("loudspeaker", "Đài truyền thanh xã, bản tin sáng", 4, 3),
        ],
        "comments": [],
    },
    {
        "org": "ubnd",
        "category": "dc1_13_admin_procedures",
        "title": "Bộ thủ tục hành chính giải quyết tại Bộ phận một cửa xã",
        "reference": "",
        "body": "Danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã, thời hạn giải quyết và phí, lệ phí, niêm yết thường xuyên tại Bộ phận tiếp nhận và trả kết quả.",
        "decided": 90,
        "published": 88,
        "channels": [("posting", "Bộ phận một cửa UBND xã", 88, None)],
        "comments": [],
    },
]

DRAFT: dict[str, Any] = {
    "org": "ubnd",
    "category": "dc1_06_public_assets",
    "title": "Tình hình quản lý, sử dụng tài sản công của xã năm 2026",
    "reference": "",
    "body": "Dự thảo báo cáo tình hình đầu tư, mua sắm, sử dụng tài sản công do xã quản lý.",
    "decided": 3,
}

ANSWER = (
    "Cảm ơn ý kiến của bạn. Ủy ban nhân dân xã đã tiếp thu: nội dung sẽ được bổ sung vào bản "
    "công khai và thông báo tại các cuộc họp thôn trong tháng tới."
)

COMMITMENT_TEXT = (
    "Tôi xin cam kết năm {year}:\n"
    "1. Giữ vững lập trường chính trị, chấp hành nghiêm Cương lĩnh, Điều lệ Đảng, chủ trương, "
    "chính sách của Đảng, pháp luật của Nhà nước.\n"
    "2. Không vi phạm 19 điều đảng viên không được làm; phòng, chống 27 biểu hiện suy thoái.\n"
    "3. Thực hiện trách nhiệm nêu gương; tiếp công dân và đối thoại với Nhân dân theo quy định.\n"
    "4. Hoàn thành tốt nhiệm vụ {title}; chịu sự giám sát của chi bộ, Mặt trận Tổ quốc và Nhân dân."
)
HEADS = [("dang_uy", "head"), ("dang_uy", "deputy"), ("ubnd", "head"), ("ubnd", "deputy")]


def build_demo(*, seed: int, out: Any) -> list[str]:
    from langnghe.handling.services import item_transition
    from langnghe.intake.models import Item

    from . import services
    from .models import CadreCommitment

    rng = random.Random(seed)
    today = timezone.localdate()
    User = get_user_model()
    dang_uy = Organisation.objects.filter(slug=f"dang-uy-xa-{COMMUNE}").first()
    ubnd = Organisation.objects.filter(slug=f"ubnd-xa-{COMMUNE}").first()
    if dang_uy is None or ubnd is None:
        return []
    orgs: dict[str, Organisation] = {"dang_uy": dang_uy, "ubnd": ubnd}
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["lanhdao", "tiepnhan", "xuly", "truongdonvi", f"{COMMUNE}.vpdu"]
        )
    }
    leader = users.get("lanhdao")
    reception = users.get("tiepnhan")
    if leader is None or reception is None:
        return []
    # (worker, approver) by the unit that handles an item.
    staff = {
        orgs["ubnd"].pk: (users.get("xuly"), users.get("truongdonvi")),
        orgs["dang_uy"].pk: (users.get(f"{COMMUNE}.vpdu"), leader),
    }

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    counts = {"published": 0, "late": 0, "channels": 0, "comments": 0, "answered": 0}
    for spec in PUBLICATIONS:
        p = services.publication_create(
            actor=leader,
            organisation=orgs[spec["org"]],
            category=spec["category"],
            title=spec["title"],
            body=spec["body"],
            decided_on=ago(spec["decided"]),
            reference=spec["reference"],
        )
        published_on = ago(spec["published"])
        p = services.publication_publish(
            publication=p,
            actor=leader,
            published_on=published_on,
            # The window stays open long enough for the demo's comments to be taken today.
            comments_close_on=max(
                published_on + dt.timedelta(days=30), today + dt.timedelta(days=14)
            ),
            late_reason=spec.get("late_reason", ""),
        )
        counts["published"] += 1
        counts["late"] += int(p.is_late)
        for kind, place, start, length in spec["channels"]:
            start_on = ago(start)
            services.channel_record(
                publication=p,
                actor=reception,
                kind=kind,
                place=place,
                start_on=start_on,
                end_on=start_on + dt.timedelta(days=length - 1) if length else None,
            )
            counts["channels"] += 1
        for kind, body, answer in spec["comments"]:
            result = services.publication_comment_submit(
                publication=p,
                kind=kind,
                body=body,
                via=rng.choice(["qr", "web"]),
            )
            counts["comments"] += 1
            item = Item.objects.get(pk=result.items[0].pk)
            worker, approver = staff.get(item.handling_org_id or 0, (None, None))
            if not answer or worker is None or approver is None:
                continue
            item = item_transition(item=item, name="start", actor=worker)
            item = item_transition(
                item=item,
                name="draft_answer",
                actor=worker,
                answer=ANSWER,
                public_summary=f"Góp ý về “{p.title[:80]}”",
                public_answer=ANSWER,
            )
            item_transition(item=item, name="approve_answer", actor=approver, publish=True)
            counts["answered"] += 1
    services.publication_create(
        actor=leader,
        organisation=orgs[DRAFT["org"]],
        category=DRAFT["category"],
        title=DRAFT["title"],
        body=DRAFT["body"],
        decided_on=ago(DRAFT["decided"]),
    )

    n_commitments = 0
    for org_key, role in HEADS:
        positions = Position.objects.filter(
            organisation=orgs[org_key], role=role, valid_to__isnull=True
        ).select_related("person")
        for pos in positions:
            for year in (today.year - 1, today.year):
                if CadreCommitment.objects.filter(person=pos.person, year=year).exists():
                    continue
                c = services.commitment_save(
                    actor=leader,
                    person=pos.person,
                    organisation=orgs[org_key],
                    year=year,
                    text=COMMITMENT_TEXT.format(year=year, title=pos.title),
                    signed_on=dt.date(year, 1, 15),
                )
                services.commitment_set_published(commitment=c, actor=leader, published=True)
                n_commitments += 1
    return [
        "Công khai / disclosures (xã Sa Thầy):",
        f"  nội dung công khai / publications: {counts['published']} (+1 dự thảo / draft),"
        f" chậm / late (DC-2): {counts['late']}, hình thức / channels: {counts['channels']}",
        f"  góp ý / comments: {counts['comments']}, đã trả lời công khai / answered and published:"
        f" {counts['answered']}",
        f"  bản cam kết / cadre commitments: {n_commitments} (năm / years {today.year - 1}, {today.year})",
    ]
