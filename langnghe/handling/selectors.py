"""Reads of the handling side, always for an actor and filtered by permission (HackSoft selectors).

Lists are filtered with `rules.visible_items_q`, the list-side twin of `handling.view_item`, so a
list never shows a row its detail page would refuse. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy

from langnghe.intake.models import Item
from langnghe.intake.receipts import normalise_code
from langnghe.orgs.access import grants_for, subtree_q
from langnghe.orgs.models import PATH_STEP, Organisation, Role, RoleGrant, active_q
from langnghe.search.text import tokens

from .models import RoutingRule
from .policy import Policy, get_policy
from .rules import WORK_ROLES, visible_items_q

# Words too common in Vietnamese petitions to say that two of them are about the same thing.
_STOPWORDS = frozenset(
    "va la cua co khong da dang duoc cho cac nhung mot nay do de voi tai thi ma bi o tu toi chung "
    "xin de nghi kinh gui ve nguoi dan xa thon ong ba anh chi em".split()
)
DUPLICATE_WINDOW_DAYS = 90
DUPLICATE_MIN_SCORE = 0.3
DUPLICATE_CANDIDATES = 200
SEARCH_LIMIT = 200


# -- helpers -------------------------------------------------------------------------------------


def actor_paths(actor: Any, roles: Iterable[str] | None = None) -> list[str]:
    """The organisation paths the actor holds a grant on (any role, or one of `roles`)."""
    wanted = set(roles) if roles is not None else None
    return sorted({path for path, role in grants_for(actor) if wanted is None or role in wanted})


def ancestor_paths(path: str) -> list[str]:
    """The paths whose grants cover `path`: "00001.00002." gives "00001." and itself."""
    step = PATH_STEP + 1
    return [path[: i + step] for i in range(0, len(path), step) if path[: i + step]]


def due_soon_horizon(today: dt.date, policy: Policy | None = None) -> dt.date:
    """The last day counted as "due soon": the reminder horizon of the policy data."""
    policy = policy or get_policy()
    remind = policy.reminder_before_deadline
    return policy.calendar.add(today, int(remind.get("value") or 0), remind.get("unit") or "wd")


# -- the inbox -----------------------------------------------------------------------------------


@dataclass
class InboxFilters:
    unit: Organisation | None = None
    kind: str = ""
    channel: str = ""
    # A status code, or "open" / "closed".
    status: str = ""
    topic_id: int | None = None
    overdue_only: bool = False
    mine_only: bool = False
    query: str = ""


def inbox_units_for(*, actor: Any) -> QuerySet[Organisation]:
    """The units the actor may filter the inbox by: every unit in the subtrees of their grants."""
    paths = actor_paths(actor)
    return Organisation.objects.filter(subtree_q(paths, "path")).order_by("path")


def inbox_items_for(*, actor: Any, filters: InboxFilters | None = None) -> QuerySet[Item]:
    """What the actor may see, open first, overdue first then due soon, undated last."""
    f = filters or InboxFilters()
    qs = Item.objects.filter(visible_items_q(actor))
    if f.unit is not None:
        qs = qs.filter(handling_path__startswith=f.unit.path)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.status == "open":
        qs = qs.filter(is_open=True)
    elif f.status == "closed":
        qs = qs.filter(is_open=False)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.topic_id:
        qs = qs.filter(topic_id=f.topic_id)
    if f.overdue_only:
        qs = qs.filter(is_open=True, due_on__lt=timezone.localdate())
    if f.mine_only:
        qs = qs.filter(handler_id=actor.pk)
    if f.query.strip():
        # The index is keyed by handling unit; the result is intersected with what the actor may
        # see above, so passing every granted path widens nothing.
        ids = search_item_ids(actor=actor, query=f.query)
        code = normalise_code(f.query.strip())
        qs = qs.filter(Q(pk__in=ids) | Q(code=code))
    order: list[Any] = [F("due_on").asc(nulls_last=True), "-received_at", "-pk"]
    if f.status != "open" and not f.overdue_only:
        # Open first. Not when only open items are listed (the inbox's default): PostgreSQL
        # reads `is_open = true` as a plain boolean test, so it would not know the key is
        # constant, and would sort every open item of the province instead of walking the
        # item_open_due index in order (150 ms instead of 7 ms at 1,000,000 items).
        order.insert(0, F("is_open").desc())
    return qs.select_related("handling_org", "handler", "topic").order_by(*order)


# What the inbox's rows show (backoffice templatetags inbox_rows): an item row is wide (its text,
# deadlines, summary), and building fifty whole ones was a fifth of the page's time.
INBOX_COLUMNS = (
    "code",
    "title",
    "kind",
    "workflow",
    "status",
    "is_open",
    "due_on",
    "paused_on",
    "handling_org__name",
    "handling_org__short_name",
    "handler__username",
    "handler__first_name",
    "handler__last_name",
)


def inbox_page(
    *, actor: Any, filters: InboxFilters | None = None, number: Any = 1, per_page: int = 50
) -> Page:
    """One page of the inbox, as the back office shows it: the ids of the first items the actor
    may see, in the inbox's order (CappedPaginator: they are the count too), then the page's rows
    by id, with only the columns the list shows."""
    from langnghe.core.paginator import CappedPaginator

    def rows(ids: list[int]) -> QuerySet[Item]:
        return (
            Item.objects.filter(pk__in=ids)
            .select_related("handling_org", "handler")
            .only(*INBOX_COLUMNS)
            .order_by()  # put back in the ids' order by the paginator
        )

    items = inbox_items_for(actor=actor, filters=filters)
    return CappedPaginator(items, per_page, fetch=rows).get_page(number)


def search_item_ids(*, actor: Any, query: str) -> list[int]:
    from langnghe.search.services import search_ids

    paths = actor_paths(actor)
    if not paths:
        return []
    return search_ids(
        query=query, kind="item", public_only=False, org_paths=paths, limit=SEARCH_LIMIT
    )


def status_choices(policy: Policy | None = None) -> list[tuple[str, str]]:
    """Every status code of every workflow, with its labels (states share codes, not labels)."""
    policy = policy or get_policy()
    labels: dict[str, list[str]] = {}
    for workflow in policy.workflows.values():
        for code, state in workflow.states.items():
            if state.label not in labels.setdefault(code, []):
                labels[code].append(state.label)
    return [(code, " / ".join(names)) for code, names in labels.items()]


def status_label(item: Item, policy: Policy | None = None) -> str:
    """The item's state in the reader's language, from the workflow data (portal and back office)."""
    return state_label(item.workflow, item.status, policy)


def state_label(workflow: str, status: str, policy: Policy | None = None) -> str:
    """A workflow's state in the reader's language; its code if the workflow data lacks it."""
    policy = policy or get_policy()
    try:
        return policy.workflow(workflow).states[status].label
    except KeyError:
        return status


# -- what counts as answered, and on time (public figures) ---------------------------------------


def answered_q(policy: Policy | None = None) -> Q:
    """Items closed in a state the workflow data marks `answered: true` (the sender had an answer).

    A state code means different things in different workflows, so the test is by workflow and
    state; a workflow without answered states contributes nothing.
    """
    policy = policy or get_policy()
    q = Q(pk__in=[])
    for workflow in policy.workflows.values():
        if workflow.answered_states:
            q |= Q(workflow=workflow.code, status__in=workflow.answered_states)
    return Q(is_open=False) & q


def is_answered(item: Item, policy: Policy | None = None) -> bool:
    policy = policy or get_policy()
    try:
        return not item.is_open and item.status in policy.workflow(item.workflow).answered_states
    except KeyError:
        return False


def had_limit_q() -> Q:
    """Closed while a time limit was running (Item.due_at_close). Many petitions have none: the
    law sets no time for the answer itself (PA-8), so "on time" says nothing about them."""
    return Q(due_at_close__isnull=False)


def closed_on_time_q() -> Q:
    """The query twin of Item.closed_on_time: closed by the deadline that was running at close
    (Item.due_at_close). An item closed with no limit running is neither on time nor late
    (`had_limit_q`). Use on a queryset annotated with `closed_on` (annotate_closed_on)."""
    return Q(is_open=False) & had_limit_q() & Q(closed_on__lte=F("due_at_close"))


def annotate_closed_on(qs: QuerySet[Item]) -> QuerySet[Item]:
    """Adds `closed_on`, the date of closed_at in the deployment's time zone (settings.TIME_ZONE,
    Asia/Ho_Chi_Minh): the same day boundary as Item.closed_on_time (timezone.localdate). An
    item closed at 00:30 on the day after its limit is late, though it is still that day in UTC."""
    return qs.annotate(closed_on=TruncDate("closed_at", tzinfo=timezone.get_default_timezone()))


# -- running time limits, for the citizen and for staff ------------------------------------------

UNIT_LABELS = {"wd": gettext_lazy("ngày làm việc"), "d": gettext_lazy("ngày")}
VERIFIED_LABELS = {
    "V1": gettext_lazy("đã đối chiếu văn bản"),
    "V1-M": gettext_lazy("đối chiếu một nguồn, cần xác nhận"),
    "V2": gettext_lazy("nguồn thứ cấp"),
    "W": gettext_lazy("nguồn yếu"),
    "U": gettext_lazy("chưa kiểm chứng"),
}


@dataclass(frozen=True)
class DeadlineRow:
    code: str
    label: str
    start: dt.date | None
    due: dt.date | None
    value: int | None  # the legal length, in `unit`; None when the law sets none
    unit: str  # "wd" or "d"
    length: str  # value and unit in words: "10 ngày làm việc"
    cite: str
    law: str  # titles of the rule sets in force on the start date
    verified: str  # the rule's verification tag; "" in the public variant
    verified_label: str
    extensions: int
    resolution: bool
    badge: str  # "overdue", "due_soon" or ""

    @property
    def overdue(self) -> bool:
        return self.badge == "overdue"

    @property
    def extended(self) -> bool:
        return self.extensions > 0


def _iso_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def deadline_rows(
    item: Item,
    *,
    for_public: bool,
    policy: Policy | None = None,
    today: dt.date | None = None,
) -> list[DeadlineRow]:
    """The item's running time limits, soonest first, each with its legal length, citation and
    the law in force on the date the limit started (DESIGN.md §4).

    The tracking page (for_public=True) shows nothing once the item is closed, and leaves out the
    verification tag of the rule data, which is a note for staff about the source.
    """
    if for_public and not item.is_open:
        return []
    policy = policy or get_policy()
    try:
        workflow = policy.workflow(item.workflow)
    except KeyError:
        return []
    org = item.handling_org or item.receiving_org
    remote, party = bool(org and org.remote_area), bool(org and org.is_party)
    today = today or timezone.localdate()
    horizon = due_soon_horizon(today, policy)
    rows = []
    for code, entry in (item.deadlines or {}).items():
        rule = workflow.deadlines.get(code)
        start, due = _iso_date(entry.get("start")), _iso_date(entry.get("due"))
        value, law = None, ""
        unit = entry.get("unit") or ""
        if rule is not None and start is not None:
            variant = policy.variant_on(rule, start, party_org=party)
            if variant is not None:
                value = variant.value_for(remote=remote, complexity=item.complexity)
                unit = unit or variant.unit
                law = "; ".join(
                    policy.rule_sets[r].title
                    for r in variant.rule_sets
                    if r in policy.rule_sets and policy.rule_sets[r].in_force(start)
                )
        if rule is not None:
            label = rule.label
        else:
            label = str(gettext_lazy("Thời hạn")) if for_public else code
        badge = ""
        if due is not None and item.is_open and not item.paused_on:
            badge = "overdue" if due < today else "due_soon" if due <= horizon else ""
        verified = "" if for_public else str(entry.get("verified") or "U")
        rows.append(
            DeadlineRow(
                code=code,
                label=label,
                start=start,
                due=due,
                value=value,
                unit=unit,
                length=f"{value} {UNIT_LABELS[unit]}" if value and unit in UNIT_LABELS else "",
                cite=str(entry.get("cite") or ""),
                law=law,
                verified=verified,
                verified_label=str(VERIFIED_LABELS.get(verified, "")) if verified else "",
                extensions=int(entry.get("extensions") or 0),
                resolution=bool(entry.get("resolution")),
                badge=badge,
            )
        )
    rows.sort(key=lambda r: (r.due is None, r.due or dt.date.max))
    return rows


def assignable_handlers_for(*, actor: Any) -> QuerySet[Any]:
    """People who can work on items somewhere in the actor's subtrees (for bulk assignment).

    A grant covers its subtree, so a grant on a unit above the actor's also counts. The service
    decides per item; this list only keeps the select short.
    """
    paths = actor_paths(actor)
    if not paths:
        return get_user_model().objects.none()
    above = {p for path in paths for p in ancestor_paths(path)}
    grants = RoleGrant.objects.filter(role__in=list(WORK_ROLES)).filter(
        subtree_q(paths, "organisation__path") | Q(organisation__path__in=above)
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=grants.values("user_id"))
        .order_by("last_name", "first_name", "username")
    )


def handlers_for_item(*, item: Item) -> QuerySet[Any]:
    """People whose grants cover the item's handling unit with a working role."""
    if not item.handling_path:
        return get_user_model().objects.none()
    grants = RoleGrant.objects.filter(
        role__in=list(WORK_ROLES), organisation__path__in=ancestor_paths(item.handling_path)
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=grants.values("user_id"))
        .order_by("last_name", "first_name", "username")
    )


