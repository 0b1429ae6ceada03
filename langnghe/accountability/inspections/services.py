"""Every write of party inspections: guard → check → save → audit, in one transaction.

The phases, states and allowed transitions come from the rule book (KT-6); the guards below say
what must exist before a state may be entered. Team members pass a conflict-of-interest check
(TC-15 applied to inspection teams). Publication follows TC-17 through `publishing`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.accountability.redaction import reporter_redact
from langnghe.core.audit import audit_event_record
from langnghe.core.errors import NotFound, PermissionDenied
from langnghe.core.text import clean_text
from langnghe.handling.services import item_note
from langnghe.intake.models import Item
from langnghe.orgs.access import has_role_over
from langnghe.orgs.models import Organisation, Person, Position, Role, active_q, tied_person_ids

from . import policy
from .errors import InspectionError
from .models import (
    Conclusion,
    ExplanatoryReport,
    Finding,
    Inspection,
    InspectionAccessGrant,
    InspectionPlan,
    InspectionPlanEntry,
    Notice,
    Remedy,
    TeamMember,
)
from .publishing import publish_redacted
from .rules import can

MAX_TEXT = 20_000


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not can(actor, perm, obj):
        if perm != "inspections.view_inspection" and isinstance(obj, Inspection):
            if can(actor, "inspections.view_inspection", obj):
                raise PermissionDenied()
        raise NotFound()


def _text(value: str | None, *, label: Any, required: bool = True, limit: int = MAX_TEXT) -> str:
    return clean_text(value, label=label, limit=limit, required=required, error=InspectionError)


def _past_date(day: dt.date | None, *, label: Any) -> dt.date:
    if day is None:
        raise InspectionError(InspectionError.BAD_DATE, _("Vui lòng nhập %(f)s.") % {"f": label})
    if day > timezone.localdate():
        raise InspectionError(
            InspectionError.BAD_DATE, _("%(f)s không được sau hôm nay.") % {"f": label}
        )
    return day


def _masked(inspection: Inspection, text: str, actor: Any) -> str:
    """TC-16: staff text written into the file never keeps a denouncer's identity."""
    items = list(inspection.source_items.all())
    if not items:
        return text
    return reporter_redact(text, items, actor=actor)[0]


def _lock(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update(of=("self",)).get(pk=inspection.pk)


def _check_kind(kind: str) -> None:
    if kind not in dict(policy.kind_choices()):
        raise InspectionError(InspectionError.INVALID, _("Loại kiểm tra, giám sát không hợp lệ."))


# -- plans (KT-7) ------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, actor: Any, organisation: Organisation, year: int, adopted_on: dt.date | None, note: str = ""
) -> InspectionPlan:
    if not can(actor, "inspections.manage_plan", organisation):
        raise PermissionDenied()
    if year < 2000 or year > timezone.localdate().year + 1:
        raise InspectionError(InspectionError.INVALID, _("Năm của chương trình không hợp lệ."))
    if adopted_on is not None:
        _past_date(adopted_on, label=_("ngày thông qua"))
    if InspectionPlan.objects.filter(organisation=organisation, year=year).exists():
        raise InspectionError(
            InspectionError.INVALID, _("Tổ chức này đã có chương trình kiểm tra, giám sát năm đó.")
        )
    plan = InspectionPlan.objects.create(
        organisation=organisation,
        year=year,
        adopted_on=adopted_on,
        note=_text(note, label=_("ghi chú"), required=False),
        created_by=actor,
    )
    audit_event_record(action="inspection_plan.created", obj=plan, actor=actor)
    return plan


