from __future__ import annotations

import datetime as dt

import pytest

from langnghe.disclosure import services
from langnghe.orgs.models import Role

from ..factories import user


@pytest.fixture
def people(tree):
    """Staff of xã Sa Thầy's people's committee, and a leader of a sibling commune."""
    return type(
        "People",
        (),
        dict(
            leader=user("leader", grants=[(tree.commune, Role.LEADER)]),
            unit_head=user("head", grants=[(tree.commune, Role.UNIT_HEAD)]),
            admin=user("orgadmin", grants=[(tree.province, Role.ADMIN)]),
            receptionist=user("reception", grants=[(tree.commune, Role.RECEPTIONIST)]),
            handler=user("handler", grants=[(tree.commune, Role.HANDLER)]),
            inspector=user("inspector", grants=[(tree.ubkt, Role.INSPECTOR)]),
            sibling_leader=user("sibling", grants=[(tree.sibling, Role.LEADER)]),
            party_leader=user("party", grants=[(tree.party, Role.LEADER)]),
            nobody=user("nobody"),
        ),
    )


def make_publication(org, actor, *, category="dc1_02_budget", decided_on=None, **kwargs):
    return services.publication_create(
        actor=actor,
        organisation=org,
        category=category,
        title=kwargs.pop("title", "Dự toán ngân sách xã năm 2026"),
        body=kwargs.pop("body", "Tổng thu 12.450 triệu đồng."),
        decided_on=decided_on or dt.date(2025, 3, 3),
        **kwargs,
    )


@pytest.fixture
def draft(tree, people):
    return make_publication(tree.commune, people.leader)


@pytest.fixture
def published(draft, people):
    from django.utils import timezone

    today = timezone.localdate()
    draft.decided_on = today - dt.timedelta(days=2)
    draft.save(update_fields=["decided_on"])
    return services.publication_publish(publication=draft, actor=people.leader, published_on=today)
