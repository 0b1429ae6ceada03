"""Every write about meetings with the people: one transaction each, permission-checked, audited.

Transitions follow RULES.md §12 `dialogue_conference`:
planned_in_annual_plan → announced (DC-6: ≥ 7 days before, late is recorded and flagged)
→ held → minutes_recorded → results_published (DC-6: ≤ 10 days after, late is flagged)
→ follow_up (when the next conference of the organisation is held and reports on it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError, NotFound, PermissionDenied
from langnghe.core.text import clean_text, has_text, is_digits
from langnghe.intake.models import Channel, Kind
from langnghe.intake.services import Part, Submission, SubmitResult, item_submit
from langnghe.orgs.access import has_role_over
from langnghe.orgs.models import Organisation, Person, Role

from . import policy
from .errors import MeetingsError
from .models import (
    FOLLOW_UP_FAMILY,
    AnnualPlan,
    Commitment,
    CommitmentProgress,
    Conference,
    ConferenceKind,
    ConferenceMode,
    ConferenceStatus,
    ConferenceTrigger,
    RaisedIssue,
    Resolution,
    ResultsChannel,
    Speaker,
    VoterRequest,
    VoterRoll,
    VoterSupport,
)
from .rules import can

MAX_TEXT = 5000
MAX_LINE = 255
# Kinds a question in advance or an issue raised at a conference may take; a denunciation goes
# through the sealed channels of the spine, never through a public meeting record.
ADVANCE_KINDS = [Kind.SUGGESTION, Kind.FEEDBACK, Kind.RECOMMENDATION]
ISSUE_KINDS = [Kind.SUGGESTION, Kind.FEEDBACK, Kind.RECOMMENDATION, Kind.COMPLAINT]
# A question sent in advance through the conference's page: the conference's channel, submitted
# online by the citizen (intake.services accepts it without staff when tagged advance_question).
ADVANCE_QUESTION_CHANNEL = Channel.DIALOGUE_CONFERENCE
ISSUE_CHANNEL = {
    ConferenceKind.PARTY_HEAD_DIALOGUE: Channel.DIALOGUE_CONFERENCE,
    ConferenceKind.COMMUNE_DIALOGUE: Channel.DIALOGUE_CONFERENCE,
    ConferenceKind.STAFF_CONFERENCE: Channel.STAFF_CONFERENCE,
    ConferenceKind.VOTER_MEETING: Channel.VOTER_MEETING,
}
EDITABLE_STATUSES = {ConferenceStatus.PLANNED, ConferenceStatus.ANNOUNCED}
MINUTES_STATUSES = {ConferenceStatus.HELD, ConferenceStatus.MINUTES_RECORDED}


# -- helpers -------------------------------------------------------------------------------------


def _clean(value: Any, *, label: Any, limit: int = MAX_TEXT, required: bool = False) -> str:
    return clean_text(value, label=label, limit=limit, required=required, error=MeetingsError)


def _today() -> dt.date:
    return timezone.localdate()


def _not_future(day: dt.date, label: Any) -> None:
    if day > _today():
        raise MeetingsError(
            MeetingsError.BAD_DATE, _("%(label)s không được sau hôm nay.") % {"label": label}
        )


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied()


def _lock(conference: Conference) -> Conference:
    return (
        Conference.objects.select_for_update(of=("self",))
        .select_related("plan__organisation", "co_organiser")
        .get(pk=conference.pk)
    )


def _transition_error(conference: Conference) -> MeetingsError:
    return MeetingsError(
        MeetingsError.INVALID_TRANSITION,
        _("Hội nghị đang ở trạng thái “%(status)s”, không thực hiện được thao tác này.")
        % {"status": conference.get_status_display()},
    )


# -- plans ---------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, organisation: Organisation, year: int, title: str, note: str = "", actor: Any
) -> AnnualPlan:
    _require(actor, "meetings.manage_plan", organisation)
    title = _clean(title, label=_("tên kế hoạch"), limit=200, required=True)
    note = _clean(note, label=_("ghi chú"))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise MeetingsError(MeetingsError.BAD_DATE, _("Năm kế hoạch không hợp lệ."))
    if AnnualPlan.objects.filter(organisation=organisation, year=year).exists():
        raise MeetingsError(
            MeetingsError.DUPLICATE_PLAN,
            _("%(org)s đã có kế hoạch năm %(year)d.") % {"org": organisation.name, "year": year},
        )
    try:
        with transaction.atomic():
            plan = AnnualPlan.objects.create(
                organisation=organisation, year=year, title=title, note=note, created_by=actor
            )
    except IntegrityError as exc:
        raise MeetingsError(
            MeetingsError.DUPLICATE_PLAN, _("Kế hoạch năm này vừa được tạo.")
        ) from exc
    audit_event_record(action="meetings.plan_created", obj=plan, actor=actor, data={"year": year})
    return plan


@transaction.atomic
def plan_update(*, plan: AnnualPlan, title: str, note: str = "", actor: Any) -> AnnualPlan:
    _require(actor, "meetings.manage_plan", plan)
    plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    plan.title = _clean(title, label=_("tên kế hoạch"), limit=200, required=True)
    plan.note = _clean(note, label=_("ghi chú"))
    plan.save(update_fields=["title", "note"])
    audit_event_record(action="meetings.plan_updated", obj=plan, actor=actor)
    return plan


@transaction.atomic
def plan_approve(*, plan: AnnualPlan, actor: Any, approved_on: dt.date | None = None) -> AnnualPlan:
    _require(actor, "meetings.approve_plan", plan)
    plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.approved_on is not None:
        raise MeetingsError(MeetingsError.INVALID_TRANSITION, _("Kế hoạch đã được phê duyệt."))
    day = approved_on or _today()
    _not_future(day, _("Ngày phê duyệt"))
    plan.approved_on, plan.approved_by = day, actor
    plan.save(update_fields=["approved_on", "approved_by"])
    audit_event_record(action="meetings.plan_approved", obj=plan, actor=actor)
    return plan


# -- conferences ---------------------------------------------------------------------------------


@dataclass
class ConferenceData:
    kind: str
    title: str
    starts_at: dt.datetime
    topics: str
    place: str = ""
    mode: str = ConferenceMode.IN_PERSON
    online_link: str = ""
    trigger: str = ConferenceTrigger.ANNUAL
    co_organiser: Organisation | None = None
    chair_people: list[Person] = field(default_factory=list)
    chairs_text: str = ""
    council_cochair: bool = False
    party_committee_invited: bool = False
    expected_attendees: int | None = None
    voter_request: VoterRequest | None = None


def _validate_conference(plan: AnnualPlan, data: ConferenceData) -> dict[str, Any]:
    if data.kind not in ConferenceKind.values:
        raise MeetingsError(MeetingsError.INVALID, _("Loại hội nghị không hợp lệ."))
    if data.mode not in ConferenceMode.values:
        raise MeetingsError(MeetingsError.INVALID, _("Hình thức hội nghị không hợp lệ."))
    if data.trigger not in ConferenceTrigger.values:
        raise MeetingsError(MeetingsError.INVALID, _("Căn cứ tổ chức không hợp lệ."))
    if data.starts_at is None or timezone.localdate(data.starts_at).year != plan.year:
        raise MeetingsError(
            MeetingsError.BAD_DATE,
            _("Ngày hội nghị phải thuộc năm %(year)d của kế hoạch.") % {"year": plan.year},
        )
    if data.mode != ConferenceMode.IN_PERSON and not data.online_link and not data.place:
        raise MeetingsError(
            MeetingsError.REQUIRED,
            _("Hội nghị trực tuyến cần đường dẫn hoặc nơi theo dõi."),
        )
    if data.mode == ConferenceMode.IN_PERSON and not has_text(data.place or ""):
        raise MeetingsError(MeetingsError.REQUIRED, _("Vui lòng nhập địa điểm hội nghị."))
    if (
        data.co_organiser is not None
        and data.co_organiser.kind != Organisation.Kind.FATHERLAND_FRONT
    ):
        raise MeetingsError(
            MeetingsError.INVALID,
            _("Đơn vị phối hợp tổ chức phải là Ủy ban Mặt trận Tổ quốc (DC-6)."),
        )
    if (
        data.voter_request is not None
        and data.voter_request.organisation_id != plan.organisation_id
    ):
        raise MeetingsError(MeetingsError.INVALID, _("Đề nghị của cử tri thuộc đơn vị khác."))
    if data.expected_attendees is not None and data.expected_attendees < 0:
        raise MeetingsError(MeetingsError.INVALID, _("Số người được triệu tập không hợp lệ."))
    return {
        "kind": data.kind,
        "title": _clean(data.title, label=_("tên hội nghị"), limit=200, required=True),
        "starts_at": data.starts_at,
        "topics": _clean(data.topics, label=_("nội dung đối thoại"), required=True),
        "place": _clean(data.place, label=_("địa điểm"), limit=MAX_LINE),
        "mode": data.mode,
        "online_link": _clean(data.online_link, label=_("đường dẫn"), limit=200),
        "trigger": data.trigger,
        "co_organiser": data.co_organiser,
        "chairs_text": _clean(data.chairs_text, label=_("chủ trì"), limit=2000),
        "council_cochair": bool(data.council_cochair),
        "party_committee_invited": bool(data.party_committee_invited),
        "expected_attendees": data.expected_attendees,
        "voter_request": data.voter_request,
    }


@transaction.atomic
def conference_create(*, plan: AnnualPlan, data: ConferenceData, actor: Any) -> Conference:
    _require(actor, "meetings.manage_plan", plan)
    values = _validate_conference(plan, data)
    conference = Conference.objects.create(plan=plan, created_by=actor, **values)
    conference.chair_people.set(data.chair_people)
    if data.voter_request is not None and data.voter_request.is_open:
        VoterRequest.objects.filter(pk=data.voter_request.pk).update(
            status=VoterRequest.Status.CONFERENCE_PLANNED
        )
        audit_event_record(
            action="meetings.voter_request_answered",
            obj=data.voter_request,
            actor=actor,
            data={"conference": conference.pk},
        )
    audit_event_record(
        action="meetings.conference_created",
        obj=conference,
        actor=actor,
        data={"kind": conference.kind, "plan": plan.pk},
    )
    return conference


@transaction.atomic
def conference_update(*, conference: Conference, data: ConferenceData, actor: Any) -> Conference:
    _require(actor, "meetings.manage_conference", conference)
    conference = _lock(conference)
    if conference.status not in EDITABLE_STATUSES:
        raise _transition_error(conference)
    values = _validate_conference(conference.plan, data)
    if (
        conference.status == ConferenceStatus.ANNOUNCED
        and values["starts_at"] != conference.starts_at
    ):
        # DC-6: a new date needs a new announcement; the 7-day check runs against the new date.
        latest = policy.announce_latest(values["kind"], timezone.localdate(values["starts_at"]))
        conference.announce_latest = latest
        conference.announce_late = bool(
            latest and conference.announced_on and conference.announced_on > latest
        )
    changed = [k for k, v in values.items() if getattr(conference, k) != v]
    for key, value in values.items():
        setattr(conference, key, value)
    conference.save()
    conference.chair_people.set(data.chair_people)
    audit_event_record(
        action="meetings.conference_updated", obj=conference, actor=actor, data={"fields": changed}
    )
    return conference


@transaction.atomic
def conference_announce(
    *,
    conference: Conference,
    actor: Any,
    announced_on: dt.date | None = None,
    channels: str = "",
) -> Conference:
    """DC-6: announce time, place, content and method. Announcing later than 7 days before is
    allowed (the conference must still be held) but recorded and flagged."""
    _require(actor, "meetings.manage_conference", conference)
    conference = _lock(conference)
    if conference.status != ConferenceStatus.PLANNED:
        raise _transition_error(conference)
    day = announced_on or _today()
    _not_future(day, _("Ngày thông báo"))
    if timezone.localdate(conference.starts_at) < day:
        raise MeetingsError(
            MeetingsError.BAD_DATE,
            _("Ngày thông báo phải trước ngày hội nghị; hãy sửa ngày hội nghị trước."),
        )
    latest = policy.announce_latest(conference.kind, conference.starts_on)
    conference.status = ConferenceStatus.ANNOUNCED
    conference.announced_on = day
    conference.announce_channels = _clean(channels, label=_("hình thức thông báo"), limit=MAX_LINE)
    conference.announce_latest = latest
    conference.announce_late = latest is not None and day > latest
    conference.save(
        update_fields=[
            "status",
            "announced_on",
            "announce_channels",
            "announce_latest",
            "announce_late",
            "updated_at",
        ]
    )
    audit_event_record(
        action="meetings.conference_announced",
        obj=conference,
        actor=actor,
        data={
            "announced_on": day.isoformat(),
            "latest": latest.isoformat() if latest else None,
            "late": conference.announce_late,
            "cite": "DC-6",
        },
    )
    return conference


@transaction.atomic
def conference_hold(
    *,
    conference: Conference,
    actor: Any,
    held_on: dt.date | None = None,
    attendees: int | None = None,
    expected_attendees: int | None = None,
) -> Conference:
    """The conference took place. Earlier conferences of the organisation whose results were
    published move to follow-up: this one opens by reporting on their commitments."""
    _require(actor, "meetings.manage_conference", conference)
    conference = _lock(conference)
    if conference.status != ConferenceStatus.ANNOUNCED:
        if conference.status == ConferenceStatus.PLANNED:
            raise MeetingsError(
                MeetingsError.INVALID_TRANSITION,
                _("Hội nghị chưa được thông báo: phải thông báo trước khi tổ chức (DC-6)."),
            )
        raise _transition_error(conference)
    day = held_on or conference.starts_on
    _not_future(day, _("Ngày tổ chức"))
    if conference.announced_on and day < conference.announced_on:
        raise MeetingsError(
            MeetingsError.BAD_DATE, _("Ngày tổ chức không được trước ngày thông báo.")
        )
    for number in (attendees, expected_attendees):
        if number is not None and (not isinstance(number, int) or number < 0):
            raise MeetingsError(MeetingsError.INVALID, _("Số người không hợp lệ."))
    conference.status = ConferenceStatus.HELD
    conference.held_on = day
    conference.attendees = attendees
    if expected_attendees is not None:
        conference.expected_attendees = expected_attendees
    conference.results_latest = policy.results_latest(conference.kind, day)
    conference.save(
        update_fields=[
            "status",
            "held_on",
            "attendees",
            "expected_attendees",
            "results_latest",
            "updated_at",
        ]
    )
    previous = Conference.objects.filter(
        plan__organisation_id=conference.plan.organisation_id,
        kind__in=FOLLOW_UP_FAMILY[ConferenceKind(conference.kind)],
        status=ConferenceStatus.RESULTS_PUBLISHED,
        starts_at__lt=conference.starts_at,
    )
    followed = list(previous.values_list("pk", flat=True))
    previous.update(status=ConferenceStatus.FOLLOW_UP)
    audit_event_record(
        action="meetings.conference_held",
        obj=conference,
        actor=actor,
        data={"held_on": day.isoformat(), "attendees": attendees, "follow_up_of": followed},
    )
    return conference


@transaction.atomic
def speaker_add(
    *,
    conference: Conference,
    actor: Any,
    type: str,
    person: Person | None = None,
    name: str = "",
    role_or_village: str = "",
    summary: str = "",
) -> Speaker:
    _require(actor, "meetings.record_minutes", conference)
    conference = _lock(conference)
    if conference.status not in MINUTES_STATUSES:
        raise _transition_error(conference)
    if type not in Speaker.Type.values:
        raise MeetingsError(MeetingsError.INVALID, _("Loại người phát biểu không hợp lệ."))
    if type == Speaker.Type.CITIZEN:
        person = None
    name = _clean(name, label=_("họ và tên"), limit=120)
    if person is None and not name:
        raise MeetingsError(MeetingsError.REQUIRED, _("Vui lòng nhập họ và tên người phát biểu."))
    order = (conference.speakers.aggregate(m=Max("order"))["m"] or 0) + 1
    speaker = Speaker.objects.create(
        conference=conference,
        order=order,
        type=type,
        person=person,
        name=name,
        role_or_village=_clean(role_or_village, label=_("chức vụ / thôn"), limit=200),
        summary=_clean(summary, label=_("nội dung phát biểu")),
    )
    audit_event_record(
        action="meetings.speaker_added", obj=speaker, actor=actor, data={"type": type}
    )
    return speaker


@transaction.atomic
def resolution_record(
    *, conference: Conference, actor: Any, text: str, votes_for: int, present: int | None = None
) -> Resolution:
    """DC-7: a resolution of a staff conference, passed with more than half of those present."""
    _require(actor, "meetings.record_minutes", conference)
    conference = _lock(conference)
    if conference.status not in MINUTES_STATUSES:
        raise _transition_error(conference)
    if conference.kind != ConferenceKind.STAFF_CONFERENCE:
        raise MeetingsError(
            MeetingsError.INVALID, _("Chỉ hội nghị cán bộ, công chức mới biểu quyết nghị quyết.")
        )
    text = _clean(text, label=_("nội dung nghị quyết"), required=True)
    present = present if present is not None else conference.attendees
    if not isinstance(present, int) or present < 1:
        raise MeetingsError(MeetingsError.REQUIRED, _("Vui lòng nhập số người dự biểu quyết."))
    if not isinstance(votes_for, int) or not 0 <= votes_for <= present:
        raise MeetingsError(
            MeetingsError.INVALID,
            _("Số người tán thành phải từ 0 đến %(n)d (số người dự).") % {"n": present},
        )
    order = (conference.resolutions.aggregate(m=Max("order"))["m"] or 0) + 1
    resolution = Resolution.objects.create(
        conference=conference,
        order=order,
        text=text,
        votes_for=votes_for,
        present=present,
        passed=bool(policy.resolution_passes(votes_for, present)),
    )
    audit_event_record(
        action="meetings.resolution_recorded",
        obj=resolution,
        actor=actor,
        data={
            "votes_for": votes_for,
            "present": present,
            "passed": resolution.passed,
            "cite": "DC-7",
        },
    )
    return resolution


def _register_item(issue: RaisedIssue, *, kind: str, actor: Any) -> None:
    """A citizen's issue becomes an item of the spine, received by the organising organisation."""
    conference = issue.conference
    speaker = issue.speaker
    identity = {}
    if speaker is not None and speaker.name:
        identity = {"name": speaker.name, "address": speaker.role_or_village}
    held = conference.held_on or conference.starts_on
    received_at = timezone.make_aware(dt.datetime.combine(held, dt.time(12, 0)))
    result = item_submit(
        submission=Submission(
            parts=[Part(kind=kind, body=issue.text)],
            channel=ISSUE_CHANNEL[ConferenceKind(conference.kind)],
            receiving_org=conference.plan.organisation,
            title=issue.text.splitlines()[0][:120],
            anonymous=not identity,
            identity=identity,
            channel_detail={"conference": conference.pk, "issue": issue.pk},
            received_at=received_at,
        ),
        actor=actor,
    )
    issue.item = result.items[0]
    issue.save(update_fields=["item"])


