"""Items with known outcomes for the statistics tests.

Items are created through the spine (`item_submit`) and then put into a known end state
directly: these tests are about counting, and every state here is one the handling services
produce (answered on time, late, open and overdue, published, rated, reopened).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from langnghe.intake.models import Item, Kind
from langnghe.orgs.models import Role

from ..factories import submit_one, user

TZ = timezone.get_default_timezone()

WORKFLOW = {
    Kind.SUGGESTION: ("petition", "answered"),
    Kind.FEEDBACK: ("petition", "answered"),
    Kind.RECOMMENDATION: ("petition", "answered"),
    Kind.COMPLAINT: ("complaint_first", "decision_sent"),
    Kind.DENUNCIATION: ("denunciation", "conclusion_sent"),
}


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def make_item(
    handling_org: Any,
    *,
    kind: str = Kind.FEEDBACK,
    received: dt.date,
    closed: dt.date | None = None,
    closed_hour: int = 15,
    due: dt.date | None = None,
    answered: bool = True,
    published: dt.date | None = None,
    rating: int | None = None,
    reopen_count: int = 0,
    due_on: dt.date | None = None,
    channel: str = "online",
    **fields: Any,
) -> Item:
    # Offline channels are logged by reception staff; the channel itself is only a label here.
    item, _secret = submit_one(handling_org, kind=kind)
    workflow, answered_state = WORKFLOW[kind]
    values: dict[str, Any] = {
        "received_at": at(received),
        "handling_org": handling_org,
        "handling_path": handling_org.path,
        "reopen_count": reopen_count,
        "channel": channel,
        "workflow": workflow,
        **fields,
    }
    if closed is not None:
        values.update(
            is_open=False,
            closed_at=at(closed, closed_hour),
            status=answered_state if answered else "not_accepted",
            due_at_close=due,
            due_on=None,
            rating=rating,
        )
    else:
        values.update(is_open=True, status="in_progress", due_on=due_on, closed_at=None)
    if published is not None:
        values.update(
            is_published=True,
            published_at=at(published, 16),
            public_summary=f"Tóm tắt {item.code}",
            public_answer="Đã xử lý.",
        )
    Item.objects.filter(pk=item.pk).update(**values)
    item.refresh_from_db()
    return item


@pytest.fixture
def people(tree):
    return type(
        "People",
        (),
        dict(
            leader=user("st_leader", grants=[(tree.province, Role.LEADER)]),
            commune_leader=user("st_cleader", grants=[(tree.commune, Role.LEADER)]),
            head=user("st_head", grants=[(tree.commune, Role.UNIT_HEAD)]),
            handler=user("st_handler", grants=[(tree.commune, Role.HANDLER)]),
            admin=user("st_admin", grants=[(tree.province, Role.ADMIN)]),
            front=user("st_front", grants=[(tree.commune, Role.FRONT_LIAISON)]),
            sibling_leader=user("st_sleader", grants=[(tree.sibling, Role.LEADER)]),
            party_leader=user("st_pleader", grants=[(tree.party, Role.LEADER)]),
        ),
    )


@pytest.fixture
def login(client):
    def _login(u):
        client.force_login(u)
        return client

    return _login
