"""Demo data for the suggestion boxes (called by `manage.py demo` after the spine's organisations,
people and items exist, inside its transaction). Everything goes through the services: boxes at
the Sa Thầy commune office and in its villages, one at the commune's Front committee, boxes in two
other communes; openings with witnesses, letters entered as items with a scanned page each, one
opening still being entered and one closed with an explained difference."""

from __future__ import annotations

import datetime as dt
import io
import random
import textwrap
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from langnghe.intake.models import Channel, Kind, Topic
from langnghe.intake.services import Part, Submission
from langnghe.orgs.models import Organisation, Position

from . import services
from .models import BoxOpening, SuggestionBox
from .services import WitnessData

INSTALLED = dt.date(2025, 7, 1)


@dataclass
class Letter:
    topic: str
    parts: list[tuple[str, str]]
    title: str = ""
    sender: dict[str, str] = field(default_factory=dict)


LETTERS = [
    Letter(
        "giao-thong",
        [
            (
                Kind.FEEDBACK,
                "Đoạn đường từ {thon} ra khu sản xuất bị xe chở keo cày nát, mùa mưa lầy lội, "
                "xe máy không đi được. Đề nghị xã cho kiểm tra và yêu cầu chủ xe sửa lại.",
            )
        ],
        "Đường ra khu sản xuất {thon} bị cày nát",
    ),
    Letter(
        "an-sinh-xa-hoi",
        [
            (
                Kind.RECOMMENDATION,
                "Gia đình tôi thuộc hộ cận nghèo nhưng năm nay chưa được cấp thẻ bảo hiểm y tế. "
                "Kính đề nghị xã xem xét, hướng dẫn thủ tục để được cấp thẻ.",
            )
        ],
        "Đề nghị cấp thẻ bảo hiểm y tế hộ cận nghèo",
        {"name": "Y Blơng", "address": "{Thon}, xã Sa Thầy"},
    ),
    Letter(
        "moi-truong",
        [
            (
                Kind.FEEDBACK,
                "Bãi rác tạm gần suối đầu {thon} bốc mùi, rác tràn xuống suối nơi bà con lấy "
                "nước tắm giặt.",
            ),
            (
                Kind.RECOMMENDATION,
                "Đề nghị xã bố trí điểm tập kết rác xa nguồn nước và có lịch thu gom cố định.",
            ),
        ],
        "Rác tràn xuống suối {thon}",
    ),
    Letter(
        "can-bo-dang-vien",
        [
            (
                Kind.SUGGESTION,
                "Góp ý cán bộ Bộ phận Một cửa: buổi sáng thường đến muộn, bà con ở xa phải chờ. "
                "Đề nghị niêm yết giờ làm việc và có người trực đúng giờ.",
            )
        ],
        "Góp ý giờ làm việc của Bộ phận Một cửa",
    ),
    Letter(
        "nong-nghiep-thuy-loi",
        [
            (
                Kind.RECOMMENDATION,
                "Mương thủy lợi đầu {thon} bị bồi lấp sau lũ, ruộng lúa cuối mương thiếu nước. "
                "Đề nghị xã hỗ trợ nạo vét trước vụ đông xuân.",
            )
        ],
        "Đề nghị nạo vét mương thủy lợi {thon}",
        {"name": "A Thoan", "address": "{Thon}, xã Sa Thầy", "phone": "0905123456"},
    ),
    Letter(
        "giao-duc",
        [
            (
                Kind.FEEDBACK,
                "Điểm trường mầm non {thon} mái tôn bị dột, mưa to các cháu phải nghỉ học.",
            )
        ],
        "Điểm trường mầm non {thon} bị dột",
    ),
]

