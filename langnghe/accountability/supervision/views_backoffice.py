"""Back office of Front supervision at /quan-ly/giam-sat/: thin views that validate input, call one
service or selector, and render. Known failures come back as a message on the page with the user's
input kept; objects outside the actor's scope answer 404, forbidden acts 403."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langnghe.backoffice.viewkit import attempt as _attempt
from langnghe.backoffice.viewkit import page, staff_view
from langnghe.core.errors import ApplicationError, NotFound, PermissionDenied
from langnghe.intake.models import Item
from langnghe.orgs.models import Organisation

from . import policy, selectors, services
from .forms import (
    AnswerForm,
    DateForm,
    DecisionForm,
    FollowUpForm,
    HearingForm,
    PlanForm,
    RecommendationForm,
    ReopenForm,
    ResultForm,
    SupervisionCreateForm,
)
from .models import Recommendation, Supervision, SupervisionStatus
from .rules import can, fronts_managed


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    extra = {"today": timezone.localdate(), "is_front": bool(fronts_managed(request.user))}
    return page(request, template, {**context, **extra}, status)


def _require_any_access(actor: Any) -> None:
    if not fronts_managed(actor) and not selectors.supervision_list_for(actor=actor).exists():
        raise PermissionDenied()


# --- index and plans ------------------------------------------------------------------------------


@require_GET
@staff_view
def index(request: HttpRequest) -> HttpResponse:
    actor = request.user
    _require_any_access(actor)
    status = request.GET.get("trang-thai", "")
    rows = list(selectors.supervision_list_for(actor=actor, status=status))
    today = timezone.localdate()
    for s in rows:
        s.late = selectors.late_steps(s, today)  # type: ignore[attr-defined]
    return _page(
        request,
        "supervision/bo/index.html",
        {
            "rows": rows,
            "status": status,
            "statuses": SupervisionStatus.choices,
            "totals": selectors.aggregate(selectors.supervision_list_for(actor=actor)),
            "hearing_checks": selectors.hearing_checks(actor=actor, today=today),
            "plans": selectors.plan_list_for(actor=actor),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_view
def plans(request: HttpRequest) -> HttpResponse:
    fronts = fronts_managed(request.user)
    if not fronts:
        raise PermissionDenied()
    initial: dict[str, Any] = {"year": timezone.localdate().year}
    if len(fronts) == 1:
        initial["front"] = fronts[0].pk
    form = PlanForm(request.POST or None, fronts=fronts, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        plan = _attempt(
            form,
            lambda: services.plan_create(
                front=d["front"],
                year=d["year"],
                title=d["title"],
                adopted_on=d["adopted_on"],
                note=d["note"],
                actor=request.user,
            ),
        )
        if plan is not None:
            messages.success(request, _("Đã tạo kế hoạch giám sát."))
            return redirect("supervision_backoffice:plan", plan.pk)
    return _page(
        request,
        "supervision/bo/plans.html",
        {"plans": selectors.plan_list_for(actor=request.user), "form": form},
        status=400 if form.errors else 200,
    )


def _supervisable_orgs(plan_front: Organisation) -> Any:
    units = {plan_front.admin_unit_id} if plan_front.admin_unit_id else set()
    return (
        Organisation.objects.filter(admin_unit_id__in=units, valid_to__isnull=True)
        .exclude(path__startswith=plan_front.path)
        .order_by("path")
    )


def _front_items(front: Organisation) -> Any:
    """MT-4: the citizens' petitions the Front received (never a sealed kind), last two years."""
    from langnghe.handling.rules import sealed_kinds

    since = timezone.now() - dt.timedelta(days=730)
    return (
        Item.objects.filter(receiving_org__path__startswith=front.path, received_at__gte=since)
        .exclude(kind__in=list(sealed_kinds()))
        .order_by("-received_at")
    )