@transaction.atomic
def plan_entry_add(
    *, actor: Any, plan: InspectionPlan, kind: str, subject: str, content: str, quarter: int
) -> InspectionPlanEntry:
    if not can(actor, "inspections.manage_plan", plan):
        raise PermissionDenied()
    _check_kind(kind)
    if quarter not in (1, 2, 3, 4):
        raise InspectionError(InspectionError.INVALID, _("Quý phải từ 1 đến 4."))
    entry = InspectionPlanEntry.objects.create(
        plan=plan,
        kind=kind,
        subject=_text(subject, label=_("đối tượng"), limit=255),
        content=_text(content, label=_("nội dung"), required=False),
        quarter=quarter,
    )
    audit_event_record(
        action="inspection_plan.entry_added", obj=plan, actor=actor, data={"entry": entry.pk}
    )
    return entry


# -- opening -----------------------------------------------------------------------------------


def _check_commission(commission: Organisation) -> None:
    if commission.kind not in (
        Organisation.Kind.INSPECTION_COMMISSION,
        Organisation.Kind.PARTY_COMMITTEE,
        Organisation.Kind.PARTY_CELL,
    ):
        raise InspectionError(
            InspectionError.INVALID,
            _("Chỉ cấp ủy, chi bộ hoặc ủy ban kiểm tra mới tiến hành kiểm tra, giám sát."),
        )


@transaction.atomic
def inspection_create(
    *,
    actor: Any,
    commission: Organisation,
    kind: str,
    title: str,
    subject_org: Organisation | None = None,
    subject_person: Person | None = None,
    scope: str = "",
    plan_entry: InspectionPlanEntry | None = None,
) -> Inspection:
    if not can(actor, "inspections.open_inspection", commission):
        raise PermissionDenied()
    _check_commission(commission)
    _check_kind(kind)
    if subject_org is None and subject_person is None:
        raise InspectionError(
            InspectionError.INVALID, _("Chọn tổ chức đảng hoặc đảng viên được kiểm tra.")
        )
    if subject_person is not None and not subject_person.is_party_member:
        raise InspectionError(InspectionError.INVALID, _("Người được kiểm tra phải là đảng viên."))
    if subject_person is not None and getattr(actor, "person", None) == subject_person:
        raise InspectionError(
            InspectionError.CONFLICT_OF_INTEREST,
            _("Không thể mở cuộc kiểm tra đối với chính mình."),
        )
    if plan_entry is not None and plan_entry.plan.organisation_id != commission.pk:
        raise InspectionError(
            InspectionError.INVALID, _("Nội dung chương trình không thuộc tổ chức này.")
        )
    inspection = Inspection.objects.create(
        commission=commission,
        kind=kind,
        title=_text(title, label=_("tên cuộc kiểm tra"), limit=255),
        subject_org=subject_org,
        subject_person=subject_person,
        scope=_text(scope, label=_("nội dung, phạm vi"), required=False),
        plan_entry=plan_entry,
        state=policy.states()[0],
        created_by=actor,
    )
    audit_event_record(
        action="inspection.created",
        obj=inspection,
        actor=actor,
        data={"kind": kind, "commission": commission.pk},
    )
    return inspection


