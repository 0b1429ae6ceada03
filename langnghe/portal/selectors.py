"""Read-only queries for the public site.

Everything returned here may be shown to anyone: counts, public organisation data, published
items (their public summary and answer only) and, for the holder of a receipt, the public part of
one item's timeline. Nothing here writes; the writes go through the intake and handling services.
Small lists that every form needs (communes, units, cadres, manifestations) are cached briefly:
the submit page is the hottest page of the site and these change a few times a year.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from langnghe.core.db_routers import using_replica
from langnghe.intake.models import DegradationIndicator, Item, Kind, Topic
from langnghe.orgs.models import AdminUnit, Organisation, Person, Position, Succession, active_q

T = TypeVar("T")

CHOICES_TTL = 120
COUNTS_TTL = 60
# Above this many public cadres a plain <select> is too heavy for a cheap phone on a slow
# network; the form then asks for a name and resolves it on the server (see forms.py).
PERSON_SELECT_LIMIT = 400
PERSON_SEARCH_LIMIT = 10

CURRENT_COMMUNE_LEVELS = (
    AdminUnit.Level.COMMUNE,
    AdminUnit.Level.WARD,
    AdminUnit.Level.SPECIAL_ZONE,
)

# The three groups of the 27 manifestations (Nghị quyết 04-NQ/TW).
INDICATOR_GROUPS = {
    "TTCT": gettext_lazy("Suy thoái về tư tưởng chính trị"),
    "DDLS": gettext_lazy("Suy thoái về đạo đức, lối sống"),
    "TDB": gettext_lazy("Biểu hiện “tự diễn biến”, “tự chuyển hóa” trong nội bộ"),
}


def _cached(key: str, ttl: int, build: Callable[[], T]) -> T:
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, ttl)
    return value


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


# ---------------------------------------------------------------------------------------------
# Vietnamese collation
# ---------------------------------------------------------------------------------------------

# Dictionary order of the Vietnamese alphabet (f, j, w, z only occur in loanwords).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_ORDER = {ch: i for i, ch in enumerate(_ALPHABET)}
# Breve, circumflex and horn make letters of their own (ă, â, ê, ô, ơ, ư).
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# Tones sort ngang, huyền, hỏi, ngã, sắc, nặng: second level, after the letters.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LEVEL_PREFIXES = ("xã ", "phường ", "đặc khu ", "thị trấn ", "huyện ", "tỉnh ", "thành phố ")


def vi_sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """A key that sorts Vietnamese names as a Vietnamese dictionary does: "Đ" after "D",
    "Ă"/"Â" after "A", and tones only breaking ties ("Sa" < "Sà" < "Sả" < "Sá")."""
    letters: list[int] = []
    tones: list[int] = []
    for ch in (text or "").lower():
        decomposed = unicodedata.normalize("NFD", ch)
        base = decomposed[0]
        tone = 0
        for mark in decomposed[1:]:
            if mark in _TONES:
                tone = _TONES[mark]
            else:
                base = _LETTER_MARKS.get((base, mark), base)
        if base in _ORDER:
            letters.append(_ORDER[base] + 1)
            tones.append(tone)
        elif base.isdigit():
            letters.append(ord(base) - ord("0") - 20)  # digits before letters
            tones.append(0)
        elif base.isspace():
            letters.append(0)
            tones.append(0)
    return tuple(letters), tuple(tones), text


def place_sort_key(name: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """Sort places by their proper name: "Xã Sa Bình" files under S, not under X."""
    lowered = name.lower()
    for prefix in _LEVEL_PREFIXES:
        if lowered.startswith(prefix):
            return vi_sort_key(name[len(prefix) :])
    return vi_sort_key(name)


# ---------------------------------------------------------------------------------------------
# Choices for the submit form
# ---------------------------------------------------------------------------------------------

Choices = list[tuple[Any, Any]]


def topic_choices() -> Choices:
    def build() -> Choices:
        return [(t.pk, str(t)) for t in Topic.objects.filter(active=True)]

    return _cached(f"portal:topics:{_lang()}", CHOICES_TTL, build)


def _current_admin_units() -> QuerySet[AdminUnit]:
    today = timezone.localdate()
    return AdminUnit.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
        level__in=CURRENT_COMMUNE_LEVELS,
        successor__isnull=True,
    )


def commune_choices() -> Choices:
    """Current communes (xã, phường, đặc khu) in Vietnamese order; grouped by province when the
    deployment covers more than one."""

    def build() -> Choices:
        units = list(
            _current_admin_units().select_related("parent").only("pk", "name", "parent__name")
        )
        units.sort(key=lambda u: place_sort_key(u.name))
        parents = {u.parent.name if u.parent else "" for u in units}
        if len(parents) <= 1:
            return [(u.pk, u.name) for u in units]
        groups: dict[str, Choices] = {}
        for u in units:
            groups.setdefault(u.parent.name if u.parent else "", []).append((u.pk, u.name))
        return [(name, groups[name]) for name in sorted(groups, key=place_sort_key)]

    return _cached("portal:communes", CHOICES_TTL, build)


def admin_unit_current(pk: int) -> AdminUnit | None:
    return _current_admin_units().filter(pk=pk).first()


def _accepting_orgs() -> QuerySet[Organisation]:
    return Organisation.objects.filter(active_q(), accepts_items=True)


def concerned_org_choices() -> Choices:
    """Units that accept items, grouped by kind (party, government, Front...)."""

    def build() -> Choices:
        groups: dict[str, list[Organisation]] = {}
        for org in _accepting_orgs().only("pk", "name", "kind"):
            groups.setdefault(org.kind, []).append(org)
        result: Choices = []
        for kind, label in Organisation.Kind.choices:
            if kind in groups:
                orgs = sorted(groups[kind], key=lambda o: vi_sort_key(o.name))
                result.append((str(label), [(o.pk, o.name) for o in orgs]))
        return result

    return _cached(f"portal:orgs:{_lang()}", CHOICES_TTL, build)


def accepting_org(pk: int) -> Organisation | None:
    return _accepting_orgs().filter(pk=pk).first()


def _public_persons() -> QuerySet[Person]:
    return Person.objects.filter(public_profile=True)


def _position_labels(person_ids: list[int]) -> dict[int, str]:
    labels: dict[int, str] = {}
    positions = (
        Position.objects.filter(active_q(), person_id__in=person_ids)
        .select_related("organisation")
        .order_by("person_id", "role", "id")
    )
    for pos in positions:
        labels.setdefault(pos.person_id, f"{pos.title}, {pos.organisation.name}")
    return labels


def public_person_count() -> int:
    return _cached("portal:persons:count", CHOICES_TTL, lambda: _public_persons().count())


def person_select_mode() -> bool:
    """True when every public cadre fits in a plain select (works without JavaScript)."""
    return public_person_count() <= PERSON_SELECT_LIMIT


def person_choices() -> Choices:
    def build() -> Choices:
        persons = list(_public_persons().only("pk", "full_name")[: PERSON_SELECT_LIMIT + 1])
        labels = _position_labels([p.pk for p in persons])
        persons.sort(key=lambda p: vi_sort_key(p.full_name))
        return [
            (p.pk, f"{p.full_name} — {labels[p.pk]}" if p.pk in labels else p.full_name)
            for p in persons
        ]

    return _cached("portal:persons", CHOICES_TTL, build)


def public_person(pk: int) -> Person | None:
    return _public_persons().filter(pk=pk).first()


@dataclass(frozen=True)
class PersonMatch:
    id: int
    name: str
    detail: str


def person_search(query: str, *, limit: int = PERSON_SEARCH_LIMIT) -> list[PersonMatch]:
    """Public cadres whose folded name contains every word typed ("nguyen an" finds "Nguyễn
    Văn An"); an empty or one-letter query finds nobody."""
    from langnghe.search.text import tokens

    words = tokens(query or "")[:5]
    if not words or sum(len(w) for w in words) < 2:
        return []
    qs = _public_persons()
    for word in words:
        qs = qs.filter(name_folded__contains=word)
    persons = list(qs.only("pk", "full_name")[: limit * 3])
    persons.sort(key=lambda p: vi_sort_key(p.full_name))
    persons = persons[:limit]
    labels = _position_labels([p.pk for p in persons])
    return [PersonMatch(p.pk, p.full_name, labels.get(p.pk, "")) for p in persons]


@dataclass(frozen=True)
class IndicatorChoice:
    id: int
    code: str
    text: str
    verified: bool


def indicator_groups() -> list[tuple[str, str, list[IndicatorChoice]]]:
    """(group code, group label, indicators) in the order of the resolution."""

    def build() -> list[tuple[str, list[IndicatorChoice]]]:
        groups: dict[str, list[IndicatorChoice]] = {}
        for ind in DegradationIndicator.objects.all():
            groups.setdefault(ind.group, []).append(
                IndicatorChoice(ind.pk, ind.code, ind.text_vi or ind.code, ind.verified)
            )
        order = list(INDICATOR_GROUPS)
        return sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)

    raw = _cached("portal:indicators", CHOICES_TTL, build)
    return [(code, str(INDICATOR_GROUPS.get(code, code)), items) for code, items in raw]


