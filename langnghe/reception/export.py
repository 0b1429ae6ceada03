"""The reception log as an XLSX workbook in the layout of Mẫu 03/TCD (TCD-9b): the title "SỔ TIẾP
CÔNG DÂN", the organisation header, the 13 numbered columns, A4 landscape."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from langnghe.core.spreadsheet import cell as spreadsheet_cell
from langnghe.intake.models import Kind

from .models import ReceptionLogEntry

# (header, width) of the 13 columns of Mẫu 03/TCD (NĐ 154/2026, RULES.md TCD-9b).
COLUMNS = [
    ("STT", 6),
    ("Ngày tiếp", 11),
    ("Họ tên, địa chỉ", 24),
    ("CCCD/Hộ chiếu", 14),
    ("Tóm tắt nội dung", 36),
    ("Loại đơn (KN, TC, KN, PA)", 10),
    ("Số người cùng nội dung", 9),
    ("Cơ quan đã giải quyết", 16),
    ("Thuộc thẩm quyền", 9),
    ("Hướng dẫn đến cơ quan có thẩm quyền (số văn bản)", 18),
    ("Cơ quan thụ lý (số văn bản chuyển đơn)", 18),
    ("Theo dõi kết quả giải quyết", 18),
    ("Ghi chú", 16),
]
KIND_ABBR: dict[str, str] = {
    Kind.COMPLAINT: "KN",
    Kind.DENUNCIATION: "TC",
    Kind.RECOMMENDATION: "KN",
    Kind.FEEDBACK: "PA",
    Kind.SUGGESTION: "GY",
}
MASKED = "[bảo mật]"


def kinds_text(kinds: list[str]) -> str:
    return ", ".join(KIND_ABBR.get(k, k) for k in kinds)


SEALED_SUMMARY = "[Nội dung tố cáo — bảo mật]"


def entry_row(
    entry: ReceptionLogEntry, identity: dict[str, Any] | None, *, sealed: bool = False
) -> list[Any]:
    """The 13 cells of one log row; identity None = name, address and ID masked (TCD-9d)."""
    if identity is None:
        who, id_number = f"{entry.pseudonym} {MASKED}", MASKED
    else:
        who = ", ".join(v for v in (identity.get("name"), identity.get("address")) if v)
        id_number = identity.get("id_number", "")
    notes = entry.notes
    refusal = getattr(entry, "refusal", None)
    if refusal is not None:
        notes = "; ".join(v for v in (f"Từ chối tiếp: {refusal.get_ground_display()}", notes) if v)
    codes = ", ".join(i.code for i in entry.items.all())
    follow = "; ".join(v for v in (entry.follow_up, f"Mã ý kiến: {codes}" if codes else "") if v)
    return [
        entry.number,
        entry.received_on.strftime("%d/%m/%Y"),
        who,
        id_number,
        SEALED_SUMMARY if sealed else entry.summary,
        kinds_text(entry.kinds),
        entry.group_size,
        entry.prior_bodies,
        "x" if entry.within_competence else "",
        entry.guidance,
        entry.forwarded_to,
        follow,
        notes,
    ]


def log_workbook(
    *,
    organisation_name: str,
    parent_name: str,
    year: int | None,
    entries: Iterable[ReceptionLogEntry],
    identities: dict[int, dict[str, Any]] | None,
    sealed: set[int] | None = None,
) -> bytes:
    # openpyxl is loaded by the export itself, not by every web worker (docs/performance.md).
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "So tiep cong dan"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(name="Times New Roman", bold=True, size=12)
    normal = Font(name="Times New Roman", size=11)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(wrap_text=True, horizontal="center", vertical="center")
    last = get_column_letter(len(COLUMNS))

    # Names typed by an administrator: through cell() like every other value (a formula, or a
    # character a cell cannot hold, would otherwise make openpyxl refuse the whole file).
    ws["A1"] = spreadsheet_cell(parent_name.upper())
    ws["A2"] = spreadsheet_cell(organisation_name.upper())
    ws.merge_cells("A1:E1")
    ws.merge_cells("A2:E2")
    ws["H1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["H2"] = "Độc lập - Tự do - Hạnh phúc"
    ws.merge_cells(f"H1:{last}1")
    ws.merge_cells(f"H2:{last}2")
    ws["A4"] = "SỔ TIẾP CÔNG DÂN"
    ws.merge_cells(f"A4:{last}4")
    ws["A5"] = f"Năm {year}" if year else ""
    ws.merge_cells(f"A5:{last}5")
    for ref in ("A1", "A2", "H1", "H2", "A5"):
        ws[ref].font = bold if ref != "A5" else normal
        ws[ref].alignment = center
    ws["A4"].font = Font(name="Times New Roman", bold=True, size=14)
    ws["A4"].alignment = center

    header_row, number_row = 7, 8
    for col, (title, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=header_row, column=col, value=title)
        cell.font = bold
        cell.alignment = center
        cell.border = border
        num = ws.cell(row=number_row, column=col, value=f"({col})")
        num.font = normal
        num.alignment = center
        num.border = border
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[header_row].height = 60

    row = number_row
    for entry in entries:
        row += 1
        identity = identities.get(entry.pk) if identities is not None else None
        for col, value in enumerate(
            entry_row(entry, identity, sealed=entry.pk in (sealed or set())), start=1
        ):
            cell = ws.cell(row=row, column=col, value=spreadsheet_cell(value))
            cell.font = normal
            cell.alignment = wrap
            cell.border = border

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = f"{header_row}:{number_row}"
    ws.freeze_panes = ws.cell(row=number_row + 1, column=1)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
