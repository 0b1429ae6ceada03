"""Property through HTTP: random field values posted to the portal's forms and random Open311
parameters never cause a 5xx, and a refused submission stores nothing (row counts)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from hypothesis import given, settings
from hypothesis import strategies as st

from ..factories import submit_one
from .conftest import HOSTILE, OPEN311_KEY, row_counts
from .strategies import bool_text, date_text, hostile_text, number_text, pk_text

pytestmark = pytest.mark.django_db

submit_fields = st.fixed_dictionaries(
    {"body": hostile_text},
    optional={
        "kind": st.one_of(st.sampled_from(["feedback", "complaint", "denunciation"]), hostile_text),
        "kind2": st.one_of(st.sampled_from(["", "suggestion"]), hostile_text),
        "body2": hostile_text,
        "title": hostile_text,
        "topic": number_text,
        "commune": number_text,
        "concerned_org": number_text,
        "concerned_person": number_text,
        "concerned_person_name": hostile_text,
        "indicators": st.lists(pk_text, max_size=3),
        "anonymous": bool_text,
        "name": hostile_text,
        "phone": hostile_text,
        "email": hostile_text,
        "id_number": hostile_text,
        "group_size": number_text,
        "representatives": hostile_text,
        "wants_notifications": bool_text,
        "old_address": hostile_text,
        "hom_thu": hostile_text,
    },
)


@settings(HOSTILE, max_examples=max(HOSTILE.max_examples // 2, 10))
@given(submit_fields)
def test_portal_submit_any_fields(client, site, fields):
    cache.clear()
    before = row_counts()
    response = client.post("/gop-y/", fields)
    assert response.status_code < 500
    if response.status_code != 302:
        assert row_counts() == before


@settings(HOSTILE, max_examples=max(HOSTILE.max_examples // 2, 10))
@given(
    st.sampled_from(["/tra-cuu/", "/tim-kiem/"]),
    st.dictionaries(
        st.sampled_from(["code", "secret", "q", "trang", "ma", "message", "rating"]),
        st.one_of(hostile_text, number_text),
        max_size=4,
    ),
    st.booleans(),
)
def test_portal_track_and_search_any_fields(client, site, path, fields, post):
    cache.clear()
    before = row_counts()
    response = client.post(path, fields) if post else client.get(path, fields)
    assert response.status_code < 500
    assert row_counts()["Item"] == before["Item"]


@settings(HOSTILE, max_examples=max(HOSTILE.max_examples // 2, 10))
@given(
    st.sampled_from(["requests", "services", "discovery"]),
    st.sampled_from(["json", "xml"]),
    st.dictionaries(
        st.sampled_from(
            [
                "service_request_id",
                "service_code",
                "start_date",
                "end_date",
                "status",
                "jurisdiction_id",
                "page",
                "page_size",
                "api_key",
                "lat",
                "long",
            ]
        ),
        st.one_of(hostile_text, number_text, date_text),
        max_size=5,
    ),
    st.booleans(),
)
def test_open311_any_parameters(client, integration, endpoint, fmt, params, post):
    cache.clear()
    if not row_counts()["Item"]:
        submit_one(integration.receiving_org)
    if post and endpoint == "requests":
        params = {"api_key": OPEN311_KEY, "description": "x", **params}
    before = row_counts()
    url = f"/open311/v2/{endpoint}.{fmt}"
    response = client.post(url, params) if post else client.get(url, params)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert row_counts() == before
