"""Every write of Front supervision: guard → set → save → audit, in one transaction, each checking
its own rule (there is no flag to skip it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.accountability.redaction import reporter_redact
from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError, NotFound, PermissionDenied
from langnghe.core.text import clean_text
from langnghe.handling.services import item_transition
from langnghe.intake.models import Item
from langnghe.orgs.models import Organisation

from . import policy
from .models import (
    Addressee,
    FrontReopen,
    Hearing,
    Recommendation,
    Supervision,
    SupervisionPlan,
    SupervisionSession,
    SupervisionStatus,
)
from .rules import can, fronts_managed, in_area_q

MAX_TEXT = 20_000
S = SupervisionStatus


class SupervisionError(ApplicationError):
    INVALID_STEP = "supervision.invalid_step"
    BAD_DATE = "supervision.bad_date"
    BAD_FRONT = "supervision.bad_front"
    BAD_ITEMS = "supervision.bad_items"
    REQUIRED = "supervision.required"


def _text(value: str, *, label: Any, required: bool = True, max_len: int = MAX_TEXT) -> str:
    return clean_text(value, label=label, limit=max_len, required=required, error=SupervisionError)


def _not_future(day: dt.date, label: Any) -> None:
    if day > timezone.localdate():
        raise SupervisionError(
            SupervisionError.BAD_DATE,
            _("%(field)s không thể là một ngày trong tương lai.") % {"field": label},
        )


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied()


def _lock(supervision: Supervision) -> Supervision:
    return (
        Supervision.objects.select_for_update(of=("self",))
        .select_related("front", "supervised_org", "plan")
        .get(pk=supervision.pk)
    )


def _step(supervision: Supervision, allowed: Iterable[str]) -> None:
    if supervision.status not in set(allowed):
        raise SupervisionError(
            SupervisionError.INVALID_STEP,
            _("Không thể thực hiện bước này ở trạng thái “%(s)s”.")
            % {"s": supervision.get_status_display()},
        )


def _audit(action: str, obj: Any, actor: Any, **data: Any) -> None:
    audit_event_record(action=f"supervision.{action}", obj=obj, actor=actor, data=data)


# --- plans and supervisions -------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, front: Organisation, year: int, title: str, adopted_on: dt.date, actor: Any, note: str = ""
) -> SupervisionPlan:
    if front.kind != Organisation.Kind.FATHERLAND_FRONT:
        raise SupervisionError(
            SupervisionError.BAD_FRONT, _("Kế hoạch giám sát phải thuộc một Ủy ban MTTQ.")
        )
    _require(actor, "supervision.manage", front)
    title = _text(title, label=_("tên kế hoạch"), max_len=200)
    note = _text(note, label=_("ghi chú"), required=False)
    if not 2000 <= int(year) <= 2100:
        raise SupervisionError(SupervisionError.BAD_DATE, _("Năm không hợp lệ."))
    if SupervisionPlan.objects.filter(front=front, year=year).exists():
        raise SupervisionError(
            SupervisionError.INVALID,
            _("Ủy ban MTTQ này đã có kế hoạch giám sát năm %(y)d.") % {"y": year},
        )
    plan = SupervisionPlan.objects.create(
        front=front, year=year, title=title, adopted_on=adopted_on, note=note, created_by=actor
    )
    _audit("plan_created", plan, actor, year=year)
    return plan


def _check_grounds(
    front: Organisation, grounds: list[str], items: list[Item], press_references: str
) -> None:
    allowed = set(policy.grounds())
    if not grounds:
        raise SupervisionError(
            SupervisionError.REQUIRED, _("Vui lòng chọn ít nhất một căn cứ giám sát (MT-4).")
        )
    if set(grounds) - allowed:
        raise SupervisionError(SupervisionError.INVALID, _("Căn cứ giám sát không hợp lệ."))
    if "petitions" in grounds and not items:
        raise SupervisionError(
            SupervisionError.BAD_ITEMS,
            _(
                "Căn cứ là kiến nghị của Nhân dân: vui lòng chọn các ý kiến Mặt trận đã nhận (MT-4)."
            ),
        )
    if "media" in grounds and not press_references:
        raise SupervisionError(
            SupervisionError.REQUIRED,
            _("Căn cứ là thông tin báo chí: vui lòng ghi bài báo, chương trình (MT-4)."),
        )
    # MT-4: the citizens' petitions the Front itself received; never a sealed kind.
    from langnghe.handling.rules import sealed_kinds

    for item in items:
        if (
            item.receiving_org is None
            or not item.receiving_org.path.startswith(front.path)
            or item.kind in sealed_kinds()
        ):
            raise SupervisionError(
                SupervisionError.BAD_ITEMS,
                _("Ý kiến %(code)s không phải kiến nghị do Mặt trận tiếp nhận.")
                % {"code": item.code},
            )


@transaction.atomic
def supervision_create(
    *,
    plan: SupervisionPlan,
    supervised_org: Organisation,
    topic: str,
    content: str,
    form: str,
    grounds: list[str],
    first_session_on: dt.date,
    actor: Any,
    items: Iterable[Item] = (),
    press_references: str = "",
) -> Supervision:
    front = plan.front
    _require(actor, "supervision.manage", front)
    topic = _text(topic, label=_("chủ đề"), max_len=255)
    content = _text(content, label=_("nội dung giám sát"))
    press_references = _text(press_references, label=_("thông tin báo chí"), required=False)
    if form not in policy.forms():
        raise SupervisionError(
            SupervisionError.INVALID, _("Hình thức giám sát không hợp lệ (MT-2).")
        )
    if supervised_org.pk == front.pk or supervised_org.path.startswith(front.path):
        raise SupervisionError(
            SupervisionError.INVALID, _("Mặt trận không tự giám sát mình hoặc tổ chức thành viên.")
        )
    items = list(items)
    grounds = list(dict.fromkeys(grounds))
    _check_grounds(front, grounds, items, press_references)
    supervision = Supervision.objects.create(
        plan=plan,
        front=front,
        supervised_org=supervised_org,
        topic=topic,
        content=content,
        form=form,
        grounds=grounds,
        press_references=press_references,
        first_session_on=first_session_on,
        created_by=actor,
    )
    supervision.items.set(items)
    _audit(
        "created",
        supervision,
        actor,
        supervised_org=supervised_org.pk,
        items=[i.pk for i in items],
        form=form,
    )
    return supervision


@transaction.atomic
def supervision_send_decision(
    *,
    supervision: Supervision,
    decision_number: str,
    decision_date: dt.date,
    sent_on: dt.date,
    actor: Any,
) -> Supervision:
    """MT-5: the plan and decision go to the supervised party; a late sending is recorded as it
    happened and flagged, never refused (the record must tell the truth)."""
    supervision = _lock(supervision)
    _require(actor, "supervision.manage", supervision)
    _step(supervision, [S.PLANNED])
    number = _text(decision_number, label=_("số quyết định"), max_len=60)
    _not_future(sent_on, _("Ngày gửi"))
    if decision_date > sent_on:
        raise SupervisionError(
            SupervisionError.BAD_DATE, _("Ngày gửi không thể trước ngày ký quyết định.")
        )
    if sent_on > supervision.first_session_on:
        raise SupervisionError(
            SupervisionError.BAD_DATE,
            _("Ngày gửi quyết định sau ngày làm việc đầu tiên: vui lòng sửa ngày làm việc."),
        )
    supervision.decision_number = number
    supervision.decision_date = decision_date
    supervision.decision_sent_on = sent_on
    supervision.status = S.DECISION_SENT
    supervision.save(
        update_fields=["decision_number", "decision_date", "decision_sent_on", "status"]
    )
    due = policy.decision_due(supervision.first_session_on)
    _audit(
        "decision_sent", supervision, actor, sent_on=str(sent_on), late=bool(due and sent_on > due)
    )
    return supervision


@transaction.atomic
def supervision_record_report(
    *, supervision: Supervision, received_on: dt.date, actor: Any
) -> Supervision:
    supervision = _lock(supervision)
    _require(actor, "supervision.manage", supervision)
    _step(supervision, [S.DECISION_SENT])
    _not_future(received_on, _("Ngày nhận báo cáo"))
    if supervision.decision_sent_on and received_on < supervision.decision_sent_on:
        raise SupervisionError(
            SupervisionError.BAD_DATE, _("Ngày nhận báo cáo không thể trước ngày gửi quyết định.")
        )
    supervision.report_received_on = received_on
    supervision.status = S.REPORT_RECEIVED
    supervision.save(update_fields=["report_received_on", "status"])
    due = policy.report_due(supervision.first_session_on)
    _audit("report_received", supervision, actor, late=bool(due and received_on > due))
    return supervision


@transaction.atomic
def supervision_record_session(
    *, supervision: Supervision, held_on: dt.date, actor: Any, note: str = ""
) -> SupervisionSession:
    supervision = _lock(supervision)
    _require(actor, "supervision.manage", supervision)
    _step(supervision, [S.REPORT_RECEIVED, S.SESSIONS_HELD])
    _not_future(held_on, _("Ngày làm việc"))
    note = _text(note, label=_("ghi chú"), required=False)
    if held_on < supervision.first_session_on:
        raise SupervisionError(
            SupervisionError.BAD_DATE,
            _("Ngày làm việc không thể trước ngày làm việc đầu tiên đã thông báo (%(d)s).")
            % {"d": supervision.first_session_on.strftime("%d/%m/%Y")},
        )
    session = SupervisionSession.objects.create(supervision=supervision, held_on=held_on, note=note)
    last = max(held_on, supervision.last_session_on or held_on)
    supervision.last_session_on = last
    supervision.status = S.SESSIONS_HELD
    supervision.save(update_fields=["last_session_on", "status"])
    _audit("session_held", supervision, actor, held_on=str(held_on))
    return session


@transaction.atomic
def supervision_record_result(
    *, supervision: Supervision, report_on: dt.date, summary: str, actor: Any
) -> Supervision:
    supervision = _lock(supervision)
    _require(actor, "supervision.manage", supervision)
    _step(supervision, [S.SESSIONS_HELD])
    _not_future(report_on, _("Ngày báo cáo kết quả"))
    summary = _text(summary, label=_("kết quả giám sát"))
    if supervision.last_session_on and report_on < supervision.last_session_on:
        raise SupervisionError(
            SupervisionError.BAD_DATE,
            _("Báo cáo kết quả không thể trước buổi làm việc cuối cùng."),
        )
    supervision.result_report_on = report_on
    supervision.result_summary = summary
    supervision.public_summary, _count = reporter_redact(
        summary, supervision.items.all(), actor=actor
    )
    supervision.status = S.RESULT_REPORT
    supervision.save(
        update_fields=["result_report_on", "result_summary", "public_summary", "status"]
    )
    due = policy.result_report_due(supervision.last_session_on or report_on)
    _audit("result_report", supervision, actor, late=bool(due and report_on > due))
    return supervision


@transaction.atomic
def supervision_publish(*, supervision: Supervision, actor: Any) -> Supervision:
    supervision = _lock(supervision)
    _require(actor, "supervision.manage", supervision)
    _step(supervision, [S.RESULT_REPORT, S.RECOMMENDATION_ISSUED, S.RESPONSE_TRACKED])
    if supervision.published_at is None:
        supervision.published_at = timezone.now()
        supervision.save(update_fields=["published_at"])
        _audit("published", supervision, actor)
    return supervision


# --- recommendations (MT-3, MT-5) -------------------------------------------------------------


@transaction.atomic
def recommendation_issue(
    *,
    supervision: Supervision,
    content: str,
    addressees: list[str],
    sent_on: dt.date,
    actor: Any,
    competent_body: Organisation | None = None,
    response_due_on: dt.date | None = None,
    number: str = "",
) -> Recommendation:
    supervision = _lock(supervision)
    _require(actor, "supervision.manage", supervision)
    _step(supervision, [S.RESULT_REPORT, S.RECOMMENDATION_ISSUED, S.RESPONSE_TRACKED])
    content = _text(content, label=_("nội dung kiến nghị"))
    _not_future(sent_on, _("Ngày gửi"))
    if supervision.result_report_on and sent_on < supervision.result_report_on:
        raise SupervisionError(
            SupervisionError.BAD_DATE, _("Kiến nghị được gửi sau khi có báo cáo kết quả.")
        )
    addressees = [a for a in Addressee.values if a in set(addressees)]
    if set(addressees) != set(addressees) & set(Addressee.values) or not addressees:
        raise SupervisionError(SupervisionError.REQUIRED, _("Vui lòng chọn nơi nhận kiến nghị."))
    if Addressee.SUPERVISED not in addressees:
        raise SupervisionError(
            SupervisionError.INVALID,
            _("Kiến nghị phải được gửi cho cơ quan, tổ chức được giám sát (MT-5)."),
        )
    if Addressee.COMPETENT_BODY in addressees and competent_body is None:
        raise SupervisionError(
            SupervisionError.REQUIRED, _("Vui lòng chọn cơ quan có thẩm quyền nhận kiến nghị.")
        )
    if response_due_on is None:
        response_due_on = policy.response_due(sent_on)
    elif response_due_on < sent_on:
        raise SupervisionError(SupervisionError.BAD_DATE, _("Hạn trả lời phải sau ngày gửi."))
    number = (number or "").strip()
    if len(number) > 60:
        raise SupervisionError(SupervisionError.INVALID, _("Số văn bản quá dài: tối đa 60 ký tự."))
    if not number:
        number = recommendation_next_number(supervision.front, sent_on.year)
    public_content, _count = reporter_redact(content, supervision.items.all(), actor=actor)
    rec = Recommendation.objects.create(
        supervision=supervision,
        number=number,
        content=content,
        public_content=public_content,
        addressees=addressees,
        competent_body=competent_body if Addressee.COMPETENT_BODY in addressees else None,
        sent_on=sent_on,
        response_due_on=response_due_on,
    )
    supervision.status = S.RECOMMENDATION_ISSUED
    supervision.save(update_fields=["status"])
    _audit("recommendation_issued", rec, actor, supervision=supervision.pk, to=addressees)
    return rec


def recommendation_next_number(front: Organisation, year: int) -> str:
    """The next letter number of the Front's recommendations in the year: "NN/KN-MTTQ"."""
    count = Recommendation.objects.filter(supervision__front=front, sent_on__year=year).count()
    return f"{count + 1:02d}/KN-MTTQ"