@transaction.atomic
def inspection_open_from_items(
    *, actor: Any, items: Iterable[Item], title: str, scope: str = ""
) -> Inspection:
    """TC-18: open an inspection "on signs of violation" from denunciations against a party
    member routed to the commission. The items are linked, their timelines note it; nothing of
    the denouncer's identity is copied (TC-16: it stays in the vault)."""
    from .selectors import party_denunciations

    items = list(items)
    if not items:
        raise InspectionError(InspectionError.INVALID, _("Chọn ít nhất một đơn tố cáo."))
    visible = set(
        party_denunciations(actor).filter(pk__in=[i.pk for i in items]).values_list("pk", flat=True)
    )
    if len(visible) != len({i.pk for i in items}):
        raise NotFound()
    items = list(
        Item.objects.filter(pk__in=visible).select_related("handling_org", "concerned_person")
    )
    commissions = {i.handling_org_id for i in items}
    if len(commissions) != 1:
        raise InspectionError(
            InspectionError.INVALID, _("Các đơn phải cùng thuộc một ủy ban kiểm tra.")
        )
    people = {i.concerned_person_id for i in items}
    if len(people) != 1 or None in people:
        raise InspectionError(
            InspectionError.INVALID,
            _("Các đơn phải cùng tố cáo một đảng viên (đã xác định người bị tố cáo)."),
        )
    commission = items[0].handling_org
    person = items[0].concerned_person
    assert commission is not None and person is not None
    if not person.is_party_member:
        raise InspectionError(
            InspectionError.INVALID, _("Người bị tố cáo không phải đảng viên (TC-18).")
        )
    inspection = inspection_create(
        actor=actor,
        commission=commission,
        kind="on_violation_signs",
        title=title,
        subject_person=person,
        scope=scope,
    )
    inspection.source_items.set(items)
    for item in items:
        item_note(
            item=item,
            actor=actor,
            body=str(
                _(
                    "Ủy ban kiểm tra mở cuộc kiểm tra khi có dấu hiệu vi phạm (mã KT-%(n)d) từ đơn này (TC-18)."
                )
                % {"n": inspection.pk}
            ),
        )
    audit_event_record(
        action="inspection.opened_from_items",
        obj=inspection,
        actor=actor,
        data={"items": [i.pk for i in items]},
    )
    return inspection


@transaction.atomic
def inspection_decide(
    *,
    actor: Any,
    inspection: Inspection,
    decision_number: str,
    decision_date: dt.date | None,
    legal_basis: str,
    scope: str,
    start_on: dt.date | None,
    end_on: dt.date | None,
) -> Inspection:
    """The inspection decision and plan (KT-6, preparation)."""
    inspection = _lock(inspection)
    _require(actor, "inspections.manage_inspection", inspection)
    if policy.phase_of(inspection.state) != policy.phases()[0]:
        raise InspectionError(
            InspectionError.INVALID_TRANSITION,
            _("Quyết định chỉ sửa được trong giai đoạn chuẩn bị."),
        )
    inspection.decision_number = _text(decision_number, label=_("số quyết định"), limit=60)
    inspection.decision_date = _past_date(decision_date, label=_("ngày quyết định"))
    inspection.legal_basis = _text(legal_basis, label=_("căn cứ"))
    inspection.scope = _text(scope, label=_("nội dung, phạm vi"))
    if start_on is None:
        raise InspectionError(InspectionError.BAD_DATE, _("Vui lòng nhập ngày bắt đầu."))
    if start_on < inspection.decision_date:
        raise InspectionError(
            InspectionError.BAD_DATE, _("Ngày bắt đầu không được trước ngày quyết định.")
        )
    if end_on is not None and end_on < start_on:
        raise InspectionError(InspectionError.BAD_DATE, _("Ngày kết thúc phải sau ngày bắt đầu."))
    inspection.start_on, inspection.end_on = start_on, end_on
    inspection.save()
    audit_event_record(
        action="inspection.decision_recorded",
        obj=inspection,
        actor=actor,
        data={"number": inspection.decision_number, "date": inspection.decision_date.isoformat()},
    )
    return inspection


# -- the state machine (KT-6) ------------------------------------------------------------------

TRANSITION_GUARDS: dict[str, tuple[Callable[[Inspection], bool], Any]] = {
    "decision_and_plan_issued": (
        lambda i: bool(i.decision_number and i.decision_date),
        _("Cần ghi số và ngày quyết định kiểm tra trước."),
    ),
    "team_formed": (
        lambda i: i.team.filter(role=TeamMember.Role.HEAD).exists(),
        _("Đoàn kiểm tra cần có trưởng đoàn."),
    ),
    "subject_report_received": (
        lambda i: ExplanatoryReport.objects.filter(inspection=i).exists(),
        _("Cần ghi nhận báo cáo giải trình của đối tượng trước."),
    ),
    "verified": (
        lambda i: i.findings.exists(),
        _("Cần ghi ít nhất một kết quả thẩm tra, xác minh."),
    ),
    "notified": (
        lambda i: i.notices.exists(),
        _("Cần ghi ngày gửi thông báo kết luận trước."),
    ),
}


