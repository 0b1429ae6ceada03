from __future__ import annotations

import pytest

from langnghe.orgs.models import Role

from ..factories import user


@pytest.fixture
def people(tree):
    return type(
        "People",
        (),
        dict(
            party_leader=user("rp_party", grants=[(tree.party, Role.LEADER)]),
            commune_leader=user("rp_commune", grants=[(tree.commune, Role.LEADER)]),
            head=user("rp_head", grants=[(tree.commune, Role.UNIT_HEAD)]),
            admin=user("rp_admin", grants=[(tree.commune, Role.ADMIN)]),
            handler=user("rp_handler", grants=[(tree.commune, Role.HANDLER)]),
            sibling_leader=user("rp_sibling", grants=[(tree.sibling, Role.LEADER)]),
        ),
    )


@pytest.fixture
def login(client):
    def _login(u):
        client.force_login(u)
        return client

    return _login
