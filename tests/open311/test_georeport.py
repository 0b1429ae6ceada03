"""Open311 GeoReport v2: every endpoint in JSON and XML, the spec's error format, filters, limits
and dates, and the round trip through the spine (POST → inbox → answer → GET shows it closed)."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from langnghe.core.models import AuditEvent
from langnghe.intake import vault
from langnghe.intake.models import Channel, Item, Kind
from langnghe.open311.models import Integration, ServiceRequest

from ..factories import submit_one
from .conftest import KEY, post_request

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"


def xml(response):
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 — our own output, in a test


# -- discovery and services ----------------------------------------------------------------------


def test_discovery_json_and_xml(client, db):
    data = client.get(BASE + "discovery.json").json()
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["application/json", "text/xml"]
    root = xml(client.get(BASE + "discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "application/json",
        "text/xml",
    ]


def test_services_list_topics_in_both_formats(client, topic):
    from langnghe.intake.models import Topic

    Topic.objects.create(code="cu", name_vi="Cũ", name_en="Old", active=False)
    [service] = client.get(BASE + "services.json").json()
    assert service == {
        "service_code": "giao-thong",
        "service_name": "Giao thông",
        "description": "Phản ánh, kiến nghị về lĩnh vực: Giao thông",
        "metadata": True,
        "type": "realtime",
        "keywords": "Giao thông, Roads",
        "group": "Lắng Nghe",
    }
    root = xml(client.get(BASE + "services.xml"))
    assert root.tag == "services"
    node = root.find("service")
    assert [child.tag for child in node] == list(service)
    assert node.findtext("metadata") == "true"


def test_tc16_service_definition_never_offers_sealed_kinds(client, topic):
    data = client.get(BASE + "services/giao-thong.json").json()
    assert data["service_code"] == "giao-thong"
    [attribute] = data["attributes"]
    assert attribute["code"] == "kind" and attribute["datatype"] == "singlevaluelist"
    keys = [v["key"] for v in attribute["values"]]
    assert keys[0] == Kind.FEEDBACK
    assert Kind.DENUNCIATION not in keys
    # KN-2: a complaint must be signed by an identified complainant; not a GeoReport request.
    assert Kind.COMPLAINT not in keys
    root = xml(client.get(BASE + "services/giao-thong.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("attributes/attribute/variable") == "true"
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == keys


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_a_404_in_the_specs_error_format(client, topic, fmt):
    response = client.get(BASE + f"services/khong-co.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        [error] = response.json()
        assert error["code"] == 404 and error["description"]
    else:
        root = xml(response)
        assert root.tag == "errors"
        assert root.findtext("error/code") == "404"
        assert root.findtext("error/description")


def test_unknown_jurisdiction_is_404(client, topic):
    response = client.get(BASE + "services.json", {"jurisdiction_id": "khong-co"})
    assert response.status_code == 404


def test_unknown_format_is_not_routed(client, db):
    assert client.get(BASE + "services.html").status_code == 404


# -- POST requests -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_creates_an_ordinary_item_of_the_spine(client, integration, tree, fmt):
    response = post_request(
        client,
        fmt,
        lat="14.417",
        long="107.796",
        first_name="Mai",
        last_name="Nguyễn Thị",
        phone="0905123456",
        email="mai@example.org",
        device_id="abc-123",
        account_id="u-77",
        media_url="https://example.org/anh.jpg",
        **{"attribute[kind]": "recommendation"},
    )
    assert response.status_code == 201, response.content
    if fmt == "json":
        [created] = response.json()
    else:
        root = xml(response)
        assert root.tag == "service_requests"
        node = root.find("request")
        created = {child.tag: child.text for child in node}
    assert set(created) == {"service_request_id", "token", "service_notice", "account_id"}
    item = Item.objects.get(code=created["service_request_id"])
    assert item.channel == Channel.INTEGRATION and item.kind == Kind.RECOMMENDATION
    assert item.receiving_org == tree.commune and item.topic.code == "giao-thong"
    assert item.channel_detail["integration"] == "Ứng dụng thử"
    assert item.channel_detail["open311"]["lat"] == 14.417
    assert item.location_text == "Thôn 3, xã Sa Thầy"
    # The contact went to the vault, not to the channel detail.
    assert "Mai" not in str(item.channel_detail) and "0905123456" not in str(item.channel_detail)
    sealed = vault.unseal(item.identity.ciphertext)
    assert sealed["name"] == "Nguyễn Thị Mai" and sealed["phone"] == "0905123456"
    assert "device_id" not in sealed and "abc-123" not in str(item.channel_detail)
    assert ServiceRequest.objects.get(item=item).token == created["token"]
    assert AuditEvent.objects.filter(action="open311.request_created", object_id=item.pk).exists()


def test_anonymous_post_has_no_identity(client, integration):
    response = post_request(client)
    item = Item.objects.get(code=response.json()[0]["service_request_id"])
    assert item.anonymous and item.identity is None


@pytest.mark.parametrize(
    "params,status",
    [
        ({"api_key": None}, 403),
        ({"api_key": "sai-khoa-0000000000"}, 403),
        ({"service_code": None}, 400),
        ({"service_code": "khong-co"}, 404),
        ({"address_string": None}, 400),
        ({"address_string": None, "lat": "14.4"}, 400),
        ({"lat": "200", "long": "107"}, 400),
        ({"lat": "abc", "long": "107"}, 400),
        ({"description": None}, 400),
        ({"description": "x" * 10_001}, 400),
        ({"description": "a\x00b"}, 400),
        ({"attribute[kind]": "denunciation"}, 400),
        ({"attribute[kind]": "nonsense"}, 400),
        ({"media_url": "javascript:alert(1)"}, 400),
        ({"email": "khong-phai-email"}, 400),
        ({"email": "a\n@b.vn"}, 400),  # was only checked for "@" and spaces
        ({"email": "a@\u200d.vn"}, 400),  # no mail can be sent to it
        ({"jurisdiction_id": "ubnd-khac"}, 400),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_errors_in_the_specs_format_and_nothing_saved(
    client, integration, params, status, fmt
):
    response = post_request(client, fmt, **params)
    assert response.status_code == status
    if fmt == "json":
        [error] = response.json()
        assert error["code"] == status and error["description"]
    else:
        assert xml(response).findtext("error/code") == str(status)
    assert Item.objects.count() == 0


def test_post_with_location_by_coordinates_or_address_id(client, integration):
    assert post_request(client, address_string=None, lat="14.4", long="107.8").status_code == 201
    assert post_request(client, address_string=None, address_id="A-12").status_code == 201


def test_inactive_integration_is_refused(client, integration, staff):
    from langnghe.open311.services import integration_deactivate

    integration_deactivate(actor=staff.admin, integration=integration)
    assert post_request(client).status_code == 403


def test_only_admin_or_leader_of_the_unit_creates_integrations(tree, staff):
    from langnghe.core.errors import PermissionDenied
    from langnghe.open311.services import integration_create

    for actor in (staff.handler, staff.receptionist, staff.sibling_leader):
        with pytest.raises(PermissionDenied):
            integration_create(actor=actor, name="X", receiving_org=tree.commune)
    integration, raw = integration_create(actor=staff.admin, name="X", receiving_org=tree.commune)
    assert len(raw) >= 32 and raw not in integration.key_hash
    assert not integration.account.has_usable_password()


def test_the_key_is_stored_as_a_hash(integration):
    row = Integration.objects.get(pk=integration.pk)
    assert KEY not in row.key_hash and len(row.key_hash) == 64


def test_get_and_put_methods(client, integration):
    response = client.put(BASE + "requests.json")
    assert response.status_code == 405
    assert response.json()[0]["code"] == 405
    assert client.post(BASE + "services.json").status_code == 405


# -- tokens --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_token_resolves_to_the_request(client, integration, fmt):
    created = post_request(client).json()[0]
    response = client.get(BASE + f"tokens/{created['token']}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        assert response.json() == [
            {"service_request_id": created["service_request_id"], "token": created["token"]}
        ]
    else:
        root = xml(response)
        assert root.findtext("request/token") == created["token"]
    assert client.get(BASE + "tokens/khong-co.json").status_code == 404


# -- GET requests --------------------------------------------------------------------------------

FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def test_get_requests_fields_and_w3c_dates(client, integration):
    code = post_request(client, lat="14.4", long="107.8").json()[0]["service_request_id"]
    [row] = client.get(BASE + "requests.json", {"api_key": KEY}).json()
    assert list(row) == FIELDS
    assert row["service_request_id"] == code and row["status"] == "open"
    assert row["description"] == "Ổ gà lớn giữa đường thôn 3."
    assert row["agency_responsible"] == "UBND xã Sa Thầy"
    assert row["lat"] == 14.4 and row["long"] == 107.8
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        parsed = dt.datetime.fromisoformat(row[name])
        assert parsed.utcoffset() == dt.timedelta(hours=7), name
    root = xml(client.get(BASE + "requests.xml", {"api_key": KEY}))
    node = root.find("request")
    assert [child.tag for child in node] == FIELDS
    assert node.findtext("zipcode") == "" or node.find("zipcode").text is None


def test_without_a_key_only_published_requests_show_and_only_public_text(
    client, integration, staff
):
    from langnghe.handling.services import item_transition

    own = post_request(client).json()[0]["service_request_id"]
    assert client.get(BASE + "requests.json").json() == []
    assert client.get(BASE + f"requests/{own}.json").status_code == 404
    item = Item.objects.get(code=own)
    item_transition(item=item, name="start", actor=staff.handler)
    item_transition(
        item=item,
        name="draft_answer",
        actor=staff.handler,
        answer="Đã vá ổ gà, cảm ơn chị.",
        public_summary="Ổ gà trên đường thôn 3",
        public_answer="Đã vá ổ gà.",
    )
    item_transition(item=item, name="approve_answer", actor=staff.head)
    [public] = client.get(BASE + "requests.json").json()
    assert public["description"] == "Ổ gà trên đường thôn 3"
    assert public["status_notes"] == "Đã vá ổ gà."
    assert public["address"] == "" and public["lat"] is None
    [mine] = client.get(BASE + "requests.json", {"api_key": KEY}).json()
    assert mine["status_notes"] == "Đã vá ổ gà, cảm ơn chị."
    assert mine["description"] == "Ổ gà lớn giữa đường thôn 3."


def test_another_integrations_requests_stay_private(client, integration, staff, tree, topic):
    from langnghe.open311.services import integration_create

    post_request(client)
    integration_create(
        actor=staff.admin, name="Khác", receiving_org=tree.commune, raw_key="other-key-000000001"
    )
    assert client.get(BASE + "requests.json", {"api_key": "other-key-000000001"}).json() == []
    assert client.get(BASE + "requests.json", {"api_key": "sai"}).status_code == 403


def test_filters_ids_service_code_status(client, integration, topic):
    from langnghe.intake.models import Topic

    Topic.objects.create(code="moi-truong", name_vi="Môi trường", name_en="Environment")
    a = post_request(client).json()[0]["service_request_id"]
    b = post_request(client, service_code="moi-truong").json()[0]["service_request_id"]
    Item.objects.filter(code=b).update(is_open=False, status="answered")

    def codes(**params):
        response = client.get(BASE + "requests.json", {"api_key": KEY, **params})
        assert response.status_code == 200, response.content
        return {r["service_request_id"] for r in response.json()}

    assert codes() == {a, b}
    assert codes(service_code="moi-truong") == {b}
    assert codes(service_code="giao-thong,moi-truong") == {a, b}
    assert codes(status="open") == {a}
    assert codes(status="closed") == {b}
    assert codes(status="open,closed") == {a, b}
    # service_request_id overrides every other parameter (the spec).
    assert codes(service_request_id=f"{a},{b}", status="closed") == {a, b}
    assert client.get(BASE + "requests.json", {"status": "pending"}).status_code == 400


def test_date_window_defaults_to_90_days_and_cannot_exceed_it(client, integration, staff, tree):
    recent = post_request(client).json()[0]["service_request_id"]
    old = Item.objects.get(code=recent)
    older, _ = submit_one(tree.commune)
    ServiceRequest.objects.create(item=older, integration=integration, token="t-old")
    Item.objects.filter(pk=older.pk).update(received_at=timezone.now() - dt.timedelta(days=100))

    def codes(**params):
        response = client.get(BASE + "requests.json", {"api_key": KEY, **params})
        assert response.status_code == 200, response.content
        return {r["service_request_id"] for r in response.json()}

    assert codes() == {old.code}
    start = (timezone.localdate() - dt.timedelta(days=120)).isoformat()
    end = (timezone.localdate() - dt.timedelta(days=60)).isoformat()
    assert codes(start_date=start + "T00:00:00+07:00", end_date=end + "T00:00:00+07:00") == {
        older.code
    }
    assert codes(start_date=start + "T00:00:00Z") == {older.code}
    assert codes(end_date=end) == {older.code}
    for bad in (
        {"start_date": "2026-13-45T00:00:00Z"},
        {"start_date": "05/03/2026"},
        {"start_date": end, "end_date": start},
        {"start_date": "2020-01-01", "end_date": "2020-06-01"},
    ):
        response = client.get(BASE + "requests.json", bad)
        assert response.status_code == 400, bad
        assert response.json()[0]["code"] == 400


def test_limit_from_the_rule_book(client, integration, monkeypatch):
    from langnghe.core.ruledata import Rule
    from langnghe.open311 import selectors

    for _n in range(3):
        post_request(client)
    book = selectors.rulebook()
    real = book.rule

    def rule(key, on=None):
        if key == "max_requests":
            return Rule(key=key, value=2, unit="count", cite=("GeoReport-v2",))
        return real(key, on)

    monkeypatch.setattr(type(book), "rule", lambda self, key, on=None: rule(key, on))
    assert len(client.get(BASE + "requests.json", {"api_key": KEY}).json()) == 2


def test_default_limit_is_1000_per_the_spec(db):
    from langnghe.open311.selectors import rulebook

    assert rulebook().rule("max_requests").value == 1000
    assert rulebook().rule("request_window").value == 90


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_one_request(client, integration, fmt):
    code = post_request(client).json()[0]["service_request_id"]
    response = client.get(BASE + f"requests/{code}.{fmt}", {"api_key": KEY})
    assert response.status_code == 200
    if fmt == "json":
        [row] = response.json()
        assert row["service_request_id"] == code
    else:
        assert xml(response).findtext("request/service_request_id") == code
    missing = client.get(BASE + f"requests/26-ZZZZZZ.{fmt}", {"api_key": KEY})
    assert missing.status_code == 404


def test_tc16_a_request_reclassified_as_denunciation_disappears_from_open311(
    client, integration, staff
):
    from langnghe.handling.services import item_classify

    created = post_request(client).json()[0]
    item = Item.objects.get(code=created["service_request_id"])
    item_classify(
        item=item, actor=staff.receptionist, reason="Thực chất là tố cáo", kind="denunciation"
    )
    assert client.get(BASE + "requests.json", {"api_key": KEY}).json() == []
    code = created["service_request_id"]
    assert client.get(BASE + f"requests/{code}.json", {"api_key": KEY}).status_code == 404
    assert client.get(BASE + f"tokens/{created['token']}.json").status_code == 404


# -- the round trip ------------------------------------------------------------------------------


def test_round_trip_post_inbox_answer_publish_get_closed(client, integration, staff):
    """POST via Open311 → the item is in the back-office inbox → staff answer and publish through
    the spine's services → GET via Open311 shows it closed with the answer."""
    from langnghe.handling import selectors as handling
    from langnghe.handling.services import item_transition

    created = post_request(client, first_name="Hòa", phone="0905111222").json()[0]
    code = created["service_request_id"]
    inbox = handling.inbox_items_for(actor=staff.handler)
    assert code in [i.code for i in inbox]
    page = None
    client.force_login(staff.handler)
    page = client.get("/quan-ly/")
    assert code in page.content.decode()
    client.logout()

    item = Item.objects.get(code=code)
    item_transition(item=item, name="start", actor=staff.handler)
    [row] = client.get(BASE + f"requests/{code}.json", {"api_key": KEY}).json()
    assert row["status"] == "open" and row["status_notes"]
    item_transition(
        item=item,
        name="draft_answer",
        actor=staff.handler,
        answer="Xã đã vá ổ gà ngày hôm nay.",
        public_summary="Ổ gà đường thôn 3",
        public_answer="Đã vá ổ gà.",
    )
    item_transition(item=item, name="approve_answer", actor=staff.head)
    [row] = client.get(BASE + f"requests/{code}.json", {"api_key": KEY}).json()
    assert row["status"] == "closed"
    assert row["status_notes"] == "Xã đã vá ổ gà ngày hôm nay."
    assert row["expected_datetime"] is None
    assert dt.datetime.fromisoformat(row["updated_datetime"]) >= dt.datetime.fromisoformat(
        row["requested_datetime"]
    )
    root = xml(client.get(BASE + f"requests/{code}.xml"))
    assert root.findtext("request/status") == "closed"
    assert root.findtext("request/status_notes") == "Đã vá ổ gà."
    assert "Hòa" not in client.get(BASE + "requests.json").content.decode()


