"""The permission matrix: each named rule against the standard cast (STYLE.md). It reads as the policy."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from langnghe.handling.rules import can, visible_items_q
from langnghe.intake.models import Item, Kind
from langnghe.orgs.models import Position, Role

from ..factories import person, submit_one, user

CAST = [
    "anonymous",
    "receptionist",
    "handler",
    "unit_head",
    "sibling_handler",
    "parent_leader",
    "concerned_person",
    "concerned_leader",
    "inspector",
    "front_liaison",
    "admin",
]

# Expected results for an ordinary (non-sealed) feedback item received and handled by the commune.
MATRIX = {
    #                      view   route  work   approve reveal
    "anonymous": (False, False, False, False, False),
    "receptionist": (True, True, False, False, True),
    "handler": (True, False, True, False, False),
    "unit_head": (True, True, True, True, False),
    "sibling_handler": (False, False, False, False, False),
    "parent_leader": (True, True, False, True, True),
    "concerned_person": (False, False, False, False, False),
    "concerned_leader": (False, False, False, False, False),
    "inspector": (True, False, True, False, False),
    "front_liaison": (False, False, False, False, False),
    "admin": (False, False, False, False, False),
}
# For a denunciation (sealed, TC-16): the identity opens only to reception staff.
SEALED_DIFF = {
    "parent_leader": (True, True, False, True, False),
}
PERMS = [
    "handling.view_item",
    "handling.route_item",
    "handling.work_item",
    "handling.approve_item",
    "handling.reveal_identity",
]


@pytest.fixture
def cast(tree):
    concerned = user("bi_phan_anh", grants=[(tree.province, Role.LEADER)])
    person("Phạm Văn Dũng", user_account=concerned, org=tree.office)
    concerned_leader = user("truong_van_phong", grants=[(tree.province, Role.LEADER)])
    person("Đỗ Thị Hoa", user_account=concerned_leader, org=tree.office, role=Position.Role.HEAD)
    front = tree.commune.__class__.objects.create(
        name="MTTQ xã", slug="mttq", kind="fatherland_front", level="commune", parent=tree.province
    )
    return {
        "anonymous": AnonymousUser(),
        "receptionist": user(grants=[(tree.commune, Role.RECEPTIONIST)]),
        "handler": user(grants=[(tree.commune, Role.HANDLER)]),
        "unit_head": user(grants=[(tree.commune, Role.UNIT_HEAD)]),
        "sibling_handler": user(grants=[(tree.sibling, Role.HANDLER)]),
        "parent_leader": user(grants=[(tree.province, Role.LEADER)]),
        "concerned_person": concerned,
        "concerned_leader": concerned_leader,
        "inspector": user(grants=[(tree.commune, Role.INSPECTOR)]),
        "front_liaison": user(grants=[(front, Role.FRONT_LIAISON)]),
        "admin": user(grants=[(tree.province, Role.ADMIN)], is_staff=True, is_superuser=True),
    }


def _item(tree, kind):
    from langnghe.orgs.models import Person

    item, _ = submit_one(
        tree.commune,
        kind=kind,
        identity={"name": "Võ Thị Em", "phone": "0905111222"},
        concerned_person=Person.objects.get(full_name="Phạm Văn Dũng"),
        concerned_org=tree.office,
    )
    return Item.objects.get(pk=item.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("who", CAST)
def test_permission_matrix_feedback_item(tree, cast, who):
    item = _item(tree, Kind.FEEDBACK)
    actor = cast[who]
    got = tuple(can(actor, p, item) for p in PERMS)
    assert got == MATRIX[who], who
    # The list side agrees with the object side: lists are filtered, not merely guarded.
    listed = Item.objects.filter(visible_items_q(actor) if actor.is_authenticated else Q(pk__in=[]))
    assert listed.filter(pk=item.pk).exists() == MATRIX[who][0]


@pytest.mark.django_db
@pytest.mark.parametrize("who", CAST)
def test_permission_matrix_denunciation_TC_16(tree, cast, who):
    item = _item(tree, Kind.DENUNCIATION)
    actor = cast[who]
    expected = SEALED_DIFF.get(who, MATRIX[who])
    if who == "front_liaison":
        expected = (False,) * 5
    got = tuple(can(actor, p, item) for p in PERMS)
    assert got == expected, who
    listed = Item.objects.filter(visible_items_q(actor) if actor.is_authenticated else Q(pk__in=[]))
    assert listed.filter(pk=item.pk).exists() == expected[0]


@pytest.mark.django_db
@pytest.mark.parametrize("who", CAST)
def test_attachments_of_a_denunciation_stay_with_reception_TC_16(tree, cast, who):
    feedback, denunciation = _item(tree, Kind.FEEDBACK), _item(tree, Kind.DENUNCIATION)
    actor = cast[who]
    assert can(actor, "handling.view_attachments", feedback) == MATRIX[who][0]
    assert can(actor, "handling.view_attachments", denunciation) == (who == "receptionist")


@pytest.mark.django_db
def test_front_liaison_sees_the_fronts_items_but_never_a_denunciation_TC_16(tree):
    """The matrix above grants the Front liaison elsewhere; here the Front itself receives."""
    front = tree.commune.__class__.objects.create(
        name="Ủy ban MTTQ xã",
        slug="mttq-xa",
        kind="fatherland_front",
        level="commune",
        parent=tree.province,
    )
    liaison = user(grants=[(front, Role.FRONT_LIAISON)])
    feedback, _ = submit_one(front, kind=Kind.FEEDBACK)
    denunciation, _ = submit_one(front, kind=Kind.DENUNCIATION)
    assert can(liaison, "handling.view_item", feedback)
    assert not can(liaison, "handling.view_item", denunciation)
    listed = set(Item.objects.filter(visible_items_q(liaison)).values_list("pk", flat=True))
    assert listed == {feedback.pk}
