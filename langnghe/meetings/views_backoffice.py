"""Back office of meetings with the people at /quan-ly/hoi-nghi/: thin views that validate input,
call one service or selector, and render. Known failures come back as a message on the page with
the user's input kept; objects outside the actor's scope answer 404, forbidden acts 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langnghe.backoffice.viewkit import attempt as _attempt
from langnghe.backoffice.viewkit import page, staff_view
from langnghe.core.errors import ApplicationError, NotFound, PermissionDenied
from langnghe.core.text import is_digits

from . import selectors, services
from .forms import (
    AnnounceForm,
    CloseRequestForm,
    CommitmentFilterForm,
    ConferenceForm,
    HoldForm,
    IssueForm,
    MinutesCloseForm,
    PlanEditForm,
    PlanForm,
    ProgressForm,
    ResolutionForm,
    ResultsForm,
    SpeakerForm,
    VoterRollForm,
)
from .models import AnnualPlan, Commitment, Conference, ConferenceStatus, RaisedIssue
from .rules import can


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return page(request, template, {**context, "today": timezone.localdate()}, status)


PAGE_SIZE = 50


# -- dashboard and plans -------------------------------------------------------------------------


@require_GET
@staff_view
def index(request: HttpRequest) -> HttpResponse:
    actor = request.user
    plans = list(selectors.plans_for(actor))
    return _page(
        request,
        "meetings/bo/index.html",
        {
            "plans": plans,
            "dash": selectors.dashboard_for(actor),
            "can_create": selectors.managed_orgs(actor).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_view
def plan_create(request: HttpRequest) -> HttpResponse:
    orgs = selectors.managed_orgs(request.user)
    if not orgs.exists():
        raise PermissionDenied()
    initial = {"year": timezone.localdate().year}
    if orgs.count() == 1:
        initial["organisation"] = orgs.first().pk  # type: ignore[union-attr]
    form = PlanForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = _attempt(
            form,
            lambda: services.plan_create(
                organisation=data["organisation"],
                year=data["year"],
                title=data["title"],
                note=data["note"],
                actor=request.user,
            ),
        )
        if plan is not None:
            messages.success(request, _("Đã tạo kế hoạch."))
            return redirect("meetings_backoffice:plan", plan.pk)
    return _page(request, "meetings/bo/plan_form.html", {"form": form, "plan": None})


@require_GET
@staff_view
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = request.user
    plan = selectors.access_plan(actor, plan_id)
    conferences = selectors.plan_conferences(plan, actor)
    today = timezone.localdate()
    rows = [{"c": c, "checks": selectors.conference_checks(c, today)} for c in conferences]
    return _page(
        request,
        "meetings/bo/plan.html",
        {
            "plan": plan,
            "rows": rows,
            "checks": selectors.plan_checks(plan, conferences),
            "can_manage": can(actor, "meetings.manage_plan", plan),
            "can_approve": can(actor, "meetings.approve_plan", plan) and plan.approved_on is None,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_view
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.access_plan(request.user, plan_id)
    if not can(request.user, "meetings.manage_plan", plan):
        raise PermissionDenied()
    form = PlanEditForm(request.POST or None, initial={"title": plan.title, "note": plan.note})
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.plan_update(
                plan=plan,
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
                actor=request.user,
            ),
        )
        if done is not None:
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect("meetings_backoffice:plan", plan.pk)
    return _page(request, "meetings/bo/plan_form.html", {"form": form, "plan": plan})


@require_POST
@staff_view
def plan_approve(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.access_plan(request.user, plan_id)
    try:
        services.plan_approve(plan=plan, actor=request.user)
        messages.success(request, _("Đã phê duyệt kế hoạch."))
    except PermissionDenied:
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("meetings_backoffice:plan", plan.pk)


# -- conferences ---------------------------------------------------------------------------------


def _conference_data(form: ConferenceForm) -> services.ConferenceData:
    data = form.cleaned_data
    return services.ConferenceData(
        kind=data["kind"],
        title=data["title"],
        trigger=data["trigger"],
        starts_at=data["starts_at"],
        mode=data["mode"],
        place=data["place"],
        online_link=data["online_link"],
        topics=data["topics"],
        co_organiser=data["co_organiser"],
        chair_people=list(data["chair_people"]),
        chairs_text=data["chairs_text"],
        council_cochair=data["council_cochair"],
        party_committee_invited=data["party_committee_invited"],
        expected_attendees=data["expected_attendees"],
        voter_request=data["voter_request"],
    )


@require_http_methods(["GET", "POST"])
@staff_view
def conference_create(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.access_plan(request.user, plan_id)
    if not can(request.user, "meetings.manage_plan", plan):
        raise PermissionDenied()
    initial: dict[str, Any] = {
        "kind": "commune_dialogue" if plan.needs_commune_dialogue else "voter_meeting"
    }
    if is_digits(request.GET.get("de-nghi", "")):
        initial.update(trigger="voter_request", voter_request=int(request.GET["de-nghi"]))
    form = ConferenceForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        conference = _attempt(
            form,
            lambda: services.conference_create(
                plan=plan, data=_conference_data(form), actor=request.user
            ),
        )
        if conference is not None:
            messages.success(request, _("Đã thêm hội nghị vào kế hoạch."))
            return redirect("meetings_backoffice:conference", conference.pk)
    return _page(
        request,
        "meetings/bo/conference_form.html",
        {"form": form, "plan": plan, "conference": None},
    )


@require_http_methods(["GET", "POST"])
@staff_view
def conference_edit(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.user, conference_id)
    if not can(request.user, "meetings.manage_conference", conference):
        raise PermissionDenied()
    form = ConferenceForm(
        request.POST or None,
        plan=conference.plan,
        initial=ConferenceForm.initial_from(conference),
    )
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.conference_update(
                conference=conference, data=_conference_data(form), actor=request.user
            ),
        )
        if done is not None:
            messages.success(request, _("Đã lưu hội nghị."))
            return redirect("meetings_backoffice:conference", conference.pk)
    return _page(
        request,
        "meetings/bo/conference_form.html",
        {"form": form, "plan": conference.plan, "conference": conference},
    )


def _conference_page(
    request: HttpRequest,
    conference: Conference,
    *,
    announce_form: AnnounceForm | None = None,
    hold_form: HoldForm | None = None,
    results_form: ResultsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.user
    today = timezone.localdate()
    speakers, issues = selectors.minutes_of(conference)
    # A refused act (e.g. holding before announcing) is said at the top, whichever form is shown.
    page_errors = [
        str(e)
        for f in (announce_form, hold_form, results_form)
        if f is not None
        for e in f.non_field_errors()
    ]
    return _page(
        request,
        "meetings/bo/conference.html",
        {
            "c": conference,
            "page_errors": page_errors,
            "checks": selectors.conference_checks(conference, today),
            "followup": selectors.followup_commitments(conference),
            "questions": selectors.advance_questions(conference, actor),
            "speakers": speakers,
            "issues": issues,
            "can_manage": can(actor, "meetings.manage_conference", conference),
            "can_minutes": can(actor, "meetings.record_minutes", conference),
            "announce_form": announce_form
            or AnnounceForm(initial={"announced_on": today}, auto_id="an_%s"),
            "hold_form": hold_form
            or HoldForm(
                initial={
                    "held_on": min(conference.starts_on, today),
                    "expected_attendees": conference.expected_attendees,
                },
                auto_id="ho_%s",
            ),
            "results_form": results_form
            or ResultsForm(
                initial={"published_on": today, "channels": ["office_posting", "portal"]},
                auto_id="re_%s",
            ),
        },
        status=status,
    )


@require_GET
@staff_view
def conference_detail(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.user, conference_id)
    return _conference_page(request, conference)


@require_POST
@staff_view
def conference_announce(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.user, conference_id)
    form = AnnounceForm(request.POST, auto_id="an_%s")
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.conference_announce(
                conference=conference,
                actor=request.user,
                announced_on=form.cleaned_data["announced_on"],
                channels=form.cleaned_data["channels"],
            ),
        )
        if done is not None:
            if done.announce_late:
                messages.warning(
                    request,
                    _(
                        "Đã thông báo, nhưng muộn hơn hạn 7 ngày trước hội nghị (DC-6): đã ghi nhận."
                    ),
                )
            else:
                messages.success(request, _("Đã thông báo hội nghị."))
            return redirect("meetings_backoffice:conference", conference.pk)
    return _conference_page(request, conference, announce_form=form)


@require_POST
@staff_view
def conference_hold(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.user, conference_id)
    form = HoldForm(request.POST, auto_id="ho_%s")
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.conference_hold(
                conference=conference,
                actor=request.user,
                held_on=form.cleaned_data["held_on"],
                attendees=form.cleaned_data["attendees"],
                expected_attendees=form.cleaned_data["expected_attendees"],
            ),
        )
        if done is not None:
            messages.success(
                request, _("Đã ghi nhận hội nghị đã tổ chức. Tiếp theo: lập biên bản.")
            )
            return redirect("meetings_backoffice:minutes", conference.pk)
    return _conference_page(request, conference, hold_form=form)


@require_http_methods(["GET", "POST"])
@staff_view
def conference_results(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.user, conference_id)
    if request.method == "GET":
        return redirect("meetings_backoffice:conference", conference.pk)
    form = ResultsForm(request.POST, auto_id="re_%s")
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.conference_results_publish(
                conference=conference,
                actor=request.user,
                summary=form.cleaned_data["summary"],
                channels=form.cleaned_data["channels"],
                published_on=form.cleaned_data["published_on"],
            ),
        )
        if done is not None:
            if done.results_late:
                messages.warning(
                    request,
                    _("Đã công bố kết quả, nhưng quá 10 ngày sau hội nghị (DC-6): đã ghi nhận."),
                )
            else:
                messages.success(request, _("Đã công bố kết quả hội nghị."))
            return redirect("meetings_backoffice:conference", conference.pk)
    return _conference_page(request, conference, results_form=form)


# -- minutes -------------------------------------------------------------------------------------


def _minutes_page(
    request: HttpRequest,
    conference: Conference,
    *,
    speaker_form: SpeakerForm | None = None,
    issue_form: IssueForm | None = None,
    close_form: MinutesCloseForm | None = None,
    resolution_form: ResolutionForm | None = None,
) -> HttpResponse:
    actor = request.user
    speakers, issues = selectors.minutes_of(conference)
    editable = conference.status in services.MINUTES_STATUSES and can(
        actor, "meetings.record_minutes", conference
    )
    return _page(
        request,
        "meetings/bo/minutes.html",
        {
            "c": conference,
            "speakers": speakers,
            "issues": issues,
            "followup": selectors.followup_commitments(conference),
            "editable": editable,
            "can_register": services.can_register_items(actor, conference),
            "speaker_form": speaker_form
            or SpeakerForm(conference=conference, initial={"type": "citizen"}, auto_id="sp_%s"),
            "issue_form": issue_form or IssueForm(conference=conference, auto_id="is_%s"),
            "close_form": close_form
            or MinutesCloseForm(initial={"summary": conference.minutes_summary}, auto_id="mc_%s"),
            "closable": conference.status == ConferenceStatus.HELD,
            "resolutions": selectors.resolutions_of(conference),
            "resolution_form": resolution_form or ResolutionForm(auto_id="rs_%s"),
        },
    )


@require_GET
@staff_view
def minutes(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.user, conference_id)
    return _minutes_page(request, conference)


@require_POST
@staff_view
def speaker_add(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.user, conference_id)
    form = SpeakerForm(request.POST, conference=conference, auto_id="sp_%s")
    if form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            form,
            lambda: services.speaker_add(
                conference=conference,
                actor=request.user,
                type=data["type"],
                person=data["person"],
                name=data["name"],
                role_or_village=data["role_or_village"],
                summary=data["summary"],
            ),
        )
        if done is not None:
            messages.success(request, _("Đã ghi người phát biểu."))
            return redirect("meetings_backoffice:minutes", conference.pk)
    return _minutes_page(request, conference, speaker_form=form)


@require_POST
@staff_view
def issue_add(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.user, conference_id)
    form = IssueForm(request.POST, conference=conference, auto_id="is_%s")
    if form.is_valid():
        data = form.cleaned_data
        issue = _attempt(
            form,
            lambda: services.raised_issue_record(
                conference=conference,
                actor=request.user,
                speaker=data["speaker"],
                kind=data["kind"],
                text=data["text"],
                answered_on_spot=data["answered_on_spot"],
                answer=data["answer"],
                commitment_text=data["commitment_text"],
                responsible_org=data["responsible_org"],
                responsible_person=data["responsible_person"],
                deadline=data["deadline"],
            ),
        )
        if issue is not None:
            if issue.item is not None:
                messages.success(
                    request,
                    _("Đã ghi vấn đề và cam kết; ý kiến của người dân đã vào sổ với mã %(code)s.")
                    % {"code": issue.item.code},
                )
            elif issue.from_citizen:
                messages.warning(
                    request,
                    _("Đã ghi vấn đề và cam kết. Cán bộ tiếp nhận cần vào sổ ý kiến này."),
                )
            else:
                messages.success(request, _("Đã ghi vấn đề và cam kết."))
            return redirect("meetings_backoffice:minutes", conference.pk)
    return _minutes_page(request, conference, issue_form=form)


@require_POST
@staff_view
def issue_register(request: HttpRequest, issue_id: int) -> HttpResponse:
    try:
        issue = RaisedIssue.objects.select_related("conference").get(pk=issue_id)
    except RaisedIssue.DoesNotExist:
        raise NotFound() from None
    conference = selectors.access_conference(request.user, issue.conference_id)
    try:
        issue = services.raised_issue_register(issue=issue, actor=request.user)
        messages.success(
            request,
            _("Đã vào sổ ý kiến với mã %(code)s.") % {"code": issue.item.code},  # type: ignore[union-attr]
        )
    except PermissionDenied:
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("meetings_backoffice:minutes", conference.pk)


@require_POST
@staff_view
def resolution_add(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.user, conference_id)
    form = ResolutionForm(request.POST, auto_id="rs_%s")
    if form.is_valid():
        data = form.cleaned_data
        resolution = _attempt(
            form,
            lambda: services.resolution_record(
                conference=conference,
                actor=request.user,
                text=data["text"],
                votes_for=data["votes_for"],
                present=data["present"],
            ),
        )
        if resolution is not None:
            if resolution.passed:
                messages.success(request, _("Nghị quyết được thông qua (trên 50% tán thành)."))
            else:
                messages.warning(
                    request, _("Nghị quyết không được thông qua: chưa quá 50% tán thành (DC-7).")
                )
            return redirect("meetings_backoffice:minutes", conference.pk)
    return _minutes_page(request, conference, resolution_form=form)


@require_POST
@staff_view
def minutes_close(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.user, conference_id)
    form = MinutesCloseForm(request.POST, auto_id="mc_%s")
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.conference_minutes_close(
                conference=conference, actor=request.user, summary=form.cleaned_data["summary"]
            ),
        )
        if done is not None:
            messages.success(request, _("Đã hoàn thành biên bản. Tiếp theo: công bố kết quả."))
            return redirect("meetings_backoffice:conference", conference.pk)
    return _minutes_page(request, conference, close_form=form)


# -- commitments ---------------------------------------------------------------------------------


@require_GET
@staff_view
def commitments(request: HttpRequest) -> HttpResponse:
    form = CommitmentFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    qs = selectors.commitments_for(
        request.user,
        overdue_only=status == "overdue",
        status="" if status == "overdue" else status,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    return _page(
        request,
        "meetings/bo/commitments.html",
        {"form": form, "page": page, "status": status},
    )


@require_http_methods(["GET", "POST"])
@staff_view
def commitment_detail(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = selectors.access_commitment(request.user, commitment_id)
    form = ProgressForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.commitment_progress_add(
                commitment=commitment,
                actor=request.user,
                note=form.cleaned_data["note"],
                on=form.cleaned_data["on"],
                done=form.cleaned_data["done"],
            ),
        )
        if done is not None:
            messages.success(request, _("Đã cập nhật tiến độ."))
            return redirect("meetings_backoffice:commitment", commitment.pk)
    return _page(
        request,
        "meetings/bo/commitment.html",
        {
            "k": commitment,
            "progress": list(commitment.progress.select_related("by")),
            "form": form,
            "can_update": can(request.user, "meetings.update_commitment", commitment)
            and commitment.status == Commitment.Status.OPEN,
        },
    )


# -- voters --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_view
def voters(request: HttpRequest) -> HttpResponse:
    actor = request.user
    orgs = selectors.managed_orgs(actor)
    form = VoterRollForm(request.POST or None, orgs=orgs, initial={"as_of": timezone.localdate()})
    if request.method == "POST":
        if not orgs.exists():
            raise PermissionDenied()
        if form.is_valid():
            data = form.cleaned_data
            done = _attempt(
                form,
                lambda: services.voter_roll_record(
                    organisation=data["organisation"],
                    voters=data["voters"],
                    as_of=data["as_of"],
                    source=data["source"],
                    actor=actor,
                ),
            )
            if done is not None:
                messages.success(request, _("Đã ghi số cử tri."))
                return redirect("meetings_backoffice:voters")
    requests = list(selectors.voter_requests_for(actor))
    progress = {r.pk: selectors.request_progress(r.organisation) for r in requests if r.is_open}
    return _page(
        request,
        "meetings/bo/voters.html",
        {
            "form": form if orgs.exists() else None,
            "rolls": list(selectors.voter_rolls_for(actor)[:50]),
            "requests": [(r, progress.get(r.pk)) for r in requests],
        },
    )


@require_http_methods(["GET", "POST"])
@staff_view
def voter_request(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = request.user
    voter_req = selectors.access_voter_request(actor, request_id)
    form = CloseRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.voter_request_close(
                request=voter_req, actor=actor, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("Đã đóng đề nghị."))
            return redirect("meetings_backoffice:voter_request", voter_req.pk)
        voter_req.refresh_from_db()
        if not voter_req.is_open:
            # Closed meanwhile (sent twice, another tab): the form is gone, say why at the top.
            for error in form.non_field_errors():
                messages.error(request, str(error))
    plan = AnnualPlan.objects.filter(
        organisation=voter_req.organisation, year=timezone.localdate().year
    ).first()
    return _page(
        request,
        "meetings/bo/voter_request.html",
        {
            "r": voter_req,
            "progress": selectors.request_progress(voter_req.organisation)
            if voter_req.is_open
            else None,
            "supports": list(voter_req.supports.all()),
            "form": form,
            "can_manage": can(actor, "meetings.manage_voter_roll", voter_req.organisation),
            "plan": plan,
            "conferences": list(voter_req.conferences.all()),
        },
    )
