"""Every write about suggestion boxes: the register, openings with their witnesses, and letters
entered one by one as items through the spine's intake (`item_submit`, channel `suggestion_box`).

Each service: guard (permission, then state and input) → set → save → audit, in one transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError, PermissionDenied
from langnghe.core.text import clean_text
from langnghe.handling.rules import can
from langnghe.intake.models import Channel
from langnghe.intake.receipts import ALPHABET
from langnghe.intake.services import Submission, item_submit
from langnghe.orgs.models import AdminUnit, Organisation

from . import policy
from . import rules as _rules  # noqa: F401 — registers the boxes.* permissions
from .models import BoxLetter, BoxOpening, BoxWitness, SuggestionBox

CODE_RE = re.compile(r"^[A-Z0-9]{2,6}(-[A-Z0-9]{1,5})?$")
MAX_PLACE = 200
MAX_NOTE = 4000
MAX_NAME = 120
MAX_ROLE = 200
MAX_WITNESSES = 20


class BoxError(ApplicationError):
    INVALID_CODE = "boxes.invalid_code"
    CODE_TAKEN = "boxes.code_taken"
    NOT_ACCEPTING = "boxes.unit_not_accepting"
    RETIRED = "boxes.retired"
    BAD_DATE = "boxes.bad_date"
    WITNESSES = "boxes.witnesses"
    COUNT = "boxes.letters_count"
    LETTERS_FULL = "boxes.letters_full"
    COMPLETE = "boxes.opening_complete"
    NOTE_REQUIRED = "boxes.note_required"


@dataclass
class WitnessData:
    full_name: str
    role: str
    is_front: bool = False


def _clean(value: str | None, limit: int, *, field: Any, required: bool = False) -> str:
    return clean_text(value, label=field, limit=limit, required=required, error=BoxError)


def _not_future(day: dt.date | None, label: Any) -> None:
    if day is not None and day > timezone.localdate():
        raise BoxError(BoxError.BAD_DATE, _("%(field)s không được sau hôm nay.") % {"field": label})


def box_code_normalise(code: str) -> str:
    return (code or "").strip().upper().replace(" ", "")


def _new_code() -> str:
    for _attempt in range(30):
        code = "HT-" + "".join(secrets.choice(ALPHABET) for _ in range(4))
        if not SuggestionBox.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not allocate a box code")


# -- the register --------------------------------------------------------------------------------


@transaction.atomic
def box_create(
    *,
    actor: Any,
    organisation: Organisation,
    place: str,
    code: str = "",
    admin_unit: AdminUnit | None = None,
    installed_on: dt.date | None = None,
    note: str = "",
) -> SuggestionBox:
    """Register a box. Its code is printed on the poster and in the QR's address: short, capital
    letters and digits (e.g. "ST-01"); left empty, one is generated."""
    if not can(actor, "boxes.manage_box", organisation):
        raise PermissionDenied()
    if not organisation.accepts_items:
        raise BoxError(
            BoxError.NOT_ACCEPTING,
            _("Đơn vị này không tiếp nhận ý kiến nên không quản lý hòm thư được."),
        )
    place = _clean(place, MAX_PLACE, field=_("nơi đặt hòm thư"), required=True)
    note = _clean(note, MAX_NOTE, field=_("ghi chú"))
    _not_future(installed_on, _("Ngày đặt"))
    code = box_code_normalise(code)
    if code:
        if not CODE_RE.match(code):
            raise BoxError(
                BoxError.INVALID_CODE,
                _(
                    "Mã hòm thư gồm 2–6 chữ in hoa hoặc số, có thể thêm gạch nối và 1–5 ký tự, "
                    "ví dụ ST-01."
                ),
            )
        if SuggestionBox.objects.filter(code=code).exists():
            raise BoxError(BoxError.CODE_TAKEN, _("Mã hòm thư %(code)s đã có.") % {"code": code})
    else:
        code = _new_code()
    box = SuggestionBox(
        code=code,
        organisation=organisation,
        place=place,
        admin_unit=admin_unit or organisation.admin_unit,
        installed_on=installed_on,
        note=note,
    )
    try:
        with transaction.atomic():
            box.save()
    except IntegrityError as exc:  # the code was taken between the check and the insert
        raise BoxError(
            BoxError.CODE_TAKEN, _("Mã hòm thư %(code)s đã có.") % {"code": code}
        ) from exc
    audit_event_record(
        action="box.created",
        obj=box,
        actor=actor,
        data={"code": code, "organisation": organisation.pk, "place": place},
    )
    return box


def _locked_box(box: SuggestionBox) -> SuggestionBox:
    return (
        SuggestionBox.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=box.pk)
    )


@transaction.atomic
def box_update(
    *,
    actor: Any,
    box: SuggestionBox,
    place: str,
    admin_unit: AdminUnit | None = None,
    installed_on: dt.date | None = None,
    note: str = "",
) -> SuggestionBox:
    """Change where a box is and its notes. The code and the unit stay: posters carry them."""
    if not can(actor, "boxes.manage_box", box):
        raise PermissionDenied()
    box = _locked_box(box)
    place = _clean(place, MAX_PLACE, field=_("nơi đặt hòm thư"), required=True)
    note = _clean(note, MAX_NOTE, field=_("ghi chú"))
    _not_future(installed_on, _("Ngày đặt"))
    if box.removed_on and installed_on and installed_on > box.removed_on:
        raise BoxError(BoxError.BAD_DATE, _("Ngày đặt phải trước ngày thu hồi."))
    first = box.openings.order_by("opened_at").first()
    if first is not None and installed_on and installed_on > timezone.localdate(first.opened_at):
        raise BoxError(BoxError.BAD_DATE, _("Ngày đặt phải trước lần mở hòm đầu tiên."))
    before = {"place": box.place, "note": box.note}
    box.place, box.admin_unit, box.installed_on, box.note = place, admin_unit, installed_on, note
    box.save(update_fields=["place", "admin_unit", "installed_on", "note", "updated_at"])
    audit_event_record(
        action="box.updated", obj=box, actor=actor, data={"before": before, "place": place}
    )
    return box


@transaction.atomic
def box_retire(
    *, actor: Any, box: SuggestionBox, removed_on: dt.date, reason: str
) -> SuggestionBox:
    """Take a box down: it leaves the portal and takes no new openings; its history stays."""
    if not can(actor, "boxes.manage_box", box):
        raise PermissionDenied()
    box = _locked_box(box)
    if not box.active:
        raise BoxError(BoxError.RETIRED, _("Hòm thư này đã thu hồi."))
    reason = _clean(reason, MAX_NOTE, field=_("lý do thu hồi"), required=True)
    _not_future(removed_on, _("Ngày thu hồi"))
    if box.installed_on and removed_on < box.installed_on:
        raise BoxError(BoxError.BAD_DATE, _("Ngày thu hồi phải sau ngày đặt."))
    if box.openings.exclude(state=BoxOpening.State.COMPLETE).exists():
        raise BoxError(
            BoxError.INVALID,
            _("Còn lần mở hòm chưa vào sổ xong: hoàn tất trước khi thu hồi hòm thư."),
        )
    box.active, box.removed_on = False, removed_on
    box.save(update_fields=["active", "removed_on", "updated_at"])
    audit_event_record(
        action="box.retired",
        obj=box,
        actor=actor,
        data={"removed_on": removed_on.isoformat(), "reason": reason},
    )
    return box


# -- openings ------------------------------------------------------------------------------------


def _witnesses(witnesses: list[WitnessData], day: dt.date) -> list[WitnessData]:
    cleaned: list[WitnessData] = []
    seen: set[str] = set()
    for w in witnesses:
        name = _clean(w.full_name, MAX_NAME, field=_("họ tên người chứng kiến"))
        role = _clean(w.role, MAX_ROLE, field=_("chức vụ, đơn vị người chứng kiến"))
        if not name and not role:
            continue
        if not name or not role:
            raise BoxError(
                BoxError.WITNESSES,
                _("Ghi đủ họ tên và chức vụ, đơn vị của từng người chứng kiến."),
            )
        key = " ".join(name.casefold().split())
        if key in seen:
            raise BoxError(
                BoxError.WITNESSES,
                _("Người chứng kiến %(name)s được ghi hai lần.") % {"name": name},
            )
        seen.add(key)
        cleaned.append(WitnessData(full_name=name, role=role, is_front=bool(w.is_front)))
    if len(cleaned) > MAX_WITNESSES:
        raise BoxError(
            BoxError.WITNESSES, _("Tối đa %(n)d người chứng kiến.") % {"n": MAX_WITNESSES}
        )
    least = policy.required_witnesses(day)  # P99-3: a local setting
    if len(cleaned) < least:
        raise BoxError(
            BoxError.WITNESSES,
            _("Việc mở hòm thư cần ít nhất %(n)d người chứng kiến (quy định tại địa phương).")
            % {"n": least},
        )
    if policy.front_witness_required() and not any(w.is_front for w in cleaned):
        raise BoxError(
            BoxError.WITNESSES,
            _("Địa phương quy định phải có đại diện Mặt trận Tổ quốc chứng kiến việc mở hòm thư."),
        )
    return cleaned


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BoxError(BoxError.COUNT, _("Số thư phải là số nguyên từ 0 trở lên."))
    most = policy.max_letters()
    if value > most:
        raise BoxError(
            BoxError.COUNT,
            _("Số thư quá lớn (tối đa %(n)d thư một lần mở); vui lòng kiểm tra lại.") % {"n": most},
        )
    return value


@transaction.atomic
def opening_record(
    *,
    actor: Any,
    box: SuggestionBox,
    opened_at: dt.datetime,
    letters_count: int,
    witnesses: list[WitnessData],
    minutes_note: str = "",
) -> BoxOpening:
    """Record that a box was opened, before whom, and how many letters were in it. An empty box
    (0 letters) is an opening too, complete at once."""
    if not can(actor, "boxes.record_opening", box):
        if can(actor, "boxes.manage_box", box) and not box.active:
            raise BoxError(BoxError.RETIRED, _("Hòm thư đã thu hồi: không ghi lần mở mới."))
        raise PermissionDenied()
    box = _locked_box(box)
    if not box.active:
        raise BoxError(BoxError.RETIRED, _("Hòm thư đã thu hồi: không ghi lần mở mới."))
    if timezone.is_naive(opened_at):
        opened_at = timezone.make_aware(opened_at)
    day = timezone.localdate(opened_at)
    if opened_at > timezone.now() + dt.timedelta(minutes=5):
        raise BoxError(BoxError.BAD_DATE, _("Thời điểm mở hòm không được sau hiện tại."))
    if box.installed_on and day < box.installed_on:
        raise BoxError(BoxError.BAD_DATE, _("Thời điểm mở hòm phải sau ngày đặt hòm thư."))
    letters_count = _count(letters_count)
    cleaned = _witnesses(witnesses, day)
    minutes_note = _clean(minutes_note, MAX_NOTE, field=_("ghi chú biên bản"))
    last = box.openings.order_by("-number").values_list("number", flat=True).first() or 0
    now = timezone.now()
    opening = BoxOpening.objects.create(
        box=box,
        number=last + 1,
        opened_at=opened_at,
        letters_count=letters_count,
        minutes_note=minutes_note,
        recorded_by=actor,
        state=BoxOpening.State.COMPLETE if letters_count == 0 else BoxOpening.State.RECORDED,
        completed_at=now if letters_count == 0 else None,
    )
    BoxWitness.objects.bulk_create(
        BoxWitness(
            opening=opening, order=i, full_name=w.full_name, role=w.role, is_front=w.is_front
        )
        for i, w in enumerate(cleaned, start=1)
    )
    audit_event_record(
        action="box.opened",
        obj=opening,
        actor=actor,
        data={
            "box": box.code,
            "number": opening.number,
            "letters_count": letters_count,
            "witnesses": len(cleaned),
            "front_witness": any(w.is_front for w in cleaned),
        },
    )
    return opening


def _locked_opening(opening: BoxOpening) -> BoxOpening:
    return (
        BoxOpening.objects.select_for_update(of=("self",))
        .select_related("box", "box__organisation")
        .get(pk=opening.pk)
    )


@transaction.atomic
def opening_recount(
    *, actor: Any, opening: BoxOpening, letters_count: int, reason: str
) -> BoxOpening:
    """Correct the number of letters counted (a miscount found while entering), with a reason
    that goes into the minutes and the audit trail."""
    if not can(actor, "boxes.edit_opening", opening):
        raise PermissionDenied()
    opening = _locked_opening(opening)
    if opening.is_complete:
        raise BoxError(BoxError.COMPLETE, _("Lần mở hòm này đã hoàn tất."))
    reason = _clean(reason, 1000, field=_("lý do sửa số thư"), required=True)
    letters_count = _count(letters_count)
    entered = opening.letters.count()
    if letters_count < entered:
        raise BoxError(
            BoxError.COUNT,
            _("Đã vào sổ %(n)d thư: số thư không thể ít hơn.") % {"n": entered},
        )
    before = opening.letters_count
    opening.letters_count = letters_count
    stamp = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    line = _("Sửa số thư từ %(a)d thành %(b)d (%(at)s): %(reason)s") % {
        "a": before,
        "b": letters_count,
        "at": stamp,
        "reason": reason,
    }
    opening.minutes_note = "\n".join(p for p in (opening.minutes_note, str(line)) if p)
    fields = ["letters_count", "minutes_note"]
    if entered == letters_count and entered > 0:
        opening.state, opening.completed_at = BoxOpening.State.COMPLETE, timezone.now()
        fields += ["state", "completed_at"]
    opening.save(update_fields=fields)
    audit_event_record(
        action="box.opening_recounted",
        obj=opening,
        actor=actor,
        data={"from": before, "to": letters_count, "reason": reason},
    )
    return opening


@transaction.atomic
def letter_enter(*, actor: Any, opening: BoxOpening, submission: Submission) -> BoxLetter:
    """Enter the next letter of an opening as an item (or several, one per kind: TCD-10).

    The channel, the receiving unit (the box's unit), the date received (the day the box was
    opened, when the letter reached the unit) and the channel detail come from the opening, not
    from the caller. Its scans go in `submission.uploads`; the spine sanitises them. A signed
    letter carries its sender's identity (sealed in the vault); an unsigned one is anonymous.
    """
    if not can(actor, "boxes.enter_letter", opening):
        if opening.is_complete and can(actor, "boxes.view_box", opening):
            raise BoxError(BoxError.COMPLETE, _("Lần mở hòm này đã vào sổ đủ thư."))
        raise PermissionDenied()
    opening = _locked_opening(opening)
    if opening.is_complete:
        raise BoxError(BoxError.COMPLETE, _("Lần mở hòm này đã vào sổ đủ thư."))
    entered = opening.letters.count()
    if entered >= opening.letters_count:
        raise BoxError(
            BoxError.LETTERS_FULL,
            _(
                "Đã vào sổ đủ %(n)d thư như biên bản. Nếu đếm sai, sửa số thư trong biên bản "
                "(có ghi lý do) rồi nhập tiếp."
            )
            % {"n": opening.letters_count},
        )
    sequence = entered + 1
    box = opening.box
    signed = not submission.anonymous and any(
        str(v).strip() for k, v in submission.identity.items() if k != "representatives"
    )
    sub = dataclasses.replace(
        submission,
        channel=Channel.SUGGESTION_BOX,
        receiving_org=box.organisation,
        received_at=opening.opened_at,
        anonymous=not signed,
        identity=submission.identity if signed else {},
        wants_notifications=submission.wants_notifications and signed,
        admin_unit=submission.admin_unit or box.admin_unit,
        channel_detail={
            "box": box.code,
            "opening": opening.pk,
            "letter": sequence,
            # The back office shows these two with labels (backoffice.forms.CHANNEL_DETAIL_LABELS).
            "box_name": str(box),
            "box_opened_on": timezone.localdate(opening.opened_at).isoformat(),
        },
    )
    result = item_submit(submission=sub, actor=actor)
    letter = BoxLetter.objects.create(
        opening=opening, sequence=sequence, item=result.items[0], signed=signed, entered_by=actor
    )
    fields = ["state"]
    if sequence == opening.letters_count:
        opening.state, opening.completed_at = BoxOpening.State.COMPLETE, timezone.now()
        fields.append("completed_at")
    else:
        opening.state = BoxOpening.State.ENTERING
    opening.save(update_fields=fields)
    audit_event_record(
        action="box.letter_entered",
        obj=letter,
        actor=actor,
        data={
            "box": box.code,
            "opening": opening.pk,
            "letter": sequence,
            "items": [i.code for i in result.items],
            "signed": signed,
            "scans": len(sub.uploads),
        },
    )
    # For the caller only, never stored in clear: the receipt a signed letter's sender gets.
    letter.items = result.items  # type: ignore[attr-defined]
    letter.secret = result.secret  # type: ignore[attr-defined]
    return letter


@transaction.atomic
def opening_close(*, actor: Any, opening: BoxOpening, note: str = "") -> BoxOpening:
    """Close an opening whose entered letters do not match the count (a blank sheet, two
    letters stapled together...): the difference must be explained, and the note goes in the
    minutes."""
    if not can(actor, "boxes.edit_opening", opening):
        if opening.is_complete and can(actor, "boxes.view_box", opening):
            raise BoxError(BoxError.COMPLETE, _("Lần mở hòm này đã hoàn tất."))
        raise PermissionDenied()
    opening = _locked_opening(opening)
    if opening.is_complete:
        raise BoxError(BoxError.COMPLETE, _("Lần mở hòm này đã hoàn tất."))
    note = _clean(note, MAX_NOTE, field=_("giải trình"))
    entered = opening.letters.count()
    if entered != opening.letters_count and len(note) < 10:
        raise BoxError(
            BoxError.NOTE_REQUIRED,
            _(
                "Đã vào sổ %(entered)d/%(count)d thư: cần giải trình chênh lệch "
                "(ít nhất 10 ký tự) trước khi hoàn tất."
            )
            % {"entered": entered, "count": opening.letters_count},
        )
    opening.state, opening.completed_at = BoxOpening.State.COMPLETE, timezone.now()
    opening.mismatch_note = note
    opening.save(update_fields=["state", "completed_at", "mismatch_note"])
    audit_event_record(
        action="box.opening_closed",
        obj=opening,
        actor=actor,
        data={"entered": entered, "counted": opening.letters_count, "note": note},
    )
    return opening
