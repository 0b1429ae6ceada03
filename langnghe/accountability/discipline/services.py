"""Every write of party discipline: guard → set → save → audit, in one transaction.

KT-8 (forms per subject) is checked on every write that fixes the form, the subject or the date;
KT-11 (competence, limitation periods) is checked only when configured locally, otherwise it is a
warning kept with the decision; KT-4 (W) is a warning. KT-3 notices are due within the rule book's
limit; publication goes through the inspections capability's `publish_redacted` (TC-17).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import PermissionDenied
from langnghe.core.text import clean_text
from langnghe.handling.rules import visible_items_q
from langnghe.intake.models import Item
from langnghe.orgs.models import Organisation, PartyStatus, Person, Position, active_q

from . import policy
from .errors import DisciplineError
from .models import DecisionStatus, DisciplineDecision, DisciplineForm, StateNotice, SubjectType
from .rules import can

MAX_GROUNDS = 20_000
MAX_LINE = 255


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied()


def _text(value: str | None, *, limit: int, required: bool, label: str) -> str:
    return clean_text(value, label=label, limit=limit, required=required, error=DisciplineError)


def _not_future(day: dt.date | None, label: str) -> None:
    if day is not None and day > timezone.localdate():
        raise DisciplineError(
            DisciplineError.BAD_DATE, _("%(f)s không được sau ngày hôm nay.") % {"f": label}
        )


# -- KT-8: the subject and the forms allowed ----------------------------------------------------


def subject_type_of(*, subject_org: Organisation | None, subject_person: Person | None) -> str:
    """KT-8: party_org / full_member / probationary_member, or a clear refusal."""
    if (subject_org is None) == (subject_person is None):
        raise DisciplineError(
            DisciplineError.BAD_SUBJECT,
            _("Chọn một đối tượng: hoặc một tổ chức đảng, hoặc một đảng viên."),
        )
    if subject_org is not None:
        if subject_org.kind not in policy.party_org_kinds():
            raise DisciplineError(
                DisciplineError.BAD_SUBJECT,
                _(
                    "%(org)s không phải là tổ chức đảng (cấp ủy, chi bộ): không thể thi hành "
                    "kỷ luật đảng đối với tổ chức này."
                )
                % {"org": subject_org.name},
            )
        return SubjectType.PARTY_ORG
    assert subject_person is not None
    if not subject_person.is_party_member or subject_person.party_status not in {
        PartyStatus.FULL,
        PartyStatus.PROBATIONARY,
    }:
        raise DisciplineError(
            DisciplineError.NOT_A_MEMBER,
            _(
                "%(name)s không phải là đảng viên (hoặc chưa ghi đảng tịch chính thức/dự bị): "
                "không thể thi hành kỷ luật đảng. Kỷ luật hành chính do cơ quan nhà nước quyết định."
            )
            % {"name": subject_person.full_name},
        )
    if subject_person.party_status == PartyStatus.FULL:
        return SubjectType.FULL_MEMBER
    return SubjectType.PROBATIONARY_MEMBER


def forms_for(subject_type: str) -> list[tuple[str, str]]:
    """(code, label) of the forms KT-8 allows for the subject type, in the catalogue's order."""
    allowed = set(policy.allowed_forms(subject_type))
    return [(value, str(label)) for value, label in DisciplineForm.choices if value in allowed]


def form_refusal_message(form: str, subject_type: str) -> str:
    """KT-8: why a form is refused for the subject type, naming the forms that are allowed."""
    labels = ", ".join(label for _v, label in forms_for(subject_type))
    name = str(DisciplineForm(form).label) if form in DisciplineForm.values else form
    return _(
        "Hình thức “%(form)s” không áp dụng cho %(type)s (KT-8). Các hình thức được áp "
        "dụng: %(allowed)s."
    ) % {
        "form": name,
        "type": str(SubjectType(subject_type).label).lower(),
        "allowed": labels,
    }


def holds_post_on(person: Person, day: dt.date) -> bool:
    return Position.objects.filter(active_q(day), person=person).exists()


