"""Who may import an outside register into an organisation: the staff who could enter the same
items by hand — receptionists and leaders of that organisation or an ancestor (the grant covers
the subtree). Check with ``can(user, "imports.run", organisation)``."""

from __future__ import annotations

from typing import Any

import rules

from langnghe.orgs.access import has_role_over
from langnghe.orgs.models import Organisation, Role

IMPORT_ROLES = {Role.RECEPTIONIST, Role.LEADER}


@rules.predicate
def can_import(user: Any, organisation: Organisation | None) -> bool:
    return isinstance(organisation, Organisation) and has_role_over(
        user, organisation, IMPORT_ROLES
    )


rules.add_perm("imports.run", can_import)
