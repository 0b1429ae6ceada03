"""A paginator that stops counting: an inbox of 300,000 items needs its first pages, not a total.

Counting every row the actor may see costs a full scan at a province's size (seconds at 1,000,000
items). This paginator counts at most `cap` + 1 rows, without ordering; past the cap it reports
the cap, says so (`capped`), and only the pages up to it can be reached: the list is then to be
narrowed with its filters.

With `fetch`, the list is read as ids: the first `cap` + 1 ids in the list's order, which are the
count as well, then the page's rows by `fetch(ids)`. A list whose filter is costly to build (the
inbox's visibility rules) is then filtered once, not twice, and the page's rows can be read with
only the columns they show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

DEFAULT_CAP = 1000


class CappedPaginator(Paginator):
    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        cap: int = DEFAULT_CAP,
        fetch: Callable[[list[Any]], Iterable[Any]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.fetch = fetch

    @cached_property
    def _ids(self) -> list[Any]:
        rows: Any = self.object_list  # a QuerySet when `fetch` is given
        return list(rows.values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def _rows_up_to_cap(self) -> int:
        if self.fetch is not None:
            return len(self._ids)
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

    def page(self, number: Any) -> Page:
        if self.fetch is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self._ids[bottom:top]
        by_pk = {row.pk: row for row in self.fetch(ids)}
        # A row gone between the two reads (deleted, merged away) is left out.
        return Page([by_pk[pk] for pk in ids if pk in by_pk], number, self)