def test_demo_builds_the_integration_with_the_published_key(db):
    """The demo key works against the demo data (make run)."""
    from django.core.management import call_command

    call_command("demo", items=20, verbosity=0)
    from langnghe.open311.services import integration_for_key

    integration = integration_for_key("langnghe-demo-key")
    assert integration is not None and integration.receiving_org.slug == "ubnd-xa-sathay"
    assert integration.requests.count() == 3


def test_management_command_creates_lists_and_deactivates(tree, staff, topic):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command(
        "open311_integration",
        "create",
        "--name",
        "Tổng đài",
        "--org",
        tree.commune.slug,
        "--by",
        staff.admin.username,
        stdout=out,
    )
    key = out.getvalue().split("api_key=")[1].split()[0]
    from langnghe.open311.services import integration_for_key

    assert integration_for_key(key).name == "Tổng đài"
    with pytest.raises(CommandError):
        call_command(
            "open311_integration",
            "create",
            "--name",
            "X",
            "--org",
            tree.commune.slug,
            "--by",
            staff.handler.username,
            stdout=StringIO(),
        )
    listing = StringIO()
    call_command("open311_integration", "list", stdout=listing)
    assert "Tổng đài" in listing.getvalue()
    call_command(
        "open311_integration",
        "deactivate",
        "--name",
        "Tổng đài",
        "--by",
        staff.admin.username,
        stdout=StringIO(),
    )
    assert integration_for_key(key) is None


