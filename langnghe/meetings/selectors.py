"""Reads about meetings with the people, always for an actor (staff) or public-only (portal).

Staff lists are filtered by the org tree, not merely guarded; one object by id goes through
``access_<noun>``, which answers "not found" alike for missing and forbidden.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from langnghe.core.errors import NotFound
from langnghe.handling.rules import visible_items_q
from langnghe.intake.models import Item
from langnghe.orgs.access import grants_for, subtree_q
from langnghe.orgs.models import Organisation, Role

from . import policy
from .models import (
    FOLLOW_UP_FAMILY,
    PUBLIC_STATUSES,
    RESULTS_STATUSES,
    AnnualPlan,
    Commitment,
    Conference,
    ConferenceKind,
    RaisedIssue,
    Speaker,
    VoterRequest,
    VoterRoll,
)
from .rules import FRONT_ROLES, MANAGE_ROLES, PROGRESS_ROLES, VIEW_ROLES, can
from .services import latest_roll, voter_request_eligible

# -- staff ---------------------------------------------------------------------------------------


def _paths(actor: Any, roles: set[Role] | set[str]) -> list[str]:
    return sorted({p for p, r in grants_for(actor) if r in roles})


def managed_orgs(actor: Any) -> QuerySet[Organisation]:
    """Organisations the actor may plan meetings for (leaders, unit heads, admins; subtree)."""
    return Organisation.objects.filter(subtree_q(_paths(actor, MANAGE_ROLES), "path")).order_by(
        "path"
    )


def front_orgs(actor: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        subtree_q(_paths(actor, FRONT_ROLES), "path"), kind=Organisation.Kind.FATHERLAND_FRONT
    )


def _conference_scope_q(actor: Any, prefix: str = "") -> Q:
    q = subtree_q(_paths(actor, VIEW_ROLES), f"{prefix}plan__organisation__path")
    front = subtree_q(_paths(actor, FRONT_ROLES), f"{prefix}co_organiser__path")
    q |= front & Q(**{f"{prefix}kind": ConferenceKind.COMMUNE_DIALOGUE})
    return q


def plans_for(actor: Any, *, year: int | None = None) -> QuerySet[AnnualPlan]:
    """Plans the actor sees: those of organisations they organise or receive for, and plans that
    hold a commune dialogue their Front committee co-organises."""
    own = subtree_q(_paths(actor, VIEW_ROLES), "organisation__path")
    front_plan_ids = Conference.objects.filter(
        subtree_q(_paths(actor, FRONT_ROLES), "co_organiser__path"),
        kind=ConferenceKind.COMMUNE_DIALOGUE,
    ).values("plan_id")
    qs = AnnualPlan.objects.filter(own | Q(pk__in=front_plan_ids)).select_related("organisation")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.annotate(n_conferences=Count("conferences")).order_by("-year", "organisation__path")


def access_plan(actor: Any, plan_id: int) -> AnnualPlan:
    try:
        plan = AnnualPlan.objects.select_related("organisation", "approved_by").get(pk=plan_id)
    except (AnnualPlan.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if (
        not can(actor, "meetings.view_plan", plan)
        and not plan.conferences.filter(pk__in=conferences_for(actor).values("pk")).exists()
    ):
        raise NotFound()
    return plan


def conferences_for(actor: Any) -> QuerySet[Conference]:
    return Conference.objects.filter(_conference_scope_q(actor)).select_related(
        "plan__organisation", "co_organiser"
    )


def access_conference(actor: Any, conference_id: int) -> Conference:
    try:
        conference = Conference.objects.select_related(
            "plan__organisation", "co_organiser", "voter_request"
        ).get(pk=conference_id)
    except (Conference.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not can(actor, "meetings.view_conference", conference):
        raise NotFound()
    return conference


def plan_conferences(plan: AnnualPlan, actor: Any) -> list[Conference]:
    qs = plan.conferences.select_related("co_organiser").prefetch_related("chair_people")
    if not can(actor, "meetings.view_plan", plan):
        qs = qs.filter(_conference_scope_q(actor))
    return list(qs.order_by("starts_at", "pk"))


def commitments_for(
    actor: Any,
    *,
    overdue_only: bool = False,
    status: str = "",
    organisation: Organisation | None = None,
) -> QuerySet[Commitment]:
    """Commitments of conferences the actor organises, and those their unit is responsible for."""
    q = _conference_scope_q(actor, prefix="issue__conference__")
    q |= subtree_q(_paths(actor, PROGRESS_ROLES), "responsible_org__path")
    qs = Commitment.objects.filter(q).select_related(
        "issue__conference__plan__organisation", "responsible_org", "responsible_person"
    )
    today = timezone.localdate()
    if overdue_only:
        qs = qs.filter(status=Commitment.Status.OPEN, deadline__lt=today)
    elif status in Commitment.Status.values:
        qs = qs.filter(status=status)
    if organisation is not None:
        qs = qs.filter(responsible_org__path__startswith=organisation.path)
    return qs.order_by("status", "deadline", "pk")


def access_commitment(actor: Any, commitment_id: int) -> Commitment:
    try:
        commitment = Commitment.objects.select_related(
            "issue__conference__plan__organisation",
            "issue__speaker",
            "responsible_org",
            "responsible_person",
        ).get(pk=commitment_id)
    except (Commitment.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not can(actor, "meetings.view_commitment", commitment):
        raise NotFound()
    return commitment


def resolutions_of(conference: Conference) -> list[Any]:
    return list(conference.resolutions.all())


def minutes_of(conference: Conference) -> tuple[list[Speaker], list[RaisedIssue]]:
    speakers = list(conference.speakers.select_related("person"))
    issues = list(
        conference.issues.select_related(
            "speaker",
            "item",
            "commitment__responsible_org",
            "commitment__responsible_person",
        ).prefetch_related("commitment__progress")
    )
    return speakers, issues


def followup_commitments(conference: Conference) -> list[Commitment]:
    """What the conference opens with: the commitments of the organisation's previous held
    conference of the same family (FOLLOW_UP_FAMILY), and any older one of that family still
    open."""
    org_id = conference.plan.organisation_id
    earlier = Conference.objects.filter(
        plan__organisation_id=org_id,
        kind__in=FOLLOW_UP_FAMILY[ConferenceKind(conference.kind)],
        starts_at__lt=conference.starts_at,
        held_on__isnull=False,
    ).exclude(pk=conference.pk)
    previous = earlier.order_by("-starts_at").first()
    if previous is None:
        return []
    q = Q(issue__conference=previous) | Q(
        issue__conference__in=earlier, status=Commitment.Status.OPEN
    )
    return list(
        Commitment.objects.filter(q)
        .select_related("issue__conference", "responsible_org", "responsible_person")
        .prefetch_related("progress")
        .order_by("issue__conference__starts_at", "issue__order", "pk")
    )


@dataclass
class AdvanceQuestions:
    total: int
    visible: list[Item]


def advance_questions(conference: Conference, actor: Any) -> AdvanceQuestions:
    """Questions sent in advance, for the chairs to prepare answers. The items themselves are
    shown only to those the spine lets read them (visible_items_q); others see the count."""
    qs = Item.objects.filter(
        channel_detail__conference=conference.pk, channel_detail__advance_question=True
    )
    return AdvanceQuestions(
        total=qs.count(),
        visible=list(
            qs.filter(visible_items_q(actor)).select_related("topic").order_by("received_at")
        ),
    )


def dashboard_for(actor: Any) -> dict[str, Any]:
    today = timezone.localdate()
    conferences = conferences_for(actor)
    upcoming = conferences.filter(starts_at__gte=timezone.now()).order_by("starts_at")[:10]
    # Every held conference whose results are not out yet; those with a legal limit (DC-6) show
    # it, the others (staff conferences, voter meetings) are listed without one.
    awaiting_results = list(
        conferences.filter(status__in=["held", "minutes_recorded"]).order_by("starts_at")
    )
    requests = voter_requests_for(actor).filter(
        status__in=[VoterRequest.Status.COLLECTING, VoterRequest.Status.THRESHOLD_REACHED]
    )
    return {
        "upcoming": list(upcoming),
        "awaiting_results": awaiting_results,
        "overdue_commitments": commitments_for(actor, overdue_only=True).count(),
        "open_commitments": commitments_for(actor, status=Commitment.Status.OPEN).count(),
        "threshold_requests": [
            r for r in requests if r.status == VoterRequest.Status.THRESHOLD_REACHED
        ],
        "collecting_requests": [r for r in requests if r.status == VoterRequest.Status.COLLECTING],
        "today": today,
    }


# -- voters' requests ----------------------------------------------------------------------------


def voter_requests_for(actor: Any) -> QuerySet[VoterRequest]:
    paths = _paths(actor, MANAGE_ROLES | {Role.RECEPTIONIST})
    return (
        VoterRequest.objects.filter(subtree_q(paths, "organisation__path"))
        .select_related("organisation")
        .annotate(n_supports=Count("supports"))
        .order_by("-opened_at")
    )


def access_voter_request(actor: Any, request_id: int) -> VoterRequest:
    try:
        request = VoterRequest.objects.select_related("organisation").get(pk=request_id)
    except (VoterRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not can(actor, "meetings.view_voter_requests", request.organisation):
        raise NotFound()
    return request


def voter_rolls_for(actor: Any) -> QuerySet[VoterRoll]:
    return VoterRoll.objects.filter(
        subtree_q(_paths(actor, MANAGE_ROLES | {Role.RECEPTIONIST}), "organisation__path")
    ).select_related("organisation")


@dataclass
class RequestProgress:
    organisation: Organisation
    request: VoterRequest | None
    supports: int
    voters: int | None
    roll_as_of: dt.date | None
    needed: int | None
    cite: str

    @property
    def percent(self) -> float | None:
        if not self.voters:
            return None
        return round(self.supports * 100 / self.voters, 1)

    @property
    def reached(self) -> bool:
        return self.needed is not None and self.supports >= self.needed


def request_progress(organisation: Organisation) -> RequestProgress:
    """The open request of a commune counted against 10 % of its latest voter roll (DC-6)."""
    request = (
        VoterRequest.objects.filter(
            organisation=organisation,
            status__in=[VoterRequest.Status.COLLECTING, VoterRequest.Status.THRESHOLD_REACHED],
        )
        .annotate(n_supports=Count("supports"))
        .first()
    )
    roll = latest_roll(organisation)
    rule = policy.rule("voter_request_threshold")
    return RequestProgress(
        organisation=organisation,
        request=request,
        supports=getattr(request, "n_supports", 0) if request else 0,
        voters=roll.voters if roll else None,
        roll_as_of=roll.as_of if roll else None,
        needed=policy.voter_threshold(roll.voters if roll else None),
        cite=rule.cite_text,
    )


# -- public --------------------------------------------------------------------------------------


def public_conferences() -> QuerySet[Conference]:
    return (
        Conference.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("plan__organisation", "co_organiser")
        .prefetch_related("chair_people")
    )


def public_conference(conference_id: int) -> Conference:
    """An announced (or later) conference; anything else is "not found"."""
    try:
        return public_conferences().get(pk=conference_id)
    except (Conference.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@dataclass
class PublicIssue:
    """A raised issue as the public sees it: no speaker's name, ever."""

    order: int
    text: str
    speaker_label: str
    answered_on_spot: bool
    answer: str
    commitment: Commitment | None
    item_code: str


