"""Submission: one voice becomes one tracked item per kind, with its receipt, in one transaction."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import IntakeError, NotFound, PermissionDenied
from langnghe.handling.rules import can, sealed_kinds
from langnghe.orgs.models import AdminUnit, Organisation, Person

from . import files, receipts, vault
from .models import Attachment, Channel, Item, Kind, ReporterIdentity, Topic
from .redaction import identity_values, redact

MAX_BODY = 10_000
MAX_TITLE = 200
MAX_GROUP = 100_000


@dataclass
class Part:
    kind: str
    body: str


@dataclass
class SubmitResult:
    items: list[Item]
    secret: str


@dataclass
class Submission:
    parts: list[Part]
    channel: str
    receiving_org: Organisation
    title: str = ""
    topic: Topic | None = None
    admin_unit: AdminUnit | None = None
    location_text: str = ""
    concerned_org: Organisation | None = None
    concerned_person: Person | None = None
    indicator_ids: list[int] = field(default_factory=list)
    anonymous: bool = False
    identity: dict[str, Any] = field(default_factory=dict)
    wants_notifications: bool = False
    waived_protection: bool = False
    group_size: int = 1
    uploads: list[bytes] = field(default_factory=list)
    channel_detail: dict[str, Any] = field(default_factory=dict)
    party_matter: bool = False
    received_at: dt.datetime | None = None


def _text(value: str, limit: int, *, required: bool, empty_message: Any) -> str:
    if "\x00" in (value or ""):
        raise IntakeError(IntakeError.INVALID, _("Nội dung có ký tự không hợp lệ."))
    value = (value or "").strip()
    if required and not value:
        raise IntakeError(IntakeError.EMPTY_BODY, empty_message)
    if len(value) > limit:
        raise IntakeError(
            IntakeError.BODY_TOO_LONG,
            _("Nội dung quá dài: tối đa %(limit)d ký tự.") % {"limit": limit},
        )
    return value


def _validate(sub: Submission) -> None:
    if not sub.parts:
        raise IntakeError(IntakeError.EMPTY_BODY, _("Vui lòng nhập nội dung ý kiến."))
    kinds = [p.kind for p in sub.parts]
    if any(k not in Kind.values for k in kinds):
        raise IntakeError(IntakeError.INVALID, _("Loại ý kiến không hợp lệ."))
    if len(set(kinds)) != len(kinds):
        raise IntakeError(IntakeError.INVALID, _("Mỗi loại ý kiến chỉ nhập một lần."))
    if sub.channel not in Channel.values:
        raise IntakeError(IntakeError.INVALID, _("Kênh tiếp nhận không hợp lệ."))
    if not isinstance(sub.group_size, int) or not 1 <= sub.group_size <= MAX_GROUP:
        raise IntakeError(IntakeError.BAD_GROUP, _("Số người phải từ 1 trở lên."))
    reps = [r for r in sub.identity.get("representatives", []) if r]
    from langnghe.handling.policy import get_policy

    allowed = get_policy().representatives_range(sub.group_size)  # TCD-13, as data
    if allowed is not None and not sub.anonymous:
        least, most = allowed
        if not least <= len(reps) <= most:
            raise IntakeError(
                IntakeError.BAD_GROUP,
                _("Nhóm %(n)d người cần cử từ 1 đến %(most)d người đại diện (TCD-13).")
                % {"n": sub.group_size, "most": most},
            )
    if len(sub.uploads) > settings.LANGNGHE["MAX_ATTACHMENTS"]:
        raise IntakeError(
            IntakeError.TOO_MANY_ATTACHMENTS,
            _("Tối đa %(n)d tệp đính kèm.") % {"n": settings.LANGNGHE["MAX_ATTACHMENTS"]},
        )
    if not sub.receiving_org.accepts_items:
        raise IntakeError(IntakeError.INVALID, _("Đơn vị này không tiếp nhận ý kiến."))


def _citizen_may_use(sub: Submission) -> bool:
    """Without a member of staff, a citizen submits online: on the portal's form, or through a
    conference's page as a question sent in advance (DC-6), whose channel is the conference's."""
    if sub.channel == Channel.ONLINE:
        return True
    return (
        sub.channel == Channel.DIALOGUE_CONFERENCE
        and sub.channel_detail.get("advance_question") is True
    )


def _new_code() -> str:
    for _attempt in range(20):
        code = receipts.new_code()
        if not Item.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not allocate a tracking code")


def _pseudonym() -> str:
    return f"Người gửi #{receipts.new_code()[3:]}"


@transaction.atomic
def item_submit(*, submission: Submission, actor: Any = None) -> SubmitResult:
    """Create one item per kind (TCD-10), sharing one secret, one identity and the attachments.

    Either every item exists with its receipt, or nothing was saved and IntakeError says why.
    """
    from langnghe.handling import clock
    from langnghe.handling.models import ItemEvent
    from langnghe.handling.policy import get_policy
    from langnghe.handling.routing import resolve_route
    from langnghe.handling.services import apply_route, index_item, record_event

    sub = submission
    staff_entry = actor is not None and getattr(actor, "is_authenticated", False)
    if staff_entry:
        from langnghe.orgs.access import has_role_over
        from langnghe.orgs.models import Role

        if not has_role_over(actor, sub.receiving_org, [Role.RECEPTIONIST, Role.LEADER]):
            raise PermissionDenied()
    elif not _citizen_may_use(sub):
        raise PermissionDenied()
    _validate(sub)
    title = _text(sub.title, MAX_TITLE, required=False, empty_message="")
    bodies = [
        _text(p.body, MAX_BODY, required=True, empty_message=_("Vui lòng nhập nội dung ý kiến."))
        for p in sub.parts
    ]
    location_text = _text(sub.location_text, 255, required=False, empty_message="")
    cleaned = [files.clean_upload(data) for data in sub.uploads]  # raises before anything is saved

    values: dict[str, Any] = {}
    if not sub.anonymous:
        values = {k: (v.strip() if isinstance(v, str) else v) for k, v in sub.identity.items()}
        for value in values.values():
            if isinstance(value, str) and ("\x00" in value or len(value) > 300):
                raise IntakeError(IntakeError.INVALID, _("Thông tin liên hệ không hợp lệ."))
        if not any(values.get(k) for k in vault.IDENTITY_FIELDS):
            values = {}

    def new_identity() -> ReporterIdentity | None:
        if not values:
            return None
        ciphertext, key_id = vault.seal(values)
        return ReporterIdentity.objects.create(
            ciphertext=ciphertext,
            key_id=key_id,
            fingerprint=reporter_key(values),
            pseudonym=_pseudonym(),
            has_contact=bool(values.get("phone") or values.get("email")),
            wants_notifications=sub.wants_notifications,
            waived_protection=sub.waived_protection,
        )

    shared_identity = new_identity()
    sealed = get_policy().sealed_kinds()
    redaction_values = identity_values(values) if not sub.waived_protection else []

    policy = get_policy()
    secret = receipts.new_secret()
    received_at = sub.received_at or timezone.now()
    received_on = timezone.localdate(received_at)
    items: list[Item] = []
    first: Item | None = None
    for part, body in zip(sub.parts, bodies, strict=True):
        workflow = policy.workflow_for_kind(part.kind)
        code = _new_code()
        item_title = title or body.splitlines()[0][:120]
        identity, sealed_text = shared_identity, None
        if part.kind in sealed:
            # TC-16: a denunciation gets its own sealed identity (another pseudonym, so it cannot
            # be linked to the petition parts), and its verifiers read a copy of the text with the
            # sender's identifying values removed; the original stays sealed with reception.
            if len(sub.parts) > 1:
                identity = new_identity()
            redacted_title = redact(item_title, redaction_values)
            redacted_body = redact(body, redaction_values)
            if (redacted_title, redacted_body) != (item_title, body):
                sealed_text = vault.seal_bytes(
                    json.dumps({"title": item_title, "body": body}, ensure_ascii=False).encode()
                )
                item_title, body = redacted_title, redacted_body
        item = Item(
            code=code,
            secret_hash=receipts.hash_secret(code, secret),
            kind=part.kind,
            channel=sub.channel,
            channel_detail=sub.channel_detail,
            topic=sub.topic,
            admin_unit=sub.admin_unit,
            location_text=location_text,
            concerned_org=sub.concerned_org,
            concerned_person=sub.concerned_person,
            title=item_title,
            body=body,
            sealed_text=sealed_text,
            group_size=sub.group_size,
            anonymous=sub.anonymous,
            party_matter=sub.party_matter and part.kind == Kind.DENUNCIATION,
            identity=identity,
            split_from=first,
            created_by=actor if staff_entry else None,
            received_at=received_at,
            workflow=workflow.code,
            status=workflow.initial,
            receiving_org=sub.receiving_org,
            handling_path=sub.receiving_org.path,
        )
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError as exc:  # a code collision between the check and the insert
            raise IntakeError(IntakeError.INVALID, _("Hệ thống bận, vui lòng gửi lại.")) from exc
        if sub.indicator_ids:
            item.indicators.set(sub.indicator_ids)
        for clean in cleaned:
            Attachment.objects.create(
                item=item,
                kind=clean.kind,
                file=files.content_file(clean),
                content_type=clean.content_type,
                size=len(clean.data),
                sealed_path=files.store_sealed(clean.sealed_token),
                original_sha256=clean.original_sha256,
            )
        record_event(
            item,
            ItemEvent.Type.CREATED,
            actor=actor,
            public=True,
            to_status=item.status,
            data={"channel": sub.channel, "split_from": first.code if first else None},
        )
        audit_event_record(
            action="item.submitted",
            obj=item,
            actor=actor,
            actor_label="" if staff_entry else "citizen",
            data={"channel": sub.channel, "kind": part.kind},
        )
        clock.enter_state(item, workflow, workflow.initial, received_on, policy)
        apply_route(item, resolve_route(item, day=received_on), actor=None)
        index_item(item, new=True)
        items.append(item)
        first = first or item
    return SubmitResult(items=items, secret=secret)


def item_by_receipt(*, code: str, secret: str) -> Item:
    """The citizen's access: both parts of the receipt, or "not found" alike for anything wrong."""
    code = receipts.normalise_code(code or "")
    if not code or len(code) > 16 or not secret or len(secret) > 64:
        raise NotFound(_("Không tìm thấy ý kiến với mã và mật mã này."))
    # The code is unique: no ordering (Item's default one costs more to build than the read).
    found = Item.objects.filter(code=code).select_related("handling_org", "duplicate_of")
    item = next(iter(found.order_by()[:1]), None)
    # The keyed hash is computed whether or not the code exists, so timing does not tell.
    stored = item.secret_hash if item is not None else "0" * 64
    if not receipts.secret_matches(code, secret, stored) or item is None:
        raise NotFound(_("Không tìm thấy ý kiến với mã và mật mã này."))
    return item