def _lock_rec(rec: Recommendation) -> Recommendation:
    return (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("supervision", "supervision__front", "supervision__supervised_org")
        .get(pk=rec.pk)
    )


@transaction.atomic
def recommendation_answer(
    *,
    recommendation: Recommendation,
    response: str,
    outcome: str,
    responded_on: dt.date,
    actor: Any,
) -> Recommendation:
    """MT-3: the supervised party must answer the recommendation."""
    rec = _lock_rec(recommendation)
    _require(actor, "supervision.answer_recommendation", rec)
    if rec.status != Recommendation.Status.OPEN:
        raise SupervisionError(SupervisionError.INVALID_STEP, _("Kiến nghị này đã được trả lời."))
    response = _text(response, label=_("nội dung trả lời"))
    if outcome not in Recommendation.Outcome.values:
        raise SupervisionError(SupervisionError.REQUIRED, _("Vui lòng chọn kết quả tiếp thu."))
    _not_future(responded_on, _("Ngày trả lời"))
    if responded_on < rec.sent_on:
        raise SupervisionError(
            SupervisionError.BAD_DATE, _("Ngày trả lời không thể trước ngày gửi.")
        )
    rec.response = response
    rec.public_response, _count = reporter_redact(
        response, rec.supervision.items.all(), actor=actor
    )
    rec.outcome = outcome
    rec.responded_on = responded_on
    rec.responded_by = actor
    rec.status = Recommendation.Status.ANSWERED
    rec.save(
        update_fields=[
            "response",
            "public_response",
            "outcome",
            "responded_on",
            "responded_by",
            "status",
        ]
    )
    supervision = _lock(rec.supervision)
    if not supervision.recommendations.filter(status=Recommendation.Status.OPEN).exists():
        supervision.status = S.RESPONSE_TRACKED
        supervision.save(update_fields=["status"])
    _audit("recommendation_answered", rec, actor, outcome=outcome)
    return rec


