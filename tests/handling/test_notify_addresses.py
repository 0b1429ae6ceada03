"""Addresses mail cannot be sent to (kept before the forms checked them, or given through a
service): a notification skips them instead of failing, so the other channel and the other
recipients still get it."""

from __future__ import annotations

import pytest

from langnghe.notify.backends import MemorySMSBackend
from langnghe.notify.services import notify_citizen, notify_staff
from langnghe.orgs.models import Role

from ..factories import submit_one, user

pytestmark = pytest.mark.django_db
UNSENDABLE = "binh@\u200d.vn"  # Django's EmailValidator accepts it; IDNA refuses the domain


def test_a_citizen_with_an_unsendable_address_still_gets_the_text_message(tree, mailoutbox):
    MemorySMSBackend.outbox.clear()
    item, _secret = submit_one(
        tree.commune,
        identity={"name": "Bình", "email": UNSENDABLE, "phone": "0905000111"},
        wants_notifications=True,
    )
    assert notify_citizen(item=item, template="question") is True
    assert mailoutbox == []
    assert [m["to"] for m in MemorySMSBackend.outbox] == ["0905000111"]


def test_one_unsendable_staff_address_does_not_stop_the_others(tree, mailoutbox):
    good = user("nhan_tin", grants=[(tree.commune, Role.HANDLER)])
    bad = user("sai_thu", grants=[(tree.commune, Role.HANDLER)])
    bad.email = UNSENDABLE
    bad.save(update_fields=["email"])
    item, _secret = submit_one(tree.commune)
    sent = notify_staff(item=item, template="routed", org=tree.commune, roles=[Role.HANDLER])
    assert sent == 1
    assert [m.to for m in mailoutbox] == [[good.email]]