@require_http_methods(["GET", "POST"])
@staff_view
def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    p = selectors.access_plan(request.user, plan_id)
    form = SupervisionCreateForm(
        request.POST or None, orgs=_supervisable_orgs(p.front), items=_front_items(p.front)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        s = _attempt(
            form,
            lambda: services.supervision_create(
                plan=p,
                supervised_org=d["supervised_org"],
                topic=d["topic"],
                content=d["content"],
                form=d["form"],
                grounds=d["grounds"],
                items=d["items"],
                press_references=d["press_references"],
                first_session_on=d["first_session_on"],
                actor=request.user,
            ),
        )
        if s is not None:
            messages.success(request, _("Đã tạo cuộc giám sát."))
            return redirect("supervision_backoffice:supervision", s.pk)
    rows = list(p.supervisions.select_related("supervised_org"))
    for s in rows:
        s.late = selectors.late_steps(s)  # type: ignore[attr-defined]
    return _page(
        request,
        "supervision/bo/plan.html",
        {"plan": p, "rows": rows, "form": form},
        status=400 if form.errors else 200,
    )


def _doc(front: Organisation) -> dict[str, Any]:
    """The Front's document heading: "ỦY BAN MTTQ VIỆT NAM …" with its parent above it."""
    from langnghe.disclosure.templatetags.disclosure import notice_header

    def short(name: str) -> str:
        return name.upper().replace("MẶT TRẬN TỔ QUỐC", "MTTQ")

    parent = short(front.parent.name) if front.parent is not None else ""
    return {
        "front": front,
        "front_heading": short(front.name),
        "front_parent": parent,
        "place": notice_header(front).place,
    }


# --- one supervision ------------------------------------------------------------------------------


def _with_status_labels(items: list[Any]) -> list[Any]:
    """Each item's state as its workflow label in the reader's language, never the code."""
    from langnghe.handling.policy import get_policy
    from langnghe.handling.selectors import status_label

    policy_ = get_policy()
    for item in items:
        item.status_label = status_label(item, policy_)
    return items


def _supervision_context(request: HttpRequest, s: Supervision, **forms_: Any) -> dict[str, Any]:
    actor = request.user
    manage = can(actor, "supervision.manage", s)
    recs = list(s.recommendations.select_related("competent_body"))
    today = timezone.localdate()
    for r in recs:
        r.overdue = r.is_overdue(today)  # type: ignore[attr-defined]
    return {
        "s": s,
        "steps": selectors.supervision_steps(s, today),
        "sessions": list(s.sessions.all()),
        "recs": recs,
        "items": _with_status_labels(list(s.items.all())) if manage else [],
        "reopens": list(s.reopens.select_related("item")) if manage else [],
        "manage": manage,
        "response_rule": policy.rule("recommendation_response_within"),
        "decision_form": forms_.get("decision_form") or DecisionForm(),
        "report_form": forms_.get("report_form") or DateForm(prefix="report"),
        "session_form": forms_.get("session_form") or DateForm(prefix="session"),
        "result_form": forms_.get("result_form") or ResultForm(),
        "rec_form": forms_.get("rec_form") or RecommendationForm(supervision=s),
        "S": SupervisionStatus,
    }


@require_GET
@staff_view
def supervision(request: HttpRequest, supervision_id: int) -> HttpResponse:
    s = selectors.access_supervision(request.user, supervision_id)
    return _page(request, "supervision/bo/supervision.html", _supervision_context(request, s))


STEPS: dict[str, tuple[type[forms.Form], str, dict[str, Any]]] = {
    "decision": (DecisionForm, "decision_form", {}),
    "report": (DateForm, "report_form", {"prefix": "report"}),
    "session": (DateForm, "session_form", {"prefix": "session"}),
    "result": (ResultForm, "result_form", {}),
}


@require_POST
@staff_view
def supervision_step(request: HttpRequest, supervision_id: int, step: str) -> HttpResponse:
    actor = request.user
    s = selectors.access_supervision(actor, supervision_id)
    if not can(actor, "supervision.manage", s):
        raise PermissionDenied()
    if step == "publish":
        try:
            services.supervision_publish(supervision=s, actor=actor)
            messages.success(request, _("Đã công khai kết quả giám sát trên trang /giam-sat/."))
        except (PermissionDenied, NotFound):
            raise
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return redirect("supervision_backoffice:supervision", s.pk)
    if step == "recommend":
        form: forms.Form = RecommendationForm(request.POST, supervision=s)
        key = "rec_form"
        if form.is_valid():
            d = form.cleaned_data
            done = _attempt(
                form,
                lambda: services.recommendation_issue(
                    supervision=s,
                    content=d["content"],
                    addressees=d["addressees"],
                    competent_body=d["competent_body"],
                    sent_on=d["sent_on"],
                    response_due_on=d["response_due_on"],
                    number=d["number"],
                    actor=actor,
                ),
            )
            if done is not None:
                messages.success(request, _("Đã ghi kiến nghị."))
                return redirect("supervision_backoffice:supervision", s.pk)
    elif step in STEPS:
        cls, key, kwargs = STEPS[step]
        form = cls(request.POST, **kwargs)
        if form.is_valid():
            d = form.cleaned_data
            calls: dict[str, Callable[[], Any]] = {
                "decision": lambda: services.supervision_send_decision(
                    supervision=s,
                    decision_number=d["decision_number"],
                    decision_date=d["decision_date"],
                    sent_on=d["sent_on"],
                    actor=actor,
                ),
                "report": lambda: services.supervision_record_report(
                    supervision=s, received_on=d["day"], actor=actor
                ),
                "session": lambda: services.supervision_record_session(
                    supervision=s, held_on=d["day"], note=d["note"], actor=actor
                ),
                "result": lambda: services.supervision_record_result(
                    supervision=s, report_on=d["report_on"], summary=d["summary"], actor=actor
                ),
            }
            done = _attempt(form, calls[step])
            if done is not None:
                messages.success(request, _("Đã ghi nhận."))
                return redirect("supervision_backoffice:supervision", s.pk)
    else:
        raise NotFound()
    s.refresh_from_db()
    return _page(
        request,
        "supervision/bo/supervision.html",
        {**_supervision_context(request, s, **{key: form}), "failed_form": form},
        status=400,
    )


@require_GET
@staff_view
def decision_print(request: HttpRequest, supervision_id: int) -> HttpResponse:
    s = selectors.access_supervision(request.user, supervision_id)
    if not can(request.user, "supervision.manage", s):
        raise NotFound()
    return _page(
        request,
        "supervision/bo/decision_print.html",
        {
            "s": s,
            "steps": selectors.supervision_steps(s),
            "day": s.decision_date or timezone.localdate(),
            **_doc(s.front),
        },
    )


# --- recommendations ------------------------------------------------------------------------------


@require_GET
@staff_view
def recommendations(request: HttpRequest) -> HttpResponse:
    actor = request.user
    _require_any_access(actor)
    status = request.GET.get("trang-thai", "")
    rows = list(selectors.recommendation_list_for(actor=actor, status=status))
    today = timezone.localdate()
    for r in rows:
        r.overdue = r.is_overdue(today)  # type: ignore[attr-defined]
    return _page(
        request,
        "supervision/bo/recommendations.html",
        {"rows": rows, "status": status, "statuses": Recommendation.Status.choices},
    )


@require_http_methods(["GET", "POST"])
@staff_view
def recommendation(request: HttpRequest, rec_id: int) -> HttpResponse:
    actor = request.user
    rec = selectors.access_recommendation(actor, rec_id)
    can_answer = can(actor, "supervision.answer_recommendation", rec) and rec.status == "open"
    manage = can(actor, "supervision.manage", rec)
    answer_form = AnswerForm(initial={"responded_on": timezone.localdate()})
    follow_form = FollowUpForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "answer":
            if not can(actor, "supervision.answer_recommendation", rec):
                raise PermissionDenied()
            answer_form = AnswerForm(request.POST)
            if answer_form.is_valid():
                d = answer_form.cleaned_data
                done = _attempt(
                    answer_form,
                    lambda: services.recommendation_answer(
                        recommendation=rec,
                        response=d["response"],
                        outcome=d["outcome"],
                        responded_on=d["responded_on"],
                        actor=actor,
                    ),
                )
                if done is not None:
                    messages.success(request, _("Đã gửi trả lời kiến nghị."))
                    return redirect("supervision_backoffice:recommendation", rec.pk)
        elif action == "follow_up":
            if not manage:
                raise PermissionDenied()
            follow_form = FollowUpForm(request.POST)
            if follow_form.is_valid():
                d = follow_form.cleaned_data
                done = _attempt(
                    follow_form,
                    lambda: services.recommendation_follow_up(
                        recommendation=rec, note=d["note"], close=d["close"], actor=actor
                    ),
                )
                if done is not None:
                    messages.success(request, _("Đã ghi nhận."))
                    return redirect("supervision_backoffice:recommendation", rec.pk)
        else:
            raise NotFound()
        status = 400
    rec.overdue = rec.is_overdue(timezone.localdate())  # type: ignore[attr-defined]
    return _page(
        request,
        "supervision/bo/recommendation.html",
        {
            "r": rec,
            "s": rec.supervision,
            "can_answer": can_answer,
            "manage": manage,
            "answer_form": answer_form,
            "follow_form": follow_form,
            "response_rule": policy.rule("recommendation_response_within"),
        },
        status=status,
    )


@require_GET
@staff_view
def recommendation_print(request: HttpRequest, rec_id: int) -> HttpResponse:
    rec = selectors.access_recommendation(request.user, rec_id)
    if not can(request.user, "supervision.manage", rec):
        raise NotFound()
    return _page(
        request,
        "supervision/bo/recommendation_print.html",
        {"r": rec, "s": rec.supervision, "day": rec.sent_on, **_doc(rec.supervision.front)},
    )


# --- hearings (MT-3) ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_view
def hearings(request: HttpRequest) -> HttpResponse:
    actor = request.user
    fronts = fronts_managed(actor)
    if not fronts:
        raise PermissionDenied()
    sups = Supervision.objects.filter(front__in=fronts).order_by("-first_session_on")
    initial: dict[str, Any] = {}
    if len(fronts) == 1:
        initial["front"] = fronts[0].pk
    form = HearingForm(request.POST or None, fronts=fronts, supervisions=sups, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = _attempt(
            form,
            lambda: services.hearing_record(
                front=d["front"],
                body=d["body"],
                held_on=d["held_on"],
                title=d["title"],
                supervisions=d["supervisions"],
                note=d["note"],
                actor=actor,
            ),
        )
        if done is not None:
            messages.success(request, _("Đã ghi phiên nghe báo cáo."))
            return redirect("supervision_backoffice:hearings")
    return _page(
        request,
        "supervision/bo/hearings.html",
        {
            "rows": selectors.hearing_list_for(actor=actor),
            "checks": selectors.hearing_checks(actor=actor),
            "form": form,
            "interval": policy.rule("hearing_interval_months"),
        },
        status=400 if form.errors else 200,
    )


# --- the Front asks to reopen a handled item ------------------------------------------------------


@require_GET
@staff_view
def reopen_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not fronts_managed(actor):
        raise PermissionDenied()
    code = (request.GET.get("ma") or "")[:20]
    rows = list(selectors.reopen_candidates_for(actor=actor, code=code)[:100])
    return _page(
        request,
        "supervision/bo/reopen_list.html",
        {"rows": rows, "code": code, "done": selectors.reopens_for(actor=actor)[:50]},
    )


@require_http_methods(["GET", "POST"])
@staff_view
def reopen(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = request.user
    if not fronts_managed(actor):
        raise PermissionDenied()
    item = selectors.access_reopen_item(actor, item_id)
    sups = Supervision.objects.filter(front__in=fronts_managed(actor))
    initial: dict[str, Any] = {}
    linked = item.front_supervisions.filter(pk__in=sups.values("pk")).first()
    if linked is not None:
        initial["supervision"] = linked.pk
    form = ReopenForm(request.POST or None, supervisions=sups, initial=initial)
    allowed = can(actor, "supervision.reopen_item", item) and item.status == "answered"
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = _attempt(
            form,
            lambda: services.item_front_reopen(
                item=item,
                reason=d["reason"],
                supervision=d["supervision"],
                recommendation=d["recommendation"],
                actor=actor,
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("Đã chuyển ý kiến %(code)s lên %(org)s để xem xét lại.")
                % {
                    "code": item.code,
                    "org": done.handled_by_after.name if done.handled_by_after else "",
                },
            )
            return redirect("supervision_backoffice:reopen_list")
    return _page(
        request,
        "supervision/bo/reopen.html",
        {"item": item, "form": form, "allowed": allowed},
        status=400 if form.errors else 200,
    )
