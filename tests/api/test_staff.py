"""Staff endpoints: authentication (token, personal key), and the permission matrix — each role ×
each endpoint, in scope and out of scope — decided by the same rules as the back office."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from langnghe.handling.models import ItemEvent
from langnghe.intake.models import Kind
from langnghe.orgs.models import Position, Role

from ..factories import person, submit_one, user

pytestmark = pytest.mark.django_db

STAFF_GETS = ["/api/v1/inbox/", "/api/v1/search/?q=đường", "/api/v1/items/{id}/"]
ACTIONS = ["transition", "route", "assign", "notes", "extend", "classify", "complexity", "merge"]


@pytest.fixture
def item(tree):
    return submit_one(tree.commune)[0]


@pytest.mark.parametrize("path", STAFF_GETS + [f"/api/v1/items/{{id}}/{a}/" for a in ACTIONS])
def test_anonymous_is_401_everywhere_staff(api, item, path):
    url = path.format(id=item.pk)
    response = api.post(url, {}, format="json") if path.count("/") > 5 else api.get(url)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Api-Key"


@pytest.mark.parametrize("path", STAFF_GETS)
def test_user_without_grants_is_403(as_user, staff, item, path):
    response = as_user(staff.nobody).get(path.format(id=item.pk))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_bad_token_is_401(api, item):
    api.credentials(HTTP_AUTHORIZATION="Token nonsense")
    response = api.get("/api/v1/inbox/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_personal_api_key_authenticates_until_revoked(staff, item):
    from langnghe.api.services import api_key_issue, api_key_revoke

    key, raw = api_key_issue(actor=staff.handler, name="Bảng điều khiển")
    for header in ({"HTTP_AUTHORIZATION": f"Api-Key {raw}"}, {"HTTP_X_API_KEY": raw}):
        client = APIClient()
        response = client.get("/api/v1/inbox/", **header)
        assert response.status_code == 200
        assert [r["code"] for r in response.json()["results"]] == [item.code]
    key.refresh_from_db()
    assert key.last_used_at is not None and raw not in key.key_hash
    api_key_revoke(actor=staff.handler, key_id=key.pk)
    response = APIClient().get("/api/v1/inbox/", HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 401


def test_session_authentication_needs_csrf_for_writes(staff, item):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff.handler)
    assert client.get("/api/v1/inbox/").status_code == 200
    response = client.post(f"/api/v1/items/{item.pk}/notes/", {"body": "ghi chú"}, format="json")
    assert response.status_code == 403


# -- visibility (lists filtered, details 404 out of scope) ---------------------------------------


@pytest.mark.parametrize(
    "who,sees",
    [
        ("receptionist", True),
        ("handler", True),
        ("head", True),
        ("leader", True),
        ("front", True),
        ("sibling_handler", False),
        ("admin", False),
    ],
)
def test_inbox_item_and_search_visibility_matrix(as_user, staff, item, who, sees):
    client = as_user(getattr(staff, who))
    inbox = client.get("/api/v1/inbox/")
    assert inbox.status_code == 200
    assert (item.code in [r["code"] for r in inbox.json()["results"]]) is sees
    detail = client.get(f"/api/v1/items/{item.pk}/")
    assert detail.status_code == (200 if sees else 404)
    found = client.get("/api/v1/search/", {"q": item.code})
    assert (item.code in [r["code"] for r in found.json()["results"]]) is sees


def test_the_person_concerned_never_gets_the_item(as_user, tree):
    cadre = user("canbo", grants=[(tree.commune, Role.HANDLER)])
    p = person("Lê Văn Cán", user_account=cadre, org=tree.commune, role=Position.Role.STAFF)
    item, _ = submit_one(tree.commune, concerned_person=p)
    client = as_user(cadre)
    assert item.code not in [r["code"] for r in client.get("/api/v1/inbox/").json()["results"]]
    assert client.get(f"/api/v1/items/{item.pk}/").status_code == 404
    response = client.post(f"/api/v1/items/{item.pk}/notes/", {"body": "x"}, format="json")
    assert response.status_code == 404


def test_sealed_denunciation_hidden_from_front_liaison_and_identity_never_in_api(
    as_user, staff, tree
):
    item, _ = submit_one(
        tree.commune,
        kind=Kind.DENUNCIATION,
        body="Tố cáo cán bộ nhận tiền",
        identity={"name": "Phạm Văn Tố", "phone": "0905000111"},
    )
    assert as_user(staff.front).get(f"/api/v1/items/{item.pk}/").status_code == 404
    response = as_user(staff.receptionist).get(f"/api/v1/items/{item.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Phạm Văn Tố" not in text and "0905000111" not in text
    assert response.json()["reporter"].startswith("Người gửi #")


def test_integration_account_is_refused_by_the_staff_api(as_user, tree, staff):
    from langnghe.open311.services import integration_create

    integration, _key = integration_create(
        actor=staff.admin, name="App", receiving_org=tree.commune
    )
    response = as_user(integration.account).get("/api/v1/inbox/")
    assert response.status_code == 403


# -- inbox filters and order -----------------------------------------------------------------


def test_inbox_filters_and_cursor(as_user, staff, tree):
    from langnghe.handling.services import item_assign

    a, _ = submit_one(tree.commune, body="Đường thôn 1 hỏng")
    b, _ = submit_one(tree.commune, kind=Kind.SUGGESTION, body="Góp ý lắp đèn")
    c, _ = submit_one(tree.office)
    item_assign(item=a, handler=staff.handler, actor=staff.head)
    client = as_user(staff.handler)
    codes = lambda r: {x["code"] for x in r.json()["results"]}  # noqa: E731
    assert codes(client.get("/api/v1/inbox/")) == {a.code, b.code, c.code}
    assert codes(client.get("/api/v1/inbox/", {"kind": "suggestion"})) == {b.code}
    assert codes(client.get("/api/v1/inbox/", {"mine": "true"})) == {a.code}
    assert codes(client.get("/api/v1/inbox/", {"unit": tree.office.pk})) == {c.code}
    assert codes(client.get("/api/v1/inbox/", {"status": "closed"})) == set()
    assert codes(client.get("/api/v1/inbox/", {"q": "lắp đèn"})) == {b.code}
    pages, url, seen = 0, "/api/v1/inbox/?page_size=1", []
    while url:
        response = client.get(url)
        seen += [r["code"] for r in response.json()["results"]]
        url, pages = response.json()["next"], pages + 1
    assert pages == 3 and sorted(seen) == sorted([a.code, b.code, c.code])
    for bad in ({"unit": tree.sibling.pk}, {"status": "x"}, {"topic": "khong-co"}, {"kind": "y"}):
        response = client.get("/api/v1/inbox/", bad)
        assert response.status_code == 400, bad


def test_inbox_order_overdue_first_then_due_then_undated(as_user, staff, tree):
    from langnghe.intake.models import Item

    items = [submit_one(tree.commune, body=f"Việc {n}")[0] for n in range(3)]
    today = timezone.localdate()
    Item.objects.filter(pk=items[0].pk).update(due_on=None)
    Item.objects.filter(pk=items[1].pk).update(due_on=today - dt.timedelta(days=2))
    Item.objects.filter(pk=items[2].pk).update(due_on=today + dt.timedelta(days=30))
    response = as_user(staff.handler).get("/api/v1/inbox/", {"page_size": 2})
    first = [r["code"] for r in response.json()["results"]]
    assert first == [items[1].code, items[2].code]
    assert response.json()["results"][0]["badge"] == "overdue"
    rest = as_user(staff.handler).get(response.json()["next"]).json()["results"]
    assert [r["code"] for r in rest] == [items[0].code]


# -- the action matrix --------------------------------------------------------------------------


def _post(client, item, action, body):
    return client.post(f"/api/v1/items/{item.pk}/{action}/", body, format="json")


@pytest.mark.parametrize(
    "who,allowed",
    [
        ("handler", True),
        ("head", True),
        ("receptionist", False),
        ("front", False),
        ("sibling_handler", None),
    ],
)
def test_transition_start_matrix(as_user, staff, item, who, allowed):
    response = _post(as_user(getattr(staff, who)), item, "transition", {"name": "start"})
    item.refresh_from_db()
    if allowed is None:
        assert response.status_code == 404
    elif allowed:
        assert response.status_code == 200, response.content
        assert item.status == "in_progress"
        assert response.json()["item"]["status"] == "in_progress"
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
        assert item.status == "received"


@pytest.mark.parametrize("who,allowed", [("head", True), ("leader", True), ("handler", False)])
def test_approve_answer_matrix(as_user, staff, item, who, allowed):
    from langnghe.handling.services import item_transition

    item_transition(item=item, name="start", actor=staff.handler)
    item_transition(item=item, name="draft_answer", actor=staff.handler, answer="Trả lời")
    response = _post(as_user(getattr(staff, who)), item, "transition", {"name": "approve_answer"})
    item.refresh_from_db()
    assert response.status_code == (200 if allowed else 403)
    assert (item.status == "answered") is allowed


def test_transition_requirements_and_unknown_names(as_user, staff, item):
    client = as_user(staff.handler)
    assert _post(client, item, "transition", {"name": "start"}).status_code == 200
    missing = _post(client, item, "transition", {"name": "request_info"})
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "handling.reason_required"
    for name in ("nonsense", "citizen_reply"):
        response = _post(client, item, "transition", {"name": name})
        assert response.status_code == 400
        assert "name" in response.json()["error"]["fields"]
    wrong_state = _post(client, item, "transition", {"name": "approve_answer"})
    assert wrong_state.status_code == 400
    assert wrong_state.json()["error"]["code"] == "handling.invalid_transition"


def test_draft_answer_publish_flow_through_the_api(as_user, staff, item, api):
    handler, head = as_user(staff.handler), as_user(staff.head)
    _post(handler, item, "transition", {"name": "start"})
    draft = _post(
        handler,
        item,
        "transition",
        {
            "name": "draft_answer",
            "answer": "Đã sửa đường.",
            "public_summary": "Đường hỏng",
            "public_answer": "Đã sửa.",
        },
    )
    assert draft.status_code == 200
    assert draft.json()["item"]["answers"][0]["body"] == "Đã sửa đường."
    approve = _post(head, item, "transition", {"name": "approve_answer"})
    assert approve.status_code == 200 and approve.json()["item"]["is_published"]
    assert api.get(f"/api/v1/published/{item.code}/").json()["answer"] == "Đã sửa."


@pytest.mark.parametrize(
    "who,status", [("receptionist", 200), ("leader", 200), ("handler", 403), ("front", 403)]
)
def test_route_matrix_reason_stays_internal(as_user, staff, tree, item, who, status):
    response = _post(
        as_user(getattr(staff, who)),
        item,
        "route",
        {"unit": tree.office.pk, "reason": "Thuộc văn phòng"},
    )
    assert response.status_code == status, response.content
    item.refresh_from_db()
    assert (item.handling_org == tree.office) is (status == 200)
    if status == 200:
        routed = item.events.filter(type=ItemEvent.Type.ROUTED).last()
        assert routed.public and "Thuộc văn phòng" not in routed.body
        note = item.events.get(type=ItemEvent.Type.NOTE)
        assert note.body == "Thuộc văn phòng" and not note.public


def test_route_and_assign_to_where_it_already_is_say_nothing_changed(as_user, staff, tree, item):
    """As in the back office: nothing recorded, the reason not kept, and the message says so."""
    client = as_user(staff.leader)
    events = item.events.count()
    for unit in (tree.commune.pk, None):  # chosen, or the rules' own choice
        body = {"reason": "Chuyển lại"} | ({"unit": unit} if unit else {})
        response = _post(client, item, "route", body)
        assert response.status_code == 200, response.content
        assert response.json()["message"] == "Ý kiến đã do đơn vị này xử lý: không có gì thay đổi."
    assert item.events.count() == events
    first = _post(client, item, "assign", {"handler": staff.handler.pk})
    assert first.json()["message"] == "Đã giao người xử lý."
    again = _post(client, item, "assign", {"handler": staff.handler.pk})
    assert again.json()["message"] == "Ý kiến đã được giao cho người này: không có gì thay đổi."
    moved = _post(client, item, "route", {"unit": tree.office.pk})
    assert moved.json()["message"] == "Đã chuyển đơn vị xử lý."


def test_route_bad_unit_is_400_and_nothing_written(as_user, staff, item):
    response = _post(as_user(staff.receptionist), item, "route", {"unit": 999999, "reason": "x"})
    assert response.status_code == 400 and "unit" in response.json()["error"]["fields"]
    assert not item.events.filter(type=ItemEvent.Type.NOTE).exists()


def test_route_out_of_scope_answers_with_null_item(as_user, staff, tree, item):
    response = _post(as_user(staff.receptionist), item, "route", {"unit": tree.sibling.pk})
    # The receptionist still sees it as the receiving unit's reception.
    assert response.status_code == 200
    handler_view = _post(as_user(staff.leader), item, "notes", {"body": "theo dõi"})
    assert handler_view.status_code == 200


@pytest.mark.parametrize("who,status", [("head", 200), ("handler", 403), ("receptionist", 403)])
def test_assign_matrix(as_user, staff, item, who, status):
    # Assigning someone else needs the approve rule (unit head, leader); see the self-assign test.
    other = user("xuly3", grants=[(item.handling_org, Role.HANDLER)])
    response = _post(as_user(getattr(staff, who)), item, "assign", {"handler": other.pk})
    assert response.status_code == status
    item.refresh_from_db()
    assert (item.handler_id == other.pk) is (status == 200)


def test_self_assign_and_bad_handler(as_user, staff, item):
    client = as_user(staff.handler)
    assert _post(client, item, "assign", {"handler": staff.handler.pk}).status_code == 200
    bad = _post(client, item, "assign", {"handler": staff.sibling_handler.pk})
    assert bad.status_code == 400 and "handler" in bad.json()["error"]["fields"]


@pytest.mark.parametrize(
    "who,status",
    [
        ("handler", 200),
        ("front", 200),
        ("receptionist", 200),
        ("sibling_handler", 404),
        ("nobody", 403),
    ],
)
def test_note_matrix(as_user, staff, item, who, status):
    response = _post(as_user(getattr(staff, who)), item, "notes", {"body": "Ghi chú"})
    assert response.status_code == status
    assert item.events.filter(type=ItemEvent.Type.NOTE).exists() is (status == 200)


def test_note_empty_is_400(as_user, staff, item):
    response = _post(as_user(staff.handler), item, "notes", {"body": ""})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["body"][0]["code"] == "blank"


def test_pa8_extend_only_by_unit_head_and_only_the_unit_set_answer_limit(as_user, staff, item):
    later = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    body = {"new_date": later, "reason": "Cần khảo sát hiện trường"}
    # Received: only the legal 10-working-day notice runs (TCD-11), which cannot be moved.
    legal = _post(as_user(staff.head), item, "extend", body)
    assert legal.status_code == 400
    assert legal.json()["error"]["code"] == "handling.invalid_transition"
    _post(as_user(staff.handler), item, "transition", {"name": "start"})
    assert _post(as_user(staff.handler), item, "extend", body).status_code == 403
    response = _post(as_user(staff.head), item, "extend", body)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.deadlines["answer"]["due"] == later
    past = _post(as_user(staff.head), item, "extend", {"new_date": "2000-01-01", "reason": "x"})
    assert past.status_code == 400
    bad = _post(as_user(staff.head), item, "extend", {"new_date": "05/03/2026", "reason": "x"})
    assert bad.json()["error"]["fields"]["new_date"][0]["code"] == "invalid"


@pytest.mark.parametrize("who,status", [("receptionist", 200), ("handler", 403)])
def test_classify_matrix(as_user, staff, item, who, status):
    response = _post(
        as_user(getattr(staff, who)),
        item,
        "classify",
        {"kind": "suggestion", "reason": "Thực chất là góp ý"},
    )
    assert response.status_code == status
    item.refresh_from_db()
    assert (item.kind == "suggestion") is (status == 200)


def test_classify_needs_a_reason(as_user, staff, item):
    response = _post(as_user(staff.receptionist), item, "classify", {"kind": "suggestion"})
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]


def test_kn5_complexity_needs_criteria_and_unit_head(as_user, staff, tree):
    complaint, _ = submit_one(tree.commune, kind=Kind.COMPLAINT, identity={"name": "Lê Thị Hoa"})
    head = as_user(staff.head)
    assert (
        _post(
            as_user(staff.handler),
            complaint,
            "complexity",
            {"complexity": "complex", "criteria": ["a", "b"]},
        ).status_code
        == 403
    )
    short = _post(head, complaint, "complexity", {"complexity": "complex", "criteria": []})
    assert short.status_code == 400
    assert short.json()["error"]["code"] == "handling.reason_required"
    response = _post(
        head,
        complaint,
        "complexity",
        {"complexity": "complex", "criteria": ["Nhiều địa điểm", "Nhiều nội dung"]},
    )
    assert response.status_code == 200
    assert response.json()["item"]["complexity"] == "complex"


def test_merge_matrix(as_user, staff, tree):
    a, _ = submit_one(tree.commune, body="Đường thôn 3 sạt lở")
    b, _ = submit_one(tree.commune, body="Đường thôn 3 bị sạt lở nặng")
    assert _post(as_user(staff.handler), a, "merge", {"into_code": b.code}).status_code == 403
    missing = _post(as_user(staff.receptionist), a, "merge", {"into_code": "26-ZZZZZZ"})
    assert missing.status_code == 400 and "into_code" in missing.json()["error"]["fields"]
    response = _post(as_user(staff.receptionist), a, "merge", {"into_code": b.code})
    assert response.status_code == 200
    a.refresh_from_db()
    assert a.duplicate_of_id == b.pk


def test_staff_item_lists_the_actions_the_back_office_offers(as_user, staff, item):
    handler = as_user(staff.handler).get(f"/api/v1/items/{item.pk}/").json()["allowed"]
    assert [t["name"] for t in handler["transitions"]] == ["start"]
    assert handler["self_assign"] and not handler["route"] and not handler["assign"]
    reception = as_user(staff.receptionist).get(f"/api/v1/items/{item.pk}/").json()["allowed"]
    assert reception["route"] and reception["classify"] and not reception["assign"]
    assert {t["name"] for t in reception["transitions"]} >= {"not_accept", "forward"}


def test_search_requires_a_query(as_user, staff):
    response = as_user(staff.handler).get("/api/v1/search/")
    assert response.status_code == 400 and "q" in response.json()["error"]["fields"]


def test_unknown_item_is_404_with_error_body(as_user, staff):
    response = as_user(staff.handler).get("/api/v1/items/999999/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Không tìm thấy."}}


def test_method_not_allowed_has_an_error_body(as_user, staff, item):
    response = as_user(staff.handler).delete(f"/api/v1/items/{item.pk}/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
