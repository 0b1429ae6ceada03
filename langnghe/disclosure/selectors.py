"""Reads of the disclosure capability: for staff (filtered by the org tree) and for the public
(published only, never a reporter, never sealed content)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet

from langnghe.core.errors import NotFound
from langnghe.handling.rules import sealed_kinds
from langnghe.intake.models import Item, Kind
from langnghe.orgs.access import subtree_q
from langnghe.orgs.models import Organisation, Person, Position, active_q

from . import policy
from .models import CadreCommitment, Publication, PublicationChannel, PublicationComment
from .rules import can, manage_paths, view_paths

# -- staff ------------------------------------------------------------------------------------


@dataclass
class PublicationFilters:
    organisation: Organisation | None = None
    category: str = ""
    status: str = ""
    late: bool = False
    q: str = ""


def publications_for(
    *, actor: Any, filters: PublicationFilters | None = None
) -> QuerySet[Publication]:
    f = filters or PublicationFilters()
    qs = Publication.objects.filter(subtree_q(view_paths(actor), "organisation__path"))
    if f.organisation is not None:
        qs = qs.filter(organisation__path__startswith=f.organisation.path)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.late:
        qs = qs.filter(is_late=True)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(reference__icontains=f.q))
    # Drafts first (work to do), then the latest published.
    return (
        qs.select_related("organisation", "person")
        .annotate(n_comments=Count("comments"))
        .order_by(F("published_on").desc(nulls_first=True), "-decided_on", "-pk")
    )


def orgs_for(*, actor: Any, manage: bool = False) -> QuerySet[Organisation]:
    paths = manage_paths(actor) if manage else view_paths(actor)
    return Organisation.objects.filter(active_q(), subtree_q(paths, "path")).order_by("path")


def access_publication(actor: Any, publication_id: Any) -> Publication:
    """One publication for staff: "not found" alike for missing and out of scope."""
    try:
        publication = Publication.objects.select_related("organisation", "person").get(
            pk=int(publication_id)
        )
    except (Publication.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not can(actor, "disclosure.view_publication", publication):
        raise NotFound()
    return publication


def comments_for_staff(*, publication: Publication, actor: Any) -> list[dict[str, Any]]:
    """The comments with a link to the item only where the actor may open it."""
    rows = []
    comments = publication.comments.select_related(
        "item", "item__handling_org", "item__receiving_org", "item__concerned_person"
    )
    for c in comments:
        rows.append(
            {
                "comment": c,
                "item": c.item,
                "can_open": can(actor, "handling.view_item", c.item),
            }
        )
    return rows


def commitments_for(*, actor: Any, year: int | None = None) -> QuerySet[CadreCommitment]:
    qs = CadreCommitment.objects.filter(subtree_q(manage_paths(actor), "organisation__path"))
    if year:
        qs = qs.filter(year=year)
    return qs.select_related("person", "organisation")


def access_commitment(actor: Any, commitment_id: Any) -> CadreCommitment:
    try:
        commitment = CadreCommitment.objects.select_related("person", "organisation").get(
            pk=int(commitment_id)
        )
    except (CadreCommitment.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not can(actor, "disclosure.manage_commitment", commitment):
        raise NotFound()
    return commitment


def people_of(*, orgs: QuerySet[Organisation]) -> QuerySet[Person]:
    """Cadres holding a current post in one of these organisations (for the commitment form)."""
    return (
        Person.objects.filter(
            pk__in=Position.objects.filter(active_q(), organisation__in=orgs).values("person_id")
        )
        .order_by("full_name")
        .distinct()
    )


# -- public -----------------------------------------------------------------------------------


def public_publications(
    *, category: str = "", organisation: Organisation | None = None
) -> QuerySet[Publication]:
    qs = Publication.objects.filter(status=Publication.Status.PUBLISHED)
    if category:
        qs = qs.filter(category=category)
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    return qs.select_related("organisation", "person").order_by("-published_on", "-pk")


def public_publication(publication_id: Any) -> Publication | None:
    """A publication as the public may see it: published, or withdrawn (the page then says so;
    printed QR codes keep pointing at it). Drafts do not exist for the public."""
    try:
        pk = int(publication_id)
    except (TypeError, ValueError):
        return None
    return (
        Publication.objects.filter(pk=pk)
        .exclude(status=Publication.Status.DRAFT)
        .select_related(
            "organisation", "person", "organisation__admin_unit", "organisation__parent"
        )
        .prefetch_related(
            Prefetch("channels", queryset=PublicationChannel.objects.order_by("start_on", "pk")),
            "attachments",
        )
        .first()
    )


@dataclass
class PublicAnswers:
    received: int
    answered: list[Item]


def public_answers(publication: Publication) -> PublicAnswers:
    """The comments' published answers: only the staff-written public text (public_summary,
    public_answer) of items the handling workflow published; never a reporter, never the text
    the citizen wrote. The count includes every comment (a number, not a person)."""
    comments = PublicationComment.objects.filter(publication=publication)
    answered = list(
        Item.objects.filter(publication_comment__publication=publication, is_published=True)
        .exclude(kind__in=list(sealed_kinds()))
        .select_related("handling_org")
        .order_by("published_at", "pk")
    )
    return PublicAnswers(received=comments.count(), answered=answered)


def public_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        pk__in=Publication.objects.filter(status=Publication.Status.PUBLISHED).values(
            "organisation_id"
        )
    ).order_by("path")


# -- DC-3: the quarterly register -----------------------------------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    end = (
        dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    ) - dt.timedelta(days=1)
    return start, end


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


@dataclass
class RegisterRow:
    publication: Publication
    category_label: str
    channels: list[PublicationChannel] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def register_rows(*, organisation: Organisation, year: int, quarter: int) -> list[RegisterRow]:
    """DC-3: the list of what the organisation published in a quarter, with the forms and times.

    A publication is in the quarter it went public (published_on); a withdrawn one stays listed
    (it was published). `missing` names the forms DC-3 requires of the category and not recorded.
    """
    start, end = quarter_bounds(year, quarter)
    publications = (
        Publication.objects.filter(
            organisation=organisation,
            published_on__gte=start,
            published_on__lte=end,
        )
        .exclude(status=Publication.Status.DRAFT)
        .prefetch_related(
            Prefetch("channels", queryset=PublicationChannel.objects.order_by("start_on", "pk"))
        )
        .order_by("published_on", "pk")
    )
    rows = []
    for p in publications:
        channels = list(p.channels.all())
        kinds = {c.kind for c in channels}
        missing = []
        category = policy.category(p.category)
        if category is not None:
            if (
                category.posting != policy.POSTING_NONE
                and PublicationChannel.Kind.POSTING not in kinds
            ):
                missing.append(str(PublicationChannel.Kind.POSTING.label))
            if category.loudspeaker and PublicationChannel.Kind.LOUDSPEAKER not in kinds:
                missing.append(str(PublicationChannel.Kind.LOUDSPEAKER.label))
        rows.append(
            RegisterRow(
                publication=p,
                category_label=policy.category_label(p.category),
                channels=channels,
                missing=missing,
            )
        )
    return rows


def missing_channels(publication: Publication) -> list[str]:
    """DC-3 forms required of this publication's category and not yet recorded."""
    if publication.status != Publication.Status.PUBLISHED:
        return []
    kinds = set(publication.channels.values_list("kind", flat=True))
    category = policy.category(publication.category)
    missing = []
    if category is not None:
        if category.posting != policy.POSTING_NONE and PublicationChannel.Kind.POSTING not in kinds:
            missing.append(str(PublicationChannel.Kind.POSTING.label))
        if category.loudspeaker and PublicationChannel.Kind.LOUDSPEAKER not in kinds:
            missing.append(str(PublicationChannel.Kind.LOUDSPEAKER.label))
    return missing


