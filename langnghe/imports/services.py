"""Bulk import of outside registers (reception logs, petition registers) as items.

Validation first, for every row; if any row is invalid nothing is imported. Then every row goes
through the spine (`item_submit`) in one transaction: all rows or none. Rows already imported
(same organisation and register number, or same content) are skipped, so a re-run is harmless.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError, PermissionDenied
from langnghe.core.spreadsheet import cell
from langnghe.handling.policy import get_policy
from langnghe.handling.rules import can
from langnghe.intake.services import MAX_BODY, MAX_GROUP, MAX_TITLE, Part, Submission, item_submit
from langnghe.orgs.models import Organisation

from .mapping import Mapping, norm_header
from .models import ImportedRow
from .readers import Sheet

PHONE_RE = re.compile(r"^\+?\d{8,15}$")
ID_RE = re.compile(r"^(\d{9}|\d{12}|[A-Z]\d{7,8})$")  # CMND, CCCD, passport
DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
COLUMN_NUMBER_RE = re.compile(r"^\(?\d{1,2}\)?$")


@dataclass
class RowIssue:
    row: int
    column: str
    message: str


@dataclass
class ParsedRow:
    number: int
    source_ref: str
    source_key: str
    kinds: list[str]
    received_at: dt.datetime
    identity: dict[str, Any]
    title: str
    body: str
    group_size: int


@dataclass
class ImportReport:
    file_name: str
    dry_run: bool = False
    rows: list[ParsedRow] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, source ref)
    imported: list[tuple[int, list[str]]] = field(default_factory=list)  # (row, item codes)

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def invalid_rows(self) -> int:
        return len({i.row for i in self.issues})

    def summary(self) -> str:
        if not self.ok:
            return _("%(bad)d dòng không hợp lệ, %(issues)d lỗi: chưa nhập dòng nào.") % {
                "bad": self.invalid_rows,
                "issues": len(self.issues),
            }
        if self.dry_run:
            return _(
                "Kiểm tra xong: %(n)d dòng hợp lệ sẽ được nhập, %(s)d dòng đã nhập trước đó."
            ) % {
                "n": len(self.rows),
                "s": len(self.skipped),
            }
        return _("Đã nhập %(n)d dòng (%(items)d ý kiến), bỏ qua %(s)d dòng đã nhập trước đó.") % {
            "n": len(self.imported),
            "items": sum(len(codes) for _row, codes in self.imported),
            "s": len(self.skipped),
        }


class _Abort(Exception):
    """Leave the import transaction so that it rolls back."""


# --- parsing -------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = DATE_RE.match(_cell_text(value))
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _find_header(sheet: Sheet, mapping: Mapping) -> tuple[int, dict[str, int], list[RowIssue]]:
    """The header row (the first with the date and content columns) and each field's index."""
    content = [f for f in ("body", "title") if f in mapping.columns]

    def has(headers: list[str], field_name: str) -> bool:
        return any(h in headers for h in mapping.columns[field_name])

    for index, (number, cells) in enumerate(sheet.rows[: mapping.max_header_row]):
        headers = [norm_header(c) for c in cells]
        if not has(headers, "received_at") or not any(has(headers, f) for f in content):
            continue
        positions: dict[str, int] = {}
        issues: list[RowIssue] = []
        for field_name, alternatives in mapping.columns.items():
            if field_name == "source_ref":
                continue
            found = next((headers.index(h) for h in alternatives if h in headers), None)
            if found is None and field_name in mapping.optional:
                continue
            if found is None:
                issues.append(
                    RowIssue(
                        number,
                        " | ".join(alternatives),
                        _("Không tìm thấy cột này trong dòng tiêu đề."),
                    )
                )
            else:
                positions[field_name] = found
        for n, header in enumerate(mapping.columns.get("source_ref", [])):
            if header in headers:
                positions[f"source_ref:{n}"] = headers.index(header)
            else:
                issues.append(
                    RowIssue(number, header, _("Không tìm thấy cột này trong dòng tiêu đề."))
                )
        return index, positions, issues
    return -1, {}, [RowIssue(0, "", _("Không tìm thấy dòng tiêu đề có các cột đã ánh xạ."))]


