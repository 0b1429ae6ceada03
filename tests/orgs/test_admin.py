"""The Django admin configures; it does not open items or the identity vault (DESIGN.md §2)."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from langnghe.handling.models import Answer, ItemEvent, RoutingRule
from langnghe.intake.models import Attachment, Item, ReporterIdentity, Topic
from langnghe.orgs.models import (
    AdminUnit,
    Organisation,
    Person,
    Position,
    Role,
    RoleGrant,
    Succession,
)

from ..factories import org, submit_one, user

CONFIG_MODELS = [
    AdminUnit,
    Organisation,
    Succession,
    Person,
    Position,
    RoleGrant,
    Topic,
    RoutingRule,
]


@pytest.fixture
def superuser(db):
    return user("quantri", is_staff=True, is_superuser=True)


def test_sealed_content_is_not_in_the_admin():
    for model in (Item, ReporterIdentity, Attachment, ItemEvent, Answer):
        assert not admin.site.is_registered(model), model


@pytest.mark.django_db
def test_configuration_pages_open(client, superuser, tree):
    from langnghe.intake.reference import indicators_load, topics_load
    from langnghe.orgs.reference import admin_units_load

    admin_units_load()
    topics_load()
    indicators_load()
    client.force_login(superuser)
    for model in CONFIG_MODELS:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{prefix}_changelist")).status_code == 200, model
        assert client.get(reverse(f"{prefix}_add")).status_code == 200, model
    response = client.get(reverse("admin:orgs_organisation_change", args=[tree.commune.pk]))
    assert response.status_code == 200
    assert client.get(reverse("admin:orgs_adminunit_changelist") + "?q=sa+thay").status_code == 200


@pytest.mark.django_db
def test_routing_rule_outside_ones_subtree_is_a_form_error(client, tree):
    staff = user(
        "lanhdao_xa", is_staff=True, is_superuser=True, grants=[(tree.commune, Role.LEADER)]
    )
    place = AdminUnit.objects.create(code="23500", name="Xã Sa Thầy", level="commune")
    tree.commune.admin_unit = place
    tree.commune.save(update_fields=["admin_unit"])
    client.force_login(staff)
    url = reverse("admin:handling_routingrule_add")
    data = {
        "name": "Sang xã khác",
        "admin_unit": place.pk,  # a rule for every place is the deployment's leaders' (H2)
        "kind": "",
        "target": tree.sibling.pk,
        "priority": 0,
        "active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and not RoutingRule.objects.exists()
    data["target"] = tree.commune.pk
    response = client.post(url, data)
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert rule.target == tree.commune


@pytest.mark.django_db
def test_admin_action_applies_a_succession(client, tree):
    old = org("UBND xã Sa Sơn", parent=tree.province, valid_to=dt.date(2025, 6, 30))
    new = org("UBND xã Sa Thầy mới", parent=tree.province, valid_from=dt.date(2025, 7, 1))
    succession = Succession.objects.create(
        kind="merge",
        predecessor=old,
        successor=new,
        effective_date=dt.date(2025, 7, 1),
        legal_basis="NQ 1677",
    )
    item, _ = submit_one(old, received_at=dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC))
    staff = user("qt", is_staff=True, is_superuser=True, grants=[(tree.province, Role.ADMIN)])
    client.force_login(staff)
    url = reverse("admin:orgs_succession_changelist")
    response = client.post(
        url, {"action": "apply_selected", "_selected_action": [succession.pk]}, follow=True
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.handling_org == new
    # a second application is refused with a message, not an error page
    response = client.post(
        url, {"action": "apply_selected", "_selected_action": [succession.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "đã được áp dụng" in response.content.decode()
