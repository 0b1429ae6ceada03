"""Views: the sealed-record permission matrix, the audit of every read, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from langnghe.accountability.inspections import services
from langnghe.accountability.inspections.models import Finding, Inspection, TeamMember
from langnghe.core.models import AuditEvent
from langnghe.orgs.models import PersonTie

from ...factories import person
from .helpers import concluded, opened, to_conduct

pytestmark = pytest.mark.django_db

SEALED_PAGES = ["inspection", "team", "report", "finding", "grants", "print_decision"]


def _url(name: str, i: Inspection) -> str:
    return reverse(f"inspections_backoffice:{name}", args=[i.pk])


def _status(client, user, url: str) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


def test_sealed_record_permission_matrix(client, world):
    i = to_conduct(world)
    granted_leader = world.leader
    from langnghe.orgs.models import Role

    from ...factories import user

    other_leader = user("lanhdao2", grants=[(world.tree.party, Role.LEADER)])
    services.access_grant(
        actor=world.inspector, inspection=i, user_id=granted_leader.pk, reason="Chỉ đạo"
    )
    url = _url("inspection", i)
    expected = {
        "inspector in scope": (world.inspector, 200),
        "inspector out of scope": (world.inspector_out, 404),
        "leader with a grant": (granted_leader, 200),
        "leader without a grant": (other_leader, 404),
        "admin": (world.admin, 404),
        "handler": (world.handler, 404),
        "receptionist": (world.receptionist, 404),
        "front_liaison": (world.front, 404),
        "the subject": (world.cadre_user, 404),
    }
    for label, (who, status) in expected.items():
        assert _status(client, who, url) == status, label
    client.logout()
    anon = client.get(url)
    assert anon.status_code == 302 and "/quan-ly/dang-nhap/" in anon["Location"]
    # a granted leader reads but does not act
    assert _status(client, granted_leader, _url("finding", i)) == 403
    # the list does not reveal it either
    for who in (world.inspector_out, other_leader, world.admin, world.cadre_user, world.handler):
        client.force_login(who)
        assert i.title not in client.get(reverse("inspections_backoffice:index")).content.decode()


def test_every_read_is_audited(client, world):
    i = concluded(world)
    client.force_login(world.inspector)
    before = AuditEvent.objects.filter(action="inspection.read", object_id=i.pk).count()
    for name in SEALED_PAGES + [
        "print_conclusion",
        "conclusion",
        "notice",
        "remedy",
        "publish",
        "decision",
    ]:
        assert client.get(_url(name, i)).status_code == 200, name
    reads = AuditEvent.objects.filter(action="inspection.read", object_id=i.pk)
    assert reads.count() == before + len(SEALED_PAGES) + 6
    assert reads.filter(actor=world.inspector, data__page="detail").exists()
    # a refused read writes nothing
    client.force_login(world.handler)
    client.get(_url("inspection", i))
    assert (
        AuditEvent.objects.filter(action="inspection.read", object_id=i.pk).count() == reads.count()
    )


def test_subject_never_sees_source_items_list(client, world):
    client.force_login(world.cadre_user)
    body = client.get(reverse("inspections_backoffice:denunciations"))
    assert body.status_code == 404
    client.force_login(world.inspector)
    page = client.get(reverse("inspections_backoffice:denunciations")).content.decode()
    assert world.item.code in page
    assert "Phạm Văn Tố" not in page and "0905000111" not in page


def test_tc18_open_from_list_through_the_view(client, world):
    client.force_login(world.inspector)
    url = reverse("inspections_backoffice:denunciations")
    bad = client.post(url, {"title": "Kiểm tra"})
    assert bad.status_code == 200 and "Kiểm tra" in bad.content.decode()
    assert not Inspection.objects.exists()
    ok = client.post(url, {"items": [str(world.item.pk)], "title": "Kiểm tra đồng chí Minh"})
    assert ok.status_code == 302
    i = Inspection.objects.get()
    assert i.kind == "on_violation_signs"
    client.force_login(world.inspector_out)
    refused = client.post(url, {"items": [str(world.item.pk)], "title": "X"})
    assert refused.status_code == 200  # the item is not among their choices: not revealed
    assert world.item.title not in refused.content.decode()
    assert Inspection.objects.count() == 1


def test_team_view_shows_coi_refusal_and_keeps_input(client, world):
    i = opened(world)
    brother = person("Lê Văn Em")
    PersonTie.objects.create(
        person=world.cadre, relative=brother, kind="sibling", declared_on=dt.date.today()
    )
    client.force_login(world.inspector)
    r = client.post(
        _url("team", i),
        {"person": brother.pk, "role": "member", "no_tie_declared": "on", "declared_interest": ""},
    )
    assert r.status_code == 200
    assert "quan hệ gia đình" in r.content.decode()
    assert not TeamMember.objects.exists()


def test_bad_input_never_500(client, world):
    i = to_conduct(world)
    client.force_login(world.inspector)
    r = client.post(_url("finding", i), {"content": "", "severity": "nope"})
    assert r.status_code == 200 and not Finding.objects.exists()
    r = client.post(_url("report", i), {"text": "Giải trình dài", "received_on": "2999-01-01"})
    assert r.status_code == 200 and "Giải trình dài" in r.content.decode()
    r = client.post(
        _url("conclusion", i), {"text": "x", "result": "y", "concluded_on": "not-a-date"}
    )
    assert r.status_code == 200
    r = client.post(_url("transition", i), {"to_state": "follow_up"})
    assert r.status_code == 302
    i.refresh_from_db()
    assert i.state == "deployed"
    r = client.post(_url("transition", i), {"to_state": "<script>"})
    assert r.status_code == 302
    assert (
        client.get(reverse("inspections_backoffice:inspection", args=[999999])).status_code == 404
    )
    r = client.post(reverse("inspections_backoffice:plans"), {"organisation": "x", "year": "abc"})
    assert r.status_code == 200


def test_publish_view_and_portal_shows_redacted_text(client, world):
    i = concluded(world)
    client.force_login(world.inspector)
    r = client.post(
        _url("publish", i), {"title": "Kết luận kiểm tra", "category": "p99_inspection_conclusions"}
    )
    assert r.status_code == 302
    i.refresh_from_db()
    client.logout()
    page = client.get(reverse("disclosure_portal:publication", args=[i.conclusion.publication_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Lê Văn Minh" in text and "Phạm Văn Tố" not in text and "0905000111" not in text


def test_remedies_due_list_flags_overdue(client, world):
    i = concluded(world, on=dt.date.today() - dt.timedelta(days=15))
    services.remedy_add(
        actor=world.inspector,
        inspection=i,
        content="Hoàn trả tiền",
        responsible="Minh",
        due_on=dt.date.today() - dt.timedelta(days=2),
    )
    client.force_login(world.inspector)
    page = client.get(reverse("inspections_backoffice:remedies")).content.decode()
    assert "Hoàn trả tiền" in page and "Quá hạn" in page
    index = client.get(reverse("inspections_backoffice:index")).content.decode()
    assert "Có biện pháp quá hạn" in index
    client.force_login(world.handler)
    assert (
        "Hoàn trả tiền"
        not in client.get(reverse("inspections_backoffice:remedies")).content.decode()
    )