def public_issues(conference: Conference) -> list[PublicIssue]:
    if conference.status not in RESULTS_STATUSES:
        return []
    out = []
    for issue in conference.issues.select_related(
        "speaker", "item", "commitment__responsible_org"
    ).prefetch_related("commitment__progress"):
        speaker = issue.speaker
        if speaker is None:
            label = ""
        elif speaker.type == Speaker.Type.CITIZEN:
            # A citizen's name and village may identify them: the public sees only "Người dân".
            label = str(Speaker.Type.CITIZEN.label)
        else:
            label = ", ".join(x for x in (speaker.display_name, speaker.role_or_village) if x)
        item = issue.item
        commitment = getattr(issue, "commitment", None)
        out.append(
            PublicIssue(
                order=issue.order,
                text=issue.text,
                speaker_label=label,
                answered_on_spot=issue.answered_on_spot,
                answer=issue.answer,
                commitment=commitment,
                item_code=item.code if item is not None and item.is_published else "",
            )
        )
    return out


def public_voter_orgs() -> QuerySet[Organisation]:
    from langnghe.orgs.models import active_q

    return Organisation.objects.filter(
        active_q(), kind=Organisation.Kind.PEOPLES_COMMITTEE, level=Organisation.Level.COMMUNE
    ).order_by("name")


