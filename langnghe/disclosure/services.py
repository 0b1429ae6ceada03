"""Every write of the disclosure capability: guard → set → save → audit, in one transaction.

Time rules come from the rule book (policy.py): DC-2 (publish within 5 working days of the
decision), DC-3 (posting at least 30 continuous days, loudspeaker at least 3; clauses 4 and 13 of
THDCCS Đ11 posted permanently). A citizen's comment becomes an item only through item_submit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import IntakeError, PermissionDenied
from langnghe.core.text import clean_text
from langnghe.intake import files
from langnghe.intake.models import Channel, Kind
from langnghe.intake.services import Part, Submission, SubmitResult, item_submit
from langnghe.orgs.models import Organisation, Person

from . import policy
from .errors import DisclosureError
from .models import (
    CadreCommitment,
    Publication,
    PublicationAttachment,
    PublicationChannel,
    PublicationComment,
)
from .rules import can

MAX_TITLE = 200
MAX_BODY = 50_000
MAX_COMMENT = 5_000
COMMENT_KINDS = (Kind.SUGGESTION, Kind.FEEDBACK, Kind.RECOMMENDATION)


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied()


def _text(value: str | None, *, limit: int, required: bool, label: Any) -> str:
    return clean_text(value, label=label, limit=limit, required=required, error=DisclosureError)


def _lock(publication: Publication) -> Publication:
    return Publication.objects.select_for_update(of=("self",)).get(pk=publication.pk)


# -- DC-2: the publication deadline ---------------------------------------------------------------


def publish_due(decided_on: dt.date) -> tuple[dt.date | None, str]:
    """DC-2: the last day to publish, counted in working days from the decision's date."""
    rule = policy.rule("publish_within", decided_on)
    return rule.after(decided_on), rule.cite_text


def is_late(decided_on: dt.date, published_on: dt.date) -> bool:
    due, _cite = publish_due(decided_on)
    return due is not None and published_on > due


# -- publications -----------------------------------------------------------------------------------


def _check_category(code: str) -> None:
    if policy.category(code) is None:
        raise DisclosureError(DisclosureError.INVALID, _("Nội dung công khai không hợp lệ."))


def _check_decided_on(decided_on: dt.date | None) -> dt.date:
    if decided_on is None:
        raise DisclosureError(
            DisclosureError.BAD_DATE, _("Vui lòng nhập ngày của quyết định, văn bản.")
        )
    if decided_on > timezone.localdate():
        raise DisclosureError(
            DisclosureError.BAD_DATE, _("Ngày quyết định không được sau ngày hôm nay.")
        )
    return decided_on


@transaction.atomic
def publication_create(
    *,
    actor: Any,
    organisation: Organisation,
    category: str,
    title: str,
    body: str,
    decided_on: dt.date | None,
    reference: str = "",
    person: Person | None = None,
) -> Publication:
    _require(actor, "disclosure.manage_publication", organisation)
    _check_category(category)
    publication = Publication.objects.create(
        organisation=organisation,
        person=person,
        category=category,
        title=_text(title, limit=MAX_TITLE, required=True, label=_("tiêu đề")),
        body=_text(body, limit=MAX_BODY, required=True, label=_("nội dung")),
        reference=_text(reference, limit=60, required=False, label=_("số, ký hiệu")),
        decided_on=_check_decided_on(decided_on),
        created_by=actor,
    )
    audit_event_record(
        action="publication.created", obj=publication, actor=actor, data={"category": category}
    )
    return publication