def can_register_items(actor: Any, conference: Conference) -> bool:
    """The spine lets reception staff and leaders of the receiving unit enter items."""
    return has_role_over(actor, conference.plan.organisation, [Role.RECEPTIONIST, Role.LEADER])


@transaction.atomic
def raised_issue_record(
    *,
    conference: Conference,
    actor: Any,
    text: str,
    commitment_text: str,
    responsible_org: Organisation,
    deadline: dt.date,
    speaker: Speaker | None = None,
    answered_on_spot: bool = False,
    answer: str = "",
    responsible_person: Person | None = None,
    kind: str = Kind.RECOMMENDATION,
) -> RaisedIssue:
    """One issue from the floor, its commitment (who, by when) and, for a citizen's issue, the
    item that carries it through the handling workflow."""
    _require(actor, "meetings.record_minutes", conference)
    conference = _lock(conference)
    if conference.status not in MINUTES_STATUSES:
        raise _transition_error(conference)
    if speaker is not None and speaker.conference_id != conference.pk:
        raise MeetingsError(MeetingsError.INVALID, _("Người phát biểu không thuộc hội nghị này."))
    if kind not in ISSUE_KINDS:
        raise MeetingsError(MeetingsError.INVALID, _("Loại ý kiến không hợp lệ."))
    text = _clean(text, label=_("nội dung vấn đề"), required=True)
    commitment_text = _clean(commitment_text, label=_("nội dung cam kết"), required=True)
    answer = _clean(answer, label=_("nội dung trả lời"))
    if answered_on_spot and not answer:
        raise MeetingsError(
            MeetingsError.REQUIRED, _("Đã trả lời tại hội nghị: vui lòng ghi nội dung trả lời.")
        )
    held = conference.held_on or conference.starts_on
    if deadline is None or deadline < held:
        raise MeetingsError(
            MeetingsError.BAD_DATE, _("Thời hạn cam kết phải từ ngày hội nghị trở đi.")
        )
    order = (conference.issues.aggregate(m=Max("order"))["m"] or 0) + 1
    issue = RaisedIssue.objects.create(
        conference=conference,
        speaker=speaker,
        order=order,
        text=text,
        answered_on_spot=bool(answered_on_spot),
        answer=answer,
    )
    commitment = Commitment.objects.create(
        issue=issue,
        text=commitment_text,
        responsible_org=responsible_org,
        responsible_person=responsible_person,
        deadline=deadline,
    )
    if issue.from_citizen and can_register_items(actor, conference):
        _register_item(issue, kind=kind, actor=actor)
    audit_event_record(
        action="meetings.issue_recorded",
        obj=issue,
        actor=actor,
        data={
            "commitment": commitment.pk,
            "responsible_org": responsible_org.pk,
            "deadline": deadline.isoformat(),
            "item": issue.item.code if issue.item else None,
        },
    )
    return issue


