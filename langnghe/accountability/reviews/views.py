"""Back-office pages of reviews at /quan-ly/kiem-diem/: thin views that validate input, call one
service or selector and render. Known failures come back as messages next to the form (the user's
text kept), never a 500. Out of scope → 404; in scope but not allowed → 403."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langnghe.backoffice.viewkit import forbidden
from langnghe.backoffice.viewkit import not_found as _not_found
from langnghe.backoffice.viewkit import page as _page
from langnghe.core.errors import ApplicationError
from langnghe.core.forms import EARLIEST, LATEST
from langnghe.handling.rules import can
from langnghe.orgs.models import Organisation, Person

from . import forms, policy, selectors, services
from .models import Commitment, Grade, Review, ReviewCycle, ReviewSuggestion


def _forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return forbidden(request, message or _("Bạn không có quyền thực hiện việc này."))


REVIEW_FORMS: dict[str, type] = {
    "self": forms.SelfAssessForm,
    "appraise": forms.AppraiseForm,
    "decide": forms.DecideForm,
    "regrade": forms.RegradeForm,
    "schedule": forms.ScheduleForm,
    "commitment": forms.CommitmentForm,
}
REVIEW_PERMS = {
    "self": "reviews.self_assess",
    "appraise": "reviews.appraise",
    "decide": "reviews.decide",
    "regrade": "reviews.regrade",
    "schedule": "reviews.manage_cycle",
    "commitment": "reviews.manage_commitments",
}


def _error_to_form(form: Any, error: ApplicationError) -> None:
    form.add_error(None, str(error.message))


# -- cycles -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    actor = request.user
    cycles = selectors.cycles_for(actor)
    form = forms.CycleForm(request.POST or None, actor=actor)
    can_create = form.fields["organiser"].queryset.exists()  # type: ignore[attr-defined]
    own = selectors.own_reviews(actor)
    own_sugg = selectors.own_suggestions(actor)
    if not cycles.exists() and not can_create and not own.exists() and not own_sugg.exists():
        return _forbidden(request, _("Bạn chưa được giao việc kiểm điểm."))
    status = 200
    if request.method == "POST":
        if not can_create:
            return _forbidden(request)
        if form.is_valid():
            try:
                cycle = services.cycle_create(actor=actor, **form.cleaned_data)
            except ApplicationError as e:
                if e.http_status == 403:
                    return _forbidden(request, str(e.message))
                _error_to_form(form, e)
            else:
                messages.success(request, _("Đã tạo đợt kiểm điểm."))
                return redirect("reviews_backoffice:cycle", pk=cycle.pk)
        status = 200
    return _page(
        request,
        "reviews/index.html",
        {
            "cycles": cycles,
            "form": form,
            "can_create": can_create,
            "own_reviews": own,
            "own_suggestions": own_sugg,
            "rules": policy.rule_rows(),
            "unverified": policy.UNVERIFIED_LABEL,
        },
        status=status,
    )


def _cycle_or_none(request: HttpRequest, pk: int) -> ReviewCycle | None:
    cycle = ReviewCycle.objects.select_related("organiser__parent").filter(pk=pk).first()
    if cycle is None or not can(request.user, "reviews.view_cycle", cycle):
        return None
    return cycle


def _cycle_context(
    request: HttpRequest, cycle: ReviewCycle, add_form: Any = None
) -> dict[str, Any]:
    reviews = selectors.plan(cycle)
    manage = can(request.user, "reviews.manage_cycle", cycle)
    return {
        "cycle": cycle,
        "reviews": reviews,
        "warnings": selectors.plan_warnings(reviews),
        "progress": selectors.progress(reviews),
        "manage": manage,
        "add_form": add_form
        or (forms.PlanAddForm(actor=request.user, cycle=cycle) if manage else None),
        "suggestions": cycle.suggestions.select_related("subject_org", "subject_person"),
        "order_source": policy.superseded_note("order"),
        "venue_rule": policy.book().setting("venues", {}),
    }


@login_required
@require_GET
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_or_none(request, pk)
    if cycle is None:
        return _not_found(request)
    return _page(request, "reviews/cycle.html", _cycle_context(request, cycle))


@login_required
@require_POST
def cycle_add(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_or_none(request, pk)
    if cycle is None:
        return _not_found(request)
    if not can(request.user, "reviews.manage_cycle", cycle):
        return _forbidden(request)
    form = forms.PlanAddForm(request.POST, actor=request.user, cycle=cycle)
    if form.is_valid():
        try:
            services.review_add(
                actor=request.user,
                cycle=cycle,
                org=form.cleaned_data["org"],
                person=form.cleaned_data["person"],
                scheduled_on=form.cleaned_data["scheduled_on"],
            )
        except ApplicationError as e:
            _error_to_form(form, e)
        else:
            messages.success(request, _("Đã thêm vào kế hoạch."))
            return redirect("reviews_backoffice:cycle", pk=cycle.pk)
    return _page(request, "reviews/cycle.html", _cycle_context(request, cycle, form))


@login_required
@require_POST
def cycle_status(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_or_none(request, pk)
    if cycle is None:
        return _not_found(request)
    if not can(request.user, "reviews.manage_cycle", cycle):
        return _forbidden(request)
    try:
        services.cycle_status_set(
            actor=request.user, cycle=cycle, status=request.POST.get("status", "")
        )
    except ApplicationError as e:
        messages.error(request, str(e.message))
    return redirect("reviews_backoffice:cycle", pk=cycle.pk)


# -- one review ---------------------------------------------------------------------------------


def _review_or_none(request: HttpRequest, pk: int) -> Review | None:
    review = (
        Review.objects.select_related("cycle__organiser__parent", "subject_org", "subject_person")
        .filter(pk=pk)
        .first()
    )
    if review is None or not can(request.user, "reviews.view_review", review):
        return None
    return review


def _review_context(request: HttpRequest, review: Review, bound: dict[str, Any]) -> dict[str, Any]:
    actor = request.user
    allowed = {name: can(actor, perm, review) for name, perm in REVIEW_PERMS.items()}
    initial: dict[str, dict[str, Any]] = {
        "self": {
            "general": review.general_score if review.general_score is not None else "",
            "results": review.results_score if review.results_score is not None else "",
            "tasks_total": review.tasks_total,
            "tasks_done": review.tasks_done,
            "tasks_on_time": review.tasks_on_time,
            "tasks_exceeded": review.tasks_exceeded,
            "quality_ok": review.quality_ok,
            "disciplined": review.disciplined,
            "comment": review.self_comment,
        },
        "appraise": {"grade": review.appraisal_grade or review.proposed_grade},
        "decide": {"grade": review.appraisal_grade},
        "schedule": {"scheduled_on": review.scheduled_on},
    }
    step_ok = {
        "self": review.status in {Review.Status.PLANNED, Review.Status.SELF_ASSESSED},
        "appraise": review.status in {Review.Status.SELF_ASSESSED, Review.Status.APPRAISED},
        "decide": review.status == Review.Status.APPRAISED,
        "regrade": review.status == Review.Status.DECIDED
        and review.cycle.organiser.parent_id is not None,
        "schedule": True,
        "commitment": True,
    }
    shown = {}
    for name, form_class in REVIEW_FORMS.items():
        if allowed[name] and step_ok[name]:
            shown[name] = bound.get(name) or form_class(initial=initial.get(name), prefix=name)
    commitments = list(review.commitments.all())
    return {
        "review": review,
        "cycle": review.cycle,
        "forms": shown,
        "is_subject": review.subject_person is not None
        and review.subject_person.user_id == actor.pk,
        "history": review.grade_history.select_related("by_org", "actor"),
        "commitments": commitments,
        "commitment_forms": {
            c.pk: forms.CommitmentUpdateForm(
                initial={"progress": c.progress, "done_on": c.done_on}, prefix=f"c{c.pk}"
            )
            for c in commitments
        }
        if allowed["commitment"]
        else {},
        "suggestions": ReviewSuggestion.objects.filter(
            cycle=review.cycle,
            subject_org=review.subject_org,
            subject_person=review.subject_person,
        ),
        "kd7": policy.rule("not_completed_below"),
        "unverified": policy.UNVERIFIED_LABEL,
        "regrade_source": policy.superseded_note("regrade"),
        "steps_source": policy.superseded_note("steps"),
        "can_view_cycle": can(actor, "reviews.view_cycle", review.cycle),
        "today": timezone.localdate(),
    }


@login_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_or_none(request, pk)
    if review is None:
        return _not_found(request)
    return _page(request, "reviews/review.html", _review_context(request, review, {}))


@login_required
@require_POST
def review_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    review = _review_or_none(request, pk)
    if review is None or action not in REVIEW_FORMS:
        return _not_found(request)
    if not can(request.user, REVIEW_PERMS[action], review):
        return _forbidden(request)
    form = REVIEW_FORMS[action](request.POST, prefix=action)
    if form.is_valid():
        data = form.cleaned_data
        actor = request.user
        try:
            if action == "self":
                services.review_self_assess(
                    actor=actor,
                    review=review,
                    assessment=services.SelfAssessment(
                        general=data["general"],
                        results=data["results"],
                        tasks_total=data["tasks_total"],
                        tasks_done=data["tasks_done"],
                        tasks_on_time=data["tasks_on_time"],
                        tasks_exceeded=data["tasks_exceeded"],
                        quality_ok=data["quality_ok"],
                        disciplined=data["disciplined"],
                        comment=data["comment"],
                    ),
                )
            elif action == "appraise":
                services.review_appraise(
                    actor=actor, review=review, grade=data["grade"], note=data["note"]
                )
            elif action == "decide":
                services.review_decide(
                    actor=actor, review=review, grade=data["grade"], reason=data["reason"]
                )
            elif action == "regrade":
                services.review_regrade(
                    actor=actor, review=review, grade=data["grade"], reason=data["reason"]
                )
            elif action == "schedule":
                services.review_schedule(
                    actor=actor, review=review, scheduled_on=data["scheduled_on"]
                )
            else:
                services.commitment_add(
                    actor=actor,
                    review=review,
                    content=data["content"],
                    deadline=data["deadline"],
                    responsible=data["responsible"],
                )
        except ApplicationError as e:
            if e.http_status == 403:
                return _forbidden(request, str(e.message))
            _error_to_form(form, e)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect(reverse("reviews_backoffice:review", args=[review.pk]) + f"#{action}")
    review.refresh_from_db()
    return _page(request, "reviews/review.html", _review_context(request, review, {action: form}))


@login_required
@require_POST
def commitment_update(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = Commitment.objects.select_related("review__cycle__organiser").filter(pk=pk).first()
    if commitment is None or not can(request.user, "reviews.view_review", commitment.review):
        return _not_found(request)
    if not can(request.user, "reviews.manage_commitments", commitment.review):
        return _forbidden(request)
    form = forms.CommitmentUpdateForm(request.POST, prefix=f"c{commitment.pk}")
    if form.is_valid():
        try:
            services.commitment_update(
                actor=request.user,
                commitment=commitment,
                progress=form.cleaned_data["progress"],
                done_on=form.cleaned_data["done_on"],
            )
        except ApplicationError as e:
            _error_to_form(form, e)
        else:
            messages.success(request, _("Đã cập nhật cam kết."))
            return redirect(
                reverse("reviews_backoffice:review", args=[commitment.review_id]) + "#commitments"
            )
    context = _review_context(request, commitment.review, {})
    context["commitment_forms"][commitment.pk] = form
    return _page(request, "reviews/review.html", context)


# -- review suggestions -------------------------------------------------------------------------


def _date_param(value: str | None, default: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default
    # Outside the range a form takes, the default (9999-12-31 overflowed the window's arithmetic).
    return day if EARLIEST <= day <= LATEST else default


def _subject(data: Any) -> tuple[Organisation | None, Person | None]:
    org = person = None
    try:
        if data.get("person"):
            person = Person.objects.filter(pk=int(data["person"])).first()
        elif data.get("org"):
            org = Organisation.objects.filter(pk=int(data["org"])).first()
    except (TypeError, ValueError):
        return None, None
    return org, person


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_new(request: HttpRequest) -> HttpResponse:
    actor = request.user
    source = request.POST if request.method == "POST" else request.GET
    org, person = _subject(source)
    if org is None and person is None:
        return _not_found(request)
    cycles = selectors.suggestion_cycles(actor, org=org, person=person)
    if not cycles:
        return _forbidden(request, _("Bạn không có đợt kiểm điểm nào để gợi ý kiểm điểm."))
    today = timezone.localdate()
    start = _date_param(request.GET.get("from"), today.replace(year=today.year - 1))
    end = _date_param(request.GET.get("to"), today)
    if request.method == "POST":
        start = _date_param(request.POST.get("window_from"), start)
        end = _date_param(request.POST.get("window_to"), end)
    if end < start:
        start, end = end, start
    items = list(services.candidate_items(actor, org=org, person=person, start=start, end=end))
    inspections = list(services.candidate_inspections(actor, org=org, person=person))
    item_choices = [
        (
            str(i.pk),
            f"{i.code} · {i.get_kind_display()} · {timezone.localtime(i.received_at):%d/%m/%Y}",
        )
        for i in items
    ]
    insp_choices = [(str(i.pk), i.title) for i in inspections]
    cycle_qs = ReviewCycle.objects.filter(pk__in=[c.pk for c in cycles])
    initial = {
        "person": person.pk if person else None,
        "org": org.pk if org else None,
        "cycle": cycles[0].pk,
        "evidence_from": start,
        "evidence_to": end,
        "items": [c[0] for c in item_choices],
        "inspections": [c[0] for c in insp_choices],
    }
    form = forms.SuggestionForm(
        request.POST or None,
        initial=initial,
        cycles=cycle_qs,
        item_choices=item_choices,
        inspection_choices=insp_choices,
    )
    snapshot: dict[str, Any] = {}
    try:
        snapshot = services.signals(org=org, person=person, start=start, end=end)
    except Exception:  # the preview is a help, not a condition: the issue step recomputes it
        snapshot = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = services.suggestion_issue(
                actor=actor,
                cycle=data["cycle"],
                org=org,
                person=person,
                content=data["content"],
                evidence_from=data["evidence_from"],
                evidence_to=data["evidence_to"],
                item_ids=[int(x) for x in data["items"]],
                inspection_ids=[int(x) for x in data["inspections"]],
                number=data["number"],
            )
        except ApplicationError as e:
            if e.http_status == 403:
                return _forbidden(request, str(e.message))
            _error_to_form(form, e)
        else:
            messages.success(request, _("Đã ban hành gợi ý kiểm điểm."))
            return redirect("reviews_backoffice:suggestion", pk=suggestion.pk)
    return _page(
        request,
        "reviews/suggestion_form.html",
        {
            "form": form,
            "subject": org or person,
            "window_from": start,
            "window_to": end,
            "signals": selectors.snapshot_rows(snapshot),
            "hidden_items": 0,
        },
    )


def _suggestion_or_none(request: HttpRequest, pk: int) -> ReviewSuggestion | None:
    s = (
        ReviewSuggestion.objects.select_related(
            "cycle__organiser", "issuer__parent", "subject_org", "subject_person"
        )
        .filter(pk=pk)
        .first()
    )
    if s is None or not can(request.user, "reviews.view_suggestion", s):
        return None
    return s


def _iso_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _opinion_url(actor: Any, s: ReviewSuggestion) -> str:
    """The opinion signals of the same subject over the same period, today ("Xem dư luận hiện
    nay"), when the actor may see them."""
    from langnghe.accountability.opinion import rules as opinion_scope

    if not can(actor, "opinion.view_signals", None):
        return ""
    if s.subject_person_id is not None:
        if not opinion_scope.person_visible(
            actor, s.subject_person_id, s.evidence_from, s.evidence_to
        ):
            return ""
        url = reverse("opinion_backoffice:person", args=[s.subject_person_id])
    else:
        if s.subject_org_id is None or not opinion_scope.org_visible(actor, s.subject_org_id):
            return ""
        url = reverse("opinion_backoffice:org", args=[s.subject_org_id])
    return (
        url
        + "?"
        + urlencode({"from": s.evidence_from.isoformat(), "to": s.evidence_to.isoformat()})
    )


def _suggestion_context(request: HttpRequest, s: ReviewSuggestion) -> dict[str, Any]:
    from langnghe.handling.rules import visible_items_q

    actor = request.user
    evidence = can(actor, "reviews.view_evidence", s)
    all_items = s.items.all()
    visible = (
        list(all_items.filter(visible_items_q(actor)).order_by("received_at")) if evidence else []
    )
    return {
        "s": s,
        "evidence": evidence,
        "items": visible,
        "items_total": all_items.count(),
        "items_hidden": all_items.count() - len(visible),
        "inspections": list(s.inspections.all()) if evidence else [],
        "inspections_total": s.inspections.count(),
        "signals": selectors.snapshot_rows(s.signal_snapshot) if evidence else {},
        "signals_computed_on": _iso_date(s.signal_snapshot.get("computed_on")),
        "signals_url": _opinion_url(actor, s) if evidence else "",
        "can_send": can(actor, "reviews.send_suggestion", s)
        and s.status == ReviewSuggestion.Status.ISSUED,
        "can_ack": can(actor, "reviews.acknowledge_suggestion", s)
        and s.status == ReviewSuggestion.Status.SENT,
        "send_form": forms.SendForm(initial={"sent_on": timezone.localdate()}),
        "review": Review.objects.filter(
            cycle=s.cycle, subject_org=s.subject_org, subject_person=s.subject_person
        ).first(),
        "venue_rule": policy.book().setting("suggestion", {}),
    }


@login_required
@require_GET
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    s = _suggestion_or_none(request, pk)
    if s is None:
        return _not_found(request)
    return _page(request, "reviews/suggestion.html", _suggestion_context(request, s))


@login_required
@require_GET
def suggestion_print(request: HttpRequest, pk: int) -> HttpResponse:
    s = _suggestion_or_none(request, pk)
    if s is None:
        return _not_found(request)
    context = _suggestion_context(request, s)
    context["by_kind"] = _kind_counts(s)
    return _page(request, "reviews/suggestion_print.html", context)


def _kind_counts(s: ReviewSuggestion) -> list[tuple[str, int]]:
    from collections import Counter

    from langnghe.intake.models import Kind

    counts = Counter(s.items.values_list("kind", flat=True))
    return [(str(Kind(k).label) if k in Kind.values else k, n) for k, n in sorted(counts.items())]


@login_required
@require_POST
def suggestion_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    s = _suggestion_or_none(request, pk)
    if s is None or action not in {"send", "acknowledge"}:
        return _not_found(request)
    perm = "reviews.send_suggestion" if action == "send" else "reviews.acknowledge_suggestion"
    if not can(request.user, perm, s):
        return _forbidden(request)
    try:
        if action == "send":
            form = forms.SendForm(request.POST)
            if not form.is_valid():
                context = _suggestion_context(request, s)
                context["send_form"] = form
                return _page(request, "reviews/suggestion.html", context)
            services.suggestion_send(
                actor=request.user, suggestion=s, sent_on=form.cleaned_data["sent_on"]
            )
        else:
            services.suggestion_acknowledge(actor=request.user, suggestion=s)
    except ApplicationError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("Đã ghi nhận."))
    return redirect("reviews_backoffice:suggestion", pk=s.pk)


GRADE_LABELS = dict(Grade.choices)
