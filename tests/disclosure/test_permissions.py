"""The permission matrix of disclosures: role × action → allowed / denied. These read as the policy:
leaders, unit heads and administrators of the organisation (or above) publish and manage
commitments; reception staff also record channels; everyone else is refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from langnghe.disclosure.rules import can

ACTORS = [
    # actor, manage (publish, commitments), record channels, view
    ("leader", True, True, True),
    ("unit_head", True, True, True),
    ("admin", True, True, True),
    ("receptionist", False, True, True),
    ("handler", False, False, False),
    ("inspector", False, False, False),
    ("sibling_leader", False, False, False),
    ("party_leader", False, False, False),
    ("nobody", False, False, False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "manage", "record", "view"), ACTORS)
def test_permission_matrix_on_a_commune_publication(draft, people, who, manage, record, view):
    actor = getattr(people, who)
    assert can(actor, "disclosure.manage_publication", draft) is manage
    assert can(actor, "disclosure.manage_commitment", draft.organisation) is manage
    assert can(actor, "disclosure.record_channel", draft) is record
    assert can(actor, "disclosure.view_publication", draft) is view


@pytest.mark.django_db
def test_anonymous_is_refused_everything(draft):
    anon = AnonymousUser()
    for perm in (
        "disclosure.manage_publication",
        "disclosure.record_channel",
        "disclosure.view_publication",
        "disclosure.manage_commitment",
    ):
        assert can(anon, perm, draft) is False


@pytest.mark.django_db
def test_a_grant_covers_the_subtree_but_not_the_parent(tree, people):
    from langnghe.disclosure.models import Publication

    # A leader of the commune manages its office's publications (subtree)...
    below = Publication(organisation=tree.office, category="dc1_02_budget")
    assert can(people.leader, "disclosure.manage_publication", below)
    # ...but not the province's.
    above = Publication(organisation=tree.province, category="dc1_02_budget")
    assert not can(people.leader, "disclosure.manage_publication", above)


@pytest.mark.django_db
def test_superuser_without_grants_has_no_disclosure_rights(draft):
    from ..factories import user

    su = user("root", is_superuser=True, is_staff=True)
    assert not can(su, "disclosure.manage_publication", draft)


@pytest.mark.django_db
def test_services_enforce_the_rules_themselves(draft, people):
    from langnghe.core.errors import PermissionDenied
    from langnghe.disclosure import services

    with pytest.raises(PermissionDenied):
        services.publication_publish(publication=draft, actor=people.receptionist)
    with pytest.raises(PermissionDenied):
        services.publication_publish(publication=draft, actor=people.sibling_leader)
    draft.refresh_from_db()
    assert draft.status == "draft"