@transaction.atomic
def raised_issue_register(
    *, issue: RaisedIssue, actor: Any, kind: str = Kind.RECOMMENDATION
) -> RaisedIssue:
    """Enter a citizen's issue recorded by someone without reception rights into the spine."""
    _require(actor, "meetings.record_minutes", issue.conference)
    issue = (
        RaisedIssue.objects.select_for_update(of=("self",))
        .select_related("conference__plan__organisation", "speaker")
        .get(pk=issue.pk)
    )
    if issue.item_id is not None:
        raise MeetingsError(MeetingsError.INVALID_TRANSITION, _("Vấn đề này đã được vào sổ."))
    if not issue.from_citizen:
        raise MeetingsError(
            MeetingsError.INVALID, _("Chỉ vấn đề do người dân nêu mới vào sổ ý kiến.")
        )
    if kind not in ISSUE_KINDS:
        raise MeetingsError(MeetingsError.INVALID, _("Loại ý kiến không hợp lệ."))
    if not can_register_items(actor, issue.conference):
        raise PermissionDenied(_("Chỉ cán bộ tiếp nhận hoặc lãnh đạo đơn vị mới vào sổ ý kiến."))
    _register_item(issue, kind=kind, actor=actor)
    audit_event_record(
        action="meetings.issue_registered",
        obj=issue,
        actor=actor,
        data={"item": issue.item.code},  # type: ignore[union-attr]
    )
    return issue


