"""Read a register as rows of cells: CSV (UTF-8, BOM tolerated, ; or , sniffed) or XLSX."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from .mapping import MappingError

MAX_ROWS = 50_000


@dataclass
class Sheet:
    rows: list[tuple[int, list[Any]]]  # (1-based row number as the spreadsheet shows it, cells)


def _csv_rows(data: bytes) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MappingError(message=_("Tệp CSV phải được lưu với bảng mã UTF-8.")) from exc
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,")
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        dialect = csv.excel
        if first.count(";") > first.count(","):
            dialect = type("Semicolon", (csv.excel,), {"delimiter": ";"})
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = []
    try:
        for cells in reader:
            rows.append((reader.line_num, list(cells)))
            if len(rows) > MAX_ROWS:
                raise MappingError(message=_("Tệp quá lớn: tối đa %(n)d dòng.") % {"n": MAX_ROWS})
    except csv.Error as exc:
        raise MappingError(message=_("Tệp CSV bị lỗi định dạng.")) from exc
    # line_num counts physical lines; number the logical records as a spreadsheet shows them.
    return Sheet(rows=[(i, cells) for i, (_line, cells) in enumerate(rows, start=1)])


def _xlsx_rows(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    # SyntaxError: xml.etree's ParseError, for a sheet whose XML is malformed (a control
    # character written as "&#x1;"); read_only reads the sheet while its rows are iterated.
    unreadable = (zipfile.BadZipFile, KeyError, IndexError, ValueError, OSError, SyntaxError)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except unreadable as exc:
        raise MappingError(message=_("Không đọc được tệp Excel (.xlsx).")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, list(cells)))
            if len(rows) > MAX_ROWS:
                raise MappingError(message=_("Tệp quá lớn: tối đa %(n)d dòng.") % {"n": MAX_ROWS})
    except unreadable as exc:
        raise MappingError(message=_("Không đọc được tệp Excel (.xlsx).")) from exc
    finally:
        workbook.close()
    return Sheet(rows=rows)


def sheet_read(name: str, data: bytes) -> Sheet:
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return _csv_rows(data)
    if suffix == ".xlsx":
        return _xlsx_rows(data)
    raise MappingError(message=_("Chỉ nhận tệp .csv hoặc .xlsx."))
