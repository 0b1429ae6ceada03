"""Open311 writes: integrations (created with a key shown once) and the service requests they post,
which become ordinary items of the spine through langnghe.intake.services.item_submit."""

from __future__ import annotations

import hmac
import math
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.api.services import hash_key
from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError, PermissionDenied
from langnghe.core.text import is_deliverable_email
from langnghe.intake.models import Channel
from langnghe.intake.services import Part, Submission, item_submit
from langnghe.orgs.access import has_role_over
from langnghe.orgs.models import Organisation, Role, RoleGrant

from .models import Integration, ServiceRequest
from .selectors import offered_kinds, service_by_code

MANAGE_ROLES = (Role.ADMIN, Role.LEADER)
MIN_KEY_LENGTH = 16
MAX_FIELD = 255
MAX_DESCRIPTION = 10_000


class Open311Error(ApplicationError):
    """A GeoReport error: `http_status` is also the `code` of the spec's error body."""

    API_KEY = "open311.api_key"
    MISSING = "open311.missing"
    SERVICE = "open311.service_code"
    LOCATION = "open311.location"
    JURISDICTION = "open311.jurisdiction"

    def __init__(self, code: str, message: Any, *, status: int = 400) -> None:
        super().__init__(code, message)
        self.http_status = status


@transaction.atomic
def integration_create(
    *, actor: Any, name: str, receiving_org: Organisation, raw_key: str = "", contact: str = ""
) -> tuple[Integration, str]:
    """A new integration receiving at `receiving_org`, by an admin or leader of that unit.

    Returns the integration and its key (generated unless given), which is never stored."""
    if not has_role_over(actor, receiving_org, MANAGE_ROLES):
        raise PermissionDenied()
    name = (name or "").replace("\x00", "").strip()
    if not name or len(name) > 120:
        raise ApplicationError(ApplicationError.INVALID, _("Tên hệ thống từ 1 đến 120 ký tự."))
    if Integration.objects.filter(name=name).exists():
        raise ApplicationError(ApplicationError.INVALID, _("Đã có hệ thống kết nối cùng tên."))
    if not receiving_org.accepts_items:
        raise ApplicationError(ApplicationError.INVALID, _("Đơn vị này không tiếp nhận ý kiến."))
    raw_key = raw_key or secrets.token_urlsafe(32)
    if len(raw_key) < MIN_KEY_LENGTH:
        raise ApplicationError(
            ApplicationError.INVALID,
            _("Khóa tối thiểu %(n)d ký tự.") % {"n": MIN_KEY_LENGTH},
        )
    if Integration.objects.filter(key_hash=hash_key(raw_key)).exists():
        raise ApplicationError(ApplicationError.INVALID, _("Khóa này đã được dùng."))
    users = get_user_model()
    username = f"open311-{secrets.token_hex(4)}"
    # No password: the account cannot log in; it only carries the integration's grant.
    account = users.objects.create_user(
        username=username, first_name=name[:150], email="", password=None
    )
    # The integration is a reception desk of its receiving unit (see Integration's docstring).
    RoleGrant.objects.create(user=account, organisation=receiving_org, role=Role.RECEPTIONIST)
    integration = Integration.objects.create(
        name=name,
        receiving_org=receiving_org,
        key_hash=hash_key(raw_key),
        account=account,
        contact=(contact or "").strip()[:200],
    )
    audit_event_record(
        action="open311.integration_created",
        obj=integration,
        actor=actor,
        data={"name": name, "receiving_org": receiving_org.pk},
    )
    return integration, raw_key


@transaction.atomic
def integration_deactivate(*, actor: Any, integration: Integration) -> Integration:
    if not has_role_over(actor, integration.receiving_org, MANAGE_ROLES):
        raise PermissionDenied()
    integration = Integration.objects.select_for_update().get(pk=integration.pk)
    if integration.active:
        integration.active = False
        integration.save(update_fields=["active"])
        audit_event_record(action="open311.integration_deactivated", obj=integration, actor=actor)
    return integration


def integration_for_key(raw_key: str | None) -> Integration | None:
    """The active integration a presented key belongs to; the final comparison is constant-time."""
    if not raw_key or len(raw_key) > 200:
        return None
    digest = hash_key(raw_key)
    integration = (
        Integration.objects.select_related("receiving_org", "account")
        .filter(key_hash=digest, active=True)
        .first()
    )
    if integration is None or not hmac.compare_digest(integration.key_hash, digest):
        return None
    return integration


@dataclass
class RequestInput:
    """The parameters of a GeoReport POST requests, as strings (the form fields)."""

    service_code: str = ""
    jurisdiction_id: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


# A WGS84 coordinate in decimal degrees, ASCII digits only (float() would also take "1_0",
# "１４.１" or "1e1").
COORDINATE = re.compile(r"[+-]?[0-9]{1,3}(\.[0-9]{1,15})?")


def _coordinate(value: str, name: str, limit: float) -> float:
    value = value.strip()
    number = float(value) if COORDINATE.fullmatch(value) else math.nan
    if math.isnan(number) or not -limit <= number <= limit:
        raise Open311Error(
            Open311Error.LOCATION, _("%(name)s không hợp lệ.") % {"name": name}, status=400
        )
    return number


