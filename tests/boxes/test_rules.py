"""Permission matrix of the suggestion boxes: these tests read as the policy (langnghe/boxes/rules.py).

Register roles (receptionist, leader, unit head, admin) of the box's unit manage boxes and record
openings; only receptionists and leaders enter letters (the spine's intake, and sealed
denunciations); Front liaisons of the same commune only look; everybody else sees nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from langnghe.boxes import selectors
from langnghe.boxes.services import opening_close
from langnghe.handling.rules import can

pytestmark = pytest.mark.django_db

WHO = [
    "anonymous",
    "receptionist",
    "leader",
    "head",
    "admin",
    "handler",
    "inspector",
    "front",
    "sibling_front",
    "sibling_receptionist",
    "nobody",
]

ALLOWED = {
    "boxes.view_box": {"receptionist", "leader", "head", "admin", "front"},
    "boxes.manage_box": {"receptionist", "leader", "head", "admin"},
    "boxes.record_opening": {"receptionist", "leader", "head", "admin"},
    "boxes.edit_opening": {"receptionist", "leader", "head", "admin"},
    "boxes.enter_letter": {"receptionist", "leader"},
}


def actor(people, who):
    return AnonymousUser() if who == "anonymous" else getattr(people, who)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("perm", sorted(ALLOWED))
def test_permission_matrix(people, opening, perm, who):
    obj = opening if perm in {"boxes.edit_opening", "boxes.enter_letter"} else opening.box
    assert can(actor(people, who), perm, obj) is (who in ALLOWED[perm])


@pytest.mark.parametrize("who", WHO)
def test_register_list_is_filtered(people, box, who):
    visible = set(selectors.boxes_for(actor=actor(people, who)).values_list("code", flat=True))
    assert visible == ({"ST-01"} if who in ALLOWED["boxes.view_box"] else set())


def test_front_liaison_of_the_same_commune_sees_but_cannot_enter(people, opening):
    assert can(people.front, "boxes.view_box", opening)
    assert not can(people.front, "boxes.enter_letter", opening)
    assert not can(people.front, "boxes.record_opening", opening.box)


def test_retired_box_takes_no_opening_even_for_its_unit(people, box):
    from django.utils import timezone

    from langnghe.boxes.services import box_retire

    box_retire(actor=people.head, box=box, removed_on=timezone.localdate(), reason="Hỏng")
    box.refresh_from_db()
    assert can(people.head, "boxes.view_box", box)
    assert not can(people.head, "boxes.record_opening", box)


def test_complete_opening_takes_no_letter(people, opening):
    opening_close(actor=people.receptionist, opening=opening, note="Cả hai tờ đều là giấy trắng.")
    opening.refresh_from_db()
    assert not can(people.receptionist, "boxes.enter_letter", opening)
    assert not can(people.receptionist, "boxes.edit_opening", opening)
    assert can(people.receptionist, "boxes.view_box", opening)
