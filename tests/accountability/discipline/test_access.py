"""Permission matrix of party discipline: sealed drafts, each role, out of scope, anonymous, and
the audit of every read of an undisclosed decision."""

from __future__ import annotations

import pytest
from django.utils import timezone

from langnghe.accountability.discipline import services
from langnghe.accountability.discipline.rules import can
from langnghe.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return services.decision_create(
        actor=world.users["inspector"],
        deciding_body=world.party,
        subject_person=world.cadre,
        form="reprimand",
        grounds="Vi phạm trong quản lý đất đai.",
    )


@pytest.fixture
def decided(world, draft):
    return services.decision_decide(
        decision=draft,
        actor=world.users["inspector"],
        number="05-QĐ/ĐU",
        decided_on=timezone.localdate(),
    )


# role → (view draft, view decided, manage, publish)
MATRIX = {
    "inspector": (True, True, True, False),
    "leader": (True, True, True, True),
    "state_leader": (False, False, False, False),
    "unit_head": (False, False, False, False),
    "handler": (False, False, False, False),
    "receptionist": (False, False, False, False),
    "front": (False, False, False, False),
    "admin": (False, False, False, False),
    "other_inspector": (False, False, False, False),
    "other_leader": (False, False, False, False),
    "cadre": (False, True, False, False),  # the disciplined member, once decided
}


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_decision_permission_matrix(world, draft, role):
    u = world.users[role]
    view_draft, view_decided, manage, publish = MATRIX[role]
    assert can(u, "discipline.view_decision", draft) is view_draft
    assert can(u, "discipline.manage_decision", draft) is manage
    assert can(u, "discipline.publish_decision", draft) is publish
    from langnghe.accountability.discipline.selectors import decisions_for

    assert decisions_for(actor=u).filter(pk=draft.pk).exists() is view_draft
    services.decision_decide(
        decision=draft, actor=world.users["inspector"], number="1", decided_on=timezone.localdate()
    )
    draft.refresh_from_db()
    assert can(u, "discipline.view_decision", draft) is view_decided
    assert decisions_for(actor=u).filter(pk=draft.pk).exists() is view_decided


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_decision_page_by_role_and_audit(world, draft, client, role):
    view_draft = MATRIX[role][0]
    client.force_login(world.users[role])
    before = AuditEvent.objects.filter(action="discipline.read").count()
    for url in (f"/quan-ly/ky-luat/{draft.pk}/", f"/quan-ly/ky-luat/{draft.pk}/in/"):
        r = client.get(url)
        assert r.status_code == (200 if view_draft else 404)
        if not view_draft:
            assert "Vi phạm trong quản lý đất đai" not in r.content.decode()
    after = AuditEvent.objects.filter(action="discipline.read").count()
    assert after - before == (2 if view_draft else 0)
    if view_draft:
        ev = AuditEvent.objects.filter(action="discipline.read").latest("pk")
        assert ev.object_id == draft.pk and ev.actor == world.users[role]


def test_subject_inspector_of_the_cell_sees_it(world, draft):
    from langnghe.orgs.models import Role

    from ...factories import user

    cell_inspector = user("ktcb", grants=[(world.cell, Role.INSPECTOR)])
    assert can(cell_inspector, "discipline.view_decision", draft)
    assert not can(cell_inspector, "discipline.manage_decision", draft)


def test_anonymous_is_sent_to_login(world, draft, client):
    for url in (
        "/quan-ly/ky-luat/",
        f"/quan-ly/ky-luat/{draft.pk}/",
        f"/quan-ly/ky-luat/{draft.pk}/in/",
        "/quan-ly/ky-luat/moi/",
        "/quan-ly/ky-luat/thong-bao/",
    ):
        r = client.get(url)
        assert r.status_code == 302
        assert r["Location"].startswith("/quan-ly/dang-nhap") or "login" in r["Location"]
    r = client.post(f"/quan-ly/ky-luat/{draft.pk}/ban-hanh/", {"number": "1"})
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_actions_out_of_scope_are_404_and_forbidden_roles_403(world, decided, client):
    client.force_login(world.users["other_inspector"])
    assert client.post(f"/quan-ly/ky-luat/{decided.pk}/thong-bao/", {}).status_code == 404
    assert client.get(f"/quan-ly/ky-luat/{decided.pk}/cong-khai/").status_code == 404
    client.force_login(world.users["inspector"])  # sees and manages, may not publish here
    assert client.get(f"/quan-ly/ky-luat/{decided.pk}/cong-khai/").status_code == 403
    client.force_login(world.users["cadre"])  # reads their own decision, changes nothing
    assert client.get(f"/quan-ly/ky-luat/{decided.pk}/").status_code == 200
    r = client.post(f"/quan-ly/ky-luat/{decided.pk}/thong-bao/", {"notified_on": "2026-01-01"})
    assert r.status_code == 403
    decided.refresh_from_db()
    assert decided.status == "decided"


def test_services_refuse_out_of_scope(world, draft):
    from langnghe.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.decision_create(
            actor=world.users["other_inspector"],
            deciding_body=world.party,
            subject_person=world.cadre,
            form="warning",
            grounds="x",
        )
    with pytest.raises(PermissionDenied):
        services.decision_decide(
            decision=draft,
            actor=world.users["admin"],
            number="1",
            decided_on=timezone.localdate(),
        )


# role → (create notice on commune, view notice, mark sent)
NOTICE_MATRIX = {
    "state_leader": (True, True, True),
    "unit_head": (True, True, True),
    "leader": (True, True, True),
    "inspector": (False, True, False),  # the receiving cell is under the UBKT's committee
    "handler": (False, False, False),
    "front": (False, False, False),
    "admin": (False, False, False),
    "other_inspector": (False, False, False),
    "cadre": (False, False, False),
}


@pytest.mark.parametrize("role", sorted(NOTICE_MATRIX))
def test_notice_permission_matrix(world, client, role):
    notice = services.notice_create(
        actor=world.users["state_leader"],
        issuing_org=world.commune,
        person=world.cadre,
        measure="reprimand",
        decided_on=timezone.localdate(),
    )
    u = world.users[role]
    create, view, mark = NOTICE_MATRIX[role]
    assert can(u, "discipline.keep_notice", world.commune) is create
    assert can(u, "discipline.view_notice", notice) is view
    assert can(u, "discipline.keep_notice", notice) is mark
    client.force_login(u)
    assert client.get(f"/quan-ly/ky-luat/thong-bao/{notice.pk}/").status_code == (
        200 if view else 404
    )
    r = client.post(f"/quan-ly/ky-luat/thong-bao/{notice.pk}/da-gui/", {"sent_on": ""})
    assert r.status_code == (200 if mark else (403 if view else 404))
