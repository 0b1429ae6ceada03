"""Who may do what with self-criticism reviews. A grant on an organisation covers its subtree.

- Manage a cycle (plan, appraise, decide, commitments): leaders over the organiser committee.
- Issue a review suggestion: leaders over the issuing committee — the organiser for what it reviews
  below it (its cells, members, the bodies it leads); the organiser's parent for the organiser's own
  collective (KD-10: "the superior committee").
- Re-grade (KD-9, superseded rule): leaders over the organiser's direct superior committee.
- Read: inspectors of the inspection commission of the organiser or of a committee above it.
- The reviewed individual (their Person is linked to their account) sees their own review and
  suggestion, may enter their own self-assessment and acknowledge the suggestion; the evidence is
  shown to them as counts only. Nobody appraises, decides or re-grades their own review.

Check with ``langnghe.handling.rules.can(user, "reviews.<perm>", obj)``; ``obj`` is a cycle, a
review or a suggestion (or an Organisation for ``reviews.create_cycle``).
"""

from __future__ import annotations

from typing import Any

import rules

from langnghe.orgs.access import grants_for, has_role_over
from langnghe.orgs.models import PATH_STEP, Organisation, Role

MANAGE_ROLES = {Role.LEADER}
READ_ROLES = {Role.INSPECTOR}


def organiser_of(obj: Any) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    cycle = getattr(obj, "cycle", obj)
    return getattr(cycle, "organiser", None)


def inspects(user: Any, org: Organisation | None) -> bool:
    """An inspector of a commission that hangs under `org` or under a committee above it."""
    if org is None:
        return False
    for path, role in grants_for(user):
        if role != Role.INSPECTOR:
            continue
        parent_path = path[: -(PATH_STEP + 1)]
        if org.path.startswith(path) or (parent_path and org.path.startswith(parent_path)):
            return True
    return False


def subject_user_id(obj: Any) -> int | None:
    person = getattr(obj, "subject_person", None)
    return person.user_id if person is not None else None


@rules.predicate
def is_subject(user: Any, obj: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and subject_user_id(obj) == user.pk


@rules.predicate
def manages(user: Any, obj: Any) -> bool:
    return has_role_over(user, organiser_of(obj), MANAGE_ROLES)


@rules.predicate
def reads(user: Any, obj: Any) -> bool:
    return inspects(user, organiser_of(obj))


@rules.predicate
def issues(user: Any, obj: Any) -> bool:
    return has_role_over(user, getattr(obj, "issuer", None), MANAGE_ROLES)


@rules.predicate
def superior_of_organiser(user: Any, obj: Any) -> bool:
    organiser = organiser_of(obj)
    return organiser is not None and has_role_over(user, organiser.parent, MANAGE_ROLES)


@rules.predicate
def can_create_cycle(user: Any, org: Any) -> bool:
    return (
        isinstance(org, Organisation)
        and org.kind == Organisation.Kind.PARTY_COMMITTEE
        and has_role_over(user, org, MANAGE_ROLES)
    )


rules.add_perm("reviews.create_cycle", can_create_cycle)
rules.add_perm("reviews.view_cycle", manages | reads)
rules.add_perm("reviews.manage_cycle", manages)
rules.add_perm("reviews.view_review", manages | reads | is_subject)
rules.add_perm("reviews.self_assess", manages | is_subject)
rules.add_perm("reviews.appraise", manages & ~is_subject)
rules.add_perm("reviews.decide", manages & ~is_subject)
rules.add_perm("reviews.regrade", superior_of_organiser & ~is_subject)
rules.add_perm("reviews.manage_commitments", manages & ~is_subject)
rules.add_perm("reviews.view_suggestion", manages | reads | issues | is_subject)
rules.add_perm("reviews.issue_suggestion", issues & ~is_subject)
rules.add_perm("reviews.send_suggestion", issues & ~is_subject)
rules.add_perm("reviews.acknowledge_suggestion", is_subject | (issues & ~is_subject))
# The evidence in full (item codes as the spine lets the actor see them, inspection titles): not
# for the reviewed themselves, who see counts only.
rules.add_perm("reviews.view_evidence", (manages | reads | issues) & ~is_subject)