def _source_key(org: Organisation, ref: str, content: dict[str, Any]) -> str:
    if ref:
        basis = f"{org.pk}|ref|{norm_header(ref)}"
    else:
        basis = f"{org.pk}|row|" + json.dumps(content, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(basis.encode()).hexdigest()


def _split_name_address(value: str) -> tuple[str, str]:
    parts = re.split(r"[,\n]", value, maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


def _row_parse(
    number: int,
    cells: list[Any],
    positions: dict[str, int],
    mapping: Mapping,
    org: Organisation,
    headers: list[str],
    today: dt.date,
) -> tuple[ParsedRow | None, list[RowIssue]]:
    def raw(field_name: str) -> Any:
        pos = positions.get(field_name)
        return cells[pos] if pos is not None and pos < len(cells) else None

    def text(field_name: str) -> str:
        return _cell_text(raw(field_name))

    def column(field_name: str) -> str:
        pos = positions.get(field_name)
        return headers[pos] if pos is not None and pos < len(headers) else field_name

    issues: list[RowIssue] = []

    def bad(field_name: str, message: str) -> None:
        issues.append(RowIssue(number, column(field_name), message))

    for pos, value in enumerate(cells):
        if isinstance(value, str) and "\x00" in value:
            issues.append(
                RowIssue(
                    number,
                    headers[pos] if pos < len(headers) else "",
                    _("Ô có ký tự không hợp lệ."),
                )
            )
    if issues:
        return None, issues

    received = _parse_date(raw("received_at"))
    if received is None:
        bad("received_at", _("Ngày không hợp lệ: cần dạng ngày/tháng/năm (dd/mm/yyyy)."))
    elif received > today:
        bad("received_at", _("Ngày tiếp nhận ở tương lai."))

    kinds = mapping.kind_for(text("kind")) if "kind" in positions else [mapping.default_kind]
    if not kinds:
        bad(
            "kind",
            _("Loại đơn không có trong bảng quy đổi của tệp ánh xạ: “%(v)s”.")
            % {"v": text("kind")[:40]},
        )

    title, body = text("title"), text("body")
    if not body:
        body, title = title, ""
    if not body:
        bad("body" if "body" in positions else "title", _("Thiếu nội dung."))
    elif len(body) > MAX_BODY:
        bad("body", _("Nội dung quá dài: tối đa %(n)d ký tự.") % {"n": MAX_BODY})
    if len(title) > MAX_TITLE:
        bad("title", _("Tiêu đề quá dài: tối đa %(n)d ký tự.") % {"n": MAX_TITLE})

    group_size = 1
    if text("group_size"):
        try:
            group_size = int(text("group_size"))
        except ValueError:
            group_size = 0
        if not 1 <= group_size <= MAX_GROUP:
            bad("group_size", _("Số người phải là số nguyên từ 1 trở lên."))

    name, address = text("name"), text("address")
    if text("name_address"):
        combined_name, combined_address = _split_name_address(text("name_address"))
        name, address = name or combined_name, address or combined_address
    phone = re.sub(r"[\s.\-()]", "", text("phone"))
    if phone and not PHONE_RE.match(phone):
        bad("phone", _("Số điện thoại không hợp lệ."))
    id_number = re.sub(r"\s", "", text("id_number")).upper()
    if id_number and not ID_RE.match(id_number):
        bad("id_number", _("Số CCCD/CMND/hộ chiếu không hợp lệ (CCCD có 12 chữ số)."))
    for field_name, value in (("name", name), ("address", address)):
        if len(value) > 300:
            bad(field_name, _("Thông tin quá dài: tối đa 300 ký tự."))
    identity: dict[str, Any] = {
        k: v
        for k, v in (
            ("name", name),
            ("address", address),
            ("phone", phone),
            ("id_number", id_number),
        )
        if v
    }
    reps = [r.strip() for r in re.split(r"[;\n]", text("representatives")) if r.strip()]
    allowed = get_policy().representatives_range(group_size) if group_size >= 1 else None
    if identity and allowed is not None:
        reps = reps or ([name] if name else [])
        least, most = allowed
        if not least <= len(reps) <= most:
            bad(
                "representatives" if "representatives" in positions else "group_size",
                _("Nhóm %(n)d người cần từ %(least)d đến %(most)d người đại diện (TCD-13).")
                % {"n": group_size, "least": least, "most": most},
            )
    if reps and identity:
        identity["representatives"] = reps

    ref_parts = [
        _cell_text(cells[positions[k]]) if positions[k] < len(cells) else ""
        for k in sorted(p for p in positions if p.startswith("source_ref:"))
    ]
    source_ref = "/".join(p for p in ref_parts if p)
    if len(source_ref) > 120:
        issues.append(RowIssue(number, "source_ref", _("Số trong sổ gốc quá dài.")))
    if issues or received is None or not kinds:
        return None, issues
    content = {
        "date": received.isoformat(),
        "kinds": kinds,
        "body": norm_header(body),
        "title": norm_header(title),
        "identity": {k: norm_header(v) for k, v in identity.items() if isinstance(v, str)},
        "group": group_size,
    }
    received_at = timezone.make_aware(dt.datetime.combine(received, dt.time(8, 0)))
    return (
        ParsedRow(
            number=number,
            source_ref=source_ref,
            source_key=_source_key(org, source_ref, content),
            kinds=kinds,
            received_at=received_at,
            identity=identity,
            title=title,
            body=body,
            group_size=group_size,
        ),
        [],
    )


def rows_validate(
    *, sheet: Sheet, mapping: Mapping, org: Organisation, file_name: str
) -> ImportReport:
    """Every row checked; rows whose key is already imported are listed as skipped."""
    report = ImportReport(file_name=file_name)
    header_index, positions, issues = _find_header(sheet, mapping)
    report.issues.extend(issues)
    if header_index < 0 or issues:
        return report
    headers = [_cell_text(c) for c in sheet.rows[header_index][1]]
    today = timezone.localdate()
    seen: dict[str, int] = {}
    for number, cells in sheet.rows[header_index + 1 :]:
        texts = [_cell_text(c) for c in cells]
        filled = [t for t in texts if t]
        if not filled or all(COLUMN_NUMBER_RE.match(t) for t in filled):
            continue  # blank line, or the row of column numbers under a Mẫu 03/TCD header
        parsed, row_issues = _row_parse(number, cells, positions, mapping, org, headers, today)
        report.issues.extend(row_issues)
        if parsed is None:
            continue
        if parsed.source_key in seen:
            report.issues.append(
                RowIssue(
                    number,
                    "",
                    _("Trùng với dòng %(n)d (cùng số trong sổ hoặc cùng nội dung).")
                    % {"n": seen[parsed.source_key]},
                )
            )
            continue
        seen[parsed.source_key] = number
        report.rows.append(parsed)
    done = set(
        ImportedRow.objects.filter(source_key__in=list(seen)).values_list("source_key", flat=True)
    )
    report.skipped = [(r.number, r.source_ref) for r in report.rows if r.source_key in done]
    report.rows = [r for r in report.rows if r.source_key not in done]
    if not report.rows and not report.skipped and not report.issues:
        report.issues.append(RowIssue(0, "", _("Tệp không có dòng dữ liệu nào.")))
    return report


# --- import --------------------------------------------------------------------------------------


def import_run(
    *,
    sheet: Sheet,
    mapping: Mapping,
    org: Organisation,
    actor: Any,
    file_name: str,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Validate every row, then import all valid rows in one transaction, or none.

    A dry run goes through the same submission, then rolls it back: what it reports is what a
    real run would do.
    """
    if not can(actor, "imports.run", org):
        raise PermissionDenied(
            _("Chỉ cán bộ tiếp nhận hoặc lãnh đạo của đơn vị mới được nhập dữ liệu.")
        )
    report = rows_validate(sheet=sheet, mapping=mapping, org=org, file_name=file_name)
    report.dry_run = dry_run
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            for done, row in enumerate(report.rows, start=1):
                _row_import(row, mapping=mapping, org=org, actor=actor, report=report)
                if progress:
                    progress(done, len(report.rows))
            audit_event_record(
                action="imports.dry_run" if dry_run else "imports.completed",
                obj=org,
                actor=actor,
                data={
                    "file": file_name[:200],
                    "mapping": mapping.name[:100],
                    "imported": len(report.imported),
                    "skipped": len(report.skipped),
                },
            )
            if dry_run:
                transaction.set_rollback(True)
    except _Abort:
        report.imported = []
    return report


def _row_import(
    row: ParsedRow, *, mapping: Mapping, org: Organisation, actor: Any, report: ImportReport
) -> None:
    submission = Submission(
        parts=[Part(kind=k, body=row.body) for k in row.kinds],
        channel=mapping.channel,
        receiving_org=org,
        title=row.title,
        anonymous=not row.identity,
        identity=row.identity,
        group_size=row.group_size,
        received_at=row.received_at,
        channel_detail={
            "import": {"file": report.file_name[:200], "row": row.number, "ref": row.source_ref}
        },
    )
    try:
        with transaction.atomic():
            result = item_submit(submission=submission, actor=actor)
            ImportedRow.objects.create(
                source_key=row.source_key,
                item=result.items[0],
                organisation=org,
                source_ref=row.source_ref,
                file_name=report.file_name[:255],
                row_number=row.number,
                imported_by=actor,
            )
    except IntegrityError as exc:
        report.issues.append(
            RowIssue(row.number, "", _("Dòng này vừa được một lượt nhập khác ghi vào."))
        )
        raise _Abort from exc
    except ApplicationError as exc:
        report.issues.append(RowIssue(row.number, "", str(exc.message)))
        raise _Abort from exc
    report.imported.append((row.number, [item.code for item in result.items]))


# --- the report ----------------------------------------------------------------------------------


def report_csv(report: ImportReport) -> str:
    """The per-row report: row, column, result, message (Vietnamese), UTF-8 with BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Dòng"), _("Cột"), _("Kết quả"), _("Thông báo")])
    for issue in sorted(report.issues, key=lambda i: i.row):
        writer.writerow([issue.row or "", cell(issue.column), _("lỗi"), cell(issue.message)])
    for number, ref in report.skipped:
        writer.writerow(
            [
                number,
                "",
                _("bỏ qua"),
                cell(_("Đã nhập trước đó (số %(ref)s).") % {"ref": ref or "—"}),
            ]
        )
    if report.ok:
        if report.dry_run:
            for row in report.rows:
                writer.writerow([row.number, "", _("hợp lệ"), _("Sẽ được nhập.")])
        else:
            for number, codes in report.imported:
                writer.writerow([number, "", _("đã nhập"), ", ".join(codes)])
    return "\ufeff" + out.getvalue()
