"""The OpenAPI document matches the behaviour: every API route is documented, and a real
response of every documented operation validates against the schema the document gives for
that status (jsonschema, with OpenAPI 3.0's `nullable` turned into JSON Schema)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import jsonschema
import pytest
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from referencing import Registry, Resource

from langnghe.intake.models import Kind, Topic

from ..factories import submit_one
from .conftest import answer_and_publish

pytestmark = pytest.mark.django_db


def _jsonschema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects → JSON Schema (draft 2020-12)."""
    if isinstance(node, list):
        return [_jsonschema(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _jsonschema(v) for k, v in node.items()}
    if node.pop("nullable", False):
        if "type" in node and "$ref" not in node and "allOf" not in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


class Schema:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        root = _jsonschema(document)
        self.registry = Registry().with_resource("urn:api", Resource.opaque(root))
        self.root = root
        self.seen: set[tuple[str, str]] = set()

    def operations(self) -> set[tuple[str, str]]:
        return {
            (path, method)
            for path, item in self.document["paths"].items()
            for method in item
            if method in ("get", "post", "put", "patch", "delete")
        }

    def template_for(self, url: str) -> str:
        path = url.split("?")[0].replace("http://testserver", "")
        for template in self.document["paths"]:
            pattern = "^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$"
            if re.match(pattern, path):
                return template
        raise AssertionError(f"{path} is not documented")

    def check(self, response: Any, method: str, url: str, expect: int | None = None) -> Any:
        if expect is not None:
            assert response.status_code == expect, (url, response.content.decode()[:500])
        template = self.template_for(url)
        operation = self.document["paths"][template][method]
        responses = operation["responses"]
        status = str(response.status_code)
        assert status in responses, f"{method.upper()} {template}: {status} is not documented"
        schema = responses[status]["content"]["application/json"]["schema"]
        schema = _jsonschema(schema)
        if "$ref" in schema:
            schema = {"$ref": "urn:api" + schema["$ref"]}
        schema = _rebase(schema)
        jsonschema.Draft202012Validator(schema, registry=self.registry).validate(response.json())
        if response.status_code < 300:
            self.seen.add((template, method))
        return response


def _rebase(node: Any) -> Any:
    if isinstance(node, list):
        return [_rebase(n) for n in node]
    if isinstance(node, dict):
        return {
            k: ("urn:api" + v if k == "$ref" and v.startswith("#") else _rebase(v))
            for k, v in node.items()
        }
    return node


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    doc = response.json()
    # Components reference each other with "#/components/...": rebase them too.
    doc_rebased = _rebase(doc)
    s = Schema(doc)
    s.registry = Registry().with_resource("urn:api", Resource.opaque(_jsonschema(doc_rebased)))
    return s


def _api_routes() -> set[str]:
    """Every URL pattern under /api/v1/, as an OpenAPI path template."""
    resolver = get_resolver()
    found: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                found.add("/" + prefix + route)

    walk(resolver.url_patterns, "")
    return {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r) for r in found if r.startswith("/api/v1/")}


def test_every_api_route_is_documented_and_nothing_else(schema):
    assert _api_routes() == set(schema.document["paths"])


def test_docs_pages_use_no_external_asset(client):
    # Swagger UI only: Redoc's page loads web fonts from Google, so it is not served.
    assert client.get("/api/redoc/").status_code == 404
    for url in ("/api/docs/",):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        external = re.findall(r"""(?:src|href)=["'](https?:)?//[^"']+""", html)
        assert external == [], (url, external)
        assert "/static/drf_spectacular_sidecar/" in html


class _Recording(QueryDict):
    """A request's query parameters that note each name the view reads."""

    def __init__(self, query_string: str, seen: set[str], **kwargs: Any) -> None:
        self.seen = set()  # the constructor's own reads of the keys it stores do not count
        super().__init__(query_string, **kwargs)
        self.seen = seen

    def __contains__(self, key: object) -> bool:
        self.seen.add(str(key))
        return super().__contains__(key)

    def __getitem__(self, key: str) -> Any:
        self.seen.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.seen.add(key)
        return super().get(key, default)

    def getlist(self, key: str, default: Any = None) -> Any:
        self.seen.add(key)
        return super().getlist(key, default)