def public_voter_org(slug: str) -> Organisation:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None or not voter_request_eligible(org):
        raise NotFound()
    return org


def prefetch_public(qs: QuerySet[Conference]) -> QuerySet[Conference]:
    return qs.prefetch_related(Prefetch("issues", queryset=RaisedIssue.objects.order_by("order")))


# -- checks shown on screens ---------------------------------------------------------------------


@dataclass
class Check:
    """One line on a plan or conference: ``level`` is "ok", "info" or "flag"."""

    level: str
    text: str
    cite: str


def conference_checks(conference: Conference, today: dt.date | None = None) -> list[Check]:
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    today = today or timezone.localdate()

    def d(day: dt.date) -> str:
        return date_format(day, "d/m/Y")

    out: list[Check] = []
    kind = conference.kind
    status = conference.status
    if kind == ConferenceKind.COMMUNE_DIALOGUE:
        latest = conference.announce_latest or policy.announce_latest(kind, conference.starts_on)
        if latest is not None:
            if status == "planned_in_annual_plan":
                level = "flag" if today > latest else "info"
                text = (
                    _("Đã quá hạn thông báo (chậm nhất %(d)s, 7 ngày trước hội nghị).")
                    if today > latest
                    else _("Thông báo chậm nhất ngày %(d)s (7 ngày trước hội nghị).")
                ) % {"d": d(latest)}
                out.append(Check(level, text, "DC-6"))
            elif conference.announced_on is not None:
                if conference.announce_late:
                    out.append(
                        Check(
                            "flag",
                            _("Thông báo muộn: ngày %(on)s, hạn chậm nhất %(d)s.")
                            % {"on": d(conference.announced_on), "d": d(latest)},
                            "DC-6",
                        )
                    )
                else:
                    out.append(
                        Check(
                            "ok",
                            _("Đã thông báo ngày %(on)s, đúng hạn (chậm nhất %(d)s).")
                            % {"on": d(conference.announced_on), "d": d(latest)},
                            "DC-6",
                        )
                    )
        if conference.co_organiser_id is None:
            out.append(Check("flag", _("Chưa có Ủy ban MTTQ phối hợp tổ chức."), "DC-6"))
        if not conference.council_cochair:
            out.append(Check("flag", _("Chưa có đại diện Thường trực HĐND đồng chủ trì."), "DC-6"))
        if not conference.party_committee_invited:
            out.append(Check("flag", _("Chưa ghi nhận việc mời đại diện cấp ủy."), "DC-6"))
    if conference.held_on is not None and conference.results_latest is not None:
        if conference.results_published_on is None:
            overdue = today > conference.results_latest
            out.append(
                Check(
                    "flag" if overdue else "info",
                    (
                        _("Quá hạn công bố kết quả (chậm nhất %(d)s, 10 ngày sau hội nghị).")
                        if overdue
                        else _("Công bố kết quả chậm nhất ngày %(d)s (10 ngày sau hội nghị).")
                    )
                    % {"d": d(conference.results_latest)},
                    "DC-6",
                )
            )
        elif conference.results_late:
            out.append(
                Check(
                    "flag",
                    _("Công bố kết quả muộn: ngày %(on)s, hạn chậm nhất %(d)s.")
                    % {
                        "on": d(conference.results_published_on),
                        "d": d(conference.results_latest),
                    },
                    "DC-6",
                )
            )
        else:
            out.append(
                Check(
                    "ok",
                    _("Đã công bố kết quả ngày %(on)s, đúng hạn.")
                    % {"on": d(conference.results_published_on)},
                    "DC-6",
                )
            )
    if kind == ConferenceKind.STAFF_CONFERENCE:
        latest = policy.staff_conference_latest(conference.plan.year)
        if latest is not None:
            late = policy.staff_conference_late(conference, today)
            out.append(
                Check(
                    "flag" if late else "info",
                    (
                        _("Muộn: hội nghị tổng kết năm %(y)d phải họp chậm nhất ngày %(d)s.")
                        if late
                        else _("Hội nghị tổng kết năm %(y)d họp chậm nhất ngày %(d)s.")
                    )
                    % {"y": conference.plan.year - 1, "d": d(latest)},
                    "DC-7",
                )
            )
        quorum = conference.quorum_met
        if quorum is not None:
            out.append(
                Check(
                    "ok" if quorum else "flag",
                    (
                        _("Đủ số lượng: %(a)d/%(e)d người dự (cần ít nhất 2/3).")
                        if quorum
                        else _("Không đủ số lượng: %(a)d/%(e)d người dự (cần ít nhất 2/3).")
                    )
                    % {"a": conference.attendees, "e": conference.expected_attendees},
                    "DC-7",
                )
            )
    if kind == ConferenceKind.PARTY_HEAD_DIALOGUE:
        r = policy.rule("party_head_dialogue_request_threshold")
        if r.configurable:
            out.append(
                Check(
                    "info",
                    _(
                        "Tổ chức khi nhiều người dân đề nghị hoặc khi xét thấy cần thiết; "
                        "số người đề nghị: chưa xác minh — cấu hình tại địa phương."
                    ),
                    "Q11-6",
                )
            )
    return out


def plan_checks(plan: AnnualPlan, conferences: list[Conference]) -> list[Check]:
    from django.utils.translation import gettext as _

    today = timezone.localdate()
    out = []
    flags = policy.plan_flags(plan, conferences, today)
    if "no_commune_dialogue" in flags:
        out.append(
            Check(
                "flag",
                _("Kế hoạch chưa có hội nghị đối thoại với Nhân dân (ít nhất 1 lần/năm)."),
                "DC-5, DC-6",
            )
        )
    if "commune_dialogue_not_held" in flags:
        out.append(
            Check("flag", _("Năm đã qua mà chưa tổ chức hội nghị đối thoại nào."), "DC-5, DC-6")
        )
    if plan.needs_commune_dialogue and not flags:
        out.append(
            Check("ok", _("Có hội nghị đối thoại với Nhân dân trong kế hoạch."), "DC-5, DC-6")
        )
    r = policy.rule("qd218_dialogue_per_year")
    if r.configurable:
        out.append(
            Check(
                "info",
                _(
                    "Số lần đối thoại của người đứng đầu theo QĐ 218-QĐ/TW: "
                    "chưa xác minh — cấu hình tại địa phương."
                ),
                r.cite_text,
            )
        )
    return out
