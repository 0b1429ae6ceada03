"""The Front asks to reopen a badly handled item (MT-3): through the handling workflow's
`front_reopen` transition, it goes one level up as an escalated item, audited and linked."""

from __future__ import annotations

import pytest

from langnghe.accountability.supervision import services
from langnghe.accountability.supervision.models import FrontReopen
from langnghe.core.audit import AuditEvent
from langnghe.core.errors import HandlingError, NotFound
from langnghe.handling.models import ItemEvent
from langnghe.handling.rules import can
from langnghe.handling.services import item_transition

from ...factories import submit_one
from .helpers import answered_item, front_item, supervision

pytestmark = pytest.mark.django_db
LABEL = "Mặt trận Tổ quốc đề nghị xem xét lại"


def test_front_reopen_escalates_routes_up_and_is_audited(world):
    item, _secret = answered_item(world)
    assert item.is_published and item.status == "answered"
    req = services.item_front_reopen(
        item=item, reason="Trả lời chưa đúng thực tế", actor=world.liaison
    )
    item.refresh_from_db()
    assert item.status == "in_progress" and item.is_open
    assert item.handling_org == world.tree.province  # route_up: the next level
    assert item.escalated_at is not None and item.reopen_count == 1
    assert (
        req.handled_by_before == world.tree.commune and req.handled_by_after == world.tree.province
    )
    assert req.front == world.front
    ev = ItemEvent.objects.get(item=item, transition="front_reopen")
    assert ev.public and ev.body == "Trả lời chưa đúng thực tế"
    assert ItemEvent.objects.filter(item=item, body=LABEL).exists()
    assert AuditEvent.objects.filter(action="item.front_reopen").exists()
    assert AuditEvent.objects.filter(action="supervision.item_reopened").exists()


def test_front_reopen_of_an_unpublished_item_needs_a_linked_supervision(world):
    item = front_item(world)
    # A petition the Front received, handled by the commune, answered but not published.
    from langnghe.handling.services import item_route

    item = item_route(item=item, unit=world.tree.commune, actor=world.front_staff)
    item = item_transition(item=item, name="start", actor=world.handler)
    item = item_transition(item=item, name="draft_answer", actor=world.handler, answer="Đã xử lý")
    item = item_transition(item=item, name="approve_answer", actor=world.unit_head)
    assert not item.is_published
    assert not can(world.liaison, "supervision.reopen_item", item)
    s = supervision(world, items=[item], grounds=["petitions"])
    assert can(world.liaison, "supervision.reopen_item", item)
    req = services.item_front_reopen(
        item=item, reason="Chưa giải quyết", supervision=s, actor=world.liaison
    )
    assert req.supervision == s and FrontReopen.objects.filter(supervision=s).count() == 1


def test_front_reopen_not_for_items_outside_the_front_area(world):
    item, _ = submit_one(world.tree.sibling)
    item = item_transition(item=item, name="start", actor=world.sibling_head)
    item = item_transition(
        item=item,
        name="draft_answer",
        actor=world.sibling_head,
        answer="X",
        public_summary="S",
        public_answer="A",
    )
    item = item_transition(item=item, name="approve_answer", actor=world.sibling_head)
    assert item.is_published
    assert not can(world.liaison, "supervision.reopen_item", item)
    with pytest.raises(NotFound):
        services.item_front_reopen(item=item, reason="X", actor=world.liaison)
    # …but the other commune's Front may.
    assert can(world.other_liaison, "supervision.reopen_item", item)


def test_front_reopen_not_for_open_items(world):
    item, _ = submit_one(world.tree.commune)
    item = item_transition(item=item, name="start", actor=world.handler)
    item = item_transition(
        item=item,
        name="draft_answer",
        actor=world.handler,
        answer="X",
        public_summary="S",
        public_answer="A",
    )
    # Open (drafted, not sent): not even a candidate.
    with pytest.raises(NotFound):
        services.item_front_reopen(item=item, reason="X", actor=world.liaison)
    item = item_transition(item=item, name="approve_answer", actor=world.unit_head)
    services.item_front_reopen(item=item, reason="X", actor=world.liaison)
    item.refresh_from_db()
    # Now in progress at the province: a second request is refused by the workflow.
    item.is_published = True
    with pytest.raises((HandlingError, NotFound)):
        services.item_front_reopen(item=item, reason="Lần hai", actor=world.liaison)


def test_only_the_front_may_reopen(world):
    item, _ = answered_item(world)
    for u in (
        world.unit_head,
        world.leader,
        world.handler,
        world.inspector,
        world.admin,
        world.front_staff,
    ):
        assert not can(u, "supervision.reopen_item", item), u
        with pytest.raises(NotFound):
            services.item_front_reopen(item=item, reason="X", actor=u)
    assert can(world.front_head, "supervision.reopen_item", item)
    # The province Front covers the commune's area too.
    from langnghe.orgs.models import Role

    from ...factories import user

    prov = user("mtt", grants=[(world.front_prov, Role.FRONT_LIAISON)])
    assert can(prov, "supervision.reopen_item", item)


def test_front_reopen_requires_a_reason_and_saves_nothing_without_it(world):
    item, _ = answered_item(world)
    with pytest.raises(services.SupervisionError):
        services.item_front_reopen(item=item, reason="   ", actor=world.liaison)
    item.refresh_from_db()
    assert item.status == "answered" and item.reopen_count == 0 and not FrontReopen.objects.exists()


def test_sealed_kinds_are_never_reopened_by_the_front(world):
    item, _ = submit_one(world.tree.commune, kind="denunciation")
    item.is_published = True
    item.status = "conclusion_sent"
    item.is_open = False
    item.save()
    assert not can(world.liaison, "supervision.reopen_item", item)