def allowed_transitions(inspection: Inspection) -> list[str]:
    return policy.next_states(inspection.state)


def _move(inspection: Inspection, to_state: str, *, actor: Any, special: bool = False) -> None:
    allowed = policy.next_states(inspection.state, include_special=special)
    if to_state not in allowed or (
        not special and to_state not in policy.next_states(inspection.state)
    ):
        raise InspectionError(
            InspectionError.INVALID_TRANSITION,
            _("Không thể chuyển từ bước “%(a)s” sang “%(b)s” (KT-6).")
            % {"a": policy.state_label(inspection.state), "b": policy.state_label(to_state)},
        )
    guard = TRANSITION_GUARDS.get(to_state)
    if guard is not None and not guard[0](inspection):
        raise InspectionError(InspectionError.NOT_READY, guard[1])
    before = inspection.state
    inspection.state = to_state
    inspection.save(update_fields=["state", "updated_at"])
    audit_event_record(
        action="inspection.transition",
        obj=inspection,
        actor=actor,
        data={"from": before, "to": to_state},
    )


@transaction.atomic
def inspection_transition(*, actor: Any, inspection: Inspection, to_state: str) -> Inspection:
    inspection = _lock(inspection)
    _require(actor, "inspections.manage_inspection", inspection)
    _move(inspection, to_state, actor=actor)
    return inspection


# -- team (TC-15) --------------------------------------------------------------------------------


def team_conflicts(inspection: Inspection, person: Person, *, declared_interest: str) -> list[str]:
    """Reasons this person may not sit on the team (TC-15 applied to inspection teams)."""
    reasons: list[str] = []
    subject = inspection.subject_person
    if subject is not None and person.pk == subject.pk:
        reasons.append(str(_("Người này chính là đối tượng được kiểm tra.")))
    if subject is not None and person.pk in tied_person_ids(subject.pk):
        reasons.append(
            str(_("Người này có quan hệ gia đình đã kê khai với đối tượng được kiểm tra (TC-15)."))
        )
    if declared_interest.strip():
        reasons.append(str(_("Người này kê khai có lợi ích trực tiếp liên quan (TC-15).")))
    if (
        inspection.subject_org_id is not None
        and Position.objects.filter(
            active_q(),
            person=person,
            organisation_id=inspection.subject_org_id,
            role__in=[Position.Role.HEAD, Position.Role.DEPUTY],
        ).exists()
    ):
        reasons.append(str(_("Người này đang giữ chức vụ lãnh đạo ở tổ chức được kiểm tra.")))
    return reasons


@transaction.atomic
def team_member_add(
    *,
    actor: Any,
    inspection: Inspection,
    person: Person,
    role: str,
    no_tie_declared: bool,
    declared_interest: str = "",
) -> TeamMember:
    inspection = _lock(inspection)
    _require(actor, "inspections.manage_inspection", inspection)
    if inspection.state not in ("proposed", "decision_and_plan_issued", "team_formed"):
        raise InspectionError(
            InspectionError.INVALID_TRANSITION, _("Chỉ lập đoàn trong giai đoạn chuẩn bị.")
        )
    if role not in TeamMember.Role.values:
        raise InspectionError(InspectionError.INVALID, _("Vai trò không hợp lệ."))
    declared_interest = _text(declared_interest, label=_("lợi ích"), required=False, limit=2000)
    reasons = team_conflicts(inspection, person, declared_interest=declared_interest)
    if reasons:
        audit_event_record(
            action="inspection.team_member_refused",
            obj=inspection,
            actor=actor,
            data={"person": person.pk, "reasons": reasons},
        )
        raise InspectionError(
            InspectionError.CONFLICT_OF_INTEREST,
            _("Không thể cử %(name)s vào đoàn: %(why)s")
            % {"name": person.full_name, "why": " ".join(reasons)},
        )
    if not no_tie_declared:
        raise InspectionError(
            InspectionError.CONFLICT_OF_INTEREST,
            _("Thành viên phải tự kê khai không có quan hệ gia đình, lợi ích trực tiếp (TC-15)."),
        )
    if inspection.team.filter(person=person).exists():
        raise InspectionError(InspectionError.INVALID, _("Người này đã có trong đoàn."))
    if role == TeamMember.Role.HEAD and inspection.team.filter(role=TeamMember.Role.HEAD).exists():
        raise InspectionError(InspectionError.INVALID, _("Đoàn đã có trưởng đoàn."))
    member = TeamMember.objects.create(
        inspection=inspection,
        person=person,
        role=role,
        no_tie_declared=True,
        declared_interest="",
        added_by=actor,
    )
    audit_event_record(
        action="inspection.team_member_added",
        obj=inspection,
        actor=actor,
        data={"person": person.pk, "role": role},
    )
    return member