def decision_check(
    *,
    deciding_body: Organisation,
    subject_org: Organisation | None,
    subject_person: Person | None,
    form: str,
    on: dt.date,
) -> tuple[str, list[dict[str, str]]]:
    """Refuse what the rules forbid; return the subject type and the warnings to show."""
    subject_type = subject_type_of(subject_org=subject_org, subject_person=subject_person)
    if form not in DisciplineForm.values:
        raise DisciplineError(
            DisciplineError.FORM_NOT_ALLOWED, _("Hình thức kỷ luật không hợp lệ.")
        )
    allowed = policy.allowed_forms(subject_type)
    if form not in allowed:
        raise DisciplineError(
            DisciplineError.FORM_NOT_ALLOWED, form_refusal_message(form, subject_type)
        )
    if form in policy.forms_needing_post() and subject_person is not None:
        if not holds_post_on(subject_person, on):
            raise DisciplineError(
                DisciplineError.NO_POST,
                _(
                    "%(name)s không giữ chức vụ nào vào ngày %(day)s: không thể áp dụng hình "
                    "thức cách chức (KT-8)."
                )
                % {"name": subject_person.full_name, "day": on.strftime("%d/%m/%Y")},
            )
    if deciding_body.kind not in policy.deciding_kinds():
        raise DisciplineError(
            DisciplineError.BAD_BODY,
            _(
                "%(org)s không phải là tổ chức đảng hoặc ủy ban kiểm tra: không thể quyết định kỷ luật đảng."
            )
            % {"org": deciding_body.name},
        )
    warnings: list[dict[str, str]] = []
    matrix = policy.competence_matrix()
    if matrix is None:
        warnings.append({"cite": "KT-11", "text": policy.kt11_warning(deciding_body.name)})
    elif deciding_body.kind not in set(matrix.get(form) or []):
        raise DisciplineError(
            DisciplineError.COMPETENCE,
            _(
                "Theo cấu hình tại địa phương (KT-11), %(org)s không có thẩm quyền quyết định hình thức “%(form)s”."
            )
            % {"org": deciding_body.name, "form": DisciplineForm(form).label},
        )
    if (
        subject_person is not None
        and deciding_body.kind == Organisation.Kind.PARTY_CELL
        and Position.objects.filter(
            active_q(on),
            person=subject_person,
            organisation__kind=Organisation.Kind.PARTY_COMMITTEE,
        ).exists()
    ):
        message = policy.kt4_warning(subject_person.full_name)
        if policy.kt4_enforced():
            raise DisciplineError(DisciplineError.KT4, message)
        warnings.append({"cite": "KT-4", "text": message})
    return subject_type, warnings


def _checked_items(actor: Any, items: Iterable[Item]) -> list[Item]:
    items = list(items)
    if not items:
        return []
    visible = set(
        Item.objects.filter(visible_items_q(actor), pk__in=[i.pk for i in items]).values_list(
            "pk", flat=True
        )
    )
    if len(visible) != len({i.pk for i in items}):
        raise DisciplineError(
            DisciplineError.INVALID,
            _("Có ý kiến làm căn cứ mà bạn không được xem hoặc không tồn tại."),
        )
    return items


# -- decisions -------------------------------------------------------------------------------


@transaction.atomic
def decision_create(
    *,
    actor: Any,
    deciding_body: Organisation,
    form: str,
    grounds: str,
    subject_org: Organisation | None = None,
    subject_person: Person | None = None,
    inspection: Any = None,
    source_items: Iterable[Item] = (),
    place: str = "",
    recipients: str = "",
    signer_name: str = "",
    signer_title: str = "",
) -> DisciplineDecision:
    """A draft decision. Refused outright when KT-8 forbids the form for the subject."""
    _require(actor, "discipline.manage_decision", deciding_body)
    subject_type, warnings = decision_check(
        deciding_body=deciding_body,
        subject_org=subject_org,
        subject_person=subject_person,
        form=form,
        on=timezone.localdate(),
    )
    items = _checked_items(actor, source_items)
    decision = DisciplineDecision.objects.create(
        deciding_body=deciding_body,
        subject_org=subject_org,
        subject_person=subject_person,
        subject_type=subject_type,
        form=form,
        grounds=_text(
            grounds, limit=MAX_GROUNDS, required=True, label=_("căn cứ, nội dung vi phạm")
        ),
        inspection=inspection,
        place=_text(place, limit=80, required=False, label=_("địa danh")),
        recipients=_text(recipients, limit=2000, required=False, label=_("nơi nhận")),
        signer_name=_text(signer_name, limit=120, required=False, label=_("người ký")),
        signer_title=_text(signer_title, limit=120, required=False, label=_("chức vụ người ký")),
        warnings=warnings,
        created_by=actor,
    )
    if items:
        decision.source_items.set(items)
    audit_event_record(
        action="discipline.created",
        obj=decision,
        actor=actor,
        data={
            "form": form,
            "subject_type": subject_type,
            "warnings": [w["cite"] for w in warnings],
        },
    )
    return decision


