"""Who may change the organisation tree. Named rules (django-rules); a grant covers its subtree."""

from __future__ import annotations

from typing import Any

import rules

from .access import has_role_over
from .models import Role, Succession

RESTRUCTURE_ROLES = {Role.ADMIN, Role.LEADER}


@rules.predicate
def can_restructure(user: Any, succession: Succession) -> bool:
    """An admin or leader over the predecessor's parent: the level that decides a merger (a
    root organisation, having no parent, needs a grant on itself)."""
    predecessor = succession.predecessor
    return has_role_over(user, predecessor.parent or predecessor, RESTRUCTURE_ROLES)


rules.add_perm("orgs.apply_succession", can_restructure)