def indicator_ids() -> set[int]:
    return {ind.id for _code, _label, items in indicator_groups() for ind in items}


# ---------------------------------------------------------------------------------------------
# Where an online submission is received
# ---------------------------------------------------------------------------------------------


def receiving_org_for(admin_unit: AdminUnit | None) -> Organisation | None:
    """The organisation that receives an online submission: the deployment's own organisation
    (LANGNGHE["DEPLOYMENT_ORG_CODE"], a slug) if set; else the people's committee of the commune
    the citizen chose; else the first root organisation that accepts items. Routing then sends
    the item on to the competent unit."""
    slug = str(settings.LANGNGHE.get("DEPLOYMENT_ORG_CODE") or "").strip()
    if slug:
        org = _accepting_orgs().filter(slug=slug).first()
        if org is not None:
            return org
    if admin_unit is not None:
        org = (
            _accepting_orgs()
            .filter(
                admin_unit=admin_unit,
                kind=Organisation.Kind.PEOPLES_COMMITTEE,
                level=Organisation.Level.COMMUNE,
            )
            .order_by("path")
            .first()
        )
        if org is not None:
            return org
    return _accepting_orgs().filter(parent__isnull=True).order_by("path").first()


# ---------------------------------------------------------------------------------------------
# Counts (home page, unit pages)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    year: int
    received: int
    answered: int
    on_time: int
    published: int
    with_limit: int = 0  # answered while a time limit was running: the base of the rate

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.with_limit) if self.with_limit else None


