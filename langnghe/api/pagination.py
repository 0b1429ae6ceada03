"""Keyset ("cursor") pagination over any ordering of non-null values.

DRF's CursorPagination positions on the first ordering field only; the inbox sorts on several
(open first, soonest due, newest), so this class encodes the whole sort key of the last row in
an opaque cursor and asks for the rows strictly after it: stable under inserts, and as fast on
page 500 as on page 1 (an index range scan, no OFFSET).

The cursor is signed (``django.core.signing``): its values go into the query as they are, so one
the server did not write is refused with a clear 400 instead of reaching the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
CURSOR_SALT = "langnghe.api.cursor"
MAX_CURSOR_LENGTH = 1000


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "t" in value:
        return dt.datetime.fromisoformat(value["t"])
    if isinstance(value, dict) and "d" in value:
        return dt.date.fromisoformat(value["d"])
    return value


class KeysetPagination(BasePagination):
    """`ordering` is a list of field names (optionally "-" for descending), unique as a whole:
    end it with "pk" or "-pk"."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def __init__(self, ordering: Sequence[str]) -> None:
        self.ordering = list(ordering)
        self.next_url: str | None = None

    def _salt(self) -> str:
        # The ordering in the salt: a cursor of one list is no cursor of another.
        return f"{CURSOR_SALT}:{','.join(self.ordering)}"

    def _fields(self) -> list[tuple[str, bool]]:
        return [(f.lstrip("-"), f.startswith("-")) for f in self.ordering]

    def _page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return DEFAULT_PAGE_SIZE
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Số dòng mỗi trang từ 1 đến %(n)d.") % {"n": MAX_PAGE_SIZE}
                    ]
                }
            )
        return size

    def _after_q(self, values: list[Any]) -> Q:
        """Rows after `values` in the lexicographic order of the fields."""
        fields = self._fields()
        q = Q(pk__in=[])
        for i, (name, desc) in enumerate(fields):
            step = Q(**{f"{name}__{'lt' if desc else 'gt'}": values[i]})
            for j in range(i):
                step &= Q(**{fields[j][0]: values[j]})
            q |= step
        return q

    def _read_cursor(self, request: Request) -> list[Any] | None:
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None
        try:
            if len(raw) > MAX_CURSOR_LENGTH:
                raise ValueError
            values = signing.loads(raw, salt=self._salt())
            if not isinstance(values, list) or len(values) != len(self.ordering):
                raise ValueError
            return [_decode(v) for v in values]
        except (signing.BadSignature, ValueError, TypeError, KeyError, OverflowError):
            raise ValidationError(
                {self.cursor_query_param: [_("Con trỏ trang không hợp lệ.")]}
            ) from None

    def _value(self, row: Any, name: str) -> Any:
        return row.pk if name == "pk" else getattr(row, name)

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        size = self._page_size(request)
        after = self._read_cursor(request)
        qs = queryset.order_by(*self.ordering)
        if after is not None:
            qs = qs.filter(self._after_q(after))
        rows = list(qs[: size + 1])
        self.next_url = None
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            values = [_encode(self._value(last, n)) for n, _d in self._fields()]
            cursor = signing.dumps(values, salt=self._salt())
            self.next_url = replace_query_param(
                request.build_absolute_uri(), self.cursor_query_param, cursor
            )
        return rows

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"next": self.next_url, "results": data})


# The two query parameters of every page (documented on each list operation: the list views are
# plain APIViews, so drf-spectacular does not ask the paginator for them).
PAGE_PARAMETERS = [
    OpenApiParameter(
        KeysetPagination.cursor_query_param,
        OpenApiTypes.STR,
        description="Con trỏ trang tiếp theo (lấy từ `next`; do máy chủ ký, không sửa được).",
    ),
    OpenApiParameter(
        KeysetPagination.page_size_query_param,
        OpenApiTypes.INT,
        description=f"Số dòng mỗi trang (1–{MAX_PAGE_SIZE}, mặc định {DEFAULT_PAGE_SIZE}).",
    ),
]
