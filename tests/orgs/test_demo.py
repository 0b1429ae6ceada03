"""`manage.py demo` on an empty database: the published accounts (DESIGN.md §5) with their grants,
the organisation tree before and after 2025, and items moved along by the real services."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F

from langnghe.handling.models import ItemEvent, RoutingRule
from langnghe.handling.rules import visible_items_q
from langnghe.intake.models import Item
from langnghe.orgs.models import Organisation, RoleGrant, Succession

ITEMS = 40  # the default (300) takes ~20 s of CPU; the suite uses a smaller run of the same code

EXPECTED_GRANTS = {
    "lanhdao": {("leader", "dang-uy-xa-sathay"), ("leader", "ubnd-xa-sathay")},
    "tiepnhan": {("receptionist", "ubnd-xa-sathay"), ("receptionist", "dang-uy-xa-sathay")},
    "xuly": {("handler", "ubnd-xa-sathay")},
    "truongdonvi": {("unit_head", "ubnd-xa-sathay")},
    "kiemtra": {("inspector", "ubkt-xa-sathay")},
    "mattran": {("front_liaison", "mttq-xa-sathay")},
    "admin": {
        ("admin", "tinh-uy"),
        ("admin", "ubnd-tinh"),
        ("admin", "hdnd-tinh"),
        ("admin", "mttq-tinh"),
    },
}


@pytest.mark.django_db
def test_demo_on_an_empty_database():
    """One run (the demo takes seconds), checked from several sides."""
    call_command("demo", items=ITEMS, verbosity=0)
    _accounts_have_the_published_roles()
    _tree_has_the_2025_restructuring()
    _items_went_through_the_services()
    _staff_see_their_own_commune()
    _is_idempotent()


def _accounts_have_the_published_roles():
    users = get_user_model().objects
    for username, expected in EXPECTED_GRANTS.items():
        user = users.get(username=username)
        grants = set(RoleGrant.objects.filter(user=user).values_list("role", "organisation__slug"))
        assert grants == expected, username
        assert user.check_password("langnghe-demo")
        assert user.email == f"{username}@langnghe.local"
        assert user.person.full_name
    assert users.get(username="admin").is_superuser
    assert not users.filter(is_superuser=True).exclude(username="admin").exists()
    assert users.get(username="xuly").person.positions.exists()


def _tree_has_the_2025_restructuring():
    communes = Organisation.objects.filter(
        kind="peoples_committee", level="commune", valid_to__isnull=True
    )
    assert sorted(communes.values_list("short_name", flat=True)) == [
        "UBND xã Mô Rai",
        "UBND xã Rờ Kơi",
        "UBND xã Sa Bình",
        "UBND xã Sa Thầy",
        "UBND xã Ya Ly",
    ]
    assert set(
        Organisation.objects.filter(remote_area=True).values_list("admin_unit__name", flat=True)
    ) == {"Xã Rờ Kơi", "Xã Mô Rai"}
    old = Organisation.objects.filter(valid_to=dt.date(2025, 6, 30))
    assert old.filter(kind="peoples_committee", level="commune").count() == 11
    assert old.filter(level="district_legacy").count() == 3
    assert (
        Succession.objects.count() == 25
        and not Succession.objects.filter(applied_at__isnull=True).exists()
    )
    assert (
        Succession.objects.filter(kind="dissolve", legal_basis__contains="72/2025/QH15").count()
        == 3
    )
    assert (
        Succession.objects.filter(kind="merge", legal_basis__contains="1677/NQ-UBTVQH15").count()
        == 18
    )
    sa_thay = Organisation.objects.get(slug="dang-uy-xa-sathay")
    assert sa_thay.parent.slug == "tinh-uy"
    assert sa_thay.children.filter(kind="party_cell").count() >= 3
    assert sa_thay.children.filter(kind="inspection_commission").exists()
    assert (
        Organisation.objects.get(slug="mttq-xa-sathay").children.filter(kind="mass_org").count()
        == 4
    )
    assert RoutingRule.objects.filter(
        topic__code="can-bo-dang-vien", target__slug="dang-uy-xa-sathay"
    ).exists()


def _items_went_through_the_services():
    items = Item.objects.all()
    assert items.count() >= ITEMS
    assert items.filter(is_published=True).exists() and items.filter(is_open=True).exists()
    assert items.exclude(channel="online").filter(created_by__isnull=False).exists()
    assert not items.filter(handling_org__isnull=True).exists()
    # every event dated within its item's life, none in the future (the history is back-dated)
    assert not ItemEvent.objects.filter(at__lt=F("item__received_at")).exists()
    assert not ItemEvent.objects.filter(at__gt=dt.datetime.now(dt.UTC)).exists()
    assert not items.filter(closed_at__lt=F("received_at")).exists()
    # RS-9: the old communes' open items moved to their successors on 01/7/2025
    moved = items.filter(events__type=ItemEvent.Type.SUCCESSION).distinct()
    assert moved.exists()
    assert all(i.handling_org.valid_from == dt.date(2025, 7, 1) for i in moved)
    assert items.filter(receiving_org__valid_to=dt.date(2025, 6, 30), is_open=False).exists()


def _staff_see_their_own_commune():
    users = get_user_model().objects
    xuly = users.get(username="xuly")
    seen = Item.objects.filter(visible_items_q(xuly))
    assert seen.exists()
    assert (
        not seen.exclude(
            handling_path__startswith=Organisation.objects.get(slug="ubnd-xa-sathay").path
        )
        .exclude(receiving_org__slug="ubnd-xa-sathay")
        .exists()
    )


def _is_idempotent():
    counts = (Organisation.objects.count(), Item.objects.count(), get_user_model().objects.count())
    call_command("demo", items=ITEMS, verbosity=0)
    assert (
        Organisation.objects.count(),
        Item.objects.count(),
        get_user_model().objects.count(),
    ) == counts