@pytest.fixture
def query_reads(monkeypatch):
    """{(path, method): names of the query parameters the API view read}."""
    from rest_framework.request import Request

    reads: dict[tuple[str, str], set[str]] = {}
    original = Request.query_params.fget

    def recording(self: Any) -> QueryDict:
        params = original(self)
        seen = reads.setdefault((self._request.path, self.method.lower()), set())
        return _Recording(params.urlencode(), seen, encoding=params.encoding)

    monkeypatch.setattr(Request, "query_params", property(recording))
    return reads


def _documented_query_parameters(schema: Schema, template: str, method: str) -> set[str]:
    operation = schema.document["paths"][template][method]
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def test_every_operation_answers_as_documented(
    schema, api, tree, staff, as_user, settings, query_reads
):
    """One walk through every documented operation, checking each response against the schema,
    and that every query parameter a view reads is documented."""
    settings.LANGNGHE = {**settings.LANGNGHE, "DEPLOYMENT_ORG_CODE": tree.commune.slug}
    Topic.objects.create(code="giao-thong", name_vi="Giao thông", name_en="Roads")
    check = schema.check
    # Public
    created = check(
        api.post(
            "/api/v1/items/",
            {"parts": [{"kind": "feedback", "body": "Đường thôn 3 sạt lở"}], "topic": "giao-thong"},
            format="json",
        ),
        "post",
        "/api/v1/items/",
    ).json()
    code, secret = created["items"][0]["code"], created["secret"]
    check(api.post("/api/v1/items/", {"parts": []}, format="json"), "post", "/api/v1/items/")
    receipt = {"code": code, "secret": secret}
    check(api.post("/api/v1/track/", receipt, format="json"), "post", "/api/v1/track/")
    check(
        api.get("/api/v1/track/", HTTP_X_RECEIPT_CODE=code, HTTP_X_RECEIPT_SECRET=secret),
        "get",
        "/api/v1/track/",
    )
    check(
        api.post("/api/v1/track/", {"code": code, "secret": "AAAAA-BBBBB"}, format="json"),
        "post",
        "/api/v1/track/",
    )
    check(api.get("/api/v1/topics/"), "get", "/api/v1/topics/")

    from langnghe.intake.models import Item

    item = Item.objects.get(code=code)
    handler, head, reception = (
        as_user(staff.handler),
        as_user(staff.head),
        as_user(staff.receptionist),
    )
    base = f"/api/v1/items/{item.pk}/"
    # Staff
    check(handler.get("/api/v1/inbox/", {"page_size": 1}), "get", "/api/v1/inbox/")
    check(api.get("/api/v1/inbox/"), "get", "/api/v1/inbox/")
    check(as_user(staff.nobody).get("/api/v1/inbox/"), "get", "/api/v1/inbox/")
    check(handler.get("/api/v1/inbox/", {"kind": "x"}), "get", "/api/v1/inbox/")
    check(handler.get("/api/v1/search/", {"q": "sạt lở"}), "get", "/api/v1/search/")
    check(handler.get(base), "get", base)
    check(handler.get("/api/v1/items/999999/"), "get", base)
    check(
        handler.post(base + "notes/", {"body": "Ghi chú"}, format="json"), "post", base + "notes/"
    )
    check(handler.post(base + "notes/", {"body": ""}, format="json"), "post", base + "notes/")
    check(
        handler.post(base + "assign/", {"handler": staff.handler.pk}, format="json"),
        "post",
        base + "assign/",
    )
    check(
        handler.post(base + "transition/", {"name": "start"}, format="json"),
        "post",
        base + "transition/",
        200,
    )
    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    check(
        head.post(base + "extend/", {"new_date": later, "reason": "Khảo sát"}, format="json"),
        "post",
        base + "extend/",
    )
    check(
        handler.post(base + "extend/", {"new_date": later, "reason": "x"}, format="json"),
        "post",
        base + "extend/",
    )
    other, _ = submit_one(tree.commune, body="Đường thôn 3 sạt lở nặng")
    check(
        reception.post(
            f"/api/v1/items/{other.pk}/classify/",
            {"kind": Kind.SUGGESTION, "reason": "Là góp ý"},
            format="json",
        ),
        "post",
        base + "classify/",
    )
    complaint, _ = submit_one(tree.commune, kind=Kind.COMPLAINT, identity={"name": "Lê Thị Hoa"})
    check(
        head.post(
            f"/api/v1/items/{complaint.pk}/complexity/",
            {"complexity": "complex", "criteria": ["Nhiều địa điểm", "Nhiều nội dung"]},
            format="json",
        ),
        "post",
        base + "complexity/",
    )
    third, _ = submit_one(tree.commune, body="Đường sạt")
    fourth, _ = submit_one(tree.commune, body="Đường sạt lở")
    check(
        reception.post(
            f"/api/v1/items/{third.pk}/merge/", {"into_code": fourth.code}, format="json"
        ),
        "post",
        base + "merge/",
    )
    check(
        reception.post(
            f"/api/v1/items/{fourth.pk}/route/", {"unit": tree.office.pk}, format="json"
        ),
        "post",
        base + "route/",
    )
    # Question, reply, answer, publish, rate, reopen.
    check(
        handler.post(
            base + "transition/", {"name": "request_info", "message": "Thôn nào?"}, format="json"
        ),
        "post",
        base + "transition/",
        200,
    )
    check(
        api.post("/api/v1/track/reply/", {**receipt, "message": "Thôn 3"}, format="json"),
        "post",
        "/api/v1/track/reply/",
        200,
    )
    answer_and_publish_from_progress(item, staff)
    check(
        api.post("/api/v1/track/rate/", {**receipt, "rating": 5}, format="json"),
        "post",
        "/api/v1/track/rate/",
    )
    check(
        api.post("/api/v1/track/rate/", {**receipt, "rating": 9}, format="json"),
        "post",
        "/api/v1/track/rate/",
    )
    check(api.get("/api/v1/published/", {"page_size": 1}), "get", "/api/v1/published/")
    check(api.get("/api/v1/published/", {"unit": "khong-co"}), "get", "/api/v1/published/")
    check(api.get(f"/api/v1/published/{code}/"), "get", "/api/v1/published/{code}/")
    check(api.get("/api/v1/published/26-ZZZZZZ/"), "get", "/api/v1/published/{code}/")
    check(
        api.post("/api/v1/track/reopen/", {**receipt, "message": "Chưa xong"}, format="json"),
        "post",
        "/api/v1/track/reopen/",
    )
    publication = _published_publication(tree, staff)
    check(api.get("/api/v1/publications/", {"page_size": 1}), "get", "/api/v1/publications/")
    check(api.get("/api/v1/publications/", {"category": "x"}), "get", "/api/v1/publications/")
    one = f"/api/v1/publications/{publication.pk}/"
    check(api.get(one), "get", one, 200)
    check(api.get("/api/v1/publications/999999/"), "get", one, 404)
    assert schema.seen == schema.operations()

    # DRF's own content negotiation reads ?format=; the views read the rest.
    undocumented = {
        (template, method): names - _documented_query_parameters(schema, template, method)
        for (path, method), names in query_reads.items()
        for template in [schema.template_for(path)]
    }
    assert {k: v - {"format"} for k, v in undocumented.items() if v - {"format"}} == {}
    assert {"cursor", "page_size"} <= query_reads[("/api/v1/inbox/", "get")]