# -- the item page -------------------------------------------------------------------------------


def item_timeline(*, item: Item) -> QuerySet[Any]:
    """Every event, internal notes included; the caller has established the actor may view."""
    return item.events.select_related("actor").order_by("at", "id")


def item_answers(*, item: Item) -> QuerySet[Any]:
    return item.answers.select_related("drafted_by", "approved_by")


def extendable_deadline_codes(item: Item, policy: Policy | None = None) -> list[str]:
    """Running limits a unit head may move with a reason (see item_extend)."""
    from .services import extendable_deadlines

    return extendable_deadlines(item)


def has_resolution_limit(item: Item, policy: Policy | None = None) -> bool:
    """Complexity (KN-5, TC-7) changes resolution limits only: pointless for other workflows."""
    policy = policy or get_policy()
    return any(rule.resolution for rule in policy.workflow(item.workflow).deadlines.values())


def _words(text: str) -> set[str]:
    return {t for t in tokens(text) if len(t) > 1 and t not in _STOPWORDS}


def _similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def likely_duplicates(*, item: Item, actor: Any, limit: int = 5) -> list[tuple[Any, float]]:
    """Open items that may say the same thing: same handling subtree, topic and location,
    received in the last 90 days, with similar words (diacritics folded) in title and body.

    The database narrows by the indexed columns; word similarity (Jaccard over folded words,
    common words left out) is scored here on at most DUPLICATE_CANDIDATES recent rows.
    """
    if not item.handling_path:
        return []
    since = timezone.now() - dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
    candidates = (
        Item.objects.filter(visible_items_q(actor))
        .filter(
            is_open=True,
            duplicate_of__isnull=True,
            handling_path__startswith=item.handling_path,
            received_at__gte=since,
        )
        .filter(topic_id=item.topic_id, admin_unit_id=item.admin_unit_id)  # type: ignore[misc]
        .exclude(pk=item.pk)
        .annotate(body_head=Substr("body", 1, 2000))
        .only("id", "code", "title", "kind", "status", "workflow", "received_at", "location_text")
        .order_by("-received_at")[:DUPLICATE_CANDIDATES]
    )
    mine = _words(f"{item.title} {item.body[:2000]}")
    scored: list[tuple[Any, float]] = []
    for other in candidates:
        score = _similarity(mine, _words(f"{other.title} {other.body_head}"))
        if score >= DUPLICATE_MIN_SCORE:
            scored.append((other, score))
    scored.sort(key=lambda pair: (-pair[1], -pair[0].pk))
    return scored[:limit]


