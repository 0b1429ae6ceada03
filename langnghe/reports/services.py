"""Writes of periodic reports: create a draft, edit it, issue it (number, date, files).

Every write is one transaction with its audit event. Issuing takes the next number of the
issuing body for the year under a row lock (FM-4: from 01 each year, unique), freezes the
figures and keeps the DOCX and XLSX with their SHA-256; an issued report never changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError, NotFound, PermissionDenied
from langnghe.core.text import has_text
from langnghe.orgs.models import Organisation
from langnghe.stats import selectors as stats

from .models import DocumentCounter, PeriodKind, Report, ReportFile, ReportStatus, Side
from .rules import can
from .selectors import period_for, report_figures, rulebook


class ReportError(ApplicationError):
    NOT_DRAFT = "reports.not_draft"
    BAD_PERIOD = "reports.bad_period"
    FUTURE_PERIOD = "reports.future_period"
    MISSING = "reports.missing_field"


EDITABLE = (
    "header_parent",
    "header_issuer",
    "symbol",
    "place",
    "title",
    "summary",
    "assessment",
    "tasks",
    "recipients",
    "signer_capacity",
    "signer_title",
    "signer_name",
)


REQUIRED_LABELS = {
    "header_issuer": _("tên cơ quan ban hành"),
    "symbol": _("ký hiệu"),
    "place": _("địa danh"),
    "title": _("trích yếu"),
    "signer_title": _("chức vụ người ký"),
}


# -- defaults from the organisation ------------------------------------------------------------


def default_side(org: Organisation) -> str:
    return Side.PARTY if org.is_party else Side.STATE


def default_symbol(org: Organisation, side: str) -> str:
    """Report symbols: party "BC/ĐU" (commune committee), "BC/TU" (province), "BC/UBKT";
    state "BC-UBND", "BC-MTTQ"… Editable on the draft."""
    K, L = Organisation.Kind, Organisation.Level
    if side == Side.PARTY:
        if org.kind == K.INSPECTION_COMMISSION:
            return "BC/UBKT"
        return "BC/TU" if org.level == L.PROVINCE else "BC/ĐU"
    issuers: dict[str, str] = {
        K.PEOPLES_COMMITTEE: "UBND",
        K.PEOPLES_COUNCIL: "HĐND",
        K.FATHERLAND_FRONT: "MTTQ",
    }
    issuer = issuers.get(org.kind)
    if issuer is None:
        words = (org.short_name or org.name).split()
        issuer = "".join(w[0] for w in words if w[:1].isupper()) or "CQ"
    return f"BC-{issuer}"


def default_place(org: Organisation) -> str:
    """The place name before the date: the commune or province itself ("Sa Thầy"), from the
    gazetteer when the organisation has a unit, else from its own name."""
    name = org.admin_unit.name if org.admin_unit_id and org.admin_unit else org.name
    lowered = name.lower()
    for marker in (" xã ", " phường ", " đặc khu ", " thị trấn ", " tỉnh ", " thành phố "):
        at = lowered.rfind(marker)
        if at >= 0:
            return name[at + len(marker) :]
    for prefix in ("Tỉnh ", "Thành phố ", "Xã ", "Phường ", "Đặc khu ", "Thị trấn "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def default_header(org: Organisation, side: str) -> tuple[str, str]:
    """(parent line, issuer line). Party: "ĐẢNG BỘ TỈNH …" over "ĐẢNG ỦY XÃ …" (FM-7)."""
    parent = org.parent
    if side == Side.PARTY:
        if parent is not None and parent.kind == Organisation.Kind.PARTY_COMMITTEE:
            name = parent.name
            for prefix, repl in (("Tỉnh ủy ", "Đảng bộ tỉnh "), ("Đảng ủy ", "Đảng bộ ")):
                if name.startswith(prefix):
                    name = repl + name[len(prefix) :]
            return name.upper(), org.name.upper()
        return (parent.name.upper() if parent else ""), org.name.upper()
    return "", org.name.upper()


def default_title(org: Organisation, side: str, period: stats.Period) -> str:
    if side == Side.PARTY:
        return (
            "Kết quả thực hiện Quy định số 11-QĐi/TW về trách nhiệm của người đứng đầu cấp ủy "
            "trong việc tiếp dân, đối thoại trực tiếp với dân và xử lý những phản ánh, kiến "
            f"nghị của dân, {period.label}"
        )
    return (
        "Kết quả công tác tiếp công dân, tiếp nhận và xử lý phản ánh, kiến nghị, khiếu nại, "
        f"tố cáo {period.label}"
    )


def default_signer(org: Organisation, side: str) -> tuple[str, str, str]:
    """(capacity, title, name) from the head's position, if the tree records one."""
    from langnghe.orgs.access import heads_of
    from langnghe.orgs.models import Position

    head_ids = heads_of(org)
    head = (
        Position.objects.filter(organisation=org, person_id__in=head_ids, role=Position.Role.HEAD)
        .select_related("person")
        .first()
    )
    name = head.person.full_name if head else ""
    if side == Side.PARTY:
        return (
            "T/M " + ("BAN THƯỜNG VỤ" if org.level == "province" else "ĐẢNG ỦY"),
            "BÍ THƯ",
            name,
        )
    if org.kind == Organisation.Kind.PEOPLES_COMMITTEE:
        return ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", name)
    return ("", (head.title if head else "THỦ TRƯỞNG CƠ QUAN"), name)