@transaction.atomic
def publication_update(
    *,
    publication: Publication,
    actor: Any,
    category: str,
    title: str,
    body: str,
    decided_on: dt.date | None,
    reference: str = "",
    person: Person | None = None,
) -> Publication:
    """Only a draft is edited: what the people saw is changed by withdrawing and republishing."""
    publication = _lock(publication)
    _require(actor, "disclosure.manage_publication", publication)
    if publication.status != Publication.Status.DRAFT:
        raise DisclosureError(
            DisclosureError.INVALID_STATE,
            _("Chỉ sửa được dự thảo. Nội dung đã công khai cần gỡ và công khai bản mới."),
        )
    _check_category(category)
    publication.category = category
    publication.title = _text(title, limit=MAX_TITLE, required=True, label=_("tiêu đề"))
    publication.body = _text(body, limit=MAX_BODY, required=True, label=_("nội dung"))
    publication.reference = _text(reference, limit=60, required=False, label=_("số, ký hiệu"))
    publication.decided_on = _check_decided_on(decided_on)
    publication.person = person
    publication.save(
        update_fields=[
            "category",
            "title",
            "body",
            "reference",
            "decided_on",
            "person",
            "updated_at",
        ]
    )
    audit_event_record(action="publication.updated", obj=publication, actor=actor)
    return publication


@transaction.atomic
def publication_publish(
    *,
    publication: Publication,
    actor: Any,
    published_on: dt.date | None = None,
    comments_open_on: dt.date | None = None,
    comments_close_on: dt.date | None = None,
    late_reason: str = "",
) -> Publication:
    """Put a draft on the portal. DC-2: compare the day with the deadline and flag it late."""
    publication = _lock(publication)
    _require(actor, "disclosure.manage_publication", publication)
    if publication.status != Publication.Status.DRAFT:
        raise DisclosureError(
            DisclosureError.INVALID_STATE, _("Chỉ công khai được nội dung đang là dự thảo.")
        )
    today = timezone.localdate()
    day = published_on or today
    if day > today:
        raise DisclosureError(DisclosureError.BAD_DATE, _("Ngày công khai không được sau hôm nay."))
    if day < publication.decided_on:
        raise DisclosureError(
            DisclosureError.BAD_DATE, _("Ngày công khai không được trước ngày quyết định.")
        )
    due, cite = publish_due(publication.decided_on)
    late = due is not None and day > due
    opens = comments_open_on or day
    closes = comments_close_on
    if closes is None:
        closes = policy.rule("comment_window", day).after(opens)
    if closes is not None and closes < opens:
        raise DisclosureError(
            DisclosureError.BAD_DATE,
            _("Ngày kết thúc nhận góp ý phải sau ngày bắt đầu."),
        )
    publication.late_reason = (
        _text(late_reason, limit=2000, required=False, label=_("lý do chậm")) if late else ""
    )
    publication.comments_open_on = opens
    publication.comments_close_on = closes
    return _put_on_portal(publication, actor=actor, day=day, due=due, cite=cite)