@transaction.atomic
def team_member_remove(*, actor: Any, member: TeamMember) -> None:
    inspection = _lock(member.inspection)
    _require(actor, "inspections.manage_inspection", inspection)
    audit_event_record(
        action="inspection.team_member_removed",
        obj=inspection,
        actor=actor,
        data={"person": member.person_id},
    )
    member.delete()


# -- conduct -------------------------------------------------------------------------------------


def _require_phase(inspection: Inspection, states: Iterable[str], message: Any) -> None:
    if inspection.state not in set(states):
        raise InspectionError(InspectionError.INVALID_TRANSITION, message)


CONDUCT_STATES = (
    "deployed",
    "subject_report_received",
    "verified",
    "draft_report",
    "discussed_with_subject",
)


@transaction.atomic
def explanatory_report_record(
    *, actor: Any, inspection: Inspection, text: str, received_on: dt.date | None
) -> ExplanatoryReport:
    inspection = _lock(inspection)
    _require(actor, "inspections.manage_inspection", inspection)
    _require_phase(
        inspection,
        CONDUCT_STATES,
        _("Báo cáo giải trình được ghi nhận khi đang tiến hành kiểm tra."),
    )
    received_on = _past_date(received_on, label=_("ngày nhận"))
    if inspection.decision_date and received_on < inspection.decision_date:
        raise InspectionError(
            InspectionError.BAD_DATE, _("Ngày nhận không được trước ngày quyết định.")
        )
    due_rule = policy.rule("explanatory_report_due", received_on)
    due = due_rule.after(inspection.start_on) if inspection.start_on else None
    report, _created = ExplanatoryReport.objects.update_or_create(
        inspection=inspection,
        defaults={
            "text": _masked(inspection, _text(text, label=_("nội dung báo cáo")), actor),
            "received_on": received_on,
            "due_on": due,
            "recorded_by": actor,
        },
    )
    audit_event_record(action="inspection.report_recorded", obj=inspection, actor=actor)
    return report


@transaction.atomic
def finding_add(*, actor: Any, inspection: Inspection, content: str, severity: str) -> Finding:
    inspection = _lock(inspection)
    _require(actor, "inspections.manage_inspection", inspection)
    _require_phase(
        inspection, CONDUCT_STATES, _("Kết quả thẩm tra được ghi khi đang tiến hành kiểm tra.")
    )
    if severity not in dict(policy.severity_choices()):
        raise InspectionError(InspectionError.INVALID, _("Mức độ không hợp lệ."))
    finding = Finding.objects.create(
        inspection=inspection,
        content=_masked(inspection, _text(content, label=_("nội dung")), actor),
        severity=severity,
        recorded_by=actor,
    )
    audit_event_record(
        action="inspection.finding_added",
        obj=inspection,
        actor=actor,
        data={"finding": finding.pk, "severity": severity},
    )
    return finding


# -- conclusion, notices, publication (KT-6, TC-17) -------------------------------------------