@transaction.atomic
def conference_minutes_close(*, conference: Conference, actor: Any, summary: str) -> Conference:
    _require(actor, "meetings.record_minutes", conference)
    conference = _lock(conference)
    if conference.status != ConferenceStatus.HELD:
        raise _transition_error(conference)
    summary = _clean(summary, label=_("tóm tắt biên bản"), required=True)
    if not conference.speakers.exists():
        raise MeetingsError(
            MeetingsError.REQUIRED, _("Biên bản cần ghi ít nhất một người phát biểu.")
        )
    conference.minutes_summary = summary
    conference.status = ConferenceStatus.MINUTES_RECORDED
    conference.save(update_fields=["minutes_summary", "status", "updated_at"])
    audit_event_record(
        action="meetings.minutes_recorded",
        obj=conference,
        actor=actor,
        data={"speakers": conference.speakers.count(), "issues": conference.issues.count()},
    )
    return conference


@transaction.atomic
def conference_results_publish(
    *,
    conference: Conference,
    actor: Any,
    summary: str,
    channels: list[str],
    published_on: dt.date | None = None,
) -> Conference:
    """DC-6: results announced (media, office posting, village heads) within 10 days; later is
    allowed but flagged."""
    _require(actor, "meetings.manage_conference", conference)
    conference = _lock(conference)
    if conference.status != ConferenceStatus.MINUTES_RECORDED:
        if conference.status == ConferenceStatus.HELD:
            raise MeetingsError(
                MeetingsError.INVALID_TRANSITION,
                _("Cần hoàn thành biên bản trước khi công bố kết quả."),
            )
        raise _transition_error(conference)
    summary = _clean(summary, label=_("thông báo kết quả"), required=True)
    channels = list(dict.fromkeys(channels or []))
    if not channels or any(c not in ResultsChannel.values for c in channels):
        raise MeetingsError(
            MeetingsError.REQUIRED, _("Chọn ít nhất một hình thức công bố kết quả hợp lệ.")
        )
    day = published_on or _today()
    _not_future(day, _("Ngày công bố"))
    held = conference.held_on or conference.starts_on
    if day < held:
        raise MeetingsError(
            MeetingsError.BAD_DATE, _("Ngày công bố không được trước ngày hội nghị.")
        )
    latest = policy.results_latest(conference.kind, held)
    conference.results_summary = summary
    conference.results_channels = channels
    conference.results_published_on = day
    conference.results_latest = latest
    conference.results_late = latest is not None and day > latest
    conference.status = ConferenceStatus.RESULTS_PUBLISHED
    conference.save(
        update_fields=[
            "results_summary",
            "results_channels",
            "results_published_on",
            "results_latest",
            "results_late",
            "status",
            "updated_at",
        ]
    )
    audit_event_record(
        action="meetings.results_published",
        obj=conference,
        actor=actor,
        data={
            "published_on": day.isoformat(),
            "latest": latest.isoformat() if latest else None,
            "late": conference.results_late,
            "cite": "DC-6",
        },
    )
    return conference


