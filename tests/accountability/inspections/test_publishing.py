from __future__ import annotations

import datetime as dt

import pytest

from langnghe.accountability.inspections.errors import InspectionError
from langnghe.accountability.inspections.publishing import publish_redacted
from langnghe.core.calendar import get_calendar
from langnghe.core.errors import PermissionDenied
from langnghe.core.models import AuditEvent
from langnghe.disclosure.models import Publication

pytestmark = pytest.mark.django_db


def _body() -> str:
    return "Kết luận: đơn của ông Phạm Văn Tố (SĐT 0905000111) có cơ sở một phần."


def test_tc17_publish_redacted_masks_the_denouncer_and_goes_public(world):
    pub = publish_redacted(
        title="Kết luận kiểm tra đối với đồng chí Lê Văn Minh",
        body=_body(),
        org=world.tree.ubkt,
        category="p99_inspection_conclusions",
        decided_on=world.today,
        source_items=[world.item],
        actor=world.inspector,
    )
    pub.refresh_from_db()
    assert pub.status == Publication.Status.PUBLISHED
    assert "Phạm Văn Tố" not in pub.body and "0905000111" not in pub.body
    assert "Lê Văn Minh" in pub.title
    assert pub.publish_due == get_calendar().add_working_days(world.today, 7)
    assert pub.is_late is False
    assert pub.publish_due_cite == "TC-17"
    assert AuditEvent.objects.filter(action="identity.redaction_scan").exists()
    assert pub.channels.filter(kind="portal").exists()


def test_tc17_late_after_seven_working_days(world):
    decided = get_calendar().add_working_days(world.today, -9)
    pub = publish_redacted(
        title="Kết luận",
        body="Nội dung kết luận.",
        org=world.tree.ubkt,
        category="dc1_10_inspection_discipline",
        decided_on=decided,
        source_items=[],
        actor=world.inspector,
    )
    assert pub.is_late is True
    on_time = publish_redacted(
        title="Kết luận 2",
        body="Nội dung.",
        org=world.tree.ubkt,
        category="p99_inspection_conclusions",
        decided_on=decided,
        source_items=[],
        actor=world.inspector,
        published_on=get_calendar().add_working_days(decided, 7),
    )
    assert on_time.is_late is False


def test_publish_redacted_refuses_outsiders_and_bad_input(world):
    for actor in (world.handler, world.inspector_out, world.receptionist):
        with pytest.raises(PermissionDenied):
            publish_redacted(
                title="T",
                body="B",
                org=world.tree.ubkt,
                category="p99_inspection_conclusions",
                decided_on=world.today,
                source_items=[],
                actor=actor,
            )
    with pytest.raises(InspectionError):
        publish_redacted(
            title="T",
            body="B",
            org=world.tree.ubkt,
            category="nope",
            decided_on=world.today,
            source_items=[],
            actor=world.inspector,
        )
    with pytest.raises(InspectionError):
        publish_redacted(
            title="T",
            body="B",
            org=world.tree.ubkt,
            category="p99_inspection_conclusions",
            decided_on=world.today + dt.timedelta(days=2),
            source_items=[],
            actor=world.inspector,
        )
    assert not Publication.objects.exists()