# -- cadres' public pages (P99-2) -----------------------------------------------------------


def public_cadres() -> QuerySet[Person]:
    """Cadres with a public profile and at least one published commitment."""
    return (
        Person.objects.filter(public_profile=True, commitments__published=True)
        .distinct()
        .order_by("full_name")
    )


def public_cadre(person_id: Any) -> Person | None:
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        return None
    return Person.objects.filter(pk=pk, public_profile=True).first()


def public_commitments(person: Person) -> list[CadreCommitment]:
    return list(
        CadreCommitment.objects.filter(person=person, published=True)
        .select_related("organisation")
        .order_by("-year")
    )


def _current_positions() -> QuerySet[Position]:
    return Position.objects.filter(active_q()).select_related("organisation").order_by("role", "pk")


def current_posts(person: Person) -> list[Position]:
    return list(_current_positions().filter(person=person))


def public_cadres_with_posts() -> list[tuple[Person, list[Position]]]:
    """The public cadres and their current posts, in two queries whatever their number."""
    people = list(
        public_cadres().prefetch_related(
            Prefetch("positions", queryset=_current_positions(), to_attr="current")
        )
    )
    return [(p, p.current) for p in people]


@dataclass
class FeedbackCounts:
    received: int
    answered: int
    answered_on_time: int
    open: int
    by_kind: list[tuple[str, int]]


def public_items_about(person: Person) -> QuerySet[Item]:
    """Items concerning a cadre that may be counted in public. A denunciation (a sealed kind,
    TC-16) counts only once concluded and its result published; until then it does not exist
    for the public, not even as a number (its existence could warn or expose someone)."""
    sealed = list(sealed_kinds())
    return Item.objects.filter(concerned_person=person, duplicate_of__isnull=True).filter(
        ~Q(kind__in=sealed) | Q(kind__in=sealed, is_published=True, is_open=False)
    )


def person_feedback_counts(person: Person) -> FeedbackCounts:
    """Counts only: no reporter, no item text, no codes."""
    from langnghe.handling.selectors import annotate_closed_on, answered_q, closed_on_time_q

    items = public_items_about(person)
    answered = items.filter(answered_q())
    kinds = {
        row["kind"]: row["n"] for row in items.order_by().values("kind").annotate(n=Count("pk"))
    }
    return FeedbackCounts(
        received=items.count(),
        answered=answered.count(),
        answered_on_time=annotate_closed_on(answered).filter(closed_on_time_q()).count(),
        open=items.filter(is_open=True).count(),
        by_kind=[(str(k.label), kinds[k.value]) for k in Kind if kinds.get(k.value)],
    )
