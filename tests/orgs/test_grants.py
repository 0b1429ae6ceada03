"""Role grants open sealed content, so they go through role_grant_add / role_grant_remove: the
grant tree decides (not is_superuser), nobody grants themselves, every change is audited (M10)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from langnghe.core.errors import PermissionDenied
from langnghe.core.models import AuditEvent
from langnghe.orgs.access import has_role_over
from langnghe.orgs.models import Role, RoleGrant
from langnghe.orgs.services import role_grant_add, role_grant_remove

from ..factories import user

pytestmark = pytest.mark.django_db

GRANT_AUDITS = ("role_grant.added", "role_grant.removed")


@pytest.fixture
def province_admin(tree):
    return user("quantri", grants=[(tree.province, Role.ADMIN)])


@pytest.fixture
def superuser_admin(tree):
    """A Django superuser who also holds an admin grant on the province (the usual set-up)."""
    return user(
        "quantri_web",
        is_staff=True,
        is_superuser=True,
        grants=[(tree.province, Role.ADMIN)],
    )


def test_self_grant_is_refused(tree, province_admin):
    """An administrator may not give themselves a role that opens sealed content."""
    with pytest.raises(PermissionDenied) as refused:
        role_grant_add(
            user=province_admin,
            organisation=tree.commune,
            role=Role.RECEPTIONIST,
            actor=province_admin,
        )
    assert "tự cấp quyền" in str(refused.value.message)
    assert not RoleGrant.objects.filter(user=province_admin, role=Role.RECEPTIONIST).exists()
    assert not AuditEvent.objects.filter(action__in=GRANT_AUDITS).exists()


def test_superuser_without_a_grant_is_refused(tree):
    root = user("root", is_staff=True, is_superuser=True)
    clerk = user("clerk")
    with pytest.raises(PermissionDenied):
        role_grant_add(user=clerk, organisation=tree.commune, role=Role.HANDLER, actor=root)
    assert not RoleGrant.objects.filter(user=clerk).exists()
    assert not AuditEvent.objects.filter(action__in=GRANT_AUDITS).exists()


def test_only_admins_and_leaders_over_the_organisation_grant(tree):
    clerk = user("clerk")
    handler = user("xuly", grants=[(tree.province, Role.HANDLER)])
    sibling_admin = user("qtyaly", grants=[(tree.sibling, Role.ADMIN)])
    commune_leader = user("ldxa", grants=[(tree.commune, Role.LEADER)])
    for actor in (handler, sibling_admin, commune_leader):
        with pytest.raises(PermissionDenied):  # commune_leader: the province is above them
            role_grant_add(user=clerk, organisation=tree.province, role=Role.HANDLER, actor=actor)
    grant = role_grant_add(
        user=clerk, organisation=tree.office, role=Role.HANDLER, actor=commune_leader
    )
    assert grant.organisation == tree.office


def test_admin_of_the_organisation_grants_and_it_is_audited(tree, province_admin):
    clerk = user("clerk")
    assert not has_role_over(clerk, tree.commune, [Role.RECEPTIONIST])  # caches clerk's grants
    grant = role_grant_add(
        user=clerk, organisation=tree.commune, role=Role.RECEPTIONIST, actor=province_admin
    )
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert has_role_over(clerk, tree.commune, [Role.RECEPTIONIST])  # the cache was dropped
    event = AuditEvent.objects.get(action="role_grant.added")
    assert event.actor == province_admin and event.object_id == grant.pk
    assert event.data["user"] == clerk.pk and event.data["username"] == "clerk"
    assert event.data["role"] == Role.RECEPTIONIST
    assert event.data["organisation"] == tree.commune.pk
    assert event.data["organisation_name"] == tree.commune.name


def test_removal_is_audited(tree, province_admin):
    clerk = user("clerk", grants=[(tree.commune, Role.HANDLER)])
    grant = RoleGrant.objects.get(user=clerk)

    outsider = user("qtyaly", grants=[(tree.sibling, Role.ADMIN)])
    with pytest.raises(PermissionDenied):
        role_grant_remove(grant=grant, actor=outsider)
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert not AuditEvent.objects.filter(action__in=GRANT_AUDITS).exists()

    role_grant_remove(grant=grant, actor=province_admin)
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    event = AuditEvent.objects.get(action="role_grant.removed")
    assert event.actor == province_admin and event.object_id == grant.pk
    assert event.data["user"] == clerk.pk and event.data["role"] == Role.HANDLER
    assert event.data["organisation"] == tree.commune.pk


def test_admin_site_creates_a_grant_through_the_service(client, tree, superuser_admin):
    clerk = user("clerk")
    client.force_login(superuser_admin)
    url = reverse("admin:orgs_rolegrant_add")
    response = client.post(
        url, {"user": clerk.pk, "role": Role.RECEPTIONIST, "organisation": tree.commune.pk}
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=clerk)
    assert grant.role == Role.RECEPTIONIST and grant.organisation == tree.commune
    event = AuditEvent.objects.get(action="role_grant.added")
    assert event.actor == superuser_admin and event.object_id == grant.pk


def test_admin_site_refuses_self_grants_and_grants_without_a_grant(client, tree, superuser_admin):
    client.force_login(superuser_admin)
    url = reverse("admin:orgs_rolegrant_add")
    response = client.post(
        url,
        {"user": superuser_admin.pk, "role": Role.RECEPTIONIST, "organisation": tree.commune.pk},
    )
    assert response.status_code == 200 and "tự cấp quyền" in response.content.decode()

    # A bare superuser is not an administrator of anything.
    root = user("root", is_staff=True, is_superuser=True)
    client.force_login(root)
    clerk = user("clerk")
    response = client.post(
        url, {"user": clerk.pk, "role": Role.HANDLER, "organisation": tree.commune.pk}
    )
    assert response.status_code == 200 and "Chỉ quản trị hoặc lãnh đạo" in response.content.decode()
    assert not RoleGrant.objects.filter(role=Role.RECEPTIONIST).exists()
    assert not RoleGrant.objects.filter(user=clerk).exists()
    assert not AuditEvent.objects.filter(action__in=GRANT_AUDITS).exists()


def test_admin_site_deletes_through_the_service(client, tree, superuser_admin):
    a = user("a", grants=[(tree.commune, Role.HANDLER)])
    b = user("b", grants=[(tree.office, Role.HANDLER)])
    # the party tree is outside the superuser's admin grant
    c = user("c", grants=[(tree.party, Role.HANDLER)])
    client.force_login(superuser_admin)

    grant_a = RoleGrant.objects.get(user=a)
    response = client.post(
        reverse("admin:orgs_rolegrant_delete", args=[grant_a.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant_a.pk).exists()
    assert AuditEvent.objects.filter(action="role_grant.removed", object_id=grant_a.pk).exists()

    grant_c = RoleGrant.objects.get(user=c)
    response = client.post(
        reverse("admin:orgs_rolegrant_delete", args=[grant_c.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert RoleGrant.objects.filter(pk=grant_c.pk).exists()

    # The bulk action goes through the service too.
    grant_b = RoleGrant.objects.get(user=b)
    response = client.post(
        reverse("admin:orgs_rolegrant_changelist"),
        {"action": "delete_selected", "_selected_action": [grant_b.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant_b.pk).exists()
    assert AuditEvent.objects.filter(action="role_grant.removed", object_id=grant_b.pk).exists()
    assert AuditEvent.objects.filter(action="role_grant.removed").count() == 2


def test_admin_site_does_not_edit_grants_in_place(client, tree, superuser_admin):
    """An edit would move a role without the service: remove it and add the new one."""
    clerk = user("clerk", grants=[(tree.commune, Role.HANDLER)])
    grant = RoleGrant.objects.get(user=clerk)
    client.force_login(superuser_admin)
    client.post(
        reverse("admin:orgs_rolegrant_change", args=[grant.pk]),
        {"user": clerk.pk, "role": Role.RECEPTIONIST, "organisation": tree.commune.pk},
    )
    grant.refresh_from_db()
    assert grant.role == Role.HANDLER
