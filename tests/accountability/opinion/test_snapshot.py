from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from langnghe.accountability.opinion.selectors import signal_snapshot
from langnghe.intake.models import Item, Kind

from .conftest import days_ago, signal


def test_snapshot_counts_and_no_identity(world, indicators):
    t = world.tree
    a = signal(
        t.commune,
        about=world.cadre,
        reporter="Một",
        finding="true",
        indicators=[indicators.ttct.pk],
    )
    signal(
        t.commune,
        about=world.cadre,
        reporter="Hai",
        finding="partly_true",
        indicators=[indicators.ttct.pk, indicators.ddls.pk],
        kind=Kind.COMPLAINT,
    )
    signal(t.commune, about=world.cadre, reporter="Ba", finding="false")
    signal(t.commune, about=world.cadre, reporter=None)
    signal(t.commune, about=world.cadre, reporter="Một", received=days_ago(500))  # out of period
    signal(t.commune, reporter="Bốn")  # about nobody
    snap = signal_snapshot(person_id=world.cadre.pk, start=days_ago(365), end=timezone.localdate())
    json.dumps(snap)  # serialisable
    assert snap["total"] == 4
    assert snap["by_kind"] == {"feedback": 3, "complaint": 1}
    assert snap["by_finding"] == {"true": 1, "partly_true": 1, "false": 1, "unverified": 1}
    assert snap["by_group"] == {"TTCT": 2, "DDLS": 1, "none": 2}
    assert snap["by_channel"] == {"online": 4}
    assert snap["reporters"] == {"distinct": 3, "anonymous_items": 1, "substantiated_distinct": 2}
    assert snap["substantiated"] == 2
    # weights 3 / 2 / 1 / 0 from the rule book
    assert snap["score"] == 3 + 2 + 1 + 0
    assert a.pk in snap["score_item_ids"] and len(snap["score_item_ids"]) == 3
    text = json.dumps(snap)
    assert "identity" not in text and "Một" not in text and "pseudonym" not in text
    assert a.title not in text
    assert snap["config"]["verified"] == "U"


def test_latest_approved_finding_wins(world):
    from langnghe.handling.models import Answer
    from tests.factories import user

    item = signal(world.tree.commune, about=world.cadre, finding="false")
    u = user()
    Answer.objects.create(item=item, body="x", finding="true", drafted_by=u)  # not approved
    snap = signal_snapshot(person_id=world.cadre.pk, start=days_ago(60), end=timezone.localdate())
    assert snap["by_finding"]["false"] == 1
    Answer.objects.create(
        item=item,
        body="y",
        finding="true",
        drafted_by=u,
        approved_by=u,
        approved_at=timezone.now() + dt.timedelta(minutes=1),
    )
    snap = signal_snapshot(person_id=world.cadre.pk, start=days_ago(60), end=timezone.localdate())
    assert snap["by_finding"]["true"] == 1 and snap["by_finding"]["false"] == 0


def test_overdue_late_reopened_are_weighted(world):
    t = world.tree
    o = signal(t.commune, about=world.cadre, reporter="A")
    late = signal(t.commune, about=world.cadre, reporter="B")
    r = signal(t.commune, about=world.cadre, reporter="C", finding="false")
    Item.objects.filter(pk=o.pk).update(is_open=True, due_on=days_ago(3))
    Item.objects.filter(pk=late.pk).update(
        is_open=False, closed_at=timezone.now(), due_at_close=days_ago(5)
    )
    Item.objects.filter(pk=r.pk).update(reopen_count=1)
    snap = signal_snapshot(person_id=world.cadre.pk, start=days_ago(60), end=timezone.localdate())
    assert (snap["overdue_open"], snap["answered_late"], snap["reopened"]) == (1, 1, 1)
    # unverified 1 + 1, false 0, overdue 1, late 0.5, reopened 1
    assert snap["score"] == 2 + 1 + 0.5 + 1
    assert sorted(snap["score_item_ids"]) == sorted([o.pk, late.pk, r.pk])


def test_unit_signals_are_the_unit_itself_not_its_subtree(world):
    t = world.tree
    signal(t.commune, about_org=t.commune, reporter="A", finding="true")
    signal(t.commune, about_org=t.office, reporter="B", finding="true")
    snap = signal_snapshot(org_id=t.commune.pk, start=days_ago(60), end=timezone.localdate())
    assert snap["total"] == 1 and snap["subject"] == {"type": "org", "id": t.commune.pk}
    assert snap["by_month"]
