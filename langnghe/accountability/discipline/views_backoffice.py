"""Back-office pages of party discipline at /quan-ly/ky-luat/: thin views that validate input, call
one service or selector and render. Known failures come back as messages, never a 500; decisions
outside the actor's scope are "not found"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langnghe.backoffice.viewkit import forbidden as _forbidden
from langnghe.backoffice.viewkit import not_found as _not_found
from langnghe.backoffice.viewkit import page
from langnghe.core.errors import ApplicationError, NotFound
from langnghe.orgs.access import has_any_role
from langnghe.orgs.models import Role

from . import policy, selectors, services
from .errors import DisciplineError
from .forms import (
    AppealForm,
    DecideForm,
    DecisionFilterForm,
    DecisionForm,
    NoticeFilterForm,
    NoticeForm,
    NotifyForm,
    PublishForm,
    SentForm,
    parse_subject,
)
from .rules import NOTICE_KEEP_ROLES, can, inspection_paths, leader_paths


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    extra = {"kl_nav": nav_for(request.user), "unverified_text": policy.UNVERIFIED}
    return page(request, template, {**context, **extra}, status)


PAGE_SIZE = 50

ERROR_FIELDS = {
    DisciplineError.FORM_NOT_ALLOWED: "form",
    DisciplineError.NO_POST: "form",
    DisciplineError.NOT_A_MEMBER: "subject",
    DisciplineError.BAD_SUBJECT: "subject",
    DisciplineError.BAD_BODY: "deciding_body",
    DisciplineError.COMPETENCE: "deciding_body",
    DisciplineError.KT4: "deciding_body",
    DisciplineError.BAD_ISSUER: "issuing_org",
    DisciplineError.BAD_MEASURE: "measure",
    DisciplineError.NOTICE_NOT_NEEDED: "person",
    DisciplineError.NO_PARTY_ORG: "person",
}


def nav_for(actor: Any) -> dict[str, bool]:
    party = bool(inspection_paths(actor) or leader_paths(actor))
    return {
        "decisions": party,
        "notices": party or has_any_role(actor, NOTICE_KEEP_ROLES),
        "create_notice": has_any_role(actor, NOTICE_KEEP_ROLES),
    }


def _attach(form: Any, error: ApplicationError) -> None:
    field = ERROR_FIELDS.get(error.code)
    form.add_error(field if field in form.fields else None, str(error.message))


def _decision(request: HttpRequest, pk: int, *, audit: bool = True) -> Any:
    return selectors.access_decision(actor=request.user, pk=pk, audit=audit)


# -- decisions -------------------------------------------------------------------------------


@login_required
@require_GET
def decisions(request: HttpRequest) -> HttpResponse:
    nav = nav_for(request.user)
    if not nav["decisions"]:
        own = selectors.decisions_for(actor=request.user)
        if not own.exists():
            if nav["notices"]:
                return redirect("discipline_backoffice:notices")
            return _forbidden(request, _("Bạn không được giao việc kiểm tra, kỷ luật đảng."))
    filters = DecisionFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.decisions_for(actor=request.user, filters=data)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    return _page(
        request,
        "discipline/decisions.html",
        {
            "page": page,
            "filters": filters,
            "can_create": selectors.deciding_bodies_for(request.user).exists(),
            "query": request.GET.urlencode(),
        },
    )


def _initial_from_post(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    data["source_items"] = request.POST.getlist("source_items")
    return data


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not selectors.deciding_bodies_for(actor).exists():
        return _forbidden(request, _("Bạn không có quyền lập quyết định kỷ luật đảng."))
    if request.method == "POST" and "refresh" not in request.POST:
        form = DecisionForm(
            request.POST, actor=actor, subject_value=request.POST.get("subject", "")
        )
        if form.is_valid():
            d = form.cleaned_data
            subject_org, subject_person = parse_subject(d["subject"])
            try:
                decision = services.decision_create(
                    actor=actor,
                    deciding_body=d["deciding_body"],
                    subject_org=subject_org,
                    subject_person=subject_person,
                    form=d["form"],
                    grounds=d["grounds"],
                    inspection=d["inspection"],
                    source_items=d["source_items"],
                    place=d["place"],
                    recipients=d["recipients"],
                    signer_name=d["signer_name"],
                    signer_title=d["signer_title"],
                )
            except ApplicationError as e:
                _attach(form, e)
            else:
                messages.success(request, _("Đã lưu dự thảo quyết định kỷ luật."))
                return redirect("discipline_backoffice:decision", pk=decision.pk)
    elif request.method == "POST":
        # "Cập nhật hình thức": re-render with the forms allowed for the chosen subject, text kept.
        subject = request.POST.get("subject", "")
        form = DecisionForm(initial=_initial_from_post(request), actor=actor, subject_value=subject)
    else:
        subject = request.GET.get("subject", "")
        form = DecisionForm(initial={"subject": subject}, actor=actor, subject_value=subject)
    return _page(
        request,
        "discipline/decision_form.html",
        {"form": form, "panel": policy.unverified_panel()},
    )


def _decision_context(request: HttpRequest, decision: Any) -> dict[str, Any]:
    actor = request.user
    manage = can(actor, "discipline.manage_decision", decision)
    publish = can(actor, "discipline.publish_decision", decision)
    today = timezone.localdate()
    return {
        "d": decision,
        "can_manage": manage,
        "can_publish": publish and decision.status in {"decided", "notified"},
        "decide_form": DecideForm(initial={"decided_on": today}) if manage else None,
        "notify_form": NotifyForm(initial={"notified_on": today}) if manage else None,
        "appeal_form": AppealForm() if manage else None,
        # The unverified-rules panel leaves out what the decision's own warnings already say.
        "panel": policy.unverified_panel(exclude={w["cite"] for w in decision.warning_lines}),
        # Links to follow the story: the inspection and the items, only where the actor may read.
        "inspection_readable": decision.inspection is not None
        and can(actor, "inspections.view_inspection", decision.inspection),
        "items": [
            {"item": i, "readable": can(actor, "handling.view_item", i)}
            for i in decision.source_items.all()
        ],
    }


@login_required
@require_GET
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        d = _decision(request, pk)
    except NotFound:
        return _not_found(request)
    return _page(request, "discipline/decision.html", _decision_context(request, d))


def _action(request: HttpRequest, pk: int, form_class: Any, key: str, run: Any) -> HttpResponse:
    try:
        d = _decision(request, pk, audit=False)
    except NotFound:
        return _not_found(request)
    if not can(request.user, "discipline.manage_decision", d):
        return _forbidden(request, _("Bạn không có quyền thực hiện việc này."))
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(d, form.cleaned_data)
        except ApplicationError as e:
            if e.http_status == 403:
                return _forbidden(request, str(e.message))
            form.add_error(None, str(e.message))
        else:
            return redirect("discipline_backoffice:decision", pk=d.pk)
    context = _decision_context(request, d)
    context[key] = form
    return _page(request, "discipline/decision.html", context)


@login_required
@require_POST
def decision_decide(request: HttpRequest, pk: int) -> HttpResponse:
    def run(d: Any, data: dict[str, Any]) -> None:
        services.decision_decide(
            decision=d,
            actor=request.user,
            number=data["number"],
            decided_on=data["decided_on"],
            effective_on=data["effective_on"],
        )
        messages.success(request, _("Đã ban hành quyết định."))

    return _action(request, pk, DecideForm, "decide_form", run)


@login_required
@require_POST
def decision_notify(request: HttpRequest, pk: int) -> HttpResponse:
    def run(d: Any, data: dict[str, Any]) -> None:
        services.decision_notify(decision=d, actor=request.user, notified_on=data["notified_on"])
        messages.success(request, _("Đã ghi nhận việc thông báo quyết định."))

    return _action(request, pk, NotifyForm, "notify_form", run)


@login_required
@require_POST
def decision_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    def run(d: Any, data: dict[str, Any]) -> None:
        services.decision_appeal_mark(decision=d, actor=request.user, note=data["note"])
        messages.success(request, _("Đã ghi nhận khiếu nại kỷ luật."))

    return _action(request, pk, AppealForm, "appeal_form", run)


@login_required
@require_http_methods(["GET", "POST"])
def decision_publish(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        d = _decision(request, pk)
    except NotFound:
        return _not_found(request)
    if not can(request.user, "discipline.publish_decision", d):
        return _forbidden(
            request,
            _(
                "Chỉ lãnh đạo hoặc cán bộ kiểm tra của cơ quan quyết định được công khai quyết định."
            ),
        )
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                services.decision_publish(
                    decision=d,
                    actor=request.user,
                    category=form.cleaned_data["category"],
                    published_on=form.cleaned_data["published_on"],
                )
            except ApplicationError as e:
                if e.http_status == 403:
                    return _forbidden(request, str(e.message))
                form.add_error(None, str(e.message))
            else:
                messages.success(
                    request,
                    _(
                        "Đã công khai quyết định trên cổng thông tin (đã che danh tính người phản ánh)."
                    ),
                )
                return redirect("discipline_backoffice:decision", pk=d.pk)
    else:
        form = PublishForm(initial={"category": services.publication_category(d)})
    title, body = services.public_text(d) if d.number else ("", "")
    return _page(
        request,
        "discipline/publish.html",
        {"d": d, "form": form, "title": title, "body": body},
    )


@login_required
@require_GET
def decision_print(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        d = _decision(request, pk)
    except NotFound:
        return _not_found(request)
    return _page(request, "discipline/decision_print.html", {"d": d})


# -- KT-3 notices ----------------------------------------------------------------------------


@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    nav = nav_for(request.user)
    if not nav["notices"]:
        return _forbidden(request, _("Bạn không được giao việc này."))
    filters = NoticeFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.notices_for(actor=request.user, filters=data)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    return _page(
        request,
        "discipline/notices.html",
        {"page": page, "filters": filters, "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not has_any_role(actor, NOTICE_KEEP_ROLES):
        return _forbidden(request, _("Bạn không có quyền lập thông báo này."))
    info = ""
    if request.method == "POST":
        form = NoticeForm(request.POST, actor=actor)
        if form.is_valid():
            d = form.cleaned_data
            try:
                notice = services.notice_create(actor=actor, **d)
            except ApplicationError as e:
                if e.code == DisciplineError.NOTICE_NOT_NEEDED:
                    info = str(e.message)
                else:
                    _attach(form, e)
            else:
                messages.success(request, _("Đã lập thông báo cho tổ chức đảng."))
                return redirect("discipline_backoffice:notice", pk=notice.pk)
    else:
        form = NoticeForm(actor=actor, initial={"decided_on": timezone.localdate()})
    return _page(
        request,
        "discipline/notice_form.html",
        {"form": form, "info": info, "rule": policy.state_notice_rule()},
    )


@login_required
@require_GET
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        n = selectors.access_notice(actor=request.user, pk=pk)
    except NotFound:
        return _not_found(request)
    keep = can(request.user, "discipline.keep_notice", n)
    return _page(
        request,
        "discipline/notice.html",
        {
            "n": n,
            "can_keep": keep,
            "sent_form": SentForm(initial={"sent_on": timezone.localdate()}) if keep else None,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def notice_sent(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        n = selectors.access_notice(actor=request.user, pk=pk)
    except NotFound:
        return _not_found(request)
    if not can(request.user, "discipline.keep_notice", n):
        return _forbidden(request, _("Chỉ cơ quan lập thông báo ghi nhận việc gửi."))
    form = SentForm(request.POST)
    if form.is_valid():
        try:
            services.notice_mark_sent(
                notice=n, actor=request.user, sent_on=form.cleaned_data["sent_on"]
            )
        except ApplicationError as e:
            # At the top of the page: once the date is recorded (sent twice, another tab) the
            # form is no longer shown.
            messages.error(request, str(e.message))
            n.refresh_from_db()
        else:
            messages.success(request, _("Đã ghi nhận ngày gửi thông báo."))
            return redirect("discipline_backoffice:notice", pk=n.pk)
    return _page(
        request,
        "discipline/notice.html",
        {"n": n, "can_keep": True, "sent_form": form, "today": timezone.localdate()},
    )


@login_required
@require_GET
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        n = selectors.access_notice(actor=request.user, pk=pk)
    except NotFound:
        return _not_found(request)
    return _page(request, "discipline/notice_print.html", {"n": n})


# -- the rule status panel -------------------------------------------------------------------


@login_required
@require_GET
def rule_status(request: HttpRequest) -> HttpResponse:
    nav = nav_for(request.user)
    if not (nav["decisions"] or nav["notices"]) and not has_any_role(request.user, {Role.ADMIN}):
        return _forbidden(request, _("Bạn không được giao việc này."))
    forms = [
        (label, [str(lbl) for _c, lbl in services.forms_for(key)])
        for key, label in (
            ("party_org", _("Tổ chức đảng")),
            ("full_member", _("Đảng viên chính thức")),
            ("probationary_member", _("Đảng viên dự bị")),
        )
    ]
    return _page(
        request,
        "discipline/rules.html",
        {
            "rule_status": policy.rule_status(),
            "forms": forms,
            "measures": [{**m, "name": policy.measure_label(m)} for m in policy.state_measures()],
            "legend": policy.VERIFICATION_LEGEND,
        },
    )
