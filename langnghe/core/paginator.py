"""A paginator that stops counting: an inbox of 300,000 items needs its first pages, not a total.

Counting every row the actor may see costs a full scan at a province's size (seconds at 1,000,000
items). This paginator counts at most `cap` + 1 rows, without ordering; past the cap it reports
the cap, says so (`capped`), and only the pages up to it can be reached: the list is then to be
narrowed with its filters.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property

DEFAULT_CAP = 1000


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, cap: int = DEFAULT_CAP, **kwargs: Any):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _rows_up_to_cap(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):
            return rows.order_by()[: self.cap + 1].count()
        return min(len(rows), self.cap + 1)

    @cached_property
    def count(self) -> int:
        return min(self._rows_up_to_cap, self.cap)

    @cached_property
    def capped(self) -> bool:
        """True when there are more rows than the count says."""
        return self._rows_up_to_cap > self.cap