# -- commitments ---------------------------------------------------------------------------------


@transaction.atomic
def commitment_progress_add(
    *,
    commitment: Commitment,
    actor: Any,
    note: str,
    on: dt.date | None = None,
    done: bool = False,
) -> Commitment:
    _require(actor, "meetings.update_commitment", commitment)
    commitment = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("issue__conference__plan__organisation", "responsible_org")
        .get(pk=commitment.pk)
    )
    if commitment.status == Commitment.Status.DONE:
        raise MeetingsError(MeetingsError.CLOSED, _("Cam kết đã hoàn thành."))
    note = _clean(note, label=_("tiến độ"), required=True)
    day = on or _today()
    _not_future(day, _("Ngày cập nhật"))
    held = commitment.issue.conference.held_on or commitment.issue.conference.starts_on
    if day < held:
        raise MeetingsError(
            MeetingsError.BAD_DATE, _("Ngày cập nhật không được trước ngày hội nghị.")
        )
    CommitmentProgress.objects.create(commitment=commitment, on=day, note=note, by=actor)
    if done:
        commitment.status = Commitment.Status.DONE
        commitment.done_on = day
        commitment.save(update_fields=["status", "done_on"])
    audit_event_record(
        action="meetings.commitment_done" if done else "meetings.commitment_progress",
        obj=commitment,
        actor=actor,
        data={"on": day.isoformat(), "late": bool(done and day > commitment.deadline)},
    )
    return commitment


