"""Writes of the API app: personal API keys (issue, revoke), each audited."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError, NotFound, PermissionDenied

from .models import ApiKey

KEY_PREFIX = "ln_"
MAX_ACTIVE_KEYS = 10


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _is_staff_actor(user: Any) -> bool:
    from langnghe.orgs.access import has_any_role

    return bool(getattr(user, "is_authenticated", False) and user.is_active and has_any_role(user))


@transaction.atomic
def api_key_issue(*, actor: Any, name: str) -> tuple[ApiKey, str]:
    """A new key for the actor themself; the raw key is returned once and never stored."""
    if not _is_staff_actor(actor):
        raise PermissionDenied(_("Chỉ cán bộ được phân quyền mới tạo được khóa API."))
    name = (name or "").replace("\x00", "").strip()
    if not name:
        raise ApplicationError(ApplicationError.INVALID, _("Vui lòng đặt tên cho khóa API."))
    if len(name) > 100:
        raise ApplicationError(ApplicationError.INVALID, _("Tên khóa tối đa 100 ký tự."))
    active = ApiKey.objects.select_for_update().filter(user=actor, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_KEYS:
        raise ApplicationError(
            ApplicationError.INVALID,
            _("Mỗi người dùng tối đa %(n)d khóa đang hoạt động; hãy thu hồi khóa cũ.")
            % {"n": MAX_ACTIVE_KEYS},
        )
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(user=actor, name=name, prefix=raw[:10], key_hash=hash_key(raw))
    audit_event_record(action="api_key.issued", obj=key, actor=actor, data={"name": name})
    return key, raw


@transaction.atomic
def api_key_revoke(*, actor: Any, key_id: int) -> ApiKey:
    """Revoke one of the actor's own keys (missing and someone else's look alike)."""
    if not getattr(actor, "is_authenticated", False):
        raise NotFound()
    key = ApiKey.objects.select_for_update().filter(pk=key_id, user_id=actor.pk).first()
    if key is None:
        raise NotFound()
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_event_record(action="api_key.revoked", obj=key, actor=actor)
    return key


def api_key_user(raw: str) -> Any | None:
    """The active user a presented key belongs to, or None. The lookup is by the hash of what was
    presented; the final comparison is in constant time."""
    if not raw or len(raw) > 200:
        return None
    digest = hash_key(raw)
    key = (
        ApiKey.objects.select_related("user")
        .filter(key_hash=digest, revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.key_hash, digest) or not key.user.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 300:
        # Written at most every five minutes: a busy script must not write on every request.
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key.user
