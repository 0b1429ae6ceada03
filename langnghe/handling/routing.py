"""Topic + location → the competent unit, then the conflict rules of DESIGN.md §4:

- never to the person the item concerns: when that person heads or deputises the would-be handling
  unit, or the item concerns that unit itself, the next level up handles it (TC-14);
- after a merger or split the successor unit handles it (RS-9, TC-14);
- a denunciation of a party member about party rules goes to the inspection commission (TC-18).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from langnghe.intake.models import Item, Kind
from langnghe.orgs.access import heads_of
from langnghe.orgs.models import Organisation, Position, Succession, active_q

from .models import RoutingRule

MAX_HOPS = 10


def successor_of(org: Organisation, day: dt.date) -> Organisation:
    """Follow successions until an organisation active on `day` (RS-9)."""
    for _ in range(MAX_HOPS):
        if org.is_active_on(day):
            return org
        nxt = (
            Succession.objects.filter(predecessor=org, effective_date__lte=day)
            .order_by("-effective_date", "id")
            .select_related("successor")
            .first()
        )
        if nxt is None:
            return org
        org = nxt.successor
    return org


def next_level_up(org: Organisation, day: dt.date) -> Organisation:
    parent = org.parent
    while parent is not None and not (parent.accepts_items and parent.is_active_on(day)):
        parent = parent.parent
    return successor_of(parent, day) if parent is not None else org


def party_committee_above(org: Organisation) -> Organisation | None:
    node: Organisation | None = org
    while node is not None:
        if node.kind == Organisation.Kind.PARTY_COMMITTEE:
            return node
        node = node.parent
    return None


def inspection_commission_for(org: Organisation, day: dt.date) -> Organisation | None:
    committee = party_committee_above(org)
    if committee is None:
        return None
    return (
        Organisation.objects.filter(
            active_q(day), parent=committee, kind=Organisation.Kind.INSPECTION_COMMISSION
        )
        .order_by("path")
        .first()
    )


def matching_rule(item: Item) -> RoutingRule | None:
    rules = (
        RoutingRule.objects.filter(active=True)
        .filter(
            Q(topic__isnull=True) | Q(topic_id=item.topic_id),
            Q(admin_unit__isnull=True) | Q(admin_unit_id=item.admin_unit_id),
            Q(kind="") | Q(kind=item.kind),
        )
        .select_related("target")
    )
    return max(rules, key=lambda r: (r.specificity, r.priority, -r.pk), default=None)


def _conflicts(item: Item, org: Organisation, day: dt.date) -> bool:
    if item.concerned_org_id is not None and org.pk == item.concerned_org_id:
        return True
    if item.concerned_person_id is not None and item.concerned_person_id in heads_of(org, day):
        return True
    return False


def resolve_route(item: Item, *, day: dt.date | None = None) -> Organisation:
    day = day or timezone.localdate()
    target: Organisation | None = None
    if item.kind == Kind.DENUNCIATION and item.party_matter:
        base = item.concerned_org
        if base is None and item.concerned_person_id is not None:
            # The member's own cell first: its committee's commission inspects the member, even
            # when all the member's posts are in the people's committee (outside the party tree).
            person = item.concerned_person
            cell = person.party_cell if person is not None else None
            posts = [
                p.organisation
                for p in Position.objects.filter(active_q(day), person_id=item.concerned_person_id)
                .select_related("organisation")
                .order_by("pk")
            ]
            candidates = [cell] if cell is not None and cell.is_active_on(day) else []
            # Then a post under a party committee; then any post (the item's receiver decides).
            candidates += [o for o in posts if party_committee_above(o) is not None] + posts
            for org in candidates:
                target = inspection_commission_for(org, day)
                if target is not None:
                    break
        if target is None:
            target = inspection_commission_for(base or item.receiving_org, day)
    if target is None:
        rule = matching_rule(item)
        target = rule.target if rule is not None else item.receiving_org
    target = successor_of(target, day)
    for _ in range(MAX_HOPS):
        if not _conflicts(item, target, day):
            break
        higher = next_level_up(target, day)
        if higher.pk == target.pk:
            break
        target = higher
    return target