@transaction.atomic
def reporter_key(values: dict[str, Any]) -> str:
    """A keyed hash that is the same for the same person's later submissions: the phone number
    (digits, +84 read as 0), else the ID number, else the e-mail, else name and address together;
    with none of them, a random value (counted as a person of its own). Salted with the server's
    secret key, so a dump alone cannot be matched against phone numbers."""
    from langnghe.search.text import fold

    phone = re.sub(r"\D", "", str(values.get("phone") or ""))
    if phone.startswith("84") and len(phone) >= 11:
        phone = "0" + phone[2:]
    id_number = re.sub(r"\D", "", str(values.get("id_number") or ""))
    email = str(values.get("email") or "").strip().lower()
    name = " ".join(fold(str(values.get("name") or "")).split())
    address = " ".join(fold(str(values.get("address") or "")).split())
    for label, value in (
        ("phone", phone if len(phone) >= 9 else ""),
        ("id", id_number if len(id_number) >= 9 else ""),
        ("email", email if "@" in email else ""),
        ("name", f"{name}|{address}" if name and address else ""),
    ):
        if value:
            return salted_hmac(
                "langnghe.intake.reporter_key", f"{label}:{value}", algorithm="sha256"
            ).hexdigest()
    return "random:" + uuid.uuid4().hex


