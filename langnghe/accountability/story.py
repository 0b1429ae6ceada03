"""The demo's accountability story (DESIGN.md §1.5), shared by the demo data of each app so that
they tell one story end to end: repeated substantiated feedback about one cadre → a candidate on
the signals list → a review suggestion → the review and its grade → an inspection with findings →
a discipline decision → its publication."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from langnghe.orgs.models import Organisation, Person, Position

if TYPE_CHECKING:
    from langnghe.intake.models import Item

STORY_COMMUNE = "sathay"
STORY_ORG_SLUG = f"ubnd-xa-{STORY_COMMUNE}"


def story_org() -> Organisation:
    return Organisation.objects.get(slug=STORY_ORG_SLUG)


def story_cadre() -> Person:
    """The Sa Thầy vice-chair without a demo account (the other one is `truongdonvi`)."""
    position = (
        Position.objects.filter(
            organisation__slug=STORY_ORG_SLUG,
            role=Position.Role.DEPUTY,
            person__user__isnull=True,
        )
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if position is None:
        raise LookupError("the demo organisations are not loaded")
    return position.person


def commune_org(key: str) -> Organisation:
    """One of the story commune's organisations: dang-uy, ubkt, ubnd, mttq, hdnd…"""
    return Organisation.objects.get(slug=f"{key}-xa-{STORY_COMMUNE}")


DENOUNCER = {"name": "Rơ Châm Thị Hiền", "phone": "0912345078"}


def story_denunciation() -> Item:
    """The party-matter denunciation about the cadre (TC-18), received 45 working days ago: made
    by the first demo that needs it (the signals count it; the inspection is opened from it)."""
    from django.contrib.auth import get_user_model

    from langnghe.core.calendar import get_calendar
    from langnghe.handling.services import item_route
    from langnghe.intake.models import Channel, Item, Kind
    from langnghe.intake.services import Part, Submission, item_submit

    cadre = story_cadre()
    day = get_calendar().add_working_days(timezone.localdate(), -45)
    existing = (
        Item.objects.filter(concerned_person=cadre, kind=Kind.DENUNCIATION, party_matter=True)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    result = item_submit(
        submission=Submission(
            parts=[
                Part(
                    kind=Kind.DENUNCIATION,
                    body=(
                        f"Tôi tố cáo đồng chí {cadre.full_name}, đảng viên, Phó Chủ tịch UBND xã, "
                        "đã chỉ đạo đưa người thân vào danh sách hỗ trợ nhà ở sai đối tượng và "
                        "nhận quà của nhà thầu công trình đường thôn. Đề nghị Ủy ban kiểm tra xem xét."
                    ),
                )
            ],
            title=f"Tố cáo đảng viên {cadre.full_name} vi phạm quy định của Đảng",
            channel=Channel.PARTY_COMMITTEE_MEETING,
            receiving_org=story_org(),
            concerned_person=cadre,
            identity=DENOUNCER,
            party_matter=True,
            received_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0))),
        ),
        actor=get_user_model().objects.get(username="tiepnhan"),
    )
    item = result.items[0]
    ubkt = commune_org("ubkt")
    if item.handling_org_id != ubkt.pk:
        # The cadre's post is in the people's committee, which is not under the party committee in
        # the tree: reception forwards the party-rule denunciation to the UBKT by hand (TC-18).
        item = item_route(
            item=item,
            actor=get_user_model().objects.get(username="tiepnhan"),
            unit=ubkt,
            reason="Tố cáo đảng viên vi phạm quy định của Đảng: chuyển Ủy ban Kiểm tra (TC-18).",
        )
    return item