# -- questions in advance ------------------------------------------------------------------------


@transaction.atomic
def advance_question_submit(
    *,
    conference: Conference,
    kind: str,
    body: str,
    village: str = "",
    name: str = "",
    phone: str = "",
) -> SubmitResult:
    """A citizen's question before an announced conference: an item of the spine, tagged with the
    conference, accepted until the conference starts."""
    conference = (
        Conference.objects.select_for_update(of=("self",))
        .select_related("plan__organisation")
        .get(pk=conference.pk)
    )
    if not conference.accepts_questions:
        raise MeetingsError(
            MeetingsError.CLOSED, _("Hội nghị này không còn nhận câu hỏi gửi trước.")
        )
    if kind not in ADVANCE_KINDS:
        raise MeetingsError(MeetingsError.INVALID, _("Loại ý kiến không hợp lệ."))
    identity = {k: v for k, v in {"name": name, "phone": phone, "address": village}.items() if v}
    has_identity = bool(name or phone)
    result = item_submit(
        submission=Submission(
            parts=[Part(kind=kind, body=body)],
            channel=ADVANCE_QUESTION_CHANNEL,
            receiving_org=conference.plan.organisation,
            location_text=village,
            anonymous=not has_identity,
            identity=identity if has_identity else {},
            channel_detail={
                "conference": conference.pk,
                "advance_question": True,
                "via": Channel.DIALOGUE_CONFERENCE.value,
            },
        )
    )
    audit_event_record(
        action="meetings.advance_question",
        obj=conference,
        actor_label="citizen",
        data={"item": result.items[0].code},
    )
    return result