def default_recipients(side: str) -> str:
    lists = rulebook().setting("recipients", {})
    return "\n".join(lists.get(side, []))


# -- services ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportDraft:
    organisation: Organisation
    period_kind: str
    year: int
    month: int = 1
    end_month: int | None = None
    side: str = ""


@transaction.atomic
def report_create(*, draft: ReportDraft, actor: Any) -> Report:
    org = draft.organisation
    if not can(actor, "reports.create_report", org):
        raise PermissionDenied()
    if draft.period_kind not in PeriodKind.values:
        raise ReportError(ReportError.BAD_PERIOD, _("Loại báo cáo không hợp lệ."))
    try:
        period = stats.period_of(
            draft.period_kind, draft.year, draft.month, end_month=draft.end_month
        )
    except ValueError:
        raise ReportError(
            ReportError.BAD_PERIOD, _("Kỳ báo cáo không hợp lệ: kiểm tra năm và tháng.")
        ) from None
    if period.start > timezone.localdate():
        raise ReportError(
            ReportError.FUTURE_PERIOD, _("Kỳ báo cáo chưa bắt đầu: chưa thể lập báo cáo.")
        )
    side = draft.side or default_side(org)
    if side not in Side.values:
        raise ReportError(ReportError.BAD_PERIOD, _("Thể thức văn bản không hợp lệ."))
    # An official document is written in Vietnamese whatever the reader's language.
    with translation.override("vi"):
        title = default_title(org, side, period)
    parent, issuer = default_header(org, side)
    capacity, signer_title, name = default_signer(org, side)
    proposed = {
        "header_parent": parent,
        "header_issuer": issuer,
        "symbol": default_symbol(org, side),
        "place": default_place(org),
        "title": title,
        "recipients": default_recipients(side),
        "signer_capacity": capacity,
        "signer_title": signer_title,
        "signer_name": name,
    }
    # The proposals come from longer columns (an organisation's name, a position's title): cut
    # to what the report's fields hold, for the drafter to shorten (PostgreSQL refuses more).
    for field, value in proposed.items():
        limit = getattr(Report._meta.get_field(field), "max_length", None)
        if limit is not None:
            proposed[field] = value[:limit]
    report = Report.objects.create(
        organisation=org,
        side=side,
        period_kind=draft.period_kind,
        period_start=period.start,
        period_end=period.end,
        created_by=actor,
        **proposed,
    )
    audit_event_record(
        action="reports.created",
        obj=report,
        actor=actor,
        data={"organisation": org.pk, "period": period.code, "side": side},
    )
    return report


def _locked(report_id: int) -> Report:
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise NotFound()
    return report


@transaction.atomic
def report_update(*, report: Report, actor: Any, data: dict[str, Any]) -> Report:
    report = _locked(report.pk)
    if not can(actor, "reports.view_report", report):
        raise NotFound()
    if not report.is_draft:
        raise ReportError(ReportError.NOT_DRAFT, _("Báo cáo đã ban hành: không sửa được nữa."))
    if not can(actor, "reports.edit_report", report):
        raise PermissionDenied()
    changed = []
    for name in EDITABLE:
        if name in data and getattr(report, name) != data[name]:
            setattr(report, name, data[name])
            changed.append(name)
    for required in ("header_issuer", "symbol", "place", "title", "signer_title"):
        if not has_text(str(getattr(report, required))):
            raise ReportError(
                ReportError.MISSING,
                _("Thiếu thành phần bắt buộc của văn bản: %(f)s.")
                % {"f": REQUIRED_LABELS[required]},
            )
    if changed:
        report.save(update_fields=[*changed, "updated_at"])
        audit_event_record(
            action="reports.edited", obj=report, actor=actor, data={"fields": changed}
        )
    return report