@transaction.atomic
def recommendation_follow_up(
    *, recommendation: Recommendation, note: str, close: bool, actor: Any
) -> Recommendation:
    rec = _lock_rec(recommendation)
    _require(actor, "supervision.manage", rec)
    note = _text(note, label=_("nội dung theo dõi"))
    if rec.status == Recommendation.Status.CLOSED:
        raise SupervisionError(
            SupervisionError.INVALID_STEP, _("Kiến nghị này đã kết thúc theo dõi.")
        )
    if close and rec.status != Recommendation.Status.ANSWERED:
        raise SupervisionError(
            SupervisionError.INVALID_STEP,
            _("Chỉ kết thúc theo dõi khi cơ quan được giám sát đã trả lời (MT-3)."),
        )
    stamp = timezone.localdate().strftime("%d/%m/%Y")
    rec.follow_up = (rec.follow_up + "\n" if rec.follow_up else "") + f"{stamp}: {note}"
    fields = ["follow_up"]
    if close:
        rec.status = Recommendation.Status.CLOSED
        rec.closed_on = timezone.localdate()
        fields += ["status", "closed_on"]
    rec.save(update_fields=fields)
    _audit("recommendation_follow_up", rec, actor, closed=close)
    return rec


# --- hearings (MT-3) ----------------------------------------------------------------------------