def route_targets() -> QuerySet[Organisation]:
    """Organisations that accept items today (the route select)."""
    return Organisation.objects.filter(active_q(), accepts_items=True).order_by("path")


# -- reception -----------------------------------------------------------------------------------


RECEIVING_ROLES = (Role.RECEPTIONIST, Role.LEADER)


def receiving_orgs_for(*, actor: Any) -> QuerySet[Organisation]:
    """Where the actor may log an item: units under a receptionist or leader grant."""
    paths = actor_paths(actor, RECEIVING_ROLES)
    return Organisation.objects.filter(
        subtree_q(paths, "path"), active_q(), accepts_items=True
    ).order_by("path")


# -- configuration -------------------------------------------------------------------------------


MANAGE_RULE_ROLES = (Role.LEADER, Role.ADMIN)


def routing_rules_for(*, actor: Any) -> QuerySet[RoutingRule]:
    """Rules whose target lies in a subtree the actor holds any grant on."""
    paths = actor_paths(actor)
    return (
        RoutingRule.objects.filter(subtree_q(paths, "target__path"))
        .select_related("topic", "admin_unit", "target")
        .order_by("-active", "-priority", "name")
    )


def rule_targets_for(*, actor: Any) -> QuerySet[Organisation]:
    """Units the actor may point a routing rule at (leader or admin on their subtree)."""
    paths = actor_paths(actor, MANAGE_RULE_ROLES)
    return Organisation.objects.filter(subtree_q(paths, "path"), accepts_items=True).order_by(
        "path"
    )