def identity_reveal(*, item: Item, actor: Any, reason: str) -> dict[str, Any]:
    """Open the vault for one item: allowed roles only, a reason always, an audit row each time."""
    if not can(actor, "handling.reveal_identity", item):
        raise PermissionDenied()
    reason = (reason or "").replace("\x00", "").strip()
    if len(reason) < 5:
        raise IntakeError(
            IntakeError.INVALID, _("Cần ghi rõ lý do xem danh tính (ít nhất 5 ký tự).")
        )
    audit_event_record(
        action="identity.revealed", obj=item, actor=actor, data={"reason": reason[:500]}
    )
    data = vault.unseal(item.identity.ciphertext)  # type: ignore[union-attr]
    if item.sealed_text:
        original = json.loads(vault.unseal_bytes(bytes(item.sealed_text)))
        data["original_title"], data["original_body"] = original["title"], original["body"]
    return data


def attachment_sealed_original(*, attachment: Attachment, actor: Any, reason: str) -> bytes:
    """The untouched original (with its metadata) is identity-bearing: same gate as the vault."""
    data = identity_reveal(item=attachment.item, actor=actor, reason=reason)
    del data
    from langnghe.core.storage import sealed_read

    token = sealed_read(attachment.sealed_path)
    audit_event_record(action="attachment.sealed_read", obj=attachment, actor=actor)
    return vault.unseal_bytes(token)


def access_item(actor: Any, item_id: int) -> Item:
    """One item by id for staff: "not found" alike for missing and forbidden (Zulip)."""
    try:
        item = Item.objects.select_related(
            "handling_org",
            "receiving_org",
            "concerned_person",
            "concerned_org",
            "topic",
            "identity",
            "admin_unit",
            "handler",
        ).get(pk=item_id)
    except (Item.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not can(actor, "handling.view_item", item):
        raise NotFound()
    if item.kind in sealed_kinds():
        # A denunciation's content is sealed: every read by staff leaves a trace.
        audit_event_record(action="item.sealed_read", obj=item, actor=actor)
    return item
