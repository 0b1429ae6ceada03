"""Public endpoints: submit, track (headers or body, never the URL), reply, rate, reopen,
published items. Bad input answers 400 with field codes, never 500."""

from __future__ import annotations

import pytest

from langnghe.core.models import AuditEvent
from langnghe.intake.models import Channel, Item, Kind
from langnghe.intake.services import item_by_receipt

from ..factories import submit_one
from .conftest import answer_and_publish

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/items/"


def _submit(api, **extra):
    body = {"parts": [{"kind": "feedback", "body": "Đường thôn 3 bị sạt lở sau mưa."}], **extra}
    return api.post(SUBMIT, body, format="json")


def test_submit_creates_item_and_returns_secret_once(api, tree):
    response = _submit(
        api,
        title="Sạt lở đường",
        identity={"name": "Nguyễn Thị Mai", "phone": "0905 123 456"},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert response["Cache-Control"].startswith("no-store")
    [entry] = data["items"]
    item = Item.objects.get(code=entry["code"])
    assert item.channel == Channel.ONLINE and item.kind == Kind.FEEDBACK
    assert item.receiving_org == tree.province  # the first root that accepts items
    # The secret opens the item; only its hash is stored; the identity went to the vault.
    assert item_by_receipt(code=entry["code"], secret=data["secret"]).pk == item.pk
    assert data["secret"] not in item.secret_hash
    assert item.identity is not None and b"Mai" not in bytes(item.identity.ciphertext)
    assert "Mai" not in response.content.decode()


def test_tcd10_submit_splits_mixed_content_into_one_item_per_kind(api, tree):
    response = _submit(
        api,
        parts=[
            {"kind": "feedback", "body": "Đường hỏng."},
            {"kind": "suggestion", "body": "Nên lắp thêm đèn."},
        ],
    )
    assert response.status_code == 201
    codes = [e["code"] for e in response.json()["items"]]
    assert len(codes) == 2
    assert set(Item.objects.filter(code__in=codes).values_list("kind", flat=True)) == {
        "feedback",
        "suggestion",
    }


@pytest.mark.parametrize(
    "body,field,code",
    [
        ({"parts": []}, "parts", "invalid"),
        ({"parts": [{"kind": "nonsense", "body": "x"}]}, "parts.0.kind", "invalid_choice"),
        ({"parts": [{"kind": "feedback", "body": ""}]}, "parts.0.body", "blank"),
        (
            {"parts": [{"kind": "feedback", "body": "a"}, {"kind": "feedback", "body": "b"}]},
            "parts",
            "invalid",
        ),
        ({"parts": [{"kind": "feedback", "body": "x" * 10_001}]}, "parts.0.body", "max_length"),
        (
            {"parts": [{"kind": "feedback", "body": "x"}], "group_size": 0},
            "group_size",
            "min_value",
        ),
        (
            {
                "parts": [{"kind": "feedback", "body": "x"}],
                "anonymous": True,
                "identity": {"name": "A"},
            },
            "anonymous",
            "invalid",
        ),
        ({"parts": [{"kind": "feedback", "body": "x"}], "topic": "khong-co"}, "topic", "invalid"),
        ({"parts": [{"kind": "feedback", "body": "x"}], "commune": 999999}, "commune", "invalid"),
        (
            {"parts": [{"kind": "feedback", "body": "x"}], "identity": {"email": "khong-phai"}},
            "identity.email",
            "invalid",
        ),
        (
            {"parts": [{"kind": "feedback", "body": "x"}], "identity": {"email": "a@\u200d.vn"}},
            "identity.email",
            "undeliverable",  # an address no mail can be sent to
        ),
        (
            {"parts": [{"kind": "feedback", "body": "x"}], "party_matter": True},
            "party_matter",
            "invalid",
        ),
    ],
)
def test_submit_bad_input_is_400_with_field_codes_and_saves_nothing(api, tree, body, field, code):
    response = api.post(SUBMIT, body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"][field][0]["code"] == code
    assert Item.objects.count() == 0


def test_submit_null_character_is_refused_by_the_service(api, tree):
    response = _submit(api, parts=[{"kind": "feedback", "body": "a\x00b"}])
    assert response.status_code == 400
    assert Item.objects.count() == 0


def test_submit_malformed_json_is_a_parse_error(api, tree):
    response = api.post(SUBMIT, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_error_message_in_the_requests_language(api, tree, monkeypatch):
    from django.utils import translation

    seen = []
    real = translation.activate
    monkeypatch.setattr(translation, "activate", lambda lang: (seen.append(lang), real(lang)))
    vi = api.post(SUBMIT, {"parts": []}, format="json")
    en = api.post(SUBMIT, {"parts": []}, format="json", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert vi.status_code == en.status_code == 400
    # Vietnamese by default, whatever the catalogue holds.
    assert vi.json()["error"]["message"].startswith("Dữ liệu không hợp lệ")
    assert vi.json()["error"]["fields"]["parts"][0]["message"]
    assert "en" in seen


def test_drf_errors_get_our_vietnamese_messages(api, tree):
    response = api.get("/api/v1/inbox/")
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "not_authenticated",
        "message": "Cần xác thực: gửi kèm tiêu đề Authorization: Token <token> hoặc Api-Key <khóa>.",
    }
    missing = api.post(SUBMIT, {}, format="json").json()["error"]["fields"]["parts"][0]
    assert missing == {"code": "required", "message": "Trường này là bắt buộc."}


def test_track_by_headers_and_by_body(api, tree):
    item, secret = submit_one(tree.commune)
    by_headers = api.get(
        "/api/v1/track/", HTTP_X_RECEIPT_CODE=item.code, HTTP_X_RECEIPT_SECRET=secret
    )
    by_body = api.post("/api/v1/track/", {"code": item.code, "secret": secret}, format="json")
    for response in (by_headers, by_body):
        assert response.status_code == 200
        data = response.json()
        assert data["code"] == item.code and data["is_open"] is True
        assert data["handling_unit"] == tree.commune.name
        assert data["timeline"][0]["title"]
        assert response["Cache-Control"].startswith("no-store")


@pytest.mark.parametrize("secret", ["WRONG-SECRET-XXXXX-XXXXX", ""])
def test_track_wrong_or_missing_secret(api, tree, secret):
    item, _ = submit_one(tree.commune)
    response = api.post("/api/v1/track/", {"code": item.code, "secret": secret}, format="json")
    assert response.status_code in (400, 404)
    if secret:
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_track_unknown_code_and_wrong_secret_look_alike(api, tree):
    item, _ = submit_one(tree.commune)
    a = api.post("/api/v1/track/", {"code": item.code, "secret": "AAAAA-AAAAA"}, format="json")
    b = api.post("/api/v1/track/", {"code": "26-ZZZZZZ", "secret": "AAAAA-AAAAA"}, format="json")
    assert a.status_code == b.status_code == 404
    assert a.json() == b.json()


def test_reply_to_a_question(api, tree, staff):
    from langnghe.handling.services import item_transition

    item, secret = submit_one(tree.commune)
    item_transition(item=item, name="start", actor=staff.handler)
    item_transition(item=item, name="request_info", actor=staff.handler, message="Ở thôn nào?")
    tracked = api.post("/api/v1/track/", {"code": item.code, "secret": secret}, format="json")
    assert tracked.json()["question"] == "Ở thôn nào?" and tracked.json()["can_reply"]
    response = api.post(
        "/api/v1/track/reply/",
        {"code": item.code, "secret": secret, "message": "Thôn 3 ạ"},
        format="json",
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert any(e["body"] == "Thôn 3 ạ" for e in response.json()["timeline"])


def test_reply_when_no_question_is_400_with_the_services_code(api, tree):
    item, secret = submit_one(tree.commune)
    response = api.post(
        "/api/v1/track/reply/", {"code": item.code, "secret": secret, "message": "x"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "handling.invalid_transition"


def test_rate_after_the_answer(api, tree, staff):
    item, secret = submit_one(tree.commune)
    early = api.post(
        "/api/v1/track/rate/", {"code": item.code, "secret": secret, "rating": 5}, format="json"
    )
    assert early.status_code == 400
    assert early.json()["error"]["code"] == "handling.not_answered"
    answer_and_publish(item, staff.handler, staff.head)
    bad = api.post(
        "/api/v1/track/rate/", {"code": item.code, "secret": secret, "rating": 6}, format="json"
    )
    assert bad.status_code == 400 and "rating" in bad.json()["error"]["fields"]
    response = api.post(
        "/api/v1/track/rate/",
        {"code": item.code, "secret": secret, "rating": 4, "comment": "Nhanh"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["rating"] == 4
    item.refresh_from_db()
    assert item.rating == 4


def test_reopen_an_answered_item(api, tree, staff):
    item, secret = submit_one(tree.commune)
    answer_and_publish(item, staff.handler, staff.head)
    response = api.post(
        "/api/v1/track/reopen/",
        {"code": item.code, "secret": secret, "message": "Chưa sửa xong"},
        format="json",
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.is_open and item.reopen_count == 1


def test_citizen_action_with_wrong_secret_is_404_and_changes_nothing(api, tree, staff):
    item, _secret = submit_one(tree.commune)
    answer_and_publish(item, staff.handler, staff.head)
    response = api.post(
        "/api/v1/track/rate/",
        {"code": item.code, "secret": "AAAAA-BBBBB-CCCCC-DDDDD", "rating": 1},
        format="json",
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.rating is None


def test_published_list_shows_only_public_text(api, tree, staff):
    item, _ = submit_one(
        tree.commune, body="Ông Nguyễn Văn Bình ở thôn 3 báo đường hỏng", identity={"name": "X Y Z"}
    )
    hidden, _ = submit_one(tree.commune, body="Chưa trả lời")
    answer_and_publish(item, staff.handler, staff.head, summary="Đường thôn 3 hỏng")
    response = api.get("/api/v1/published/")
    assert response.status_code == 200
    data = response.json()
    assert [r["code"] for r in data["results"]] == [item.code]
    assert data["results"][0]["summary"] == "Đường thôn 3 hỏng"
    assert data["next"] is None
    text = response.content.decode()
    assert "Bình" not in text and hidden.code not in text


def test_published_cursor_pagination_and_filters(api, tree, staff):
    from langnghe.intake.models import Topic

    topic = Topic.objects.create(code="giao-thong", name_vi="Giao thông", name_en="Roads")
    items = []
    for n in range(5):
        item, _ = submit_one(tree.commune, body=f"Việc {n}", topic=topic if n % 2 else None)
        answer_and_publish(item, staff.handler, staff.head, summary=f"Tóm tắt {n}")
        items.append(item)
    sibling_item, _ = submit_one(tree.sibling)
    sibling_handler = staff.sibling_handler
    from langnghe.orgs.models import Role

    from ..factories import user

    sibling_head = user("head2", grants=[(tree.sibling, Role.UNIT_HEAD)])
    answer_and_publish(sibling_item, sibling_handler, sibling_head)

    first = api.get("/api/v1/published/", {"page_size": 2})
    assert first.status_code == 200
    seen = [r["code"] for r in first.json()["results"]]
    url = first.json()["next"]
    while url:
        page = api.get(url)
        seen += [r["code"] for r in page.json()["results"]]
        url = page.json()["next"]
    assert len(seen) == 6 and len(set(seen)) == 6
    unit = api.get("/api/v1/published/", {"unit": tree.commune.slug}).json()["results"]
    assert {r["code"] for r in unit} == {i.code for i in items}
    by_topic = api.get("/api/v1/published/", {"topic": "giao-thong"}).json()["results"]
    assert {r["code"] for r in by_topic} == {items[1].code, items[3].code}
    assert api.get("/api/v1/published/", {"kind": "complaint"}).json()["results"] == []
    assert api.get("/api/v1/published/", {"published_to": "2000-01-01"}).json()["results"] == []
    for bad in (
        {"unit": "khong-co"},
        {"cursor": "!!!"},
        {"page_size": 0},
        {"kind": "x"},
        {"published_from": "05/03/2026"},
    ):
        response = api.get("/api/v1/published/", bad)
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == "invalid"


def test_published_detail(api, tree, staff):
    item, _ = submit_one(tree.commune)
    assert api.get(f"/api/v1/published/{item.code}/").status_code == 404
    answer_and_publish(item, staff.handler, staff.head)
    response = api.get(f"/api/v1/published/{item.code}/")
    assert response.status_code == 200
    assert response.json()["answer"] == "Đã sửa xong."
    assert response.json()["unit"]["slug"] == tree.commune.slug


def test_topics(api, tree):
    from langnghe.intake.models import Topic

    Topic.objects.create(code="y-te", name_vi="Y tế", name_en="Health")
    Topic.objects.create(code="cu", name_vi="Cũ", name_en="Old", active=False)
    response = api.get("/api/v1/topics/")
    assert response.json() == [{"code": "y-te", "name": "Y tế"}]


def test_submit_is_throttled_per_address(api, tree, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"langnghe_public_write": "2/minute"},
    }
    assert _submit(api).status_code == 201
    assert _submit(api).status_code == 201
    third = _submit(api)
    assert third.status_code == 429
    assert third.json()["error"]["code"] == "throttled"
    assert "Retry-After" in third


def test_public_reads_count_the_connections_address_not_a_forwarded_for(api, tree, settings):
    """DRF alone would count X-Forwarded-For as the client says it; without a reverse proxy in
    front (BEHIND_PROXY) it is ignored, and behind one only the entry the proxy wrote counts."""
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"langnghe_public_read": "2/minute"},
    }
    answers = [
        api.get("/api/v1/topics/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(3)
    ]
    assert answers == [200, 200, 429]


def test_submission_is_audited_as_a_citizen(api, tree):
    _submit(api)
    assert AuditEvent.objects.filter(action="item.submitted", actor_label="citizen").exists()


def test_publications_list_only_published_ones_with_filters(api, tree):
    """The disclosures of /cong-khai/ through the API: drafts never, filters by unit and
    category, a withdrawn one still answers by id (printed QR codes point at it) but leaves the
    list."""
    import datetime as dt

    from langnghe.disclosure.services import (
        publication_create,
        publication_publish,
        publication_withdraw,
    )
    from langnghe.orgs.models import Role

    from ..factories import user

    manager = user(grants=[(tree.province, Role.LEADER)])

    def make(org, category, title, publish=True):
        p = publication_create(
            actor=manager,
            organisation=org,
            category=category,
            title=title,
            body="Nội dung",
            decided_on=dt.date.today(),
        )
        return publication_publish(publication=p, actor=manager) if publish else p

    budget = make(tree.commune, "dc1_02_budget", "Ngân sách xã")
    fees = make(tree.sibling, "dc1_12_fees", "Phí, lệ phí")
    draft = make(tree.commune, "dc1_02_budget", "Bản nháp", publish=False)
    gone = make(tree.commune, "dc1_05_funds", "Quỹ đã gỡ")
    publication_withdraw(publication=gone, actor=manager, reason="Đăng nhầm văn bản")

    titles = [r["title"] for r in api.get("/api/v1/publications/").json()["results"]]
    assert sorted(titles) == ["Ngân sách xã", "Phí, lệ phí"]
    only = api.get("/api/v1/publications/", {"unit": tree.commune.slug}).json()["results"]
    assert [r["id"] for r in only] == [budget.pk]
    by_category = api.get("/api/v1/publications/", {"category": "dc1_12_fees"}).json()
    assert [r["id"] for r in by_category["results"]] == [fees.pk]
    assert api.get("/api/v1/publications/", {"category": "khong-co"}).status_code == 400
    assert api.get(f"/api/v1/publications/{draft.pk}/").status_code == 404
    withdrawn = api.get(f"/api/v1/publications/{gone.pk}/").json()
    assert withdrawn["withdrawn_on"] is not None
    assert withdrawn["url"] == f"/cong-khai/{gone.pk}/"


def test_an_unknown_api_url_answers_the_api_error_not_a_web_page(api, client):
    response = api.get("/api/v1/items/null,null/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"
    page = client.get("/khong-co-trang-nay/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def _b64(value):
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_a_cursor_the_server_did_not_write_is_refused_clearly(api, tree, staff):
    """The cursor's values go into the query: forged ones (unsigned JSON, a real cursor with one
    character changed, one signed for another list, or values of the wrong shape however they
    came to be signed) are a 400 in the API's error shape, never a 500."""
    from urllib.parse import parse_qs, urlsplit

    from django.core import signing

    from langnghe.api.pagination import CURSOR_SALT

    for n in range(3):
        item, _ = submit_one(tree.commune, body=f"Việc {n}")
        answer_and_publish(item, staff.handler, staff.head)
    real = api.get("/api/v1/published/", {"page_size": 1}).json()["next"]
    cursor = parse_qs(urlsplit(real).query)["cursor"][0]
    assert api.get("/api/v1/published/", {"page_size": 1, "cursor": cursor}).status_code == 200
    tampered = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")
    salt = CURSOR_SALT + ":-published_at,-pk"

    def signed(values):
        return signing.dumps(values, salt=salt)

    for bad in (
        tampered,
        _b64([{"x": 1}, 1]),
        _b64([{"t": "2026-01-01T00:00:00+07:00"}, 1]),
        signed([{"t": "abc"}, 1]),
        signed([{"t": "2026-01-01T00:00:00+07:00"}]),
        signed("not a list"),
        signed([{"d": "9999-99-99"}, 1]),
        "x" * 5000,
    ):
        response = api.get("/api/v1/published/", {"cursor": bad})
        assert response.status_code == 400, bad
        assert response.json()["error"]["fields"]["cursor"][0]["message"] == (
            "Con trỏ trang không hợp lệ."
        )
    # A good cursor of one list is no cursor of another.
    other = api.get("/api/v1/publications/", {"cursor": cursor})
    assert other.status_code == 400


def test_dates_past_the_calendar_are_a_400_in_the_api_error_shape(api, tree):
    for params in ({"published_to": "9999-12-31"}, {"published_from": "0001-01-01"}):
        response = api.get("/api/v1/published/", params)
        assert response.status_code in (200, 400), params
        if response.status_code == 400:
            assert response.json()["error"]["code"] == "invalid"
    response = api.get("/api/v1/published/", {"published_to": "9999-12-31"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Giá trị vượt quá giới hạn cho phép."


@pytest.mark.parametrize("escaped", ["a\\u0000b", "a\\ud800b"])
def test_nul_and_lone_surrogates_get_our_message_in_both_languages(api, tree, escaped):
    commune = tree.commune.pk
    body = f'{{"parts": [{{"kind": "feedback", "body": "{escaped}"}}], "commune": {commune}}}'

    def message(**headers):
        response = api.generic(
            "POST", "/api/v1/items/", body, content_type="application/json", **headers
        )
        assert response.status_code == 400
        [text] = [m["message"] for m in response.json()["error"]["fields"]["parts.0.body"]]
        return text

    assert message().startswith("Có ký tự không hợp lệ")
    assert message(HTTP_ACCEPT_LANGUAGE="en").startswith("Invalid character")


def test_throttle_keys_hold_no_address(rf):
    """The limits' cache keys carry a keyed hash of the address, never the address itself."""
    from langnghe.api.throttling import PublicReadThrottle
    from langnghe.open311.throttling import Open311Throttle

    request = rf.get("/api/v1/topics/", REMOTE_ADDR="10.1.2.3")
    for throttle in (PublicReadThrottle(), Open311Throttle(write=False, integration=None)):
        key = throttle.get_cache_key(request, None)
        assert "10.1.2.3" not in key
        other = throttle.get_cache_key(rf.get("/", REMOTE_ADDR="10.1.2.4"), None)
        assert key != other