@transaction.atomic
def hearing_record(
    *,
    front: Organisation,
    body: Organisation,
    held_on: dt.date,
    title: str,
    actor: Any,
    supervisions: Iterable[Supervision] = (),
    note: str = "",
) -> Hearing:
    _require(actor, "supervision.manage", front)
    if body.kind not in (Organisation.Kind.PEOPLES_COUNCIL, Organisation.Kind.PEOPLES_COMMITTEE):
        raise SupervisionError(
            SupervisionError.INVALID,
            _("Phiên nghe báo cáo là của Hội đồng nhân dân hoặc Ủy ban nhân dân (MT-3)."),
        )
    title = _text(title, label=_("kỳ họp, phiên họp"), max_len=200)
    note = _text(note, label=_("ghi chú"), required=False)
    _not_future(held_on, _("Ngày họp"))
    supervisions = list(supervisions)
    if any(s.front_id != front.pk for s in supervisions):
        raise SupervisionError(
            SupervisionError.INVALID, _("Cuộc giám sát không thuộc Ủy ban MTTQ này.")
        )
    hearing = Hearing.objects.create(
        front=front, body=body, held_on=held_on, title=title, note=note, created_by=actor
    )
    hearing.supervisions.set(supervisions)
    _audit(
        "hearing_recorded", hearing, actor, body=body.pk, supervisions=[s.pk for s in supervisions]
    )
    return hearing


