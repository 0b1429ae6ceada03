"""Permission matrix of the staff-accounts pages: role × action → allowed or denied, including
out-of-scope organisations and anonymous visitors."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from langnghe.accounts import services
from langnghe.core.errors import PermissionDenied
from langnghe.handling.rules import can
from langnghe.orgs.models import Role

from ..factories import user

pytestmark = pytest.mark.django_db

STAFF = "/quan-ly/tai-khoan/can-bo/"


@pytest.fixture
def member(tree):
    account = user("thanhvien", grants=[(tree.commune, Role.HANDLER)])
    TOTPDevice.objects.create(user=account, name="default", confirmed=True)
    return account


@pytest.mark.parametrize(
    "grant,allowed",
    [
        (("commune", Role.ADMIN), True),
        (("province", Role.ADMIN), True),  # a grant covers the subtree
        (("sibling", Role.ADMIN), False),  # another commune
        (("party", Role.ADMIN), False),  # another tree
        (("commune", Role.LEADER), False),
        (("commune", Role.HANDLER), False),
        (("commune", Role.INSPECTOR), False),
        (("commune", Role.RECEPTIONIST), False),
        (("commune", Role.UNIT_HEAD), False),
        (("commune", Role.FRONT_LIAISON), False),
    ],
)
def test_reset_matrix(client, tree, member, grant, allowed):
    org_name, role = grant
    actor = user(grants=[(getattr(tree, org_name), role)])
    assert can(actor, "accounts.reset_two_factor", member) is allowed
    client.force_login(actor)
    response = client.post(f"{STAFF}{member.pk}/dat-lai/")
    if allowed:
        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=member).exists()
    else:
        assert response.status_code == 404  # out of scope looks like missing
        assert TOTPDevice.objects.filter(user=member).exists()
        with pytest.raises(PermissionDenied):
            services.two_factor_reset(actor=actor, user=member)


@pytest.mark.parametrize(
    "role,status", [(Role.ADMIN, 200), (Role.LEADER, 403), (Role.HANDLER, 403)]
)
def test_staff_list_matrix(client, tree, member, role, status):
    actor = user(grants=[(tree.commune, role)])
    client.force_login(actor)
    response = client.get(STAFF)
    assert response.status_code == status
    if status == 200:
        assert "thanhvien" in response.content.decode()


def test_staff_list_is_scoped(client, tree, member):
    stranger = user("nguoila", grants=[(tree.sibling, Role.HANDLER)])
    admin = user(grants=[(tree.commune, Role.ADMIN)])
    client.force_login(admin)
    html = client.get(STAFF).content.decode()
    assert "thanhvien" in html and stranger.username not in html


def test_superuser_may_reset(tree, member):
    root = user(is_superuser=True)
    services.two_factor_reset(actor=root, user=member)
    assert not TOTPDevice.objects.filter(user=member).exists()


def test_nobody_resets_their_own(client, tree):
    admin = user(grants=[(tree.commune, Role.ADMIN)])
    TOTPDevice.objects.create(user=admin, name="default", confirmed=True)
    with pytest.raises(services.TwoFactorError):
        services.two_factor_reset(actor=admin, user=admin)


@pytest.mark.parametrize("method,url", [("get", STAFF), ("post", f"{STAFF}1/dat-lai/")])
def test_anonymous_is_sent_to_login(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith("/quan-ly/dang-nhap/")


def test_reset_is_post_only_and_bad_ids_are_404(client, tree, member):
    client.force_login(user(grants=[(tree.commune, Role.ADMIN)]))
    assert client.get(f"{STAFF}{member.pk}/dat-lai/").status_code == 405
    assert client.post(f"{STAFF}999999/dat-lai/").status_code == 404