# -- voters' requests (DC-6) ---------------------------------------------------------------------


@transaction.atomic
def voter_roll_record(
    *, organisation: Organisation, voters: int, as_of: dt.date, source: str, actor: Any
) -> VoterRoll:
    _require(actor, "meetings.manage_voter_roll", organisation)
    if not isinstance(voters, int) or voters < 1 or voters > 10_000_000:
        raise MeetingsError(MeetingsError.INVALID, _("Số cử tri phải là số nguyên dương."))
    _not_future(as_of, _("Ngày chốt số cử tri"))
    source = _clean(source, label=_("nguồn số liệu"), limit=MAX_LINE, required=True)
    roll = VoterRoll.objects.create(
        organisation=organisation, voters=voters, as_of=as_of, source=source, created_by=actor
    )
    audit_event_record(
        action="meetings.voter_roll_recorded", obj=roll, actor=actor, data={"voters": voters}
    )
    # A smaller roll may bring an open request over the threshold.
    request = VoterRequest.objects.filter(
        organisation=organisation, status=VoterRequest.Status.COLLECTING
    ).first()
    if request is not None:
        _check_threshold(request)
    return roll


def voter_key(value: str) -> str:
    """A keyed hash of a phone number (10 digits) or ID number (9 or 12 digits): counts one voter
    once without keeping the number. Raises MeetingsError when it is neither."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if not is_digits(digits):
        raise MeetingsError(
            MeetingsError.BAD_VOTER_KEY,
            _("Số điện thoại hoặc số định danh chỉ gồm chữ số."),
        )
    is_phone = len(digits) == 10 and digits.startswith("0")
    is_id = len(digits) in (9, 12)
    if not (is_phone or is_id):
        raise MeetingsError(
            MeetingsError.BAD_VOTER_KEY,
            _("Nhập số điện thoại 10 số hoặc số CCCD/định danh 12 số (CMND 9 số)."),
        )
    return salted_hmac("langnghe.meetings.voter_key", digits, algorithm="sha256").hexdigest()


def latest_roll(organisation: Organisation, on: dt.date | None = None) -> VoterRoll | None:
    return (
        VoterRoll.objects.filter(organisation=organisation, as_of__lte=on or _today())
        .order_by("-as_of", "-pk")
        .first()
    )


def _check_threshold(request: VoterRequest) -> None:
    if request.status != VoterRequest.Status.COLLECTING:
        return
    roll = latest_roll(request.organisation)
    needed = policy.voter_threshold(roll.voters if roll else None)
    if needed is None:
        return
    count = request.supports.count()
    if count >= needed:
        request.status = VoterRequest.Status.THRESHOLD_REACHED
        request.threshold_reached_at = timezone.now()
        request.save(update_fields=["status", "threshold_reached_at"])
        audit_event_record(
            action="meetings.voter_request_threshold_reached",
            obj=request,
            actor_label="citizens",
            data={"supports": count, "needed": needed, "voters": roll.voters, "cite": "DC-6"},  # type: ignore[union-attr]
        )


def voter_request_eligible(organisation: Organisation) -> bool:
    """DC-6 counts the voters of a commune: the request goes to a commune people's committee."""
    return (
        organisation.kind == Organisation.Kind.PEOPLES_COMMITTEE
        and organisation.level == Organisation.Level.COMMUNE
        and organisation.is_active_on(_today())
    )


