from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from langnghe.handling.models import Answer
from langnghe.intake.models import DegradationIndicator, Item, Kind
from langnghe.orgs.models import Position, Role
from tests.factories import person, submit_one, user


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def signal(
    receiving_org: Any,
    *,
    about: Any = None,
    about_org: Any = None,
    reporter: str | None = "Trần Thị Bình",
    finding: str = "",
    kind: str = Kind.FEEDBACK,
    received: dt.date | None = None,
    indicators: list[int] | None = None,
    approver: Any = None,
    **kwargs: Any,
) -> Item:
    """An item concerning a person or unit, sent by a named reporter (or anonymously), with the
    verification finding recorded as an approved answer."""
    identity = {"name": reporter, "phone": "09" + str(abs(hash(reporter)) % 10**8).zfill(8)}
    item, _ = submit_one(
        receiving_org,
        kind=kind,
        concerned_person=about,
        concerned_org=about_org,
        anonymous=reporter is None,
        identity={} if reporter is None else identity,
        received_at=at(received or days_ago(30)),
        indicator_ids=indicators or [],
        **kwargs,
    )
    # Deterministic handling state: no running limit unless a test sets one.
    Item.objects.filter(pk=item.pk).update(due_on=None)
    item.due_on = None
    if finding:
        drafter = approver or user()
        Answer.objects.create(
            item=item,
            body="Kết luận",
            finding=finding,
            drafted_by=drafter,
            approved_by=drafter,
            approved_at=timezone.now(),
        )
    return item


@pytest.fixture
def indicators(db):
    a = DegradationIndicator.objects.create(code="TTCT-1", group="TTCT", number=1, text_vi="A")
    b = DegradationIndicator.objects.create(code="DDLS-2", group="DDLS", number=2, text_vi="B")
    return type("Ind", (), {"ttct": a, "ddls": b})


@pytest.fixture
def world(tree):
    """Sa Thầy: a cadre of the commune UBND, a commune leader, an inspector, others."""
    cadre = person("Phạm Văn Cường", org=tree.commune, role=Position.Role.DEPUTY, title="PCT")
    leader = user("lanhdao", grants=[(tree.commune, Role.LEADER), (tree.party, Role.LEADER)])
    person("Lê Lãnh Đạo", user_account=leader, org=tree.party, role=Position.Role.HEAD)
    inspector = user("kiemtra", grants=[(tree.commune, Role.INSPECTOR)])
    handler = user("xuly", grants=[(tree.commune, Role.HANDLER)])
    receptionist = user("tiepnhan", grants=[(tree.commune, Role.RECEPTIONIST)])
    front = user("mattran", grants=[(tree.commune, Role.FRONT_LIAISON)])
    admin = user("quantri", grants=[(tree.commune, Role.ADMIN)])
    outsider = user("ngoai", grants=[(tree.sibling, Role.LEADER)])
    return type(
        "World",
        (),
        dict(
            tree=tree,
            cadre=cadre,
            leader=leader,
            inspector=inspector,
            handler=handler,
            receptionist=receptionist,
            front=front,
            admin=admin,
            outsider=outsider,
        ),
    )
