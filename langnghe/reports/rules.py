"""Who may read and write periodic reports: leaders and unit heads of the issuing body (or a
body above it) draft and issue; administrators may also read them. A report is about
aggregates, so no sealed content is at stake; the annex carries no personal data."""

from __future__ import annotations

from typing import Any

import rules

from langnghe.orgs.access import has_any_role, has_role_over
from langnghe.orgs.models import Organisation, Role

from .models import Report

WRITE_ROLES = {Role.LEADER, Role.UNIT_HEAD}
READ_ROLES = {Role.LEADER, Role.UNIT_HEAD, Role.ADMIN}


def _org(obj: Any) -> Organisation | None:
    if isinstance(obj, Report):
        return obj.organisation
    return obj if isinstance(obj, Organisation) else None


@rules.predicate
def can_read(user: Any, obj: Any) -> bool:
    if obj is None:
        return has_any_role(user, READ_ROLES)
    return has_role_over(user, _org(obj), READ_ROLES)


@rules.predicate
def can_write(user: Any, obj: Any) -> bool:
    if obj is None:
        return has_any_role(user, WRITE_ROLES)
    return has_role_over(user, _org(obj), WRITE_ROLES)


@rules.predicate
def is_draft(user: Any, obj: Any) -> bool:
    return isinstance(obj, Report) and obj.is_draft


rules.add_perm("reports.view_report", can_read)
rules.add_perm("reports.create_report", can_write)
rules.add_perm("reports.edit_report", can_write & is_draft)
rules.add_perm("reports.issue_report", can_write & is_draft)


def can(user: Any, perm: str, obj: Any) -> bool:
    return bool(rules.has_perm(perm, user, obj))
