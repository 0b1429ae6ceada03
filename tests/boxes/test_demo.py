"""The demo story of the suggestion boxes runs through the services on the spine's organisations."""

from __future__ import annotations

import pytest

from langnghe.boxes.demo import build_demo
from langnghe.boxes.models import BoxLetter, BoxOpening, SuggestionBox
from langnghe.intake.models import Attachment, Channel, Item
from langnghe.orgs.models import AdminUnit, Organisation, Role

from ..factories import org, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_orgs(db):
    """The slugs and accounts `manage.py demo` creates, in miniature."""
    province = AdminUnit.objects.create(code="51", name="Tỉnh Quảng Ngãi", level="province")
    units = {}
    for key, name in (("sathay", "Sa Thầy"), ("yaly", "Ya Ly"), ("morai", "Mô Rai")):
        units[key] = AdminUnit.objects.create(
            code=f"9{len(units)}", name=f"Xã {name}", level="commune", parent=province
        )
        ubnd = Organisation.objects.create(
            name=f"Ủy ban nhân dân xã {name}",
            slug=f"ubnd-xa-{key}",
            kind=Organisation.Kind.PEOPLES_COMMITTEE,
            level=Organisation.Level.COMMUNE,
            admin_unit=units[key],
        )
        username = "tiepnhan" if key == "sathay" else f"{key}.tiepnhan"
        user(username, grants=[(ubnd, Role.RECEPTIONIST)])
    mttq = org(
        "Ủy ban MTTQ Việt Nam xã Sa Thầy",
        kind=Organisation.Kind.FATHERLAND_FRONT,
        admin_unit=units["sathay"],
    )
    mttq.slug = "mttq-xa-sathay"
    mttq.save(update_fields=["slug"])
    user("sathay.mttq", grants=[(mttq, Role.RECEPTIONIST)])


def test_demo_builds_boxes_openings_and_letters(demo_orgs):
    lines = build_demo(seed=2025, out=None)
    assert len(lines) == 1 and "8 hòm / boxes" in lines[0]
    assert SuggestionBox.objects.count() == 8
    assert SuggestionBox.objects.filter(organisation__slug="mttq-xa-sathay").count() == 1
    states = sorted(BoxOpening.objects.values_list("state", flat=True))
    assert states == ["complete", "complete", "complete", "entering"]
    closed = BoxOpening.objects.get(box__code="ST-T1")
    assert closed.letters.count() == 2 and closed.letters_count == 3 and closed.mismatch_note
    assert BoxLetter.objects.count() == 6
    items = Item.objects.all()
    assert items.count() == 7  # one letter mixes two kinds (TCD-10)
    assert all(i.channel == Channel.SUGGESTION_BOX for i in items)
    assert Attachment.objects.count() == 7  # each item has its letter's scan
    assert BoxLetter.objects.filter(signed=True).count() == 2


def test_demo_without_the_spines_organisations_does_nothing(db):
    lines = build_demo(seed=1, out=None)
    assert "skipped" in lines[0] and not SuggestionBox.objects.exists()
