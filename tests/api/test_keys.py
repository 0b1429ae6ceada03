"""Personal API keys: the service (issue, revoke, limits) and the staff page at /api/khoa/."""

from __future__ import annotations

import pytest

from langnghe.api.models import ApiKey
from langnghe.api.services import MAX_ACTIVE_KEYS, api_key_issue, api_key_revoke, api_key_user
from langnghe.core.errors import ApplicationError, NotFound, PermissionDenied
from langnghe.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_issue_stores_only_a_hash_and_audits(staff):
    key, raw = api_key_issue(actor=staff.handler, name="Bảng điều khiển")
    assert raw.startswith("ln_") and len(raw) > 40
    assert raw not in key.key_hash and key.prefix == raw[:10]
    assert api_key_user(raw) == staff.handler
    assert api_key_user(raw + "x") is None and api_key_user("") is None
    assert AuditEvent.objects.filter(action="api_key.issued", object_id=key.pk).exists()


def test_only_staff_with_grants_get_keys(staff):
    with pytest.raises(PermissionDenied):
        api_key_issue(actor=staff.nobody, name="x")


def test_name_required_and_active_keys_capped(staff):
    with pytest.raises(ApplicationError):
        api_key_issue(actor=staff.handler, name="  ")
    for n in range(MAX_ACTIVE_KEYS):
        api_key_issue(actor=staff.handler, name=f"k{n}")
    with pytest.raises(ApplicationError):
        api_key_issue(actor=staff.handler, name="one more")


def test_revoke_only_own_keys(staff):
    key, raw = api_key_issue(actor=staff.handler, name="k")
    with pytest.raises(NotFound):
        api_key_revoke(actor=staff.head, key_id=key.pk)
    api_key_revoke(actor=staff.handler, key_id=key.pk)
    assert api_key_user(raw) is None


def test_inactive_user_key_stops_working(staff):
    _key, raw = api_key_issue(actor=staff.handler, name="k")
    staff.handler.is_active = False
    staff.handler.save(update_fields=["is_active"])
    assert api_key_user(raw) is None


def test_keys_page_anonymous_goes_to_login(client, db):
    response = client.get("/api/khoa/")
    assert response.status_code == 302 and "/quan-ly/dang-nhap/" in response["Location"]


def test_keys_page_issue_shows_key_once_then_revoke(client, staff):
    client.force_login(staff.handler)
    page = client.get("/api/khoa/")
    assert page.status_code == 200 and "Khóa API cá nhân" in page.content.decode()
    created = client.post("/api/khoa/", {"name": "Báo cáo tuần"})
    assert created.status_code == 200
    html = created.content.decode()
    key = ApiKey.objects.get(user=staff.handler)
    raw = html.split('class="api-key">')[1].split("<")[0]
    assert api_key_user(raw) == staff.handler
    assert created["Cache-Control"].startswith("no-store")
    again = client.get("/api/khoa/").content.decode()
    assert raw not in again and key.prefix in again
    revoked = client.post("/api/khoa/", {"revoke": str(key.pk)})
    assert revoked.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_keys_page_bad_input_keeps_the_form(client, staff):
    client.force_login(staff.handler)
    response = client.post("/api/khoa/", {"name": ""})
    assert response.status_code == 400
    assert ApiKey.objects.count() == 0
    other, _raw = api_key_issue(actor=staff.head, name="của người khác")
    response = client.post("/api/khoa/", {"revoke": str(other.pk)}, follow=True)
    assert "Không tìm thấy khóa này." in response.content.decode()
    other.refresh_from_db()
    assert other.revoked_at is None
    assert client.post("/api/khoa/", {"revoke": "abc"}).status_code == 302


def test_keys_page_user_without_grants_gets_a_message_not_a_500(client, staff):
    client.force_login(staff.nobody)
    response = client.post("/api/khoa/", {"name": "k"})
    assert response.status_code == 403
    assert "Chỉ cán bộ được phân quyền" in response.content.decode()
