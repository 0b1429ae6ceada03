"""Back office of party inspections at /quan-ly/kiem-tra/: thin views that validate input, call one
service or selector and render. Sealed record pages audit every read (selectors.inspection_for_read).
Objects the actor may not see answer 404 (existence is not revealed); forbidden acts 403; a known
failure comes back on the form with the user's input kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from langnghe.accountability.discipline import selectors as discipline_selectors
from langnghe.backoffice.viewkit import attempt as _attempt
from langnghe.backoffice.viewkit import page, staff_view
from langnghe.core.errors import ApplicationError, NotFound, PermissionDenied
from langnghe.orgs.models import Person, RoleGrant
from langnghe.orgs.models import Role as OrgRole

from . import forms as f
from . import policy, selectors, services
from .models import Inspection, InspectionAccessGrant, Remedy, TeamMember
from .rules import can


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    # The denunciation list is the inspectors' (same rule as its page): only they see the link.
    is_inspector = selectors.commissions_for(request.user).exists()
    return page(
        request,
        template,
        {**context, "today": timezone.localdate(), "is_inspector": is_inspector},
        status,
    )


def _phases(inspection: Inspection) -> list[dict[str, Any]]:
    current = policy.phase_of(inspection.state)
    order = [p.code for p in policy.phases()]
    rows = []
    for phase in policy.phases():
        status = "todo"
        if current is not None:
            if order.index(phase.code) < order.index(current.code):
                status = "done"
            elif phase.code == current.code:
                status = "current"
        rows.append(
            {
                "phase": phase,
                "status": status,
                "states": [
                    {"code": c, "label": label, "current": c == inspection.state}
                    for c, label in phase.states
                ],
            }
        )
    return rows


def _inspection_page(
    request: HttpRequest, inspection: Inspection, template: str, **ctx: Any
) -> HttpResponse:
    return _page(request, template, {"inspection": inspection, **ctx})


def _to(inspection: Inspection) -> HttpResponse:
    return redirect("inspections_backoffice:inspection", inspection.pk)


# -- lists -----------------------------------------------------------------------------------------


@staff_view
def index(request: HttpRequest) -> HttpResponse:
    qs = selectors.inspections_visible(request.user)
    state = request.GET.get("state", "")
    phase = request.GET.get("phase", "")
    if state in policy.states():
        qs = qs.filter(state=state)
    phase_obj = next((p for p in policy.phases() if p.code == phase), None)
    if phase_obj is not None:
        qs = qs.filter(state__in=[c for c, _label in phase_obj.states])
    today = timezone.localdate()
    overdue = {
        row["inspection_id"]
        for row in Remedy.objects.filter(
            inspection__in=qs.values("pk"), done_on__isnull=True, due_on__lt=today
        ).values("inspection_id")
    }
    rows = [{"i": i, "overdue": i.pk in overdue} for i in qs[:200]]
    return _page(
        request,
        "inspections/index.html",
        {
            "rows": rows,
            "phases": policy.phases(),
            "states": policy.state_choices(),
            "state": state,
            "phase": phase,
            "can_open": selectors.commissions_for(request.user).exists(),
        },
    )


@staff_view
def remedies(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [{"r": r, "overdue": r.overdue_on(today)} for r in selectors.remedies_due(request.user)]
    return _page(request, "inspections/remedies.html", {"rows": rows})


@staff_view
@require_http_methods(["GET", "POST"])
def denunciations(request: HttpRequest) -> HttpResponse:
    """TC-18: denunciations against party members routed to the actor's commission."""
    items = list(selectors.party_denunciations(request.user)[:200])
    if not selectors.commissions_for(request.user).exists():
        raise NotFound()
    form = f.OpenFromItemsForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        chosen = [i for i in items if str(i.pk) in form.cleaned_data["items"]]
        inspection = _attempt(
            form,
            lambda: services.inspection_open_from_items(
                actor=request.user,
                items=chosen,
                title=form.cleaned_data["title"],
                scope=form.cleaned_data["scope"],
            ),
        )
        if inspection is not None:
            messages.success(request, _("Đã mở cuộc kiểm tra khi có dấu hiệu vi phạm."))
            return _to(inspection)
    linked = set(
        Inspection.source_items.through.objects.filter(
            item_id__in=[i.pk for i in items]
        ).values_list("item_id", flat=True)
    )
    return _page(
        request,
        "inspections/denunciations.html",
        {"items": items, "form": form, "linked": linked},
    )


