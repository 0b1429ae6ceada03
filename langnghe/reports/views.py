"""Periodic reports in the back office at /quan-ly/bao-cao/: list, create, edit the draft,
preview, download (draft generated now; issued files as kept), issue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langnghe.backoffice.viewkit import page as _page
from langnghe.core.errors import ApplicationError, NotFound
from langnghe.stats import charts
from langnghe.stats.exports import XLSX_TYPE

from . import selectors, services
from .forms import ReportCreateForm, ReportEditForm
from .models import ReportFile
from .rules import can

LAYOUT_LABELS = {
    "page": gettext_lazy("khổ giấy"),
    "margins_mm": gettext_lazy("lề trang"),
    "font": gettext_lazy("phông chữ"),
    "sizes_pt": gettext_lazy("cỡ chữ"),
}


def _forbidden(request: HttpRequest) -> HttpResponse:
    message = _("Báo cáo định kỳ dành cho lãnh đạo, thủ trưởng đơn vị và quản trị.")
    return _page(request, "backoffice/forbidden.html", {"message": message}, status=403)


def _not_found(request: HttpRequest) -> HttpResponse:
    return _page(request, "backoffice/not_found.html", {}, status=404)


def _file(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "reports.view_report", None):
        return _forbidden(request)
    orgs = selectors.issuing_orgs_for(actor=request.user)
    context = {
        "reports": selectors.reports_for(actor=request.user)[:200],
        "form": ReportCreateForm(orgs=orgs) if orgs.exists() else None,
    }
    return _page(request, "reports/list.html", context)


@login_required
@require_POST
def report_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "reports.create_report", None):
        return _forbidden(request)
    orgs = selectors.issuing_orgs_for(actor=request.user)
    form = ReportCreateForm(request.POST, orgs=orgs)
    if form.is_valid():
        try:
            report = services.report_create(draft=form.draft(), actor=request.user)
        except ApplicationError as exc:
            if exc.http_status == 403:
                return _forbidden(request)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã lập dự thảo báo cáo. Kiểm tra, bổ sung rồi ban hành."))
            return redirect("reports_backoffice:detail", report_id=report.pk)
    context = {"reports": selectors.reports_for(actor=request.user)[:200], "form": form}
    return _page(request, "reports/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    try:
        report = selectors.access_report(request.user, report_id)
    except NotFound:
        return _not_found(request)
    can_edit = can(request.user, "reports.edit_report", report)
    form = ReportEditForm(instance=report) if can_edit else None
    if request.method == "POST":
        if not report.is_draft:
            messages.error(request, _("Báo cáo đã ban hành: không sửa được nữa."))
            return redirect("reports_backoffice:detail", report_id=report.pk)
        if not can_edit:
            return _forbidden(request)
        form = ReportEditForm(request.POST, instance=report)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.EDITABLE}
            report.refresh_from_db()
            try:
                services.report_update(report=report, actor=request.user, data=data)
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Đã lưu dự thảo."))
                return redirect("reports_backoffice:detail", report_id=report.pk)
        report.refresh_from_db()
    from langnghe.stats.services import rollup_ensure_fresh

    if report.is_draft:
        rollup_ensure_fresh()
    spec = selectors.layout(report.side)
    with translation.override("vi"):  # the sheet is the Vietnamese document
        data = selectors.report_figures(report)
    tables = [
        ("Bảng 1. Kết quả theo loại ý kiến", "Loại ý kiến", data["by_kind"]),
        ("Bảng 2. Kết quả theo kênh tiếp nhận", "Kênh tiếp nhận", data["by_channel"]),
    ]
    if len(data["by_unit"]) > 1:
        tables.append(("Bảng 3. Kết quả theo đơn vị xử lý", "Đơn vị", data["by_unit"]))
    chart = charts.columns(
        [charts.Group(m["label"], (m["received"], m["answered"])) for m in data["by_month"]],
        series=("Tiếp nhận", "Đã trả lời"),
        label="Ý kiến tiếp nhận và đã trả lời theo tháng",
    )
    from . import documents  # python-docx: loaded by the report pages, not by every web worker

    context = {
        "report": report,
        "form": form,
        "data": data,
        "tables": tables,
        "chart": chart,
        "date_line": documents.date_line(report.place, report.issued_on or timezone.localdate()),
        "files": list(report.files.only("kind", "sha256", "size")),
        "can_issue": can(request.user, "reports.issue_report", report),
        "layout": spec,
        "layout_unverified": [
            str(LAYOUT_LABELS.get(key, key))
            for key, value in spec.items()
            if isinstance(value, dict) and value.get("verified") in ("U", "W")
        ],
    }
    return _page(request, "reports/detail.html", context)


@login_required
@require_POST
def report_issue(request: HttpRequest, report_id: int) -> HttpResponse:
    try:
        report = selectors.access_report(request.user, report_id)
        report = services.report_issue(report=report, actor=request.user)
    except NotFound:
        return _not_found(request)
    except ApplicationError as exc:
        if exc.http_status == 403:
            return _forbidden(request)
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("Đã ban hành: %(n)s. Tệp văn bản được lưu giữ.") % {"n": report.number_line}
        )
    return redirect("reports_backoffice:detail", report_id=report_id)


@login_required
@require_GET
def report_download(request: HttpRequest, report_id: int, kind: str) -> HttpResponse:
    try:
        report = selectors.access_report(request.user, report_id)
    except NotFound:
        return _not_found(request)
    if kind not in ReportFile.Kind.values:
        return _not_found(request)
    from . import documents  # python-docx: loaded by the report pages, not by every web worker

    content_type = documents.DOCX_TYPE if kind == "docx" else XLSX_TYPE
    stem = f"bao-cao-{report.pk}"
    try:
        if report.is_draft:
            content = services.report_draft_file(report=report, actor=request.user, kind=kind)
            return _file(content, f"{stem}-du-thao.{kind}", content_type)
        stored = services.report_file(report=report, kind=kind)
    except NotFound:
        return _not_found(request)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("reports_backoffice:detail", report_id=report.pk)
    name = f"{stem}-so-{report.number:02d}-{report.year}.{kind}"
    return _file(bytes(stored.content), name, content_type)
