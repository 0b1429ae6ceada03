"""The hostile corpus (tests/hostile/corpus) through the real HTTP interface: the portal's submit
and tracking forms, the REST API, Open311, the back office's item forms, the import upload and
the search boxes. For every input: no 5xx; refused input answers with a Vietnamese message and
the user's text kept (escaped) in the form; nothing stored half-way; HTML comes back escaped;
accepted files are re-encoded without their metadata."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from langnghe.intake.models import Attachment, Item

from ..factories import submit_one
from .conftest import OPEN311_KEY, media_files, row_counts, token_for
from .corpus import (
    FILE_NAMES,
    INVALID_UTF8,
    LONE_SURROGATE,
    QUERIES,
    SCRIPT,
    TEXTS,
    hostile_files,
    png,
)

pytestmark = pytest.mark.django_db

ALL_TEXTS = {**TEXTS, "lone_surrogate": LONE_SURROGATE}
VIETNAMESE = ("Vui lòng", "không", "Tối đa", "quá", "hợp lệ", "Chưa", "Không")


def _ok(response):
    assert response.status_code < 500, response.content[:3000]
    return response


def _page(response) -> str:
    return response.content.decode("utf-8", "replace")


def _escaped(page: str) -> None:
    """No markup from the corpus reaches the page unescaped."""
    for raw in ("<script>alert", "<img src=x onerror", "<svg/onload", "<!DOCTYPE x [", "<x>&e;"):
        assert raw not in page, raw


def _each(names, check) -> None:
    """Run `check(name)` for every name; report every failing name at the end, not the first."""
    from django.core.cache import cache

    failures = {}
    for name in names:
        cache.clear()  # the abuse limits: one client trying 35 texts in a row is not a spammer
        try:
            check(name)
        except AssertionError as exc:
            failures[name] = str(exc)[:500]
    assert not failures, failures


def _submit_data(site, **overrides):
    data = {
        "kind": "feedback",
        "body": "Đường thôn 3 bị sạt lở",
        "commune": str(site.commune_unit.pk),
        "name": "Nguyễn Văn An",
        "group_size": "1",
    }
    data.update(overrides)
    return data


# --- the portal's submit form ------------------------------------------------------------------


# Lone surrogates cannot be form-encoded as UTF-8: forms get their invalid UTF-8 encoding
# (INVALID_UTF8["encoded_surrogate"]); JSON carries them escaped ("\ud800").
def test_portal_submit_text(client, site):
    """Every text of the corpus, one after the other (one set of fixtures for all)."""
    _each(sorted(TEXTS), lambda name: _portal_submit_text(client, site, name))


def _portal_submit_text(client, site, name):
    text = TEXTS[name]
    before = row_counts()
    response = _ok(client.post("/gop-y/", _submit_data(site, body=text, title=text[:200])))
    page = _page(response)
    _escaped(page)
    if response.status_code == 302:
        item = Item.objects.order_by("-pk").first()
        assert item is not None and row_counts()["Item"] == before["Item"] + 1
        assert SCRIPT not in text or SCRIPT in item.body  # stored as typed, escaped when shown
    else:
        assert response.status_code == 200
        assert row_counts() == before
        assert any(word in page for word in VIETNAMESE)


@pytest.mark.parametrize("name", ["script_tag", "img_onerror", "sql_drop", "rtl_override"])
def test_portal_refused_form_keeps_the_text_escaped(client, site, name):
    """An invalid phone number makes the form come back: the citizen's text is still there,
    escaped, never executed."""
    text = TEXTS[name]
    before = row_counts()
    response = _ok(client.post("/gop-y/", _submit_data(site, body=text, phone="not a phone")))
    page = _page(response)
    assert response.status_code == 200 and row_counts() == before
    assert "Số điện thoại không hợp lệ" in page
    from django.utils.html import escape

    assert escape(text) in page
    _escaped(page)
    if name == "script_tag":
        assert "&lt;script&gt;" in page


def test_submitted_script_is_escaped_for_staff(client, site, staff):
    _ok(client.post("/gop-y/", _submit_data(site, body=TEXTS["script_tag"], name=SCRIPT)))
    item = Item.objects.get()
    client.force_login(staff.handler)
    page = _page(_ok(client.get(f"/quan-ly/y-kien/{item.pk}/")))
    assert "&lt;script&gt;" in page
    _escaped(page)


@pytest.mark.parametrize("name", sorted(INVALID_UTF8))
def test_portal_submit_invalid_utf8_in_multipart(client, site, name):
    boundary = "hostileBOUNDARY"
    fields = _submit_data(site)
    body = b""
    for key, value in fields.items():
        raw = INVALID_UTF8[name] if key == "body" else value.encode()
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode()
            + raw
            + b"\r\n"
        )
    body += f"--{boundary}--\r\n".encode()
    before = row_counts()
    response = _ok(
        client.generic(
            "POST", "/gop-y/", body, content_type=f"multipart/form-data; boundary={boundary}"
        )
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert row_counts() == before


@pytest.mark.parametrize("size_mb", [1, 10])
def test_portal_submit_huge_body(client, site, size_mb):
    before = row_counts()
    big = "Đ" * (size_mb * 1024 * 1024 // 2)
    response = _ok(client.post("/gop-y/", _submit_data(site, body=big)))
    page = _page(response)
    assert response.status_code == 200 and row_counts() == before
    assert "quá dài" in page or "quá lớn" in page


@pytest.mark.parametrize("hostile", hostile_files(), ids=lambda f: f.note)
def test_portal_submit_hostile_file(client, site, settings, hostile):
    before, files_before = row_counts(), media_files(settings)
    upload = SimpleUploadedFile(hostile.name, hostile.data, content_type="image/png")
    response = _ok(client.post("/gop-y/", {**_submit_data(site), "attachments": [upload]}))
    if not hostile.accepted:
        assert response.status_code == 200
        assert row_counts() == before and media_files(settings) == files_before
        assert "Tệp" in _page(response) or "Ảnh" in _page(response)
        return
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    stored = attachment.file.read()
    for secret in (b"SECRET", b"/JavaScript", b"/OpenAction", b"Exif", b"HostileCam", b"XMP"):
        assert secret not in stored, secret
    assert hostile.name not in attachment.file.name


@pytest.mark.parametrize("file_name", FILE_NAMES)
def test_portal_submit_path_tricks_in_file_names(client, site, settings, file_name):
    upload = SimpleUploadedFile(file_name or "x", png(), content_type="image/png")
    response = _ok(client.post("/gop-y/", {**_submit_data(site), "attachments": [upload]}))
    assert response.status_code in (200, 302)
    for path in media_files(settings):
        assert path.startswith((str(settings.MEDIA_ROOT), str(settings.SEALED_ROOT)))
        assert ".." not in path and "passwd" not in path and "\x00" not in path


# --- tracking and search ---------------------------------------------------------------------


def test_track_form_text(client, site):
    """Every text of the corpus, one after the other (one set of fixtures for all)."""
    _each(sorted(TEXTS), lambda name: _track_form_text(client, site, name))


def _track_form_text(client, site, name):
    text = TEXTS[name]
    response = _ok(client.post("/tra-cuu/", {"code": text, "secret": text}))
    assert response.status_code in (200, 429)
    _escaped(_page(response))


@pytest.mark.parametrize("query", QUERIES + [TEXTS["long_text_1mb"][:100_000]])
def test_search_queries(client, site, staff, query):
    submit_one(site.commune)
    _escaped(_page(_ok(client.get("/tim-kiem/", {"q": query}))))
    api = token_for(staff.handler)
    _ok(client.get("/api/v1/search/", {"q": query}, HTTP_AUTHORIZATION=f"Token {api}"))
    _ok(client.get("/api/v1/published/", {"q": query}))


# --- the REST API and Open311 ------------------------------------------------------------------


def _api_post(client, data, **extra):
    body = data if isinstance(data, (bytes, str)) else json.dumps(data)
    return client.post("/api/v1/items/", body, content_type="application/json", **extra)


def test_api_submit_text(client, site):
    """Every text of the corpus, one after the other (one set of fixtures for all)."""
    _each(sorted(ALL_TEXTS), lambda name: _api_submit_text(client, site, name))


def _api_submit_text(client, site, name):
    text = ALL_TEXTS[name]
    before = row_counts()
    body = json.dumps({"parts": [{"kind": "feedback", "body": text}], "title": text[:200]})
    response = _ok(_api_post(client, body.encode("utf-8", "surrogatepass")))
    assert response.status_code in (201, 400, 413, 429)
    if response.status_code != 201:
        assert row_counts() == before
        assert response.json()["error"]["message"]


@pytest.mark.parametrize(
    "payload",
    [
        "[" * 10_000 + "]" * 10_000,
        '{"parts":' * 10_000 + "1" + "}" * 10_000,
        json.dumps({"parts": [{"kind": "feedback", "body": "x"}] * 100_000}),
        json.dumps({"parts": [{"kind": "feedback", "body": "x"}], "indicators": ["1"] * 100_000}),
        json.dumps({"parts": "x" * (10 * 1024 * 1024)}),
        "{not json",
        "\xff\xfe",
        json.dumps({"parts": [{"kind": {"$ne": 1}, "body": ["a"]}], "group_size": 10**100}),
        json.dumps({"parts": [{"kind": "feedback", "body": "x"}], "commune": 2**70}),
        json.dumps({"parts": [{"kind": "feedback", "body": "x"}], "concerned_person": -(2**70)}),
        "null",
        "1e999999",
    ],
    ids=[
        "nested_arrays_10k",
        "nested_objects_10k",
        "array_100k_parts",
        "array_100k_indicators",
        "json_10mb",
        "broken",
        "not_utf8",
        "operator_objects",
        "overflow_commune",
        "overflow_person",
        "null",
        "huge_number",
    ],
)
def test_api_submit_hostile_json(client, site, payload):
    before = row_counts()
    response = _ok(_api_post(client, payload.encode("utf-8", "surrogatepass")))
    assert 400 <= response.status_code < 500
    assert row_counts() == before


def test_open311_post_text(client, integration, site):
    """Every text of the corpus, one after the other (one set of fixtures for all)."""
    _each(sorted(TEXTS), lambda name: _open311_post_text(client, integration, site, name))


def _open311_post_text(client, integration, site, name):
    text = TEXTS[name]
    before = row_counts()
    data = {
        "api_key": OPEN311_KEY,
        "service_code": "giao-thong",
        "description": text,
        "address_string": text[:300],
        "first_name": text[:50],
    }
    response = _ok(client.post("/open311/v2/requests.json", data))
    if response.status_code >= 400:
        assert row_counts() == before
        assert response.json()[0]["description"]


@pytest.mark.parametrize("query", QUERIES)
def test_open311_get_parameters(client, integration, query):
    for param in ("service_request_id", "service_code", "start_date", "end_date", "status"):
        _ok(client.get("/open311/v2/requests.json", {param: query}))
        _ok(client.get("/open311/v2/requests.xml", {param: query}))


# --- the back office ------------------------------------------------------------------------


def test_backoffice_item_forms_text(client, site, staff):
    """Every text of the corpus, one after the other (one set of fixtures for all)."""
    _each(sorted(TEXTS), lambda name: _backoffice_item_forms_text(client, site, staff, name))


def _backoffice_item_forms_text(client, site, staff, name):
    text = TEXTS[name]
    item, _secret = submit_one(site.commune)
    client.force_login(staff.head)
    for url, data in [
        (f"/quan-ly/y-kien/{item.pk}/ghi-chu/", {"body": text}),
        (f"/quan-ly/y-kien/{item.pk}/phan-loai/", {"kind": "feedback", "reason": text}),
        (f"/quan-ly/y-kien/{item.pk}/thao-tac/start/", {}),
        (
            f"/quan-ly/y-kien/{item.pk}/thao-tac/draft_answer/",
            {
                "t-draft_answer-answer": text,
                "t-draft_answer-public_summary": text,
                "t-draft_answer-public_answer": text,
            },
        ),
    ]:
        before = row_counts()
        response = _ok(client.post(url, data))
        if response.status_code != 302:
            assert row_counts() == before, url
    _escaped(_page(client.get(f"/quan-ly/y-kien/{item.pk}/")))


# --- the import upload ------------------------------------------------------------------------

CSV_HEAD = "Ngày nhận;Họ tên;Nội dung;Loại đơn\n"


def _imports(client, staff, name, data, mapping="so-tiep-cong-dan"):
    client.force_login(staff.receptionist)
    from langnghe.imports.mapping import mapping_examples

    mapping = mapping if mapping in mapping_examples() else next(iter(mapping_examples()))
    return client.post(
        "/quan-ly/nhap-du-lieu/",
        {
            "organisation": str(staff.receptionist.grants.first().organisation_id),
            "mapping": mapping,
            "file": SimpleUploadedFile(name, data),
        },
    )


@pytest.mark.parametrize(
    "name,data",
    [
        ("so.csv", (CSV_HEAD + f"01/02/2025;{SCRIPT};{TEXTS['sql_drop']};Kiến nghị\n").encode()),
        ("so.csv", (CSV_HEAD + "01/02/2025;A;" + "x" * 200_000 + ";Kiến nghị\n").encode()),
        ("so.csv", CSV_HEAD.encode() + INVALID_UTF8["latin1"]),
        ("so.csv", (CSV_HEAD + '"unterminated;\x00;a\n').encode()),
        ("so.csv", ("a;" * 5000 + "\n").encode() * 10),
        ("so.csv", b""),
        ("so.xlsx", b"PK\x03\x04 not really a zip"),
        ("so.xlsx", png()),
        ("../../etc/passwd.csv", CSV_HEAD.encode()),
        ("so.exe", b"MZ"),
        ("so.csv\x00.exe", CSV_HEAD.encode()),
        ("a" * 300 + ".csv", CSV_HEAD.encode()),
    ],
)
def test_import_upload_hostile_register(client, staff, name, data):
    before = row_counts()
    response = _ok(_imports(client, staff, name, data))
    assert response.status_code in (200, 400)
    # The upload is a dry run (a check): nothing is imported before the confirmation.
    assert row_counts()["Item"] == before["Item"]
    _escaped(_page(response))


@pytest.mark.parametrize(
    "mapping",
    [
        "max_header_row: abc\ncolumns: {received_at: A, body: B}\ndefault_kind: feedback",
        "kinds: [a]\ncolumns: {received_at: A, body: B}\ndefault_kind: feedback",
        "optional: 5\ncolumns: {received_at: A, body: B}\ndefault_kind: feedback",
        "a: &a [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
        "!!python/object/apply:os.system ['echo pwned']",
        "columns: " + "[" * 5000 + "]" * 5000,
        "\xff\xfe",
    ],
)
def test_import_upload_hostile_mapping_file(client, staff, mapping):
    client.force_login(staff.receptionist)
    before = row_counts()
    response = _ok(
        client.post(
            "/quan-ly/nhap-du-lieu/",
            {
                "organisation": str(staff.receptionist.grants.first().organisation_id),
                "mapping_file": SimpleUploadedFile(
                    "m.yaml", mapping.encode("utf-8", "surrogatepass")
                ),
                "file": SimpleUploadedFile("so.csv", (CSV_HEAD + "01/02/2025;A;B;C\n").encode()),
            },
        )
    )
    assert response.status_code == 200
    assert row_counts()["Item"] == before["Item"]
