from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from langnghe.orgs.models import Role

from ..browser.fixtures import browser, new_page, screenshots  # noqa: F401 — test_browser.py
from ..factories import user


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def staff(tree):
    """Staff of the commune (receiving and handling unit), of its sibling, a province leader and
    a user without any grant."""
    return type(
        "Staff",
        (),
        dict(
            receptionist=user("tiepnhan", grants=[(tree.commune, Role.RECEPTIONIST)]),
            handler=user(
                "xuly", grants=[(tree.commune, Role.HANDLER)], first_name="Lan", last_name="Trần"
            ),
            head=user("truongdonvi", grants=[(tree.commune, Role.UNIT_HEAD)]),
            sibling_handler=user("xuly2", grants=[(tree.sibling, Role.HANDLER)]),
            leader=user("lanhdao", grants=[(tree.province, Role.LEADER)]),
            front=user("mattran", grants=[(tree.commune, Role.FRONT_LIAISON)]),
            admin=user("quantri", grants=[(tree.province, Role.ADMIN)]),
            nobody=user("khach"),
        ),
    )


@pytest.fixture
def as_user(api):
    """An API client authenticated with a DRF token of `u`."""

    def _as(u):
        from rest_framework.authtoken.models import Token

        token, _ = Token.objects.get_or_create(user=u)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return _as


def answer_and_publish(item, handler, head, *, summary="Tóm tắt công khai", public="Đã sửa xong."):
    """Take a petition through the spine's workflow to an answer that is published."""
    from langnghe.handling.services import item_transition

    item_transition(item=item, name="start", actor=handler)
    item_transition(
        item=item,
        name="draft_answer",
        actor=handler,
        answer="Trả lời đầy đủ gửi người gửi.",
        public_summary=summary,
        public_answer=public,
    )
    return item_transition(item=item, name="approve_answer", actor=head)
