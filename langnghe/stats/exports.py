"""CSV and XLSX of item lists and of figures. No personal data: no reporter, no body, no
contact; an item's title is included only in staff exports (staff see it on the list)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from langnghe.core.spreadsheet import cell
from langnghe.handling.policy import get_policy
from langnghe.handling.selectors import is_answered, status_label
from langnghe.intake.models import Item

EXPORT_MAX_ROWS = 100_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _date(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


def _yes(value: bool | None) -> str:
    if value is None:
        return ""
    return _("có") if value else _("không")


def item_headers(*, with_title: bool) -> list[str]:
    headers = [
        _("Mã"),
        _("Loại"),
        _("Kênh"),
        _("Lĩnh vực"),
        _("Đơn vị xử lý"),
        _("Xã, phường"),
        _("Ngày tiếp nhận"),
        _("Trạng thái"),
        _("Hạn"),
        _("Ngày kết thúc"),
        _("Đã trả lời"),
        _("Đúng hạn"),
        _("Đã công khai"),
        _("Đánh giá"),
        _("Số lần mở lại"),
    ]
    if with_title:
        headers.insert(1, _("Tiêu đề"))
    return headers


def item_rows(items: Iterable[Item], *, with_title: bool) -> Iterator[list[Any]]:
    policy = get_policy()
    for item in items:
        answered = is_answered(item, policy)
        row: list[Any] = [
            item.code,
            item.get_kind_display(),
            item.get_channel_display(),
            str(item.topic) if item.topic_id else "",
            (item.handling_org.short_name or item.handling_org.name) if item.handling_org else "",
            item.admin_unit.name if item.admin_unit_id and item.admin_unit else "",
            _date(item.received_at),
            status_label(item, policy),
            _date(item.due_on),
            _date(item.closed_at),
            _yes(answered),
            _yes(item.closed_on_time if answered else None),
            _yes(item.is_published),
            item.rating or "",
            item.reopen_count,
        ]
        if with_title:
            row.insert(1, item.title)
        yield row


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Any:
    """A streamed CSV in UTF-8 with a byte-order mark, so that Excel reads the diacritics."""
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(headers)
        for row in rows:
            yield writer.writerow([cell(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_bytes(sheets: list[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    from openpyxl import Workbook  # loaded by the export, not by every web worker

    book = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append(list(headers))
        for row in rows:
            sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Any:
    response = HttpResponse(xlsx_bytes([(_("Danh sách"), headers, rows)]), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
