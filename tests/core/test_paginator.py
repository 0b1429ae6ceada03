"""The inbox's paginator counts at most its cap."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from langnghe.core.paginator import CappedPaginator
from langnghe.orgs.models import Organisation

from ..factories import org


@pytest.mark.django_db
def test_counts_exactly_below_the_cap():
    for _ in range(7):
        org()
    paginator = CappedPaginator(Organisation.objects.order_by("name"), 3, cap=10)
    assert paginator.count == 7 and not paginator.capped and paginator.num_pages == 3


@pytest.mark.django_db
def test_stops_counting_at_the_cap_and_says_so():
    for _ in range(12):
        org()
    paginator = CappedPaginator(Organisation.objects.order_by("name"), 5, cap=10)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 10 and paginator.capped
    assert paginator.num_pages == 2
    assert "LIMIT 11" in queries[0]["sql"].upper() and "ORDER BY" not in queries[0]["sql"].upper()
    assert len(paginator.get_page(2).object_list) == 5


@pytest.mark.django_db
def test_with_fetch_the_ids_are_the_count_and_the_page_is_read_by_id():
    """CappedPaginator(fetch=…), as the inbox uses it: one ordered read of at most cap + 1 ids,
    which is the count, then the page's rows by id, in the list's order; a row gone between the
    two reads is left out."""
    orgs = [org() for _ in range(12)]
    ordered = list(Organisation.objects.order_by("-name").values_list("pk", flat=True))
    asked: list[list[int]] = []

    def fetch(ids):
        asked.append(list(ids))
        return Organisation.objects.filter(pk__in=ids).exclude(pk=ordered[6]).only("name")

    paginator = CappedPaginator(Organisation.objects.order_by("-name"), 5, cap=10, fetch=fetch)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 10 and paginator.capped
        page = paginator.get_page(2)
        rows = list(page.object_list)
    assert len(queries) == 2
    assert "LIMIT 11" in queries[0]["sql"].upper() and "ORDER BY" in queries[0]["sql"].upper()
    assert asked == [ordered[5:10]]
    assert [o.pk for o in rows] == [pk for pk in ordered[5:10] if pk != ordered[6]]
    assert len(orgs) == 12
