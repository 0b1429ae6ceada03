from __future__ import annotations

import pytest

from langnghe.orgs.models import Role

from ..factories import user


@pytest.fixture
def staff(tree):
    """Staff of the commune (receiving and handling unit), of its sibling, and a province leader."""
    return type(
        "Staff",
        (),
        dict(
            receptionist=user("tiepnhan", grants=[(tree.commune, Role.RECEPTIONIST)]),
            handler=user(
                "xuly", grants=[(tree.commune, Role.HANDLER)], first_name="Lan", last_name="Trần"
            ),
            head=user("truongdonvi", grants=[(tree.commune, Role.UNIT_HEAD)]),
            sibling_handler=user("xuly2", grants=[(tree.sibling, Role.HANDLER)]),
            leader=user("lanhdao", grants=[(tree.province, Role.LEADER)]),
        ),
    )


@pytest.fixture
def login(client):
    def _login(u):
        client.force_login(u)
        return client

    return _login
