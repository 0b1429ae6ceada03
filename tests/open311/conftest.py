from __future__ import annotations

import pytest

from langnghe.orgs.models import Role

from ..factories import user

KEY = "test-integration-key-0001"


@pytest.fixture
def staff(tree):
    return type(
        "Staff",
        (),
        dict(
            admin=user("quantri", grants=[(tree.province, Role.ADMIN)]),
            receptionist=user("tiepnhan", grants=[(tree.commune, Role.RECEPTIONIST)]),
            handler=user("xuly", grants=[(tree.commune, Role.HANDLER)]),
            head=user("truongdonvi", grants=[(tree.commune, Role.UNIT_HEAD)]),
            sibling_leader=user("lanhdao2", grants=[(tree.sibling, Role.LEADER)]),
        ),
    )


@pytest.fixture
def topic(db):
    from langnghe.intake.models import Topic

    return Topic.objects.create(code="giao-thong", name_vi="Giao thông", name_en="Roads", order=1)


@pytest.fixture
def integration(tree, staff, topic):
    from langnghe.open311.services import integration_create

    found, _key = integration_create(
        actor=staff.admin, name="Ứng dụng thử", receiving_org=tree.commune, raw_key=KEY
    )
    return found


def post_request(client, fmt="json", **params):
    data = {
        "api_key": KEY,
        "service_code": "giao-thong",
        "address_string": "Thôn 3, xã Sa Thầy",
        "description": "Ổ gà lớn giữa đường thôn 3.",
        **params,
    }
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/open311/v2/requests.{fmt}", data)