def _year_start() -> dt.datetime:
    today = timezone.localdate()
    return dt.datetime(today.year, 1, 1, tzinfo=timezone.get_current_timezone())


def counts(org: Organisation | None = None) -> Counts:
    """This year's figures, for the whole deployment or for one unit's subtree.

    "Answered" is what the workflow data marks `answered: true` (a merged duplicate, a refusal or
    a forwarding is not an answer); "on time" is an answered item closed by the deadline that was
    running when it closed (Item.due_at_close, the same test as Item.closed_on_time).
    """
    from langnghe.handling.selectors import (
        annotate_closed_on,
        answered_q,
        closed_on_time_q,
        had_limit_q,
    )

    key = f"portal:counts:{org.pk if org else 'all'}"

    def build() -> Counts:
        from langnghe.handling.rules import sealed_kinds

        start = _year_start()
        # Public figures never count sealed kinds (denunciations), as the scoreboard does not: a
        # unit's single denunciation must not show in its numbers.
        items = using_replica(Item.objects.exclude(kind__in=list(sealed_kinds())))
        if org is not None:
            items = items.filter(handling_path__startswith=org.path)
        answered = items.filter(answered_q(), closed_at__gte=start)
        return Counts(
            year=start.year,
            received=items.filter(received_at__gte=start).count(),
            answered=answered.count(),
            on_time=annotate_closed_on(answered).filter(closed_on_time_q()).count(),
            with_limit=answered.filter(had_limit_q()).count(),
            published=items.filter(is_published=True, published_at__gte=start).count(),
        )

    return _cached(key, COUNTS_TTL, build)