def _published_publication(tree: Any, staff: Any) -> Any:
    from langnghe.disclosure.services import publication_create, publication_publish
    from langnghe.orgs.models import Role

    from ..factories import user

    manager = user(grants=[(tree.commune, Role.LEADER)])
    publication = publication_create(
        actor=manager,
        organisation=tree.commune,
        category="dc1_02_budget",
        title="Dự toán ngân sách xã năm 2026",
        body="Tổng thu 12 tỷ đồng.",
        decided_on=timezone.localdate(),
    )
    return publication_publish(publication=publication, actor=manager)


def answer_and_publish_from_progress(item: Any, staff: Any) -> None:
    from langnghe.handling.services import item_transition

    item_transition(
        item=item,
        name="draft_answer",
        actor=staff.handler,
        answer="Đã sửa.",
        public_summary="Đường thôn 3 sạt lở",
        public_answer="Đã sửa.",
    )
    item_transition(item=item, name="approve_answer", actor=staff.head)


def test_published_helper_is_shared(tree, staff):
    item, _ = submit_one(tree.commune)
    answer_and_publish(item, staff.handler, staff.head)
    item.refresh_from_db()
    assert item.is_published


def test_the_check_itself_can_fail(schema, api, tree):
    """A body that breaks the documented shape is caught (the check is not vacuous)."""

    class Fake:
        status_code = 200

        @staticmethod
        def json() -> Any:
            return [{"code": 1, "name": None}]

    with pytest.raises(jsonschema.ValidationError):
        schema.check(Fake(), "get", "/api/v1/topics/")

    class Undocumented(Fake):
        status_code = 418

    with pytest.raises(AssertionError):
        schema.check(Undocumented(), "get", "/api/v1/topics/")
