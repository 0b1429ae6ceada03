from __future__ import annotations

import datetime as dt
from typing import Any

from langnghe.accountability.supervision import services
from langnghe.handling.services import item_transition
from langnghe.intake.models import Channel

from ...factories import submit_one

D = dt.timedelta


def answered_item(w: Any, *, receiving: Any = None, publish: bool = True, **kw: Any):
    """An item handled and answered by the commune's people's committee."""
    item, secret = submit_one(receiving or w.tree.commune, **kw)
    if item.handling_org_id != w.tree.commune.pk:
        from langnghe.handling.services import item_route

        actor = w.front_staff if item.receiving_org_id == w.front.pk else w.leader
        item = item_route(item=item, unit=w.tree.commune, actor=actor, reason="Giao UBND xã")
    item = item_transition(item=item, name="start", actor=w.handler)
    item = item_transition(
        item=item,
        name="draft_answer",
        actor=w.handler,
        answer="Đã sửa xong đường.",
        public_summary="Phản ánh về đường thôn" if publish else "",
        public_answer="Đã sửa xong." if publish else "",
    )
    item = item_transition(item=item, name="approve_answer", actor=w.unit_head)
    return item, secret


def front_item(w: Any, **kw: Any):
    """A petition the Front received (MT-4) at a front meeting."""
    from ...factories import submit_one as s1

    item, _secret = s1(w.front, channel=Channel.FRONT_MEETING, actor=w.front_staff, **kw)
    return item


def plan(w: Any, year: int | None = None):
    return services.plan_create(
        front=w.front,
        year=year or w.today.year,
        title="Chương trình giám sát",
        adopted_on=w.today - D(days=120),
        actor=w.liaison,
    )


def supervision(w: Any, *, first: dt.date | None = None, items=(), p=None, grounds=("programme",)):
    return services.supervision_create(
        plan=p or plan(w),
        supervised_org=w.tree.commune,
        topic="Việc giải quyết kiến nghị của Nhân dân",
        content="Giám sát việc tiếp nhận, giải quyết kiến nghị.",
        form="team",
        grounds=list(grounds),
        items=items,
        first_session_on=first or (w.today - D(days=30)),
        actor=w.liaison,
    )


def run_to_result(
    w: Any, s: Any, *, sent_before: int = 16, report_before: int = 8, after: int = 10
):
    first = s.first_session_on
    s = services.supervision_send_decision(
        supervision=s,
        decision_number="12/QĐ-MTTQ",
        decision_date=first - D(days=sent_before + 1),
        sent_on=first - D(days=sent_before),
        actor=w.liaison,
    )
    s = services.supervision_record_report(
        supervision=s, received_on=first - D(days=report_before), actor=w.liaison
    )
    services.supervision_record_session(supervision=s, held_on=first, actor=w.liaison)
    s.refresh_from_db()
    return services.supervision_record_result(
        supervision=s,
        report_on=first + D(days=after),
        summary="UBND xã đã tiếp nhận đầy đủ; còn chậm trả lời.",
        actor=w.liaison,
    )