# ---------------------------------------------------------------------------------------------
# Published items
# ---------------------------------------------------------------------------------------------


def _published() -> QuerySet[Item]:
    return Item.objects.filter(is_published=True).select_related("handling_org", "topic")


def published_latest(*, limit: int, offset: int = 0, org: Organisation | None = None) -> list[Item]:
    qs = using_replica(_published())
    if org is not None:
        qs = qs.filter(handling_path__startswith=org.path)
    return list(qs.order_by("-published_at", "-pk")[offset : offset + limit])


def published_by_ids(ids: list[int]) -> list[Item]:
    """Published items in the order of `ids` (a search result); anything unpublished since it
    was indexed is dropped."""
    by_id = {item.pk: item for item in using_replica(_published()).filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def published_item(code: str) -> Item | None:
    from langnghe.intake.receipts import normalise_code

    code = normalise_code(code or "")
    if not code or len(code) > 16:
        return None
    return _published().filter(code=code).first()


# ---------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------


@dataclass
class UnitProfile:
    org: Organisation
    active: bool
    successor: Organisation | None
    parent: Organisation | None
    children: list[Organisation]
    topics: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)


def unit_by_slug(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).select_related("parent", "admin_unit").first()


def unit_profile(org: Organisation) -> UnitProfile:
    """What a unit handles: the routing rules that send items to it, and where it sits."""
    from langnghe.handling.models import RoutingRule

    today = timezone.localdate()
    succession = (
        Succession.objects.filter(predecessor=org, effective_date__lte=today)
        .select_related("successor")
        .order_by("-effective_date")
        .first()
    )
    children = sorted(
        Organisation.objects.filter(active_q(), parent=org, accepts_items=True),
        key=lambda o: vi_sort_key(o.name),
    )
    profile = UnitProfile(
        org=org,
        active=org.is_active_on(today),
        successor=succession.successor if succession else None,
        parent=org.parent,
        children=children,
    )
    kinds = dict(Kind.choices)
    for rule in RoutingRule.objects.filter(active=True, target=org).select_related(
        "topic", "admin_unit"
    ):
        if rule.topic and str(rule.topic) not in profile.topics:
            profile.topics.append(str(rule.topic))
        if rule.admin_unit and rule.admin_unit.name not in profile.places:
            profile.places.append(rule.admin_unit.name)
        if rule.kind and str(kinds.get(rule.kind, rule.kind)) not in profile.kinds:
            profile.kinds.append(str(kinds.get(rule.kind, rule.kind)))
    if org.admin_unit and org.admin_unit.name not in profile.places:
        profile.places.insert(0, org.admin_unit.name)
    profile.topics.sort(key=vi_sort_key)
    profile.places.sort(key=place_sort_key)
    return profile


def receiving_units(limit: int = 40) -> list[Organisation]:
    """Top units that take items directly (for the home page's links)."""

    def build() -> list[tuple[str, str]]:
        orgs = list(
            _accepting_orgs()
            .filter(level__in=[Organisation.Level.PROVINCE, Organisation.Level.COMMUNE])
            .exclude(kind__in=[Organisation.Kind.AGENCY, Organisation.Kind.PARTY_CELL])
            .only("name", "slug")[:limit]
        )
        orgs.sort(key=lambda o: vi_sort_key(o.name))
        return [(o.slug, o.name) for o in orgs]

    return [
        Organisation(slug=slug, name=name)
        for slug, name in _cached("portal:units", CHOICES_TTL, build)
    ]


# ---------------------------------------------------------------------------------------------
# One item, for the holder of its receipt
# ---------------------------------------------------------------------------------------------


def workflow_allows(item: Item, transition: str) -> bool:
    from langnghe.handling.policy import get_policy

    try:
        return get_policy().workflow(item.workflow).transition(transition, item.status) is not None
    except KeyError:
        return False


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    title: str
    body: str = ""
    by_citizen: bool = False
    cite: str = ""