def _put_on_portal(
    publication: Publication,
    *,
    actor: Any,
    day: dt.date,
    due: dt.date | None,
    cite: str,
    audit: dict[str, Any] | None = None,
) -> Publication:
    late = due is not None and day > due
    publication.status = Publication.Status.PUBLISHED
    publication.published_on = day
    publication.publish_due = due
    publication.publish_due_cite = cite
    publication.is_late = late
    publication.save()
    # The portal is itself a form of publication (DC-2 b): recorded like the others.
    PublicationChannel.objects.create(
        publication=publication,
        kind=PublicationChannel.Kind.PORTAL,
        place="Lắng Nghe",
        start_on=day,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_event_record(
        action="publication.published",
        obj=publication,
        actor=actor,
        data={
            "published_on": day.isoformat(),
            "due": due.isoformat() if due else None,
            "late": late,
            **(audit or {}),
        },
    )
    return publication


@transaction.atomic
def publication_issue(
    *,
    actor: Any,
    organisation: Organisation,
    category: str,
    title: str,
    body: str,
    decided_on: dt.date | None,
    due: tuple[dt.date | None, str],
    reference: str = "",
    published_on: dt.date | None = None,
    audit: dict[str, Any] | None = None,
) -> Publication:
    """Create and publish at once a document another capability issues under its own rule
    (an inspection conclusion, a discipline decision: TC-17). The caller has checked who may
    issue it and gives the time limit in force, `due` = (last day, citation); the text is
    validated and recorded here exactly as for any publication."""
    _check_category(category)
    decided_on = _check_decided_on(decided_on)
    today = timezone.localdate()
    day = published_on or today
    if day > today:
        raise DisclosureError(DisclosureError.BAD_DATE, _("Ngày công khai không được sau hôm nay."))
    if day < decided_on:
        raise DisclosureError(
            DisclosureError.BAD_DATE, _("Ngày công khai không được trước ngày quyết định.")
        )
    publication = Publication(
        organisation=organisation,
        category=category,
        title=_text(title, limit=MAX_TITLE, required=True, label=_("tiêu đề")),
        body=_text(body, limit=MAX_BODY, required=True, label=_("nội dung")),
        reference=_text(reference, limit=60, required=False, label=_("số, ký hiệu")),
        decided_on=decided_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    publication.save()
    audit_event_record(
        action="publication.created", obj=publication, actor=actor, data={"category": category}
    )
    return _put_on_portal(publication, actor=actor, day=day, due=due[0], cite=due[1], audit=audit)


@transaction.atomic
def publication_withdraw(*, publication: Publication, actor: Any, reason: str) -> Publication:
    publication = _lock(publication)
    _require(actor, "disclosure.manage_publication", publication)
    if publication.status != Publication.Status.PUBLISHED:
        raise DisclosureError(
            DisclosureError.INVALID_STATE, _("Chỉ gỡ được nội dung đang công khai.")
        )
    reason = _text(reason, limit=2000, required=True, label=_("lý do gỡ"))
    if len(reason) < 5:
        raise DisclosureError(DisclosureError.INVALID, _("Cần ghi rõ lý do gỡ (ít nhất 5 ký tự)."))
    publication.status = Publication.Status.WITHDRAWN
    publication.withdrawn_on = timezone.localdate()
    publication.withdraw_reason = reason
    publication.save(update_fields=["status", "withdrawn_on", "withdraw_reason", "updated_at"])
    audit_event_record(
        action="publication.withdrawn", obj=publication, actor=actor, data={"reason": reason}
    )
    return publication


# -- channels (DC-2 forms, DC-3 durations) ------------------------------------------------------


def _min_days(kind: str, on: dt.date) -> tuple[int | None, str]:
    key = {
        PublicationChannel.Kind.POSTING: "posting_min_duration",
        PublicationChannel.Kind.LOUDSPEAKER: "loudspeaker_min_duration",
    }.get(kind)  # type: ignore[call-overload]
    if key is None:
        return None, ""
    rule = policy.rule(key, on)
    if rule.value is None:
        return None, rule.cite_text
    return int(rule.value), rule.cite_text


def check_channel_period(
    *, category_code: str, kind: str, start_on: dt.date, end_on: dt.date | None
) -> None:
    """DC-3: a posting lasts at least 30 continuous days and a loudspeaker reading 3, both ends
    counted; clauses 4 and 13 of Đ11 are posted permanently and need no end date. A shorter
    period is refused (not merely flagged): the law sets a floor, and the register would list it."""
    if end_on is not None and end_on < start_on:
        raise DisclosureError(DisclosureError.BAD_DATE, _("Ngày kết thúc phải sau ngày bắt đầu."))
    minimum, cite = _min_days(kind, start_on)
    if minimum is None:
        return
    category = policy.category(category_code)
    if kind == PublicationChannel.Kind.POSTING and category is not None and category.permanent:
        if end_on is None:
            return
    if end_on is None:
        raise DisclosureError(
            DisclosureError.BAD_DATE,
            _(
                "Nhập ngày kết thúc: hình thức này phải kéo dài ít nhất %(n)d ngày liên tục (%(cite)s)."
            )
            % {"n": minimum, "cite": cite},
        )
    days = (end_on - start_on).days + 1
    if days < minimum:
        raise DisclosureError(
            DisclosureError.TOO_SHORT,
            _(
                "Thời gian %(kind)s chỉ có %(days)d ngày; phải ít nhất %(n)d ngày liên tục (%(cite)s)."
            )
            % {
                "kind": PublicationChannel.Kind(kind).label.lower(),
                "days": days,
                "n": minimum,
                "cite": cite,
            },
        )


@transaction.atomic
def channel_record(
    *,
    publication: Publication,
    actor: Any,
    kind: str,
    start_on: dt.date | None,
    end_on: dt.date | None = None,
    place: str = "",
    note: str = "",
) -> PublicationChannel:
    publication = _lock(publication)
    _require(actor, "disclosure.record_channel", publication)
    if publication.status != Publication.Status.PUBLISHED:
        raise DisclosureError(
            DisclosureError.INVALID_STATE,
            _("Chỉ ghi hình thức công khai cho nội dung đang công khai."),
        )
    if kind not in PublicationChannel.Kind.values or kind == PublicationChannel.Kind.PORTAL:
        raise DisclosureError(DisclosureError.INVALID, _("Hình thức công khai không hợp lệ."))
    if start_on is None:
        raise DisclosureError(DisclosureError.BAD_DATE, _("Vui lòng nhập ngày bắt đầu."))
    if start_on < publication.decided_on:
        raise DisclosureError(
            DisclosureError.BAD_DATE, _("Ngày bắt đầu không được trước ngày quyết định.")
        )
    check_channel_period(
        category_code=publication.category, kind=kind, start_on=start_on, end_on=end_on
    )
    place = _text(
        place,
        limit=200,
        required=kind == PublicationChannel.Kind.POSTING,
        label=_("địa điểm niêm yết"),
    )
    channel = PublicationChannel.objects.create(
        publication=publication,
        kind=kind,
        place=place,
        start_on=start_on,
        end_on=end_on,
        note=_text(note, limit=300, required=False, label=_("ghi chú")),
        recorded_by=actor,
    )
    audit_event_record(
        action="publication.channel_recorded",
        obj=publication,
        actor=actor,
        data={"channel": channel.pk, "kind": kind, "start_on": start_on.isoformat()},
    )
    return channel


@transaction.atomic
def channel_remove(*, channel: PublicationChannel, actor: Any) -> None:
    publication = _lock(channel.publication)
    _require(actor, "disclosure.record_channel", publication)
    if channel.kind == PublicationChannel.Kind.PORTAL:
        raise DisclosureError(
            DisclosureError.INVALID, _("Việc đăng trên cổng do hệ thống ghi, không xóa được.")
        )
    audit_event_record(
        action="publication.channel_removed",
        obj=publication,
        actor=actor,
        data={"kind": channel.kind, "start_on": channel.start_on.isoformat()},
    )
    channel.delete()


# -- attachments ------------------------------------------------------------------------------------

MAX_PUBLICATION_FILES = 10


@transaction.atomic
def attachment_add(
    *, publication: Publication, actor: Any, data: bytes, name: str
) -> PublicationAttachment:
    """A document published with the text, rebuilt without its metadata (langnghe.intake.files):
    an author's name or a scanner's GPS tag must not go public with it."""
    publication = _lock(publication)
    _require(actor, "disclosure.manage_publication", publication)
    if publication.status == Publication.Status.WITHDRAWN:
        raise DisclosureError(DisclosureError.INVALID_STATE, _("Nội dung đã gỡ."))
    if publication.attachments.count() >= MAX_PUBLICATION_FILES:
        raise DisclosureError(
            DisclosureError.INVALID,
            _("Tối đa %(n)d tệp cho một nội dung công khai.") % {"n": MAX_PUBLICATION_FILES},
        )
    try:
        clean = files.clean_upload(data)
    except IntakeError as exc:
        raise DisclosureError(DisclosureError.INVALID, exc.message) from exc
    label = _text(name, limit=120, required=False, label=_("tên tệp")) or _("Tệp đính kèm")
    attachment = PublicationAttachment.objects.create(
        publication=publication,
        name=str(label),
        kind=clean.kind,
        file=files.content_file(clean),
        content_type=clean.content_type,
        size=len(clean.data),
        original_sha256=clean.original_sha256,
    )
    audit_event_record(
        action="publication.attachment_added",
        obj=publication,
        actor=actor,
        data={"attachment": attachment.pk, "sha256": clean.original_sha256},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: PublicationAttachment, actor: Any) -> None:
    publication = _lock(attachment.publication)
    _require(actor, "disclosure.manage_publication", publication)
    audit_event_record(
        action="publication.attachment_removed",
        obj=publication,
        actor=actor,
        data={"attachment": attachment.pk, "sha256": attachment.original_sha256},
    )
    attachment.file.delete(save=False)
    attachment.delete()


# -- citizens' comments ------------------------------------------------------------------------


def receiving_org_for(publication: Publication) -> Organisation | None:
    """The publication's organisation if it takes items, else its nearest ancestor that does."""
    org = publication.organisation
    if org.accepts_items:
        return org
    for ancestor in reversed(list(org.ancestors())):
        if ancestor.accepts_items:
            return ancestor
    return None


@transaction.atomic
def publication_comment_submit(
    *,
    publication: Publication,
    kind: str,
    body: str,
    via: str = PublicationComment.Via.WEB,
    name: str = "",
    phone: str = "",
    wants_notifications: bool = False,
    today: dt.date | None = None,
) -> SubmitResult:
    """A citizen's comment on a publication becomes an item of the spine (RULES.md §12
    public_disclosure_item.feedback_on_item), linked to the publication; the item then follows
    its own workflow and its published answer shows under the publication."""
    publication = Publication.objects.select_related("organisation", "person").get(
        pk=publication.pk
    )
    day = today or timezone.localdate()
    if not publication.comments_open(day):
        raise DisclosureError(DisclosureError.WINDOW_CLOSED, window_message(publication, day))
    if kind not in COMMENT_KINDS:
        raise DisclosureError(DisclosureError.INVALID, _("Loại ý kiến không hợp lệ."))
    if via not in PublicationComment.Via.values:
        via = PublicationComment.Via.WEB
    body = (body or "").strip()
    if len(body) > MAX_COMMENT:
        raise IntakeError(
            IntakeError.BODY_TOO_LONG,
            _("Nội dung quá dài: tối đa %(limit)d ký tự.") % {"limit": MAX_COMMENT},
        )
    receiving = receiving_org_for(publication)
    if receiving is None:
        raise DisclosureError(
            DisclosureError.NO_RECEIVER,
            _(
                "Chưa có đơn vị tiếp nhận góp ý cho nội dung này. Vui lòng liên hệ trực tiếp cơ quan."
            ),
        )
    identity = {k: v for k, v in (("name", name), ("phone", phone)) if (v or "").strip()}
    submission = Submission(
        parts=[Part(kind=kind, body=body)],
        channel=Channel.ONLINE,
        receiving_org=receiving,
        title=str(_("Góp ý về: %(title)s") % {"title": publication.title})[:200],
        concerned_person=publication.person,
        anonymous=not identity,
        identity=identity,
        wants_notifications=wants_notifications and bool(phone),
        channel_detail={"publication": publication.pk, "via": via},
    )
    result = item_submit(submission=submission)
    for item in result.items:
        try:
            with transaction.atomic():
                PublicationComment.objects.create(publication=publication, item=item, via=via)
        except IntegrityError as exc:  # pragma: no cover - one item, one link
            raise DisclosureError(DisclosureError.DUPLICATE) from exc
    audit_event_record(
        action="publication.commented",
        obj=publication,
        actor_label="citizen",
        data={"items": [i.code for i in result.items], "via": via},
    )
    return result


def window_message(publication: Publication, day: dt.date) -> str:
    if not publication.is_public:
        return str(_("Nội dung này không còn nhận góp ý."))
    opens, closes = publication.comments_open_on, publication.comments_close_on
    if opens is None:
        return str(_("Nội dung này không nhận góp ý trực tuyến."))
    if day < opens:
        return str(
            _("Thời gian nhận góp ý bắt đầu từ ngày %(d)s.") % {"d": opens.strftime("%d/%m/%Y")}
        )
    if closes is not None and day > closes:
        return str(
            _(
                "Thời gian nhận góp ý đã kết thúc ngày %(d)s. Bạn vẫn có thể gửi ý kiến qua trang Gửi ý kiến."
            )
            % {"d": closes.strftime("%d/%m/%Y")}
        )
    return ""


# -- cadres' commitments (P99-2) ---------------------------------------------------------------


@transaction.atomic
def commitment_save(
    *,
    actor: Any,
    person: Person,
    organisation: Organisation,
    year: int | None,
    text: str,
    signed_on: dt.date | None,
    upload: bytes | None = None,
    commitment: CadreCommitment | None = None,
) -> CadreCommitment:
    _require(actor, "disclosure.manage_commitment", organisation)
    if commitment is not None:
        commitment = CadreCommitment.objects.select_for_update(of=("self",)).get(pk=commitment.pk)
        _require(actor, "disclosure.manage_commitment", commitment)
    if year is None or not 2000 <= year <= timezone.localdate().year + 1:
        raise DisclosureError(DisclosureError.INVALID, _("Năm cam kết không hợp lệ."))
    if signed_on is None:
        raise DisclosureError(DisclosureError.BAD_DATE, _("Vui lòng nhập ngày ký."))
    if signed_on > timezone.localdate():
        raise DisclosureError(DisclosureError.BAD_DATE, _("Ngày ký không được sau hôm nay."))
    text = _text(text, limit=MAX_BODY, required=True, label=_("nội dung cam kết"))
    clean = None
    if upload:
        try:
            clean = files.clean_upload(upload)
        except IntakeError as exc:
            raise DisclosureError(DisclosureError.INVALID, exc.message) from exc
        if clean.kind == "audio":
            raise DisclosureError(DisclosureError.INVALID, _("Bản ký cam kết là tệp PDF hoặc ảnh."))
    clash = CadreCommitment.objects.filter(person=person, year=year)
    if commitment is not None:
        clash = clash.exclude(pk=commitment.pk)
    if clash.exists():
        raise DisclosureError(
            DisclosureError.DUPLICATE,
            _("%(name)s đã có bản cam kết năm %(year)d.")
            % {"name": person.full_name, "year": year},
        )
    if commitment is None:
        commitment = CadreCommitment(person=person)
    commitment.organisation = organisation
    commitment.year = year
    commitment.text = text
    commitment.signed_on = signed_on
    if clean is not None:
        if commitment.attachment:
            commitment.attachment.delete(save=False)
        commitment.attachment = files.content_file(clean)
        commitment.attachment_type = clean.content_type
    commitment.save()
    audit_event_record(
        action="commitment.saved",
        obj=commitment,
        actor=actor,
        data={"person": person.pk, "year": year},
    )
    return commitment


@transaction.atomic
def commitment_set_published(
    *, commitment: CadreCommitment, actor: Any, published: bool
) -> CadreCommitment:
    commitment = CadreCommitment.objects.select_for_update(of=("self",)).get(pk=commitment.pk)
    _require(actor, "disclosure.manage_commitment", commitment)
    commitment.published = published
    commitment.published_at = timezone.now() if published else None
    commitment.save(update_fields=["published", "published_at", "updated_at"])
    audit_event_record(
        action="commitment.published" if published else "commitment.unpublished",
        obj=commitment,
        actor=actor,
    )
    return commitment