@transaction.atomic
def conclusion_record(
    *,
    actor: Any,
    inspection: Inspection,
    text: str,
    concluded_on: dt.date | None,
    result: str,
    recommends_discipline: bool,
    number: str = "",
) -> Conclusion:
    inspection = _lock(inspection)
    _require(actor, "inspections.manage_inspection", inspection)
    concluded_on = _past_date(concluded_on, label=_("ngày kết luận"))
    if inspection.decision_date and concluded_on < inspection.decision_date:
        raise InspectionError(
            InspectionError.BAD_DATE, _("Ngày kết luận không được trước ngày quyết định.")
        )
    text = _masked(inspection, _text(text, label=_("nội dung kết luận")), actor)
    result = _text(result, label=_("kết quả chung"), limit=255)
    _move(inspection, "concluded", actor=actor, special=True)
    conclusion = Conclusion.objects.create(
        inspection=inspection,
        number=_text(number, label=_("số"), required=False, limit=60),
        text=text,
        concluded_on=concluded_on,
        result=result,
        recommends_discipline=recommends_discipline,
        publish_due=policy.publish_due(concluded_on),
        recorded_by=actor,
    )
    audit_event_record(
        action="inspection.concluded",
        obj=inspection,
        actor=actor,
        data={"recommends_discipline": recommends_discipline},
    )
    return conclusion


@transaction.atomic
def conclusion_publish(
    *,
    actor: Any,
    inspection: Inspection,
    category: str,
    title: str,
    published_on: dt.date | None = None,
) -> Conclusion:
    inspection = _lock(inspection)
    _require(actor, "inspections.manage_inspection", inspection)
    conclusion = Conclusion.objects.filter(inspection=inspection).first()
    if conclusion is None:
        raise InspectionError(InspectionError.NOT_READY, _("Chưa có kết luận để công khai."))
    if conclusion.publication_id is not None:
        raise InspectionError(InspectionError.INVALID, _("Kết luận đã được công khai."))
    if category not in policy.publication_categories():
        raise InspectionError(InspectionError.INVALID, _("Nội dung công khai không hợp lệ."))
    publication = publish_redacted(
        title=title,
        body=conclusion.text,
        org=inspection.commission,
        category=category,
        decided_on=conclusion.concluded_on,
        source_items=inspection.source_items.all(),
        actor=actor,
        reference=conclusion.number,
        published_on=published_on,
    )
    conclusion.publication = publication
    conclusion.published_on = publication.published_on
    conclusion.publish_due = publication.publish_due
    conclusion.published_late = publication.is_late
    conclusion.save()
    inspection.sealed = False
    inspection.save(update_fields=["sealed", "updated_at"])
    audit_event_record(
        action="inspection.conclusion_published",
        obj=inspection,
        actor=actor,
        data={"publication": publication.pk, "late": publication.is_late},
    )
    return conclusion


AFTER_CONCLUSION = ("concluded", "notified", "follow_up")


@transaction.atomic
def notice_record(
    *,
    actor: Any,
    inspection: Inspection,
    recipient: str,
    recipient_name: str,
    sent_on: dt.date | None,
) -> Notice:
    inspection = _lock(inspection)
    _require(actor, "inspections.manage_inspection", inspection)
    _require_phase(inspection, AFTER_CONCLUSION, _("Chỉ thông báo sau khi đã có kết luận."))
    if recipient not in Notice.Recipient.values:
        raise InspectionError(InspectionError.INVALID, _("Nơi nhận không hợp lệ."))
    sent_on = _past_date(sent_on, label=_("ngày gửi"))
    if sent_on < inspection.conclusion.concluded_on:
        raise InspectionError(
            InspectionError.BAD_DATE, _("Ngày gửi không được trước ngày kết luận.")
        )
    notice = Notice.objects.create(
        inspection=inspection,
        recipient=recipient,
        recipient_name=_text(recipient_name, label=_("tên nơi nhận"), limit=255),
        sent_on=sent_on,
        recorded_by=actor,
    )
    audit_event_record(
        action="inspection.notice_recorded",
        obj=inspection,
        actor=actor,
        data={"recipient": recipient},
    )
    return notice


