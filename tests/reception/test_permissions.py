"""Permission matrix of citizen reception: role × action → allowed / denied, including other
organisations' staff and anonymous users. These tests read as the policy."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from langnghe.core.errors import PermissionDenied
from langnghe.handling.rules import can
from langnghe.intake.models import Kind
from langnghe.intake.services import Part
from langnghe.reception.services import Visit, log_entry_add, session_publish

pytestmark = pytest.mark.django_db

ROLES = [
    "receptionist",
    "leader",
    "unit_head",
    "handler",
    "sibling_receptionist",
    "sibling_leader",
    "province_leader",
    "admin",
    "anonymous",
]


def _actor(people, role):
    return AnonymousUser() if role == "anonymous" else getattr(people, role)


MATRIX = {
    # perm: roles allowed on the commune
    "reception.manage_sessions": {"leader", "unit_head", "province_leader", "admin"},
    "reception.keep_log": {"receptionist", "leader", "province_leader"},
    "reception.view_log": {"receptionist", "leader", "unit_head", "province_leader"},
    "reception.view_bookings": {"receptionist", "leader", "unit_head", "province_leader"},
    "reception.reveal_identity": {"receptionist"},
    "reception.view_quotas": {"leader", "unit_head", "province_leader", "admin"},
    "reception.issue_conclusion": {
        "receptionist",
        "leader",
        "unit_head",
        "province_leader",
        "admin",
    },
}


@pytest.mark.parametrize("perm", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(tree, people, perm, role):
    assert can(_actor(people, role), perm, tree.commune) is (role in MATRIX[perm])


def test_service_refuses_out_of_scope_actor(tree, people, make_session):
    session = make_session()
    for actor in (people.sibling_leader, people.handler, people.receptionist):
        with pytest.raises(PermissionDenied):
            session_publish(session=session, actor=actor)
    for actor in (people.sibling_receptionist, people.unit_head, people.admin):
        with pytest.raises(PermissionDenied):
            log_entry_add(
                visit=Visit(
                    organisation=tree.commune,
                    received_on=timezone.localdate(),
                    name="A",
                    parts=[Part(Kind.FEEDBACK, "x")],
                ),
                actor=actor,
            )


def test_out_of_scope_session_and_entry_are_404(client, tree, people, make_session):
    session = make_session()
    result = log_entry_add(
        visit=Visit(
            organisation=tree.commune,
            received_on=timezone.localdate(),
            name="A",
            parts=[Part(Kind.FEEDBACK, "Cống thôn Bảy bị tắc")],
        ),
        actor=people.receptionist,
    )
    client.force_login(people.sibling_leader)
    assert client.get(reverse("reception_backoffice:session", args=[session.pk])).status_code == 404
    assert (
        client.post(
            reverse("reception_backoffice:session_action", args=[session.pk, "publish"])
        ).status_code
        == 404
    )
    client.force_login(people.sibling_receptionist)
    assert (
        client.get(reverse("reception_backoffice:entry", args=[result.entry.pk])).status_code == 404
    )
    html = client.get(reverse("reception_backoffice:log")).content.decode()
    assert result.entry.summary not in html


def test_forbidden_actions_are_403(client, tree, people, make_session):
    session = make_session()
    client.force_login(people.handler)
    assert client.get(reverse("reception_backoffice:session_create")).status_code == 403
    assert client.get(reverse("reception_backoffice:log")).status_code == 403
    assert client.get(reverse("reception_backoffice:quotas")).status_code == 403
    client.force_login(people.receptionist)
    assert client.get(reverse("reception_backoffice:quotas")).status_code == 403
    assert client.get(reverse("reception_backoffice:session_create")).status_code == 403
    # A receptionist sees the session but may not publish it.
    response = client.post(
        reverse("reception_backoffice:session_action", args=[session.pk, "publish"])
    )
    assert response.status_code == 403
    client.force_login(people.admin)
    assert (
        client.get(reverse("reception_backoffice:log")).status_code == 403
    )  # no identities, no log
    assert client.get(reverse("reception_backoffice:quotas")).status_code == 200


def test_quota_table_only_covers_the_leaders_subtree(tree, people):
    import datetime as dt

    from langnghe.reception.selectors import quota_table

    months = [dt.date(2026, 10, 1)]
    mine = {r.person for r in quota_table(actor=people.leader, months=months)}
    assert people.chair in mine and people.province_chair not in mine
    assert people.secretary not in mine  # the party committee is not under the commune's grant
    assert quota_table(actor=people.sibling_leader, months=months) == []
    assert quota_table(actor=people.receptionist, months=months) == []
    wide = {r.person for r in quota_table(actor=people.province_leader, months=months)}
    assert {people.chair, people.province_chair, people.office_head} <= wide
