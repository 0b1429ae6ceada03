"""Demo data for opinion (called by `manage.py demo` inside its transaction).

The story (DESIGN.md §1.5): several citizens, each with a sealed identity, report the story
cadre over the last months on ethics manifestations; most reports are verified true or partly
true, one is false, one is still overdue, one was reopened by its sender. With the default
thresholds the cadre tops the candidates list. The commune people's committee gets a unit-level
signal too. Everything goes through item_submit and the handling services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from langnghe.accountability.story import story_cadre, story_denunciation, story_org
from langnghe.handling.services import item_route, item_transition, route_up
from langnghe.intake.models import Channel, DegradationIndicator, Item, Kind
from langnghe.intake.services import Part, Submission, item_submit
from langnghe.orgs.models import RoleGrant

# (days ago received, kind, finding or outcome, channel, title)
STORY = [
    (170, Kind.FEEDBACK, "true", Channel.ONLINE, "Phản ánh việc nhận quà khi giải quyết hồ sơ đất"),
    (
        150,
        Kind.FEEDBACK,
        "partly_true",
        Channel.VOTER_MEETING,
        "Ý kiến cử tri về thái độ hách dịch",
    ),
    (128, Kind.RECOMMENDATION, "true", Channel.LETTER, "Kiến nghị làm rõ việc ưu ái người thân"),
    (
        110,
        Kind.FEEDBACK,
        "true",
        Channel.SUGGESTION_BOX,
        "Phản ánh việc sử dụng xe công đi việc riêng",
    ),
    (95, Kind.FEEDBACK, "false", Channel.PHONE, "Phản ánh về việc vắng mặt tại trụ sở"),
    (80, Kind.FEEDBACK, "partly_true", Channel.CITIZEN_RECEPTION, "Phản ánh việc chậm ký hồ sơ"),
    (70, Kind.FEEDBACK, "reopened", Channel.ONLINE, "Phản ánh việc gây khó khăn khi cấp giấy phép"),
    (60, Kind.COMPLAINT, "overdue", Channel.ONLINE, "Khiếu nại quyết định thu hồi đất"),
]
UNIT_STORY = [
    (120, "partly_true", "Phản ánh bộ phận một cửa xã thường xuyên trễ hẹn"),
    (90, "true", "Phản ánh thu phí chứng thực không niêm yết"),
    (45, "true", "Phản ánh hồ sơ bị thất lạc tại bộ phận một cửa"),
]
REPORTERS = [
    "Nguyễn Văn Hòa",
    "Trần Thị Lan",
    "Lê Văn Dũng",
    "Phạm Thị Mai",
    "Hoàng Văn Tùng",
    "Võ Thị Hạnh",
    "Đỗ Văn Khoa",
    "Bùi Thị Nga",
    "Y Blong",
    "A Thương",
    "Ksor Hiền",
]


def _user_with(org: Any, roles: list[str]) -> Any:
    grant = (
        RoleGrant.objects.filter(role__in=roles, organisation__path__in=_ancestor_paths(org.path))
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return grant.user if grant else None


def _ancestor_paths(path: str) -> list[str]:
    from langnghe.handling.selectors import ancestor_paths

    return ancestor_paths(path)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))


def _submit(
    i: int,
    *,
    title: str,
    kind: str,
    channel: str,
    day: dt.date,
    indicator_ids: list[int],
    **kw: Any,
) -> tuple[Item, str]:
    result = item_submit(
        submission=Submission(
            parts=[Part(kind=kind, body=title + ". Đề nghị cơ quan có thẩm quyền xem xét.")],
            title=title,
            channel=channel,
            receiving_org=story_org(),
            indicator_ids=indicator_ids,
            identity={"name": REPORTERS[i % len(REPORTERS)], "phone": f"09{i:02d}4567{i:02d}"},
            received_at=_at(day),
            **kw,
        ),
        actor=get_user_model().objects.get(username="tiepnhan"),
    )
    return result.items[0], result.secret


def _handle(item: Item, secret: str, outcome: str, day: dt.date) -> Item:
    reception = get_user_model().objects.get(username="tiepnhan")
    target = route_up(item, day)  # TC-14: the cadre is a vice-chair, so not the commune itself
    item = item_route(item=item, actor=reception, unit=target)
    worker = _user_with(target, ["handler"])
    approver = _user_with(target, ["unit_head", "leader"])
    if outcome == "overdue":
        item = item_transition(item=item, name="accept", actor=worker, act_date=day)
        return item_transition(item=item, name="start_verification", actor=worker, act_date=day)
    item = item_transition(item=item, name="start", actor=worker, act_date=day)
    finding = outcome if outcome in ("true", "partly_true", "false") else "partly_true"
    answer = {
        "true": "Qua xác minh, nội dung phản ánh là đúng; đã báo cáo cấp có thẩm quyền xem xét.",
        "partly_true": "Qua xác minh, nội dung phản ánh đúng một phần.",
        "false": "Qua xác minh, nội dung phản ánh không đúng sự thật.",
    }[finding]
    item = item_transition(
        item=item,
        name="draft_answer",
        actor=worker,
        answer=answer,
        public_summary=item.title,
        public_answer=answer,
        finding=finding,
        act_date=day + dt.timedelta(days=7),
    )
    item = item_transition(
        item=item, name="approve_answer", actor=approver, act_date=day + dt.timedelta(days=9)
    )
    if outcome == "reopened":
        item = item_transition(
            item=item,
            name="reopen",
            citizen_secret=secret,
            message="Trả lời chưa đúng với thực tế, đề nghị xem xét lại.",
            act_date=day + dt.timedelta(days=14),
        )
    return item


def build_demo(*, seed: int, out: Any) -> list[str]:
    today = timezone.localdate()
    cadre = story_cadre()
    # The party-matter denunciation of the story (TC-18) is part of what the people said about
    # her: made here, so that the signals and the review suggestion count it; the inspection
    # demo opens its inspection from it.
    story_denunciation()
    indicators = list(
        DegradationIndicator.objects.filter(group="DDLS").values_list("pk", flat=True)[:4]
    )
    for i, (ago, kind, outcome, channel, title) in enumerate(STORY):
        day = today - dt.timedelta(days=ago)
        item, secret = _submit(
            i,
            title=title,
            kind=kind,
            channel=channel,
            day=day,
            indicator_ids=indicators[i % len(indicators) : i % len(indicators) + 1],
            concerned_person=cadre,
        )
        _handle(item, secret, outcome, day)
    for j, (ago, outcome, title) in enumerate(UNIT_STORY):
        day = today - dt.timedelta(days=ago)
        item, secret = _submit(
            len(STORY) + j,
            title=title,
            kind=Kind.FEEDBACK,
            channel=Channel.ONLINE,
            day=day,
            indicator_ids=[],
            concerned_org=story_org(),
        )
        _handle(item, secret, outcome, day)
    index = reverse("opinion_backoffice:index")
    person = reverse("opinion_backoffice:person", args=[cadre.pk])
    unit = reverse("opinion_backoffice:org", args=[story_org().pk])
    return [
        f"Dư luận: {len(STORY)} ý kiến về {cadre.full_name}, {len(UNIT_STORY)} về UBND xã "
        f"(đăng nhập kiemtra: {index}, {person}, {unit}) / Opinion signals: {len(STORY)} items "
        f"about the story cadre, {len(UNIT_STORY)} about the commune committee",
    ]