# -- the organisation tree -----------------------------------------------------------------------


@dataclass
class OrgRow:
    org: Organisation
    depth: int
    open_count: int
    overdue_count: int


def org_tree_for(*, actor: Any) -> list[OrgRow]:
    """The units in the actor's subtrees with their open / overdue counts.

    The counts come from one aggregate query over the items the actor may see, grouped by
    handling unit; they are per unit, not summed over the subtree.
    """
    paths = actor_paths(actor)
    orgs = list(Organisation.objects.filter(subtree_q(paths, "path")).order_by("path"))
    if not orgs:
        return []
    today = timezone.localdate()
    counts: dict[int, Any] = {
        row["handling_org_id"]: row
        for row in Item.objects.filter(visible_items_q(actor), is_open=True, handling_org__in=orgs)
        .values("handling_org_id")
        .annotate(open_count=Count("pk"), overdue_count=Count("pk", filter=Q(due_on__lt=today)))
        .order_by()
    }
    top = min(len(o.path) for o in orgs)
    step = PATH_STEP + 1
    return [
        OrgRow(
            org=o,
            depth=(len(o.path) - top) // step,
            open_count=counts.get(o.pk, {}).get("open_count", 0),
            overdue_count=counts.get(o.pk, {}).get("overdue_count", 0),
        )
        for o in orgs
    ]