# -- plans -------------------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def plans(request: HttpRequest) -> HttpResponse:
    plans_qs = selectors.plans_visible(request.user)
    commissions = selectors.commissions_for(request.user)
    form = f.PlanForm(request.POST or None, organisations=commissions)
    if request.method == "POST":
        if not commissions.exists():
            raise PermissionDenied()
        if form.is_valid():
            plan = _attempt(
                form,
                lambda: services.plan_create(actor=request.user, **form.cleaned_data),
            )
            if plan is not None:
                messages.success(request, _("Đã tạo chương trình kiểm tra, giám sát."))
                return redirect("inspections_backoffice:plan", plan.pk)
    return _page(
        request,
        "inspections/plans.html",
        {
            "plans": plans_qs,
            "form": form if commissions.exists() else None,
            "annual": policy.rulebook().setting("annual_plan"),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_for_read(request.user, plan_id)
    can_manage = can(request.user, "inspections.manage_plan", plan)
    form = f.PlanEntryForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied()
        if form.is_valid():
            entry = _attempt(
                form,
                lambda: services.plan_entry_add(actor=request.user, plan=plan, **form.cleaned_data),
            )
            if entry is not None:
                messages.success(request, _("Đã thêm nội dung vào chương trình."))
                return redirect("inspections_backoffice:plan", plan.pk)
    entries = [
        {"e": e, "kind": policy.kind_label(e.kind), "inspections": list(e.inspections.all())}
        for e in plan.entries.all()
    ]
    return _page(
        request,
        "inspections/plan.html",
        {"plan": plan, "entries": entries, "form": form if can_manage else None},
    )


# -- an inspection ---------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    commissions = selectors.commissions_for(request.user)
    if not commissions.exists():
        raise NotFound()
    form = f.InspectionForm(request.POST or None, commissions=commissions)
    if request.method == "POST" and form.is_valid():
        inspection = _attempt(
            form, lambda: services.inspection_create(actor=request.user, **form.cleaned_data)
        )
        if inspection is not None:
            messages.success(request, _("Đã tạo cuộc kiểm tra, giám sát."))
            return _to(inspection)
    return _page(
        request,
        "inspections/form.html",
        {"form": form, "heading": _("Cuộc kiểm tra, giám sát mới"), "submit": _("Tạo")},
    )


@staff_view
def inspection(request: HttpRequest, inspection_id: int) -> HttpResponse:
    obj = selectors.inspection_for_read(request.user, inspection_id, page="detail")
    can_manage = can(request.user, "inspections.manage_inspection", obj)
    conclusion = getattr(obj, "conclusion", None) if hasattr(obj, "conclusion") else None
    report = (
        getattr(obj, "explanatory_report", None) if hasattr(obj, "explanatory_report") else None
    )
    today = timezone.localdate()
    return _inspection_page(
        request,
        obj,
        "inspections/inspection.html",
        can_manage=can_manage,
        in_conduct=obj.state in services.CONDUCT_STATES,
        phases=_phases(obj),
        next_states=[(s, policy.state_label(s)) for s in services.allowed_transitions(obj)],
        team=obj.team.select_related("person"),
        report=report,
        report_due_rule=policy.rule("explanatory_report_due"),
        findings=obj.findings.all(),
        conclusion=conclusion,
        notices=obj.notices.all(),
        remedies=[{"r": r, "overdue": r.overdue_on(today)} for r in obj.remedies.all()],
        source_items=obj.source_items.all(),
        publish_rule=policy.rule("publish_within"),
        grants=obj.access_grants.filter(revoked_at__isnull=True).select_related("user"),
        # The discipline decisions based on this inspection, as far as the actor may see them.
        discipline_decisions=discipline_selectors.decisions_for(actor=request.user).filter(
            inspection=obj
        ),
    )


def _form_view(
    request: HttpRequest,
    inspection_id: int,
    *,
    page: str,
    form_class: type[forms.Form],
    call: Callable[[Inspection, dict[str, Any]], Any],
    heading: str,
    submit: str,
    done: str,
    initial: dict[str, Any] | None = None,
    form_kwargs: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    obj = selectors.inspection_for_read(request.user, inspection_id, page=page)
    if not can(request.user, "inspections.manage_inspection", obj):
        raise PermissionDenied()
    form = form_class(request.POST or None, initial=initial, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        result = _attempt(form, lambda: call(obj, form.cleaned_data))
        if result is not None:
            messages.success(request, done)
            return _to(obj)
    return _inspection_page(
        request,
        obj,
        "inspections/form.html",
        form=form,
        heading=heading,
        submit=submit,
        **(extra or {}),
    )


@staff_view
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, inspection_id: int) -> HttpResponse:
    def call(obj: Inspection, data: dict[str, Any]) -> Any:
        return services.inspection_decide(actor=request.user, inspection=obj, **data)

    obj = Inspection.objects.filter(pk=inspection_id).first()
    initial = (
        {
            "decision_number": obj.decision_number,
            "decision_date": obj.decision_date,
            "legal_basis": obj.legal_basis
            or _(
                "Căn cứ Điều lệ Đảng; Quy định số 296-QĐ/TW ngày 30/5/2025 của Ban Chấp hành Trung ương về công tác kiểm tra, giám sát và kỷ luật của Đảng."
            ),
            "scope": obj.scope,
            "start_on": obj.start_on,
            "end_on": obj.end_on,
        }
        if obj is not None
        else None
    )
    return _form_view(
        request,
        inspection_id,
        page="decision_form",
        form_class=f.DecisionForm,
        call=call,
        heading=_("Quyết định và kế hoạch kiểm tra"),
        submit=_("Lưu quyết định"),
        done=_("Đã lưu quyết định kiểm tra."),
        initial=initial,
    )


@staff_view
@require_POST
def transition(request: HttpRequest, inspection_id: int) -> HttpResponse:
    obj = selectors.inspection_for_manage(request.user, inspection_id)
    form = f.TransitionForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(message=_("Bước không hợp lệ."))
        services.inspection_transition(
            actor=request.user, inspection=obj, to_state=form.cleaned_data["to_state"]
        )
        messages.success(request, _("Đã chuyển bước."))
    except (PermissionDenied, NotFound):
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return _to(obj)


def _team_people(obj: Inspection) -> Any:
    """Anyone may be proposed; the conflict-of-interest check decides (TC-15)."""
    return Person.objects.order_by("full_name")


@staff_view
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, inspection_id: int) -> HttpResponse:
    def call(obj: Inspection, data: dict[str, Any]) -> Any:
        return services.team_member_add(actor=request.user, inspection=obj, **data)

    obj = Inspection.objects.filter(pk=inspection_id).select_related("commission").first()
    people = _team_people(obj) if obj is not None else Person.objects.none()
    return _form_view(
        request,
        inspection_id,
        page="team_form",
        form_class=f.TeamMemberForm,
        call=call,
        heading=_("Đoàn kiểm tra"),
        submit=_("Thêm vào đoàn"),
        done=_("Đã thêm thành viên đoàn."),
        form_kwargs={"people": people},
        extra={"team": obj.team.select_related("person") if obj else [], "show_team": True},
    )


@staff_view
@require_POST
def team_remove(request: HttpRequest, member_id: int) -> HttpResponse:
    member = TeamMember.objects.select_related("inspection").filter(pk=member_id).first()
    if member is None:
        raise NotFound()
    obj = selectors.inspection_for_manage(request.user, member.inspection_id)
    try:
        services.team_member_remove(actor=request.user, member=member)
        messages.success(request, _("Đã bỏ thành viên khỏi đoàn."))
    except (PermissionDenied, NotFound):
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("inspections_backoffice:team", obj.pk)


@staff_view
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, inspection_id: int) -> HttpResponse:
    def call(obj: Inspection, data: dict[str, Any]) -> Any:
        return services.explanatory_report_record(actor=request.user, inspection=obj, **data)

    return _form_view(
        request,
        inspection_id,
        page="report_form",
        form_class=f.ReportForm,
        call=call,
        heading=_("Báo cáo giải trình của đối tượng"),
        submit=_("Lưu báo cáo"),
        done=_("Đã ghi nhận báo cáo giải trình."),
        extra={"due_rule": policy.rule("explanatory_report_due")},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def finding(request: HttpRequest, inspection_id: int) -> HttpResponse:
    def call(obj: Inspection, data: dict[str, Any]) -> Any:
        return services.finding_add(actor=request.user, inspection=obj, **data)

    return _form_view(
        request,
        inspection_id,
        page="finding_form",
        form_class=f.FindingForm,
        call=call,
        heading=_("Kết quả thẩm tra, xác minh"),
        submit=_("Lưu kết quả"),
        done=_("Đã ghi kết quả thẩm tra."),
        extra={"severity_unverified": policy.rulebook().setting("severities_verified") == "U"},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def conclusion(request: HttpRequest, inspection_id: int) -> HttpResponse:
    def call(obj: Inspection, data: dict[str, Any]) -> Any:
        return services.conclusion_record(actor=request.user, inspection=obj, **data)

    return _form_view(
        request,
        inspection_id,
        page="conclusion_form",
        form_class=f.ConclusionForm,
        call=call,
        heading=_("Kết luận kiểm tra"),
        submit=_("Lưu kết luận"),
        done=_("Đã lưu kết luận."),
    )


@staff_view
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, inspection_id: int) -> HttpResponse:
    def call(obj: Inspection, data: dict[str, Any]) -> Any:
        return services.conclusion_publish(actor=request.user, inspection=obj, **data)

    obj = Inspection.objects.filter(pk=inspection_id).first()
    return _form_view(
        request,
        inspection_id,
        page="publish_form",
        form_class=f.PublishForm,
        call=call,
        heading=_("Công khai kết luận"),
        submit=_("Công khai"),
        done=_("Đã công khai kết luận (đã che thông tin người tố cáo)."),
        initial={"title": _("Thông báo kết luận kiểm tra: %(t)s") % {"t": obj.title}}
        if obj
        else None,
        extra={"publish_rule": policy.rule("publish_within"), "show_publish_note": True},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest, inspection_id: int) -> HttpResponse:
    def call(obj: Inspection, data: dict[str, Any]) -> Any:
        return services.notice_record(actor=request.user, inspection=obj, **data)

    return _form_view(
        request,
        inspection_id,
        page="notice_form",
        form_class=f.NoticeForm,
        call=call,
        heading=_("Thông báo kết luận"),
        submit=_("Lưu"),
        done=_("Đã ghi thông báo."),
    )


@staff_view
@require_http_methods(["GET", "POST"])
def remedy(request: HttpRequest, inspection_id: int) -> HttpResponse:
    def call(obj: Inspection, data: dict[str, Any]) -> Any:
        return services.remedy_add(actor=request.user, inspection=obj, **data)

    return _form_view(
        request,
        inspection_id,
        page="remedy_form",
        form_class=f.RemedyForm,
        call=call,
        heading=_("Biện pháp khắc phục"),
        submit=_("Lưu"),
        done=_("Đã thêm biện pháp khắc phục."),
    )


@staff_view
@require_POST
def remedy_done(request: HttpRequest, remedy_id: int) -> HttpResponse:
    item = Remedy.objects.filter(pk=remedy_id).first()
    if item is None:
        raise NotFound()
    obj = selectors.inspection_for_manage(request.user, item.inspection_id)
    form = f.RemedyDoneForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(message=_("Vui lòng nhập ngày hoàn thành hợp lệ."))
        services.remedy_done(actor=request.user, remedy=item, done_on=form.cleaned_data["done_on"])
        messages.success(request, _("Đã ghi hoàn thành khắc phục."))
    except (PermissionDenied, NotFound):
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return _to(obj)


def _leaders_for(obj: Inspection) -> Any:
    """Leaders whose grant covers the commission (a grant covers its subtree)."""
    paths = [a.path for a in obj.commission.ancestors()] + [obj.commission.path]
    ids = RoleGrant.objects.filter(role=OrgRole.LEADER, organisation__path__in=paths).values_list(
        "user_id", flat=True
    )
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username")


@staff_view
@require_http_methods(["GET", "POST"])
def grants(request: HttpRequest, inspection_id: int) -> HttpResponse:
    def call(obj: Inspection, data: dict[str, Any]) -> Any:
        return services.access_grant(
            actor=request.user, inspection=obj, user_id=data["user"], reason=data["reason"]
        )

    obj = Inspection.objects.filter(pk=inspection_id).select_related("commission").first()
    users = list(_leaders_for(obj)) if obj is not None else []
    return _form_view(
        request,
        inspection_id,
        page="grants",
        form_class=f.GrantForm,
        call=call,
        heading=_("Quyền xem hồ sơ kiểm tra"),
        submit=_("Cấp quyền xem"),
        done=_("Đã cấp quyền xem."),
        form_kwargs={"users": users},
        extra={
            "grants_all": obj.access_grants.select_related("user", "granted_by") if obj else [],
            "show_grants": True,
        },
    )


@staff_view
@require_POST
def grant_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = InspectionAccessGrant.objects.filter(pk=grant_id).first()
    if grant is None:
        raise NotFound()
    obj = selectors.inspection_for_manage(request.user, grant.inspection_id)
    try:
        services.access_revoke(actor=request.user, grant=grant)
        messages.success(request, _("Đã thu hồi quyền xem."))
    except (PermissionDenied, NotFound):
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("inspections_backoffice:grants", obj.pk)


# -- printable documents -------------------------------------------------------------------------


@staff_view
def print_decision(request: HttpRequest, inspection_id: int) -> HttpResponse:
    obj = selectors.inspection_for_read(request.user, inspection_id, page="print_decision")
    if not obj.decision_number:
        raise NotFound()
    return _inspection_page(
        request,
        obj,
        "inspections/print/decision.html",
        team=obj.team.select_related("person"),
        back=reverse("inspections_backoffice:inspection", args=[obj.pk]),
    )


@staff_view
def print_conclusion(request: HttpRequest, inspection_id: int) -> HttpResponse:
    obj = selectors.inspection_for_read(request.user, inspection_id, page="print_conclusion")
    if not hasattr(obj, "conclusion"):
        raise NotFound()
    return _inspection_page(
        request,
        obj,
        "inspections/print/conclusion.html",
        conclusion=obj.conclusion,
        findings=obj.findings.all(),
        remedies=obj.remedies.all(),
        back=reverse("inspections_backoffice:inspection", args=[obj.pk]),
    )
