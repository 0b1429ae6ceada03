"""Who may do what in citizen reception. A grant on an organisation covers its subtree.

- Sites and sessions (create, publish, postpone, hold, conclusion notice) and the quota table:
  leaders, unit heads and administrators.
- The reception log and the bookings: reception staff and leaders keep them; unit heads may read.
- Names, addresses, phones and ID numbers of visitors and bookers (TCD-9d): reception staff of
  that organisation only, each reveal audited. Leaders see pseudonyms.

Check with ``langnghe.handling.rules.can(user, "reception.<perm>", obj)``; ``obj`` is an
Organisation, or a session / entry (its organisation is used).
"""

from __future__ import annotations

from typing import Any

import rules

from langnghe.orgs.access import has_role_over
from langnghe.orgs.models import Organisation, Role

MANAGE_ROLES = {Role.LEADER, Role.UNIT_HEAD, Role.ADMIN}
KEEP_LOG_ROLES = {Role.RECEPTIONIST, Role.LEADER}
VIEW_LOG_ROLES = {Role.RECEPTIONIST, Role.LEADER, Role.UNIT_HEAD}
IDENTITY_ROLES = {Role.RECEPTIONIST}
QUOTA_ROLES = {Role.LEADER, Role.UNIT_HEAD, Role.ADMIN}


def org_of(obj: Any) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    return getattr(obj, "organisation", None)


def _over(roles: set[Role]) -> Any:
    @rules.predicate
    def predicate(user: Any, obj: Any) -> bool:
        return has_role_over(user, org_of(obj), roles)

    return predicate


can_manage = _over(MANAGE_ROLES)
can_keep_log = _over(KEEP_LOG_ROLES)
can_view_log = _over(VIEW_LOG_ROLES)
can_see_identity = _over(IDENTITY_ROLES)
can_see_quotas = _over(QUOTA_ROLES)

rules.add_perm("reception.manage_sessions", can_manage)
rules.add_perm("reception.keep_log", can_keep_log)
rules.add_perm("reception.view_log", can_view_log)
rules.add_perm("reception.view_bookings", can_view_log)
rules.add_perm("reception.reveal_identity", can_see_identity)
rules.add_perm("reception.view_quotas", can_see_quotas)
# The conclusion notice is issued by those who manage the head's sessions, or by reception staff
# (the office drafts and issues it for the head).
rules.add_perm("reception.issue_conclusion", can_manage | can_keep_log)