def test_updated_datetime_is_the_items_last_event_in_the_list_and_alone(client, integration, staff):
    from django.db.models import F, Max

    from langnghe.handling.models import ItemEvent
    from langnghe.handling.services import item_transition
    from langnghe.open311.views import w3c

    code = post_request(client).json()[0]["service_request_id"]
    item = Item.objects.get(code=code)
    item_transition(item=item, name="start", actor=staff.handler)
    # The last event an hour later, so that its time cannot be mistaken for received_at's (the
    # W3C times are to the second).
    newest = ItemEvent.objects.filter(item=item).order_by("-at", "-pk").first()
    ItemEvent.objects.filter(pk=newest.pk).update(at=F("at") + dt.timedelta(hours=1))
    last = ItemEvent.objects.filter(item=item).aggregate(at=Max("at"))["at"]
    assert w3c(last) != w3c(item.received_at)
    [alone] = client.get(BASE + f"requests/{code}.json", {"api_key": KEY}).json()
    listed = client.get(BASE + "requests.json", {"api_key": KEY}).json()
    [in_list] = [r for r in listed if r["service_request_id"] == code]
    by_id = client.get(BASE + "requests.json", {"api_key": KEY, "service_request_id": code}).json()
    assert alone["updated_datetime"] == in_list["updated_datetime"] == w3c(last)
    assert alone["updated_datetime"] != alone["requested_datetime"]
    assert by_id[0]["updated_datetime"] == w3c(last)


