from __future__ import annotations

import pytest

from .fixtures import _fresh_cache, browser, new_page, screenshots  # noqa: F401


@pytest.fixture
def places(tree):
    """The tree of tests/conftest.py plus what the forms offer: the commune of the gazetteer with
    its people's committee (which receives online items) and a topic."""
    from langnghe.intake.models import Topic
    from langnghe.orgs.models import AdminUnit

    province_unit = AdminUnit.objects.create(
        code="51", name="Tỉnh Quảng Ngãi", level=AdminUnit.Level.PROVINCE
    )
    commune_unit = AdminUnit.objects.create(
        code="23527", name="Xã Sa Thầy", level=AdminUnit.Level.COMMUNE, parent=province_unit
    )
    tree.commune.admin_unit = commune_unit
    tree.commune.save(update_fields=["admin_unit"])
    tree.commune_unit = commune_unit
    tree.topic = Topic.objects.create(code="giao-thong", name_vi="Giao thông", name_en="Transport")
    return tree


@pytest.fixture
def routing(places):
    """Transport in Xã Sa Thầy is handled by the commune's office, not by the committee that
    receives the item: the journeys only reach the handler if the rule is applied."""
    from langnghe.handling.models import RoutingRule

    RoutingRule.objects.create(
        name="Giao thông Sa Thầy",
        topic=places.topic,
        admin_unit=places.commune_unit,
        target=places.office,
    )
    return places


@pytest.fixture
def staff(routing):
    """Reception at the commune's people's committee; a handler and the head of its office.
    Passwords are "pw" (tests/factories.py)."""
    from langnghe.orgs.models import Role

    from ..factories import user

    return type(
        "Staff",
        (),
        dict(
            receptionist=user(
                "tiepnhan",
                grants=[(routing.commune, Role.RECEPTIONIST)],
                first_name="Hà",
                last_name="Lê Thu",
            ),
            handler=user(
                "xuly", grants=[(routing.office, Role.HANDLER)], first_name="Lan", last_name="Trần"
            ),
            head=user(
                "truongdonvi",
                grants=[(routing.office, Role.UNIT_HEAD)],
                first_name="Minh",
                last_name="Võ Văn",
            ),
        ),
    )