def _short(value: str, name: str, limit: int = MAX_FIELD) -> str:
    value = (value or "").replace("\x00", "").strip()
    if len(value) > limit:
        raise Open311Error(
            Open311Error.INVALID,
            _("%(name)s quá dài (tối đa %(n)d ký tự).") % {"name": name, "n": limit},
        )
    return value


@transaction.atomic
def service_request_create(*, integration: Integration, data: RequestInput) -> ServiceRequest:
    """GeoReport POST requests: one item of the spine, channel `integration`.

    The sender's contact goes to the identity vault like any submission; where the item is
    handled is decided by the spine's routing, from the integration's receiving unit."""
    integration = Integration.objects.select_related("receiving_org", "account").get(
        pk=integration.pk
    )
    if not integration.active:
        raise Open311Error(Open311Error.API_KEY, _("api_key không hợp lệ."), status=403)
    if data.jurisdiction_id and data.jurisdiction_id != integration.receiving_org.slug:
        raise Open311Error(
            Open311Error.JURISDICTION,
            _("jurisdiction_id không khớp với đơn vị tiếp nhận của khóa này."),
            status=400,
        )
    if not data.service_code:
        raise Open311Error(Open311Error.MISSING, _("Thiếu service_code."))
    topic = service_by_code(data.service_code)
    if topic is None:
        raise Open311Error(
            Open311Error.SERVICE,
            _("service_code không tồn tại: %(code)s") % {"code": data.service_code[:40]},
            status=404,
        )
    kind = (data.attributes.get("kind") or "").strip() or offered_kinds()[0]
    if kind not in offered_kinds():
        raise Open311Error(Open311Error.INVALID, _("attribute[kind] không hợp lệ."))
    lat = long = None
    if data.lat or data.long:
        if not (data.lat and data.long):
            raise Open311Error(Open311Error.LOCATION, _("Cần cả lat và long."))
        lat = _coordinate(data.lat, "lat", 90)
        long = _coordinate(data.long, "long", 180)
    address = _short(data.address_string, "address_string")
    address_id = _short(data.address_id, "address_id", 100)
    if lat is None and not address and not address_id:
        raise Open311Error(
            Open311Error.LOCATION,
            _("Cần vị trí: lat và long, hoặc address_string, hoặc address_id."),
        )
    if "\x00" in (data.description or ""):
        raise Open311Error(Open311Error.INVALID, _("description có ký tự không hợp lệ."))
    description = (data.description or "").strip()
    if not description:
        raise Open311Error(Open311Error.MISSING, _("Thiếu description (nội dung phản ánh)."))
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(
            Open311Error.INVALID,
            _("description quá dài (tối đa %(n)d ký tự).") % {"n": MAX_DESCRIPTION},
        )
    media_url = _short(data.media_url, "media_url", 500)
    if media_url and not media_url.lower().startswith(("https://", "http://")):
        raise Open311Error(Open311Error.INVALID, _("media_url phải là địa chỉ http(s)."))
    email = _short(data.email, "email", 254)
    if email and not is_deliverable_email(email):
        raise Open311Error(Open311Error.INVALID, _("email không hợp lệ."))
    name = " ".join(
        p for p in (_short(data.last_name, "last_name"), _short(data.first_name, "first_name")) if p
    )
    # device_id and account_id identify the sender to the integration only; they are not kept
    # (the vault holds what reception may need to reach the sender: name, phone, e-mail).
    _short(data.account_id, "account_id", 100)
    _short(data.device_id, "device_id", 100)
    identity = {"name": name, "phone": _short(data.phone, "phone", 30), "email": email}
    identity = {k: v for k, v in identity.items() if v}
    has_identity = bool(identity)
    detail: dict[str, Any] = {"service_code": topic.code}
    for key, value in (
        ("lat", lat),
        ("long", long),
        ("address_id", address_id),
        ("media_url", media_url),
        ("jurisdiction_id", data.jurisdiction_id[:80]),
    ):
        if value not in (None, ""):
            detail[key] = value
    attributes = {k[:40]: str(v)[:200] for k, v in data.attributes.items() if k != "kind"}
    if attributes:
        detail["attributes"] = attributes
    result = item_submit(
        submission=Submission(
            parts=[Part(kind=kind, body=description)],
            channel=Channel.INTEGRATION,
            receiving_org=integration.receiving_org,
            topic=topic,
            location_text=address,
            anonymous=not has_identity,
            identity=identity if has_identity else {},
            wants_notifications=bool(identity.get("phone") or identity.get("email")),
            channel_detail={"integration": integration.name, "open311": detail},
        ),
        actor=integration.account,
    )
    item = result.items[0]
    request = ServiceRequest.objects.create(
        item=item, integration=integration, token=secrets.token_hex(16)
    )
    Integration.objects.filter(pk=integration.pk).update(last_used_at=timezone.now())
    audit_event_record(
        action="open311.request_created",
        obj=item,
        actor=integration.account,
        data={"integration": integration.pk, "service_code": topic.code},
    )
    return request