def _lock(decision: DisciplineDecision) -> DisciplineDecision:
    return DisciplineDecision.objects.select_for_update(of=("self",)).get(pk=decision.pk)


def _state(decision: DisciplineDecision, allowed: set[str], message: str) -> None:
    if decision.status not in allowed:
        raise DisciplineError(DisciplineError.INVALID_TRANSITION, message)


@transaction.atomic
def decision_decide(
    *,
    decision: DisciplineDecision,
    actor: Any,
    number: str,
    decided_on: dt.date | None,
    effective_on: dt.date | None = None,
) -> DisciplineDecision:
    """draft → decided. KT-8 is checked again on the decision date (the member's status and posts
    then), and the TC-17 publication day is fixed."""
    decision = _lock(decision)
    _require(actor, "discipline.manage_decision", decision)
    _state(decision, {DecisionStatus.DRAFT}, _("Chỉ ban hành được quyết định đang là dự thảo."))
    number = _text(number, limit=40, required=True, label=_("số quyết định"))
    if decided_on is None:
        raise DisciplineError(DisciplineError.BAD_DATE, _("Vui lòng nhập ngày quyết định."))
    _not_future(decided_on, _("Ngày quyết định"))
    if effective_on is not None and effective_on < decided_on:
        raise DisciplineError(
            DisciplineError.BAD_DATE, _("Ngày có hiệu lực không được trước ngày quyết định.")
        )
    subject_type, warnings = decision_check(
        deciding_body=decision.deciding_body,
        subject_org=decision.subject_org,
        subject_person=decision.subject_person,
        form=decision.form,
        on=decided_on,
    )
    decision.subject_type = subject_type
    decision.warnings = warnings
    decision.number = number
    decision.decided_on = decided_on
    decision.effective_on = effective_on or decided_on
    decision.publish_due = policy.publish_due(decided_on)
    decision.status = DecisionStatus.DECIDED
    decision.save(
        update_fields=[
            "subject_type",
            "warnings",
            "number",
            "decided_on",
            "effective_on",
            "publish_due",
            "status",
            "updated_at",
        ]
    )
    audit_event_record(
        action="discipline.decided",
        obj=decision,
        actor=actor,
        data={"number": number, "decided_on": decided_on.isoformat()},
    )
    return decision


@transaction.atomic
def decision_notify(
    *, decision: DisciplineDecision, actor: Any, notified_on: dt.date | None
) -> DisciplineDecision:
    """decided → notified: the decision was announced to the subject and sent out."""
    decision = _lock(decision)
    _require(actor, "discipline.manage_decision", decision)
    _state(decision, {DecisionStatus.DECIDED}, _("Chỉ thông báo được quyết định đã ban hành."))
    day = notified_on or timezone.localdate()
    _not_future(day, _("Ngày thông báo"))
    assert decision.decided_on is not None
    if day < decision.decided_on:
        raise DisciplineError(
            DisciplineError.BAD_DATE, _("Ngày thông báo không được trước ngày quyết định.")
        )
    decision.notified_on = day
    decision.status = DecisionStatus.NOTIFIED
    decision.save(update_fields=["notified_on", "status", "updated_at"])
    audit_event_record(
        action="discipline.notified", obj=decision, actor=actor, data={"on": day.isoformat()}
    )
    return decision


def public_text(decision: DisciplineDecision) -> tuple[str, str]:
    """The title and body put on the portal (before redaction)."""
    title = _("Quyết định số %(n)s: %(form)s đối với %(subject)s") % {
        "n": decision.number,
        "form": decision.get_form_display().lower(),
        "subject": decision.subject_label,
    }
    lines = [
        _("%(body)s quyết định thi hành kỷ luật bằng hình thức %(form)s đối với %(subject)s.")
        % {
            "body": decision.deciding_body.name,
            "form": decision.get_form_display().lower(),
            "subject": decision.subject_label,
        },
        "",
        _("Căn cứ, nội dung vi phạm:"),
        decision.grounds,
    ]
    if decision.effective_on:
        lines += [
            "",
            _("Quyết định có hiệu lực từ ngày %(d)s.")
            % {"d": decision.effective_on.strftime("%d/%m/%Y")},
        ]
    return str(title)[:200], "\n".join(str(x) for x in lines)


