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
