"""Open311 against hostile or careless callers: control characters that XML cannot hold, dates past
the calendar, unreadable bodies, NUL in attribute names, loose coordinates, HEAD, the per-key and
per-address limits; and jurisdiction_id, which narrows a read to one unit's requests."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache

from langnghe.intake.models import Item

from .conftest import KEY, post_request

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"


def errors(response, fmt):
    """The spec's error body, in either format: [(code, description)]."""
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return [(e["code"], e["description"]) for e in response.json()]
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)  # noqa: S314 — our own output, in a test
    assert root.tag == "errors"
    return [(int(e.findtext("code")), e.findtext("description")) for e in root.iter("error")]


def test_control_characters_never_make_the_xml_unreadable(client, integration):
    text = "Ổ gà\x01 lớn\x0b giữa\x1b[31m đường\ufffe thôn 3.\tHết."
    code = post_request(client, description=text).json()[0]["service_request_id"]
    for url in (f"requests/{code}.xml", "requests.xml"):
        response = client.get(BASE + url, {"api_key": KEY})
        root = ET.fromstring(response.content)  # noqa: S314 — would raise if not well-formed
        assert root.findtext("request/description") == "Ổ gà lớn giữa[31m đường thôn 3.\tHết."
    # JSON escapes them: the sender's text comes back as it was sent.
    [row] = client.get(BASE + f"requests/{code}.json", {"api_key": KEY}).json()
    assert row["description"] == text


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "9999-12-31"},
        {"end_date": "0001-01-01"},
        {"start_date": "0001-01-01T00:00:00+07:00"},
    ],
)
def test_dates_past_the_calendar_are_answered_in_the_specs_error_format(
    client, integration, fmt, params
):
    response = client.get(BASE + f"requests.{fmt}", {"api_key": KEY, **params})
    assert response.status_code == 400
    [(code, description)] = errors(response, fmt)
    assert code == 400 and description


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unreadable_body_is_answered_in_the_specs_error_format(client, integration, fmt):
    before = Item.objects.count()
    no_boundary = client.generic(
        "POST", BASE + f"requests.{fmt}", b"--x\r\n", content_type="multipart/form-data"
    )
    assert no_boundary.status_code == 400
    assert errors(no_boundary, fmt)[0][0] == 400
    many = "&".join(f"f{n}=1" for n in range(1100)) + f"&api_key={KEY}"
    too_many = client.generic(
        "POST", BASE + f"requests.{fmt}", many, content_type="application/x-www-form-urlencoded"
    )
    assert too_many.status_code == 400
    assert errors(too_many, fmt)[0][0] == 400
    assert Item.objects.count() == before


@pytest.mark.parametrize(
    "attribute", [{"attribute[a\x00b]": "x"}, {"attribute[ghi-chu]": "a\x00b"}]
)
def test_nul_in_an_attribute_is_refused_and_nothing_saved(client, integration, attribute):
    before = Item.objects.count()
    response = post_request(client, **attribute)
    assert response.status_code == 400
    assert errors(response, "json")[0][0] == 400
    assert Item.objects.count() == before


@pytest.mark.parametrize("lat", ["1_0", "１４.１", "1e1", "14.4.4", "0x10", "inf"])
def test_coordinates_are_plain_decimal_degrees(client, integration, lat):
    response = post_request(client, address_string=None, lat=lat, long="107.8")
    assert response.status_code == 400
    assert "lat" in errors(response, "json")[0][1]


def test_head_answers_like_get_without_the_body(client, integration):
    post_request(client)
    get = client.get(BASE + "requests.json", {"api_key": KEY})
    head = client.head(BASE + "requests.json", {"api_key": KEY})
    assert head.status_code == get.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert client.head(BASE + "discovery.json").status_code == 200
    refused = client.put(BASE + "requests.json")
    assert refused.status_code == 405 and "HEAD" in refused["Allow"]


