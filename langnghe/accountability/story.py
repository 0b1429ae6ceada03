"""The demo's accountability story (DESIGN.md §1.5), shared by the demo data of each app so that
they tell one story end to end: repeated substantiated feedback about one cadre → a candidate on
the signals list → a review suggestion → the review and its grade → an inspection with findings →
a discipline decision → its publication."""

from __future__ import annotations

from langnghe.orgs.models import Organisation, Person, Position

STORY_COMMUNE = "sathay"
STORY_ORG_SLUG = f"ubnd-xa-{STORY_COMMUNE}"


def story_org() -> Organisation:
    return Organisation.objects.get(slug=STORY_ORG_SLUG)


def story_cadre() -> Person:
    """The Sa Thầy vice-chair without a demo account (the other one is `truongdonvi`)."""
    position = (
        Position.objects.filter(
            organisation__slug=STORY_ORG_SLUG,
            role=Position.Role.DEPUTY,
            person__user__isnull=True,
        )
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if position is None:
        raise LookupError("the demo organisations are not loaded")
    return position.person


def commune_org(key: str) -> Organisation:
    """One of the story commune's organisations: dang-uy, ubkt, ubnd, mttq, hdnd…"""
    return Organisation.objects.get(slug=f"{key}-xa-{STORY_COMMUNE}")