def public_timeline(item: Item) -> list[TimelineEntry]:
    """The public events of an item in the words the citizen reads. Staff names never appear:
    an event says which unit acted, never who."""
    from langnghe.handling.models import ItemEvent
    from langnghe.handling.policy import get_policy

    try:
        states = get_policy().workflow(item.workflow).states
    except KeyError:
        states = {}

    def state(code: str) -> str:
        return states[code].label if code in states else code

    T = ItemEvent.Type
    entries = []
    for ev in item.events.filter(public=True).order_by("at", "id"):
        data = ev.data or {}
        body = ev.body
        cite = (
            ", ".join(data.get("cite") or [])
            if isinstance(data.get("cite"), list)
            else str(data.get("cite") or "")
        )
        if ev.type == T.CREATED:
            title = _("Đã tiếp nhận ý kiến")
            if data.get("split_from"):
                title = _("Đã tiếp nhận (tách từ ý kiến %(code)s)") % {"code": data["split_from"]}
            elif data.get("appeal_of"):
                title = _("Đã tiếp nhận khiếu nại lần hai của ý kiến %(code)s") % {
                    "code": data["appeal_of"]
                }
        elif ev.type == T.ROUTED:
            title = _("Chuyển đến đơn vị xử lý: %(unit)s") % {"unit": data.get("to_name", "")}
        elif ev.type == T.QUESTION:
            title = _("Đơn vị xử lý hỏi thêm bạn")
        elif ev.type == T.REPLY:
            title = _("Bạn đã trả lời")
        elif ev.type == T.ANSWER:
            title = _("Đơn vị xử lý đã trả lời")
        elif ev.type == T.RATED:
            title = _("Bạn đã đánh giá %(n)s/5") % {"n": data.get("rating", "")}
        elif ev.type == T.MERGED:
            title = _("Được xử lý cùng ý kiến %(code)s") % {"code": data.get("into", "")}
        elif ev.type == T.ESCALATED:
            title = _("Quá hạn: đã báo cáo cấp trên (%(unit)s)") % {
                "unit": data.get("superior_name", "")
            }
        elif ev.type == T.PUBLISHED:
            title = _("Đã công khai")
        elif ev.type == T.TRANSITION and ev.transition == "reopen":
            title = _("Bạn đề nghị xem xét lại")
        elif ev.type == T.TRANSITION and ev.transition == "appeal":
            title = _("Bạn đã khiếu nại lần hai (mã tra cứu %(code)s)") % {
                "code": data.get("second", "")
            }
        elif ev.type == T.TRANSITION and ev.transition == "extend":
            title = _("Gia hạn thời hạn đến %(date)s") % {
                "date": _format_iso_date(data.get("new_due", ""))
            }
        elif ev.type == T.TRANSITION:
            title = _("Trạng thái: %(status)s") % {"status": state(ev.to_status)}
        else:
            title = str(ev.get_type_display())
        entries.append(TimelineEntry(ev.at, title, body, ev.by_citizen, cite))
    return entries


def _format_iso_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return value


def open_question(item: Item) -> str:
    """The handler's latest question, while the item waits for the sender."""
    from langnghe.handling.models import ItemEvent

    if not workflow_allows(item, "citizen_reply"):
        return ""
    event = (
        item.events.filter(type=ItemEvent.Type.QUESTION, public=True).order_by("-at", "-id").first()
    )
    return event.body if event else ""


def answer_for_sender(item: Item) -> tuple[str, dt.datetime | None]:
    """The answer sent to the sender (the full text they are owed), else the public answer."""
    sent = (
        item.answers.filter(sent_at__isnull=False)
        .only("body", "sent_at")
        .order_by("-sent_at")
        .first()
    )
    if sent is not None:
        return sent.body, sent.sent_at
    if item.public_answer:
        return item.public_answer, item.closed_at
    return "", None


def can_rate(item: Item) -> bool:
    if item.is_open:
        return False
    return bool(item.public_answer) or item.answers.filter(sent_at__isnull=False).exists()


def item_family(item: Item) -> list[Item]:
    """The items one submission was split into (TCD-10), in order, this one included."""
    root_id = item.split_from_id or item.pk
    family = list(
        Item.objects.filter(Q(pk=root_id) | Q(split_from_id=root_id))
        .only("code", "kind", "secret_hash", "split_from_id")
        .order_by("pk")
    )
    return family if len(family) > 1 else []