SCAN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def scan_of(text: str, *, footer: str) -> bytes:
    """A page as a phone would photograph it: white paper, handwriting-sized text."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (620, 860), (250, 250, 246))
    draw = ImageDraw.Draw(img)
    try:
        font: Any = ImageFont.truetype(SCAN_FONT, 20)
        small: Any = ImageFont.truetype(SCAN_FONT, 15)
    except OSError:
        font = small = ImageFont.load_default()
    y = 50
    for paragraph in text.split("\n"):
        for line in textwrap.wrap(paragraph, 48) or [""]:
            draw.text((40, y), line, fill=(20, 20, 60), font=font)
            y += 30
        y += 10
    draw.text((40, 800), footer, fill=(90, 90, 90), font=small)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=70)
    return out.getvalue()


class _Demo:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed * 7 + 4)
        self.now = timezone.now()
        self.letters = 0
        self.topics = {t.code: t for t in Topic.objects.all()}

    def org(self, slug: str) -> Organisation | None:
        return Organisation.objects.filter(slug=slug).first()

    def user(self, username: str) -> Any:
        return get_user_model().objects.filter(username=username).first()

    def person_name(self, org: Organisation | None, *, role: str | None = None) -> str | None:
        if org is None:
            return None
        positions = Position.objects.filter(organisation=org).select_related("person")
        if role:
            positions = positions.filter(role=role)
        first = positions.order_by("pk").first()
        return first.person.full_name if first else None

    def at(self, days_ago: int, hour: int = 8, minute: int = 30) -> dt.datetime:
        day = timezone.localdate() - dt.timedelta(days=days_ago)
        while day.weekday() >= 5:  # boxes are opened on working days
            day -= dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def box(
        self, actor: Any, org: Organisation, code: str, place: str, note: str = ""
    ) -> SuggestionBox:
        return services.box_create(
            actor=actor, organisation=org, code=code, place=place, installed_on=INSTALLED, note=note
        )

    def enter(self, actor: Any, opening: BoxOpening, letter: Letter, village: int) -> None:
        values = {"thon": f"thôn {village}", "Thon": f"Thôn {village}"}
        parts = [Part(kind, body.format(**values)) for kind, body in letter.parts]
        sender = {k: v.format(**values) for k, v in letter.sender.items()}
        text = "\n".join(p.body for p in parts)
        if sender:
            text += f"\n\nNgười viết: {sender.get('name', '')}, {sender.get('address', '')}"
        footer = (
            f"Hòm thư {opening.box.code} — mở ngày {timezone.localtime(opening.opened_at):%d/%m/%Y}"
        )
        services.letter_enter(
            actor=actor,
            opening=opening,
            submission=Submission(
                parts=parts,
                channel=Channel.SUGGESTION_BOX,
                receiving_org=opening.box.organisation,
                title=letter.title.format(**values),
                topic=self.topics.get(letter.topic),
                location_text=values["Thon"],
                identity=sender,
                uploads=[scan_of(text, footer=footer)],
            ),
        )
        self.letters += 1


def build_demo(*, seed: int, out: Any) -> list[str]:
    d = _Demo(seed)
    ubnd = d.org("ubnd-xa-sathay")
    mttq = d.org("mttq-xa-sathay")
    reception = d.user("tiepnhan")
    if ubnd is None or reception is None:
        return [
            "Hòm thư: thiếu tổ chức mẫu, bỏ qua / Suggestion boxes: no demo organisations, skipped"
        ]

    front_name = d.person_name(mttq, role=Position.Role.DEPUTY) or "Y Nhung"
    front_role = "Phó Chủ tịch Ủy ban MTTQ Việt Nam xã Sa Thầy"
    cell_heads = [
        d.person_name(d.org(f"chi-bo-thon-{i}-xa-sathay"), role=Position.Role.HEAD) or f"A {i}"
        for i in range(1, 6)
    ]

    office = d.box(reception, ubnd, "ST-01", "Cổng trụ sở UBND xã Sa Thầy")
    d.box(
        reception,
        ubnd,
        "ST-02",
        "Bộ phận Tiếp nhận và trả kết quả (Một cửa), UBND xã Sa Thầy",
    )
    villages = [
        d.box(reception, ubnd, "ST-T1", "Nhà văn hóa thôn 1, xã Sa Thầy"),
        d.box(reception, ubnd, "ST-T3", "Nhà rông thôn 3, xã Sa Thầy"),
        d.box(
            reception,
            ubnd,
            "ST-T5",
            "Nhà văn hóa thôn 5, xã Sa Thầy",
            note="Hòm treo dưới mái hiên.",
        ),
    ]
    boxes = 5
    mttq_reception = d.user("sathay.mttq")
    if mttq is not None and mttq_reception is not None:
        d.box(mttq_reception, mttq, "MT-ST", "Trụ sở Ủy ban MTTQ Việt Nam xã Sa Thầy")
        boxes += 1

    def witnesses(village: int | None) -> list[WitnessData]:
        rows = [WitnessData(front_name, front_role, is_front=True)]
        if village is not None:
            rows.append(WitnessData(cell_heads[village - 1], f"Bí thư Chi bộ thôn {village}"))
        rows.append(WitnessData("Rơ Châm Thị Hoa", "Trưởng Ban Thanh tra nhân dân xã"))
        return rows

    seal_ok = "Hòm còn nguyên khóa và niêm phong trước khi mở."
    # 1. The commune office's box, six weeks ago: three letters, all entered.
    first = services.opening_record(
        actor=reception,
        box=office,
        opened_at=d.at(42),
        letters_count=3,
        witnesses=witnesses(None),
        minutes_note=seal_ok,
    )
    for letter in (LETTERS[3], LETTERS[1], LETTERS[0]):
        d.enter(reception, first, letter, 2)
    # 2. Thôn 1, three weeks ago: three sheets counted, two letters; the third was blank.
    second = services.opening_record(
        actor=reception,
        box=villages[0],
        opened_at=d.at(21, 15, 0),
        letters_count=3,
        witnesses=witnesses(1),
        minutes_note=seal_ok,
    )
    d.enter(reception, second, LETTERS[2], 1)
    d.enter(reception, second, LETTERS[4], 1)
    services.opening_close(
        actor=reception,
        opening=second,
        note="Tờ thứ ba là giấy trắng, không có nội dung; đã đọc cho người chứng kiến cùng xem.",
    )
    # 3. The commune office's box again, two days ago: four letters, one entered so far.
    third = services.opening_record(
        actor=reception,
        box=office,
        opened_at=d.at(2, 9, 0),
        letters_count=4,
        witnesses=witnesses(None),
        minutes_note=seal_ok,
    )
    d.enter(reception, third, LETTERS[5], 4)
    openings = 3

    # Two other communes, one box each; Ya Ly's was opened once, empty.
    for key, name, code in (("yaly", "Ya Ly", "YL-01"), ("morai", "Mô Rai", "MR-01")):
        org = d.org(f"ubnd-xa-{key}")
        actor = d.user(f"{key}.tiepnhan")
        if org is None or actor is None:
            continue
        box = d.box(actor, org, code, f"Cổng trụ sở UBND xã {name}")
        boxes += 1
        if key == "yaly":
            services.opening_record(
                actor=actor,
                box=box,
                opened_at=d.at(30),
                letters_count=0,
                witnesses=[
                    WitnessData("Nguyễn Thị Lan", "Chủ tịch Ủy ban MTTQ xã Ya Ly", is_front=True),
                    WitnessData("Trần Văn Hùng", "Công chức Văn phòng - Thống kê"),
                ],
                minutes_note="Hòm không có thư.",
            )
            openings += 1
    return [
        f"Hòm thư góp ý / suggestion boxes: {boxes} hòm / boxes, {openings} lần mở / openings"
        f" (1 đang vào sổ / 1 being entered), {d.letters} thư thành ý kiến / letters entered as"
        " items — /hom-thu/ST-01/, /quan-ly/hom-thu/",
    ]
