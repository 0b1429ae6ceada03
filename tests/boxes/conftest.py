from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from langnghe.orgs.models import AdminUnit, Organisation, Role

from ..factories import org, user


@pytest.fixture(autouse=True)
def _fresh_rulebook():
    """The rule book is cached per process; a test that overrides it must not leak."""
    from langnghe.core.ruledata import get_rulebook

    get_rulebook.cache_clear()
    yield
    get_rulebook.cache_clear()


@pytest.fixture
def units(tree):
    """Gazetteer communes for the tree: Sa Thầy (the commune) and Ya Ly (its sibling); the Front
    committee of Sa Thầy, which is not under the people's committee in the tree."""
    province = AdminUnit.objects.create(code="51", name="Tỉnh Quảng Ngãi", level="province")
    sathay = AdminUnit.objects.create(
        code="23527", name="Xã Sa Thầy", level="commune", parent=province
    )
    yaly = AdminUnit.objects.create(code="23530", name="Xã Ya Ly", level="commune", parent=province)
    tree.commune.admin_unit = sathay
    tree.commune.save(update_fields=["admin_unit"])
    tree.sibling.admin_unit = yaly
    tree.sibling.save(update_fields=["admin_unit"])
    tree.front = org(
        "Ủy ban MTTQ xã Sa Thầy", kind=Organisation.Kind.FATHERLAND_FRONT, admin_unit=sathay
    )
    tree.sibling_front = org(
        "Ủy ban MTTQ xã Ya Ly", kind=Organisation.Kind.FATHERLAND_FRONT, admin_unit=yaly
    )
    tree.sathay, tree.yaly = sathay, yaly
    return tree


@pytest.fixture
def people(units):
    t = units
    return type(
        "People",
        (),
        dict(
            receptionist=user("tiepnhan", grants=[(t.commune, Role.RECEPTIONIST)]),
            leader=user("lanhdao", grants=[(t.province, Role.LEADER)]),
            head=user("truongdonvi", grants=[(t.commune, Role.UNIT_HEAD)]),
            admin=user("quantri", grants=[(t.commune, Role.ADMIN)]),
            handler=user("xuly", grants=[(t.commune, Role.HANDLER)]),
            inspector=user("kiemtra", grants=[(t.commune, Role.INSPECTOR)]),
            front=user("mattran", grants=[(t.front, Role.FRONT_LIAISON)]),
            sibling_front=user("mattran2", grants=[(t.sibling_front, Role.FRONT_LIAISON)]),
            sibling_receptionist=user("tiepnhan2", grants=[(t.sibling, Role.RECEPTIONIST)]),
            nobody=user("khongquyen"),
        ),
    )


@pytest.fixture
def box(people, units):
    from langnghe.boxes.services import box_create

    return box_create(
        actor=people.receptionist,
        organisation=units.commune,
        code="ST-01",
        place="Cổng trụ sở UBND xã Sa Thầy",
        installed_on=dt.date(2025, 7, 1),
    )


def witnesses(n: int = 2, front: bool = True):
    from langnghe.boxes.services import WitnessData

    rows = [WitnessData("Y Nhung", "Phó Chủ tịch Ủy ban MTTQ xã", is_front=front)]
    rows += [WitnessData(f"Người chứng kiến {i}", "Trưởng thôn") for i in range(2, n + 1)]
    return rows[:n]


@pytest.fixture
def opening(box, people):
    from langnghe.boxes.services import opening_record

    return opening_record(
        actor=people.receptionist,
        box=box,
        opened_at=timezone.now() - dt.timedelta(hours=2),
        letters_count=2,
        witnesses=witnesses(),
    )


def scan_png(text: str = "Thư góp ý") -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (200, 280), "white")
    ImageDraw.Draw(img).text((10, 10), text, fill="black")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