@transaction.atomic
def document_number_allocate(*, organisation: Organisation, year: int) -> int:
    """The next document number of an issuing body in a year: 1, 2, 3… (FM-4). The counter row
    is locked, so two documents issued at once never share a number."""
    DocumentCounter.objects.get_or_create(organisation=organisation, year=year)
    counter = DocumentCounter.objects.select_for_update().get(organisation=organisation, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def report_issue(*, report: Report, actor: Any, on: dt.date | None = None) -> Report:
    """Number, date, freeze and keep the report (FM-4: numbered when signed, from 01 each year)."""
    from .documents import report_docx, report_xlsx

    report = _locked(report.pk)
    if not can(actor, "reports.view_report", report):
        raise NotFound()
    if not report.is_draft:
        raise ReportError(ReportError.NOT_DRAFT, _("Báo cáo này đã được ban hành."))
    if not can(actor, "reports.issue_report", report):
        raise PermissionDenied()
    day = on or timezone.localdate()
    if report.period_kind != PeriodKind.ADHOC and day < report.period_end:
        raise ReportError(
            ReportError.FUTURE_PERIOD,
            _(
                "Kỳ báo cáo chưa kết thúc (đến %(d)s): chưa thể ban hành; có thể lập báo cáo đột xuất."
            )
            % {"d": report.period_end.strftime("%d/%m/%Y")},
        )
    from langnghe.stats.services import rollup_ensure_fresh

    rollup_ensure_fresh()
    with translation.override("vi"):
        report.figures = report_figures(report, today=day)
    report.number = document_number_allocate(organisation=report.organisation, year=day.year)
    report.year = day.year
    report.issued_on = day
    report.status = ReportStatus.ISSUED
    report.issued_by = actor
    report.issued_at = timezone.now()
    try:
        with transaction.atomic():
            report.save(
                update_fields=[
                    "figures",
                    "number",
                    "year",
                    "issued_on",
                    "status",
                    "issued_by",
                    "issued_at",
                    "updated_at",
                ]
            )
    except IntegrityError:  # pragma: no cover - the counter lock makes this unreachable
        raise ReportError(
            ReportError.NOT_DRAFT, _("Số văn bản đã được dùng; vui lòng thử lại.")
        ) from None
    with translation.override("vi"):
        files = {
            ReportFile.Kind.DOCX: report_docx(report),
            ReportFile.Kind.XLSX: report_xlsx(report),
        }
    for kind, content in files.items():
        ReportFile.objects.create(
            report=report, kind=kind, content=content, sha256=_sha(content), size=len(content)
        )
    audit_event_record(
        action="reports.issued",
        obj=report,
        actor=actor,
        data={
            "number": report.number_line,
            "year": report.year,
            "sha256": {k: _sha(v) for k, v in files.items()},
        },
    )
    return report


def report_file(*, report: Report, kind: str) -> ReportFile:
    """An issued report's kept file, checked against its hash."""
    stored = ReportFile.objects.filter(report=report, kind=kind).first()
    if stored is None:
        raise NotFound()
    if _sha(bytes(stored.content)) != stored.sha256:
        raise ApplicationError(
            "reports.corrupt", _("Tệp đã lưu không khớp mã băm: báo cho quản trị hệ thống.")
        )
    return stored


def report_draft_file(*, report: Report, actor: Any, kind: str) -> bytes:
    """Draft DOCX/XLSX, generated now for reading and editing (not kept, marked "DỰ THẢO")."""
    from .documents import report_docx, report_xlsx

    if not can(actor, "reports.view_report", report):
        raise NotFound()
    from langnghe.stats.services import rollup_ensure_fresh

    rollup_ensure_fresh()
    with translation.override("vi"):
        return report_docx(report) if kind == ReportFile.Kind.DOCX else report_xlsx(report)


def period_of_report(report: Report) -> stats.Period:
    return period_for(report)