def _statements(call):
    """How many SQL statements ``call`` runs (the test client resets Django's query log)."""
    from django.db import connection

    seen = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        result = call()
    return len(seen), result


def test_a_page_of_own_closed_requests_shows_each_ones_last_sent_answer_in_fixed_queries(
    client, integration, staff
):
    """Each closed request of the integration shows the answer it was last sent (not a draft, not
    an older one), and the list costs the same few queries however many requests it holds."""
    from langnghe.handling.models import Answer

    def listed():
        return client.get(BASE + "requests.json", {"api_key": KEY}).json()

    def close_with_answers(code, answers):
        item = Item.objects.get(code=code)
        Item.objects.filter(pk=item.pk).update(is_open=False, status="answered")
        for body, sent_at in answers:
            Answer.objects.create(item=item, body=body, drafted_by=staff.handler, sent_at=sent_at)

    codes = [post_request(client).json()[0]["service_request_id"] for _ in range(3)]
    now = timezone.now()
    for n, code in enumerate(codes[:2]):
        hour = dt.timedelta(hours=1)
        close_with_answers(code, [("cũ", now - 2 * hour), (f"mới {n}", now - hour), ("nháp", None)])
    few, rows = _statements(listed)
    by_code = {r["service_request_id"]: r for r in rows}
    assert [by_code[c]["status_notes"] for c in codes[:2]] == ["mới 0", "mới 1"]
    assert by_code[codes[2]]["status"] == "open"
    for _ in range(4):
        close_with_answers(post_request(client).json()[0]["service_request_id"], [("x", now)])
    more, rows = _statements(listed)
    assert len(rows) == 7 and more == few


def test_service_name_follows_the_callers_language(client, integration, topic):
    post_request(client)
    [vi] = client.get(BASE + "requests.json", {"api_key": KEY}).json()
    [en] = client.get(BASE + "requests.json", {"api_key": KEY}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert vi["service_name"] == topic.name_vi
    assert en["service_name"] == topic.name_en and en["service_name"] != vi["service_name"]