# --- the Front asks to reopen a handled item (MT-3) ----------------------------------------------


@transaction.atomic
def item_front_reopen(
    *,
    item: Item,
    reason: str,
    actor: Any,
    supervision: Supervision | None = None,
    recommendation: Recommendation | None = None,
) -> FrontReopen:
    """Through the handling workflow's `front_reopen` transition: the item goes up a level, is
    escalated and counted as reopened; the request is linked to the supervision if given."""
    if not can(actor, "supervision.reopen_item", item):
        raise NotFound()
    reason = _text(reason, label=_("lý do"))
    if recommendation is not None:
        supervision = supervision or recommendation.supervision
        if recommendation.supervision_id != supervision.pk:
            raise SupervisionError(
                SupervisionError.INVALID, _("Kiến nghị không thuộc cuộc giám sát này.")
            )
    if supervision is not None and not can(actor, "supervision.manage", supervision):
        raise NotFound()
    fronts = fronts_managed(actor)
    front = supervision.front if supervision is not None else None
    if front is None:
        area = [f for f in fronts if Item.objects.filter(in_area_q([f]), pk=item.pk).exists()]
        front = area[0] if area else fronts[0]
    before = item.handling_org
    item = item_transition(item=item, name="front_reopen", actor=actor, reason=reason)
    request = FrontReopen.objects.create(
        item=item,
        front=front,
        supervision=supervision,
        recommendation=recommendation,
        reason=reason,
        handled_by_before=before,
        handled_by_after=item.handling_org,
        actor=actor,
    )
    _audit(
        "item_reopened",
        item,
        actor,
        request=request.pk,
        supervision=supervision.pk if supervision else None,
        to=item.handling_org_id,
    )
    return request