def publication_category(decision: DisciplineDecision) -> str:
    """DC-1 item 10 for commune cadres and commune party organisations; QĐ 99 otherwise."""
    body = decision.deciding_body
    if body.level == Organisation.Level.COMMUNE:
        return str(policy.book().setting("publication_category_commune"))
    return str(policy.book().setting("publication_category_corruption"))


def _publish_redacted(**kwargs: Any) -> Any:
    """The inspections capability's publication with reporters redacted (TC-17)."""
    from langnghe.accountability.inspections.publishing import publish_redacted

    return publish_redacted(**kwargs)


@transaction.atomic
def decision_publish(
    *,
    decision: DisciplineDecision,
    actor: Any,
    category: str | None = None,
    published_on: dt.date | None = None,
) -> DisciplineDecision:
    """decided/notified → published, through `publish_redacted`; TC-17 lateness recorded."""
    decision = _lock(decision)
    _require(actor, "discipline.publish_decision", decision)
    _state(
        decision,
        {DecisionStatus.DECIDED, DecisionStatus.NOTIFIED},
        _("Chỉ công khai được quyết định đã ban hành và chưa công khai."),
    )
    assert decision.decided_on is not None
    title, body = public_text(decision)
    publication = _publish_redacted(
        title=title,
        body=body,
        org=decision.deciding_body,
        category=category or publication_category(decision),
        decided_on=decision.decided_on,
        source_items=list(decision.source_items.all()),
        actor=actor,
        reference=decision.number,
        published_on=published_on,
    )
    day = getattr(publication, "published_on", None) or timezone.localdate()
    due = decision.publish_due or policy.publish_due(decision.decided_on)
    decision.publication = publication
    decision.published_on = day
    decision.publish_due = due
    decision.published_late = due is not None and day > due
    decision.status = DecisionStatus.PUBLISHED
    decision.save(
        update_fields=[
            "publication",
            "published_on",
            "publish_due",
            "published_late",
            "status",
            "updated_at",
        ]
    )
    audit_event_record(
        action="discipline.published",
        obj=decision,
        actor=actor,
        data={"publication": publication.pk, "late": decision.published_late},
    )
    return decision


@transaction.atomic
def decision_appeal_mark(
    *, decision: DisciplineDecision, actor: Any, note: str
) -> DisciplineDecision:
    """Record that the subject appealed against the decision (KT-2: complaints about discipline)."""
    decision = _lock(decision)
    _require(actor, "discipline.manage_decision", decision)
    _state(
        decision,
        {DecisionStatus.DECIDED, DecisionStatus.NOTIFIED, DecisionStatus.PUBLISHED},
        _("Chỉ ghi nhận khiếu nại đối với quyết định đã ban hành."),
    )
    decision.appealed = True
    decision.appeal_note = _text(note, limit=MAX_LINE, required=True, label=_("ghi chú khiếu nại"))
    decision.save(update_fields=["appealed", "appeal_note", "updated_at"])
    audit_event_record(action="discipline.appeal_marked", obj=decision, actor=actor)
    return decision


# -- KT-3: the state body's notice to the party organisation ----------------------------------


def managing_party_org(
    person: Person, issuing_org: Organisation, day: dt.date
) -> Organisation | None:
    """The party organisation managing the member: their cell; else a party committee where they
    hold a post; else the party committee of the issuing body's area and level."""
    if person.party_cell is not None:
        return person.party_cell
    post = (
        Position.objects.filter(
            active_q(day),
            person=person,
            organisation__kind=Organisation.Kind.PARTY_COMMITTEE,
        )
        .select_related("organisation")
        .first()
    )
    if post is not None:
        return post.organisation
    if issuing_org.admin_unit_id is not None:
        return (
            Organisation.objects.filter(
                active_q(day),
                kind=Organisation.Kind.PARTY_COMMITTEE,
                admin_unit_id=issuing_org.admin_unit_id,
                level=issuing_org.level,
            )
            .order_by("path")
            .first()
        )
    return None