def test_reads_are_limited_per_key_and_per_address(client, integration, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"langnghe_open311_read": "2/minute"},
    }
    for _ in range(2):
        assert client.get(BASE + "requests.json").status_code == 200
    refused = client.get(BASE + "requests.json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    [(code, description)] = errors(refused, "json")
    assert code == 429 and "Quá nhiều yêu cầu" in description
    english = client.get(BASE + "requests.xml", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 429 and "Too many requests" in errors(english, "xml")[0][1]
    # An integration is counted by its key, apart from the address it shares.
    assert client.get(BASE + "requests.json", {"api_key": KEY}).status_code == 200


def test_posts_are_limited_per_key(client, integration, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"langnghe_open311_write": "1/minute"},
    }
    assert post_request(client).status_code == 201
    before = Item.objects.count()
    refused = post_request(client)
    assert refused.status_code == 429 and errors(refused, "json")[0][0] == 429
    assert Item.objects.count() == before


def test_limits_are_off_with_the_portals_limits(client, integration, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"langnghe_open311_read": "1/minute"},
    }
    settings.LANGNGHE = {**settings.LANGNGHE, "SUBMIT_LIMITS": False}
    for _ in range(3):
        assert client.get(BASE + "requests.json").status_code == 200


def test_jurisdiction_id_keeps_the_requests_handled_within_that_unit(client, integration, tree):
    code = post_request(client).json()[0]["service_request_id"]

    def listed(jurisdiction, url="requests.json"):
        response = client.get(BASE + url, {"api_key": KEY, "jurisdiction_id": jurisdiction})
        return response

    assert [r["service_request_id"] for r in listed(tree.commune.slug).json()] == [code]
    assert [r["service_request_id"] for r in listed(tree.province.slug).json()] == [code]
    assert listed(tree.sibling.slug).json() == []
    by_id = client.get(
        BASE + "requests.json",
        {"api_key": KEY, "jurisdiction_id": tree.sibling.slug, "service_request_id": code},
    )
    assert by_id.json() == []
    assert listed(tree.sibling.slug, f"requests/{code}.json").status_code == 404
    assert listed(tree.commune.slug, f"requests/{code}.json").status_code == 200
    assert listed("khong-co").status_code == 404
    assert json.loads(listed("").content)[0]["service_request_id"] == code
    # Handled at the province now: still its commune's (received there), and the province's.
    from langnghe.handling.services import apply_route

    apply_route(Item.objects.get(code=code), tree.province)
    assert [r["service_request_id"] for r in listed(tree.commune.slug).json()] == [code]
    assert listed(tree.commune.slug, f"requests/{code}.json").status_code == 200
    assert [r["service_request_id"] for r in listed(tree.province.slug).json()] == [code]
    assert listed(tree.sibling.slug).json() == []


def test_a_forged_forwarded_for_does_not_escape_the_limit(client, integration, settings):
    """Without a reverse proxy in front (BEHIND_PROXY), X-Forwarded-For is the client's own claim:
    the limit counts the connection's address."""
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"langnghe_open311_read": "2/minute"},
    }
    answers = [
        client.get(BASE + "requests.json", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(3)
    ]
    assert answers == [200, 200, 429]


def test_made_up_keys_count_against_the_address_that_sends_them(client, integration, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"langnghe_open311_read": "2/minute"},
    }
    answers = [
        client.get(BASE + "requests.json", {"api_key": f"sai-{n}"}).status_code for n in range(3)
    ]
    assert answers == [403, 403, 429]
    # The integration's good key is counted apart from its address.
    assert client.get(BASE + "requests.json", {"api_key": KEY}).status_code == 200


def test_a_keyless_read_walks_the_date_window_not_every_published_item(db):
    """Without statistics SQLite took the published-flag index and sorted half a million items
    at a million (1.4 s); the read must go through received_at's index instead."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from langnghe.open311 import selectors

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner without statistics")
    end = timezone.now()
    rows = selectors.requests_visible(None).filter(
        received_at__gte=end - dt.timedelta(days=90), received_at__lte=end
    )
    sql, params = rows.order_by("-received_at", "-pk")[:1000].values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "item_published" not in plan and "received_at" in plan, plan