@transaction.atomic
def remedy_add(
    *, actor: Any, inspection: Inspection, content: str, responsible: str, due_on: dt.date | None
) -> Remedy:
    inspection = _lock(inspection)
    _require(actor, "inspections.manage_inspection", inspection)
    _require_phase(inspection, AFTER_CONCLUSION, _("Biện pháp khắc phục ghi sau khi có kết luận."))
    if due_on is None:
        raise InspectionError(InspectionError.BAD_DATE, _("Vui lòng nhập hạn khắc phục."))
    if due_on < inspection.conclusion.concluded_on:
        raise InspectionError(InspectionError.BAD_DATE, _("Hạn khắc phục phải sau ngày kết luận."))
    remedy = Remedy.objects.create(
        inspection=inspection,
        content=_text(content, label=_("nội dung khắc phục")),
        responsible=_text(responsible, label=_("người, đơn vị thực hiện"), limit=255),
        due_on=due_on,
        recorded_by=actor,
    )
    audit_event_record(
        action="inspection.remedy_added", obj=inspection, actor=actor, data={"remedy": remedy.pk}
    )
    return remedy


@transaction.atomic
def remedy_done(*, actor: Any, remedy: Remedy, done_on: dt.date | None) -> Remedy:
    inspection = _lock(remedy.inspection)
    _require(actor, "inspections.manage_inspection", inspection)
    done_on = _past_date(done_on, label=_("ngày hoàn thành"))
    remedy.done_on = done_on
    remedy.save(update_fields=["done_on"])
    audit_event_record(
        action="inspection.remedy_done", obj=inspection, actor=actor, data={"remedy": remedy.pk}
    )
    return remedy


# -- access grants -------------------------------------------------------------------------------


@transaction.atomic
def access_grant(
    *, actor: Any, inspection: Inspection, user_id: int | None, reason: str
) -> InspectionAccessGrant:
    inspection = _lock(inspection)
    _require(actor, "inspections.manage_inspection", inspection)
    reason = _text(reason, label=_("lý do"), limit=500)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        raise InspectionError(InspectionError.INVALID, _("Chọn người được cấp quyền."))
    if not (
        has_role_over(user, inspection.commission, {Role.LEADER})
        or has_role_over(user, inspection.subject_org, {Role.LEADER})
    ):
        raise InspectionError(
            InspectionError.INVALID,
            _("Chỉ cấp quyền xem cho lãnh đạo cấp ủy phụ trách cuộc kiểm tra này."),
        )
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    if person is not None and person.pk == inspection.subject_person_id:
        raise InspectionError(
            InspectionError.CONFLICT_OF_INTEREST,
            _("Không cấp quyền xem hồ sơ cho chính đối tượng được kiểm tra."),
        )
    if InspectionAccessGrant.objects.filter(
        inspection=inspection, user=user, revoked_at__isnull=True
    ).exists():
        raise InspectionError(InspectionError.INVALID, _("Người này đã có quyền xem."))
    grant = InspectionAccessGrant.objects.create(
        inspection=inspection, user=user, granted_by=actor, reason=reason
    )
    audit_event_record(
        action="inspection.access_granted",
        obj=inspection,
        actor=actor,
        data={"user": user.pk, "reason": reason},
    )
    return grant


@transaction.atomic
def access_revoke(*, actor: Any, grant: InspectionAccessGrant) -> InspectionAccessGrant:
    inspection = _lock(grant.inspection)
    _require(actor, "inspections.manage_inspection", inspection)
    if grant.revoked_at is not None:
        raise InspectionError(InspectionError.INVALID, _("Quyền này đã bị thu hồi."))
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoked_at", "revoked_by"])
    audit_event_record(
        action="inspection.access_revoked",
        obj=inspection,
        actor=actor,
        data={"user": grant.user_id},
    )
    return grant