def notice_needed(person: Person) -> bool:
    """KT-3 concerns party members only."""
    return bool(person.is_party_member)


@transaction.atomic
def notice_create(
    *,
    actor: Any,
    issuing_org: Organisation,
    person: Person,
    measure: str,
    decided_on: dt.date | None,
    decision_number: str = "",
    summary: str = "",
    notice_number: str = "",
    signer_name: str = "",
    signer_title: str = "",
) -> StateNotice:
    """KT-3: record the state-side measure and produce the notice due within the limit."""
    _require(actor, "discipline.keep_notice", issuing_org)
    if issuing_org.kind not in policy.state_issuer_kinds():
        raise DisciplineError(
            DisciplineError.BAD_ISSUER,
            _(
                "%(org)s là tổ chức đảng: thông báo theo KT-3 do cơ quan nhà nước, Mặt trận hoặc "
                "tổ chức chính trị - xã hội lập."
            )
            % {"org": issuing_org.name},
        )
    if measure not in {m["code"] for m in policy.state_measures()}:
        raise DisciplineError(DisciplineError.BAD_MEASURE, _("Hình thức xử lý không hợp lệ."))
    if decided_on is None:
        raise DisciplineError(DisciplineError.BAD_DATE, _("Vui lòng nhập ngày quyết định."))
    _not_future(decided_on, _("Ngày quyết định"))
    if not notice_needed(person):
        raise DisciplineError(
            DisciplineError.NOTICE_NOT_NEEDED,
            _(
                "%(name)s không phải là đảng viên: không cần thông báo cho tổ chức đảng (KT-3 chỉ "
                "áp dụng với cán bộ là đảng viên)."
            )
            % {"name": person.full_name},
        )
    receiving = managing_party_org(person, issuing_org, decided_on)
    if receiving is None:
        raise DisciplineError(
            DisciplineError.NO_PARTY_ORG,
            _(
                "Chưa xác định được tổ chức đảng quản lý %(name)s: cập nhật chi bộ sinh hoạt của "
                "đảng viên rồi lập lại thông báo."
            )
            % {"name": person.full_name},
        )
    rule = policy.state_notice_rule(decided_on)
    due = rule.after(decided_on)
    assert due is not None, "KT-3 has a value in the rule book"
    notice = StateNotice.objects.create(
        issuing_org=issuing_org,
        person=person,
        measure=measure,
        measure_label=policy.state_measure_label(measure),
        decision_number=_text(decision_number, limit=40, required=False, label=_("số quyết định")),
        decided_on=decided_on,
        summary=_text(summary, limit=5000, required=False, label=_("nội dung, lý do")),
        receiving_org=receiving,
        due_on=due,
        due_cite=rule.cite_text,
        notice_number=_text(notice_number, limit=40, required=False, label=_("số thông báo")),
        signer_name=_text(signer_name, limit=120, required=False, label=_("người ký")),
        signer_title=_text(signer_title, limit=120, required=False, label=_("chức vụ người ký")),
        created_by=actor,
    )
    audit_event_record(
        action="discipline.state_notice_created",
        obj=notice,
        actor=actor,
        data={"measure": measure, "due_on": due.isoformat(), "receiving_org": receiving.pk},
    )
    return notice


@transaction.atomic
def notice_mark_sent(*, notice: StateNotice, actor: Any, sent_on: dt.date | None) -> StateNotice:
    notice = StateNotice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
    _require(actor, "discipline.keep_notice", notice)
    if notice.sent_on is not None:
        raise DisciplineError(
            DisciplineError.INVALID_TRANSITION, _("Thông báo này đã được ghi nhận là đã gửi.")
        )
    day = sent_on or timezone.localdate()
    _not_future(day, _("Ngày gửi"))
    if day < notice.decided_on:
        raise DisciplineError(
            DisciplineError.BAD_DATE, _("Ngày gửi không được trước ngày quyết định.")
        )
    notice.sent_on = day
    notice.save(update_fields=["sent_on"])
    audit_event_record(
        action="discipline.state_notice_sent",
        obj=notice,
        actor=actor,
        data={"sent_on": day.isoformat(), "late": notice.is_late},
    )
    return notice