@transaction.atomic
def voter_support_add(
    *,
    organisation: Organisation,
    full_name: str,
    village: str,
    phone_or_id: str,
    reason: str = "",
) -> VoterRequest:
    """A voter asks for a dialogue conference. The open request of the commune is created with
    the first support; a voter is counted once (by the keyed hash of their phone or ID number)."""
    if not voter_request_eligible(organisation):
        raise NotFound()
    full_name = _clean(full_name, label=_("họ và tên"), limit=120, required=True)
    village = _clean(village, label=_("thôn, tổ dân phố"), limit=120, required=True)
    reason = _clean(reason, label=_("điều muốn đối thoại"), limit=500)
    key = voter_key(phone_or_id)
    Organisation.objects.select_for_update().get(pk=organisation.pk)  # one open request at a time
    request = VoterRequest.objects.filter(
        organisation=organisation,
        status__in=[VoterRequest.Status.COLLECTING, VoterRequest.Status.THRESHOLD_REACHED],
    ).first()
    if request is None:
        request = VoterRequest.objects.create(organisation=organisation, subject=reason[:300])
        audit_event_record(
            action="meetings.voter_request_opened", obj=request, actor_label="citizen"
        )
    if request.supports.filter(voter_key=key).exists():
        raise MeetingsError(
            MeetingsError.ALREADY_SUPPORTED,
            _(
                "Số điện thoại hoặc số định danh này đã được dùng để đề nghị; mỗi cử tri được tính một lần."
            ),
        )
    try:
        with transaction.atomic():
            VoterSupport.objects.create(
                request=request, full_name=full_name, village=village, voter_key=key, reason=reason
            )
    except IntegrityError as exc:
        raise MeetingsError(
            MeetingsError.ALREADY_SUPPORTED, _("Mỗi cử tri được tính một lần.")
        ) from exc
    audit_event_record(action="meetings.voter_support_added", obj=request, actor_label="citizen")
    _check_threshold(request)
    return request


@transaction.atomic
def voter_request_close(*, request: VoterRequest, actor: Any, reason: str) -> VoterRequest:
    _require(actor, "meetings.manage_voter_roll", request.organisation)
    request = VoterRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise MeetingsError(MeetingsError.CLOSED, _("Đề nghị này đã đóng."))
    request.closed_reason = _clean(reason, label=_("lý do đóng"), limit=300, required=True)
    request.status = VoterRequest.Status.CLOSED
    request.save(update_fields=["closed_reason", "status"])
    audit_event_record(
        action="meetings.voter_request_closed",
        obj=request,
        actor=actor,
        data={"reason": request.closed_reason},
    )
    return request


__all__ = [
    "ApplicationError",
    "ConferenceData",
    "MeetingsError",
    "advance_question_submit",
    "commitment_progress_add",
    "conference_announce",
    "conference_create",
    "conference_hold",
    "conference_minutes_close",
    "conference_results_publish",
    "conference_update",
    "plan_approve",
    "plan_create",
    "plan_update",
    "raised_issue_record",
    "raised_issue_register",
    "resolution_record",
    "speaker_add",
    "voter_key",
    "voter_request_close",
    "voter_roll_record",
    "voter_support_add",
]
