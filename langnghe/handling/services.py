"""Every write of the handling workflow. Each service: guard → set → save → event → side effects
on commit, in one transaction, re-reading the item with select_for_update (Wagtail, Zulip)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import HandlingError, NotFound, PermissionDenied
from langnghe.core.forms import LATEST
from langnghe.core.text import has_text
from langnghe.intake.models import Item
from langnghe.intake.receipts import secret_matches
from langnghe.orgs.access import has_role_over
from langnghe.orgs.models import Organisation, Role

from . import clock
from .models import Answer, ItemEvent
from .policy import PREVIOUS, Transition, Workflow, get_policy
from .routing import next_level_up
from .rules import PERMISSION_FOR, WORK_ROLES, can

MAX_TEXT = 20_000


def _lock(item: Item) -> Item:
    return (
        Item.objects.select_for_update(of=("self",))
        .select_related("handling_org", "receiving_org", "concerned_person", "identity")
        .get(pk=item.pk)
    )


def _require(actor: Any, perm: str, item: Item) -> None:
    if not can(actor, perm, item):
        raise PermissionDenied()


def _clean_text(value: str, *, required: bool, field: str) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not has_text(value):
        raise HandlingError(
            HandlingError.REASON_REQUIRED, _("Vui lòng nhập %(field)s.") % {"field": field}
        )
    if len(value) > MAX_TEXT:
        raise HandlingError(HandlingError.INVALID, _("Nội dung quá dài (tối đa 20.000 ký tự)."))
    return value


def record_event(
    item: Item, type_: str, *, actor: Any = None, by_citizen: bool = False, **fields: Any
) -> ItemEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return ItemEvent.objects.create(
        item=item, type=type_, actor=user, by_citizen=by_citizen, **fields
    )


def index_item(item: Item, *, new: bool = False) -> None:
    """Staff document (full text, by handling subtree) and, once published, the public one.
    ``new``: the item was just created, so it has no public document to remove."""
    from langnghe.search.services import search_document_delete, search_document_upsert

    path = item.handling_path or item.receiving_org.path
    search_document_upsert(
        key=f"item:{item.pk}",
        kind="item",
        object_id=item.pk,
        title=item.title,
        body=f"{item.code} {item.title} {item.body} {item.public_answer}",
        is_public=False,
        org_path=path,
        created_at=item.received_at,
    )
    if item.is_published:
        # Only what was written for the public: the citizen's own title and words never enter
        # the public index (a name search must not point at the sender).
        search_document_upsert(
            key=f"pub:{item.pk}",
            kind="published",
            object_id=item.pk,
            title=item.public_summary[:200],
            body=f"{item.code} {item.public_summary} {item.public_answer}",
            is_public=True,
            org_path=path,
            created_at=item.published_at or item.received_at,
        )
    elif not new:
        search_document_delete(key=f"pub:{item.pk}")


def _on_commit(func: Any, *args: Any) -> None:
    """Queue a task for this change: in the change's own transaction on the database queue
    (nothing lost if the process dies right after the commit), after the commit elsewhere."""
    from langnghe.core.queue import enqueue_in_transaction

    if enqueue_in_transaction():
        func(*args)
    else:
        transaction.on_commit(lambda: func(*args))


def _notify_citizen(item_id: int, template: str) -> None:
    from langnghe.notify.tasks import notify_citizen_task

    notify_citizen_task.enqueue(item_id, template)


def _notify_staff(item_id: int, template: str, org_id: int, roles: list[str]) -> None:
    from langnghe.notify.tasks import notify_staff_task

    notify_staff_task.enqueue(item_id, template, org_id, roles)


def apply_route(
    item: Item, org: Organisation, *, actor: Any = None, reason: str = "", public: bool = True
) -> None:
    """Set the handling unit (used by submission and by item_route); the caller holds the lock."""
    previous = item.handling_org
    item.handling_org = org
    item.handling_path = org.path
    item.handler = None
    clock.refresh(item)  # remote-area limits depend on the unit
    item.save(update_fields=["handling_org", "handling_path", "handler", *clock.DEADLINE_FIELDS])
    # The sender sees which unit handles the item; why (often about people) stays internal.
    record_event(
        item,
        ItemEvent.Type.ROUTED,
        actor=actor,
        public=public,
        data={"from": previous.pk if previous else None, "to": org.pk, "to_name": org.name},
    )
    if reason:
        record_event(item, ItemEvent.Type.NOTE, actor=actor, body=reason)
    audit_event_record(action="item.routed", obj=item, actor=actor, data={"to": org.pk})
    _on_commit(_notify_staff, item.pk, "routed", org.pk, [Role.HANDLER, Role.UNIT_HEAD])


@transaction.atomic
def item_route(
    *, item: Item, actor: Any, unit: Organisation | None = None, reason: str = ""
) -> Item:
    from .routing import resolve_route

    item = _lock(item)
    _require(actor, "handling.route_item", item)
    if not item.is_open:
        raise HandlingError(HandlingError.INVALID_TRANSITION, _("Ý kiến đã kết thúc xử lý."))
    target = unit or resolve_route(item)
    if target.pk == item.handling_org_id:
        return item  # already there (sent twice, another tab): nothing to record
    probe = Item(
        pk=item.pk, concerned_org=item.concerned_org, concerned_person=item.concerned_person
    )
    from .routing import _conflicts

    if _conflicts(probe, target, timezone.localdate()):
        raise HandlingError(
            HandlingError.CONFLICT_OF_INTEREST,
            _(
                "Không thể giao cho đơn vị mà người bị phản ánh là người đứng đầu hoặc cấp phó; "
                "cấp trên trực tiếp sẽ xử lý (TC-14)."
            ),
        )
    apply_route(item, target, actor=actor, reason=_clean_text(reason, required=False, field=""))
    index_item(item)
    return item


@transaction.atomic
def item_assign(*, item: Item, handler: Any, actor: Any) -> Item:
    item = _lock(item)
    self_assign = handler.pk == actor.pk
    _require(actor, "handling.work_item" if self_assign else "handling.approve_item", item)
    if not has_role_over(handler, item.handling_org, WORK_ROLES) or not can(
        handler, "handling.work_item", item
    ):
        raise HandlingError(
            HandlingError.CONFLICT_OF_INTEREST,
            _("Người được giao không thuộc đơn vị xử lý hoặc có liên quan đến nội dung."),
        )
    if item.handler_id == handler.pk:
        return item  # already theirs (sent twice, or in a bulk assignment): nothing to record
    item.handler = handler
    item.save(update_fields=["handler"])
    record_event(
        item, ItemEvent.Type.ASSIGNED, actor=actor, data={"handler": handler.get_username()}
    )
    audit_event_record(action="item.assigned", obj=item, actor=actor, data={"handler": handler.pk})
    return item


def _check_requirements(t: Transition, fields: dict[str, str]) -> None:
    labels = {
        "message": _("nội dung tin nhắn"),
        "reason": _("lý do"),
        "answer": _("nội dung trả lời"),
        "target_body": _("cơ quan nhận chuyển"),
        "finding": _("kết quả xác minh"),
    }
    for name in t.requires:
        fields[name] = _clean_text(fields.get(name, ""), required=True, field=str(labels[name]))


def redact(text: str, item: Item) -> str:
    """Remove the reporter's identifying values from text meant for the public (TC-17),
    ignoring case and diacritics (langnghe.intake.redaction)."""
    if item.identity_id is None or not text:
        return text
    from langnghe.intake.redaction import identity_values
    from langnghe.intake.redaction import redact as redact_values
    from langnghe.intake.vault import unseal

    return redact_values(text, identity_values(unseal(item.identity.ciphertext)))  # type: ignore[union-attr]


def _moment(act_date: dt.date) -> dt.datetime:
    """The time of an act dated `act_date`: now for today, midday for a back-dated record."""
    if act_date == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(act_date, dt.time(12, 0)))


def _check_reopen(item: Item, act_date: dt.date) -> None:
    limits = get_policy().reopen
    if limits.get("max_times") is not None and item.reopen_count >= int(limits["max_times"]):
        raise HandlingError(
            HandlingError.INVALID_TRANSITION,
            _("Ý kiến này đã được xem xét lại %(n)d lần; không thể đề nghị thêm.")
            % {"n": item.reopen_count},
        )
    window = limits.get("window_days")
    if window is not None and item.closed_at is not None:
        if act_date > timezone.localdate(item.closed_at) + dt.timedelta(days=int(window)):
            raise HandlingError(
                HandlingError.INVALID_TRANSITION,
                _("Đã quá %(days)d ngày kể từ khi có trả lời; không thể đề nghị xem xét lại.")
                % {"days": int(window)},
            )


def route_up(item: Item, day: dt.date) -> Organisation:
    """The unit above the current one that may handle the item: successions and the conflict
    rules of TC-14 apply, as for any routing."""
    from .routing import _conflicts, successor_of

    target = next_level_up(item.handling_org or item.receiving_org, day)
    for _hop in range(10):
        target = successor_of(target, day)
        if not _conflicts(item, target, day):
            break
        higher = next_level_up(target, day)
        if higher.pk == target.pk:
            break
        target = higher
    return target


@transaction.atomic
def item_transition(
    *,
    item: Item,
    name: str,
    actor: Any = None,
    citizen_secret: str | None = None,
    message: str = "",
    reason: str = "",
    answer: str = "",
    public_answer: str = "",
    public_summary: str = "",
    finding: str = "",
    target_body: str = "",
    publish: bool = True,
    act_date: dt.date | None = None,
) -> Item:
    item = _lock(item)
    policy = get_policy()
    workflow = policy.workflow(item.workflow)
    t = workflow.transition(name, item.status)
    if t is None:
        raise HandlingError(
            HandlingError.INVALID_TRANSITION,
            _("Không thể thực hiện thao tác này ở trạng thái hiện tại."),
        )
    by_citizen = t.permission == "citizen"
    if by_citizen:
        if citizen_secret is None or not secret_matches(
            item.code, citizen_secret, item.secret_hash
        ):
            raise NotFound()
    else:
        if actor is None:
            raise PermissionDenied()
        _require(actor, PERMISSION_FOR[t.permission], item)
    fields = {
        "message": message,
        "reason": reason,
        "answer": answer,
        "target_body": target_body,
        "finding": finding,
    }
    _check_requirements(t, fields)
    if "finding" in t.requires and fields["finding"] not in Answer.Finding.values:
        raise HandlingError(HandlingError.INVALID, _("Kết quả xác minh không hợp lệ."))
    if t.once and item.forward_count >= 1:
        raise HandlingError(
            HandlingError.ALREADY_FORWARDED, _("Nội dung này đã được chuyển một lần (TC-19).")
        )
    act_date = act_date or timezone.localdate()
    if "escalate" in t.effects and by_citizen:
        # The sender's limits (a deployment setting); the Front's follow-up is not bound by them.
        _check_reopen(item, act_date)

    from_status = item.status
    to_status = t.to
    if to_status == PREVIOUS:
        pause = next(
            (x for x in workflow.transitions if x.to == from_status and x.clock == "pause"), None
        )
        to_status = item.paused_from_status or (pause.from_states[0] if pause else workflow.initial)
    was_open = item.is_open
    item.status = to_status
    item.is_open = workflow.states[to_status].open
    if was_open and not item.is_open:
        item.due_at_close = item.due_on
    item.closed_at = None if item.is_open else _moment(act_date)
    if t.name == "forward":
        item.forward_count += 1

    if t.clock == "pause":
        item.paused_from_status = from_status
        clock.pause(item, act_date)
    elif t.clock in ("resume_continue", "resume_restart"):
        clock.resume(item, workflow, act_date, policy, restart=t.clock == "resume_restart")
        item.paused_from_status = ""
    if not item.is_open:
        item.paused_on, item.paused_from_status = None, ""
    if t.extends:
        try:
            clock.extend(item, workflow, t.extends, policy)
        except ValueError as exc:
            raise HandlingError(
                HandlingError.INVALID_TRANSITION, _("Không thể gia hạn thêm theo quy định.")
            ) from exc
    if to_status != from_status:
        clock.enter_state(item, workflow, to_status, act_date, policy)
    else:
        clock.refresh(item)

    public_text = ""
    if name == "draft_answer":
        Answer.objects.create(
            item=item,
            body=fields["answer"],
            public_body=_clean_text(public_answer, required=False, field=""),
            public_summary=_clean_text(public_summary, required=False, field=""),
            finding=fields.get("finding", ""),
            drafted_by=actor,
        )
    if name == "approve_answer":
        draft = item.answers.filter(approved_at__isnull=True).first()
        if draft is None:
            raise HandlingError(HandlingError.NOT_ANSWERED, _("Chưa có dự thảo trả lời."))
        draft.approved_by, draft.approved_at = actor, _moment(act_date)
        draft.save(update_fields=["approved_by", "approved_at"])
    sent: Answer | None = None
    if "send_answer" in t.effects:
        # Only the answer approved in this cycle and not yet sent; otherwise the reason given
        # for this step (a refusal or a forwarding) is what the sender receives.
        sent = item.answers.filter(approved_at__isnull=False, sent_at__isnull=True).first()
        if sent is not None:
            sent.sent_at = _moment(act_date)
            sent.save(update_fields=["sent_at"])
            public_text = redact(sent.public_body or sent.body, item)
        else:
            public_text = redact(fields.get("reason") or fields.get("answer") or "", item)
        item.public_answer = public_text
    if "publish" in t.effects and publish and sent is not None:
        # Published only what staff wrote for the public: a summary and an answer, both
        # redacted again; never the citizen's own words (C2 of the privacy review).
        summary = redact(sent.public_summary, item)
        if summary and sent.public_body:
            item.is_published = True
            item.published_at = _moment(act_date)
            item.public_summary = summary
    if "escalate" in t.effects:
        item.reopen_count += 1
        higher = route_up(item, act_date)
        if higher.pk != (item.handling_org_id or 0):
            why = str(_("Người gửi đề nghị xem xét lại")) if by_citizen else t.label
            apply_route(item, higher, actor=None, reason=why)
        if not by_citizen:
            # The Front's request (MT-3) makes it an escalated item, as the overdue sweep does.
            item.escalated_at = _moment(act_date)
        # The reopened item is due again as if newly received by the unit reviewing it; the
        # answer already published stays published until a new one is approved.
        for rule in workflow.deadlines_starting_at(workflow.initial):
            clock.start_rule(item, rule, act_date, policy)
        clock.refresh(item)
    item.save()

    body = fields.get("message") or fields.get("reason") or ""
    event_type = ItemEvent.Type.TRANSITION
    public = True
    if name == "request_info":
        event_type = ItemEvent.Type.QUESTION
    elif by_citizen and name == "citizen_reply":
        event_type = ItemEvent.Type.REPLY
    elif name in ("draft_answer", "return_draft"):
        public = False
    record_event(
        item,
        event_type,
        actor=actor,
        by_citizen=by_citizen,
        transition=name,
        from_status=from_status,
        to_status=to_status,
        body=body,
        public=public,
        data={"cite": list(t.cite), "target_body": fields.get("target_body", "")},
    )
    if public_text:
        record_event(item, ItemEvent.Type.ANSWER, actor=actor, body=public_text, public=True)
    audit_event_record(
        action=f"item.{name}",
        obj=item,
        actor=actor,
        actor_label="citizen" if by_citizen else "",
        data={"from": from_status, "to": to_status},
    )
    index_item(item)
    if name == "request_info":
        _on_commit(_notify_citizen, item.pk, "question")
    if "send_answer" in t.effects:
        _on_commit(_notify_citizen, item.pk, "answered")
    if by_citizen and item.handling_org_id:
        _on_commit(
            _notify_staff,
            item.pk,
            "citizen_" + name,
            item.handling_org_id,
            [Role.HANDLER, Role.UNIT_HEAD],
        )
    return item


def transitions_for(item: Item, actor: Any) -> list[Transition]:
    """The actions the current state allows and this actor may take (for the item page)."""
    workflow = get_policy().workflow(item.workflow)
    allowed = []
    for t in workflow.transitions_from(item.status):
        if t.permission == "citizen":
            continue
        if can(actor, PERMISSION_FOR[t.permission], item):
            allowed.append(t)
    return allowed


def workflow_of(item: Item) -> Workflow:
    return get_policy().workflow(item.workflow)


@transaction.atomic
def item_note(*, item: Item, actor: Any, body: str) -> ItemEvent:
    item = _lock(item)
    _require(actor, "handling.view_item", item)
    body = _clean_text(body, required=True, field=str(_("ghi chú")))
    event = record_event(item, ItemEvent.Type.NOTE, actor=actor, body=body)
    audit_event_record(action="item.note", obj=item, actor=actor)
    return event


@transaction.atomic
def item_set_complexity(*, item: Item, actor: Any, complexity: str, criteria: list[str]) -> Item:
    """KN-5 / TC-7: a complex case must be recorded in writing with the criteria it meets."""
    item = _lock(item)
    _require(actor, "handling.approve_item", item)
    if complexity not in ("normal", "complex", "very_complex"):
        raise HandlingError(HandlingError.INVALID, _("Mức độ phức tạp không hợp lệ."))
    criteria = [
        _clean_text(c, required=True, field=str(_("tiêu chí"))) for c in criteria if c.strip()
    ]
    policy = get_policy()
    needed = int(policy.complexity_min_criteria.get(complexity, 0))
    if len(criteria) < needed:
        raise HandlingError(
            HandlingError.REASON_REQUIRED,
            _("Mức độ này cần ghi ít nhất %(n)d tiêu chí (KN-5, TC-7).") % {"n": needed},
        )
    item.complexity = complexity
    item.complexity_criteria = criteria
    workflow = policy.workflow(item.workflow)
    for code in list(item.deadlines):
        rule = workflow.deadlines.get(code)
        if rule is not None and rule.resolution:
            clock.recompute(item, workflow, code, policy)
    clock.refresh(item)
    item.save(update_fields=["complexity", "complexity_criteria", *clock.DEADLINE_FIELDS])
    record_event(
        item,
        ItemEvent.Type.NOTE,
        actor=actor,
        body="; ".join(criteria),
        data={"complexity": complexity},
    )
    audit_event_record(
        action="item.complexity", obj=item, actor=actor, data={"complexity": complexity}
    )
    return item


def extendable_deadlines(item: Item) -> list[str]:
    """Running limits the data marks `user_extendable` (PA-8): a unit head may set a new date."""
    workflow = get_policy().workflow(item.workflow)
    return [
        code
        for code in item.deadlines
        if code in workflow.deadlines and workflow.deadlines[code].user_extendable
    ]


@transaction.atomic
def item_extend(*, item: Item, actor: Any, reason: str, new_date: dt.date) -> Item:
    """A new date for a limit the law does not fix (PA-8), set by the unit head with a reason."""
    item = _lock(item)
    _require(actor, "handling.approve_item", item)
    reason = _clean_text(reason, required=True, field=str(_("lý do")))
    extendable = extendable_deadlines(item)
    if not extendable:
        raise HandlingError(
            HandlingError.INVALID_TRANSITION,
            _("Thời hạn này do luật định, không gia hạn theo cách này."),
        )
    if new_date <= timezone.localdate():
        raise HandlingError(HandlingError.INVALID, _("Ngày gia hạn phải sau hôm nay."))
    if new_date > LATEST:
        raise HandlingError(
            HandlingError.INVALID, _("Ngày phải trong khoảng từ 01/01/1900 đến 31/12/2099.")
        )
    for code in extendable:
        clock.set_due(item, code, new_date)
    item.save(update_fields=clock.DEADLINE_FIELDS)
    record_event(
        item,
        ItemEvent.Type.TRANSITION,
        actor=actor,
        transition="extend",
        body=reason,
        public=True,
        from_status=item.status,
        to_status=item.status,
        data={"new_due": new_date.isoformat()},
    )
    audit_event_record(
        action="item.extend", obj=item, actor=actor, data={"new_due": new_date.isoformat()}
    )
    return item


@transaction.atomic
def item_merge(*, item: Item, into: Item, actor: Any) -> Item:
    """A duplicate is closed and handled in `into`; its receipt keeps working and shows `into`."""
    # Lock both rows in primary-key order, so two opposite merges cannot deadlock.
    first, second = sorted([item, into], key=lambda i: i.pk)
    locked = {first.pk: _lock(first), second.pk: _lock(second)}
    item, into = locked[item.pk], locked[into.pk]
    _require(actor, "handling.route_item", item)
    _require(actor, "handling.view_item", into)
    if (
        item.pk == into.pk
        or into.duplicate_of_id is not None
        or not item.is_open
        or not into.is_open
        or item.workflow != into.workflow
    ):
        raise HandlingError(
            HandlingError.INVALID_TRANSITION,
            _("Chỉ gộp được hai ý kiến cùng loại, đều đang xử lý."),
        )
    from_status = item.status
    item.duplicate_of = into
    item.due_at_close = item.due_on
    item.status = "merged"
    item.is_open = False
    item.closed_at = timezone.now()
    item.deadlines = {}
    item.paused_on, item.paused_from_status = None, ""
    clock.refresh(item)
    item.save()
    record_event(
        item,
        ItemEvent.Type.MERGED,
        actor=actor,
        public=True,
        from_status=from_status,
        to_status="merged",
        data={"into": into.code},
    )
    record_event(into, ItemEvent.Type.MERGED, actor=actor, data={"from": item.code})
    audit_event_record(action="item.merged", obj=item, actor=actor, data={"into": into.pk})
    index_item(item)
    return item


@transaction.atomic
def item_rate(*, item: Item, citizen_secret: str, rating: int, comment: str = "") -> Item:
    item = _lock(item)
    if not secret_matches(item.code, citizen_secret, item.secret_hash):
        raise NotFound()
    if (
        item.is_open
        or not item.answers.filter(sent_at__isnull=False).exists()
        and not item.public_answer
    ):
        raise HandlingError(HandlingError.NOT_ANSWERED, _("Chỉ đánh giá được khi đã có trả lời."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise HandlingError(HandlingError.INVALID, _("Mức đánh giá từ 1 đến 5."))
    item.rating = rating
    item.rating_comment = _clean_text(comment, required=False, field="")
    item.save(update_fields=["rating", "rating_comment"])
    record_event(item, ItemEvent.Type.RATED, by_citizen=True, public=True, data={"rating": rating})
    audit_event_record(
        action="item.rated", obj=item, actor_label="citizen", data={"rating": rating}
    )
    return item


def appeal_window(item: Item, *, today: dt.date | None = None) -> tuple[bool, dt.date | None]:
    """KN-9: whether a second-instance complaint may be lodged now, and until when."""
    appeal = get_policy().workflow(item.workflow).appeal
    if appeal is None or item.split_items.filter(workflow=appeal["workflow"]).exists():
        return False, None
    today = today or timezone.localdate()
    remote = bool((item.handling_org or item.receiving_org).remote_area)
    window = appeal["values"]["remote" if remote else "normal"]
    if item.status in appeal["from"]:
        start = timezone.localdate(item.closed_at) if item.closed_at else today
    elif (
        appeal.get("or_overdue")
        and item.paused_on is None  # a suspended case is not overdue: its clock is stopped
        and item.resolution_deadline
        and item.resolution_deadline < today
    ):
        start = item.resolution_deadline
    else:
        return False, None
    until = start + dt.timedelta(days=window)
    return today <= until, until


@transaction.atomic
def complaint_appeal(
    *,
    item: Item,
    body: str,
    citizen_secret: str | None = None,
    actor: Any = None,
    act_date: dt.date | None = None,
) -> Item:
    """KN-9: a second-instance complaint, a new item at the next level up, linked to the first.

    The complainant (through the receipt) or reception staff lodge it within the window the data
    gives, counted from the first decision, or once the first-instance limit passed unresolved.
    """
    from langnghe.intake import receipts

    first = _lock(item)
    workflow = get_policy().workflow(first.workflow)
    appeal = workflow.appeal
    if appeal is None:
        raise HandlingError(
            HandlingError.INVALID_TRANSITION, _("Loại ý kiến này không có khiếu nại lần hai.")
        )
    if citizen_secret is not None:
        if not secret_matches(first.code, citizen_secret, first.secret_hash):
            raise NotFound()
    elif actor is None or not can(actor, "handling.route_item", first):
        raise PermissionDenied()
    body = _clean_text(body, required=True, field=str(_("nội dung khiếu nại lần hai")))
    act_date = act_date or timezone.localdate()
    allowed, until = appeal_window(first, today=act_date)
    if not allowed:
        if until is None:
            raise HandlingError(
                HandlingError.INVALID_TRANSITION, _("Chưa thể khiếu nại lần hai ở bước này.")
            )
        raise HandlingError(
            HandlingError.INVALID_TRANSITION,
            _("Đã quá thời hạn khiếu nại lần hai (đến %(date)s, KN-9).")
            % {"date": until.strftime("%d/%m/%Y")},
        )
    second_wf = get_policy().workflow(appeal["workflow"])
    superior = route_up(first, act_date)
    from langnghe.intake.services import _new_code

    code = _new_code()
    # The complainant keeps their secret; lodged by reception, a new secret is issued and
    # handed over on paper (the caller shows `second.receipt_secret` once).
    secret = citizen_secret if citizen_secret is not None else receipts.new_secret()
    second = Item.objects.create(
        code=code,
        secret_hash=receipts.hash_secret(code, secret),
        kind=first.kind,
        channel=first.channel,
        topic=first.topic,
        admin_unit=first.admin_unit,
        location_text=first.location_text,
        concerned_org=first.concerned_org,
        concerned_person=first.concerned_person,
        title=first.title,
        body=body,
        group_size=first.group_size,
        anonymous=first.anonymous,
        identity=first.identity,
        split_from=first,
        received_at=_moment(act_date),
        workflow=second_wf.code,
        status=second_wf.initial,
        receiving_org=superior,
        handling_path=superior.path,
    )
    clock.enter_state(second, second_wf, second_wf.initial, act_date, get_policy())
    second.save()
    record_event(
        second,
        ItemEvent.Type.CREATED,
        actor=actor,
        by_citizen=citizen_secret is not None,
        public=True,
        to_status=second.status,
        data={"appeal_of": first.code, "cite": appeal["cite"]},
    )
    record_event(
        first,
        ItemEvent.Type.TRANSITION,
        actor=actor,
        by_citizen=citizen_secret is not None,
        public=True,
        transition="appeal",
        body="",
        data={"second": second.code, "cite": appeal["cite"]},
    )
    audit_event_record(action="item.appealed", obj=first, actor=actor, data={"second": second.pk})
    apply_route(second, superior, actor=None)
    index_item(second)
    second.receipt_secret = None if citizen_secret is not None else secret  # type: ignore[attr-defined]
    return second


_UNCHANGED: Any = object()


@transaction.atomic
def item_classify(
    *,
    item: Item,
    actor: Any,
    reason: str,
    kind: str | None = None,
    concerned_person: Any = _UNCHANGED,
    concerned_org: Any = _UNCHANGED,
    party_matter: bool | None = None,
    act_date: dt.date | None = None,
) -> Item:
    """Correct what intake recorded: the kind (a "phản ánh" that is really a denunciation), the
    person or unit concerned, the party-rules flag; then route again, so TC-14, TC-16 and TC-18
    apply to what the item really is. A new kind restarts its workflow from the receipt date."""
    from langnghe.intake.models import Kind
    from langnghe.intake.redaction import identity_values
    from langnghe.intake.redaction import redact as redact_values
    from langnghe.intake.vault import seal_bytes, unseal

    from .routing import resolve_route

    item = _lock(item)
    _require(actor, "handling.route_item", item)
    reason = _clean_text(reason, required=True, field=str(_("lý do")))
    if not item.is_open:
        raise HandlingError(HandlingError.INVALID_TRANSITION, _("Ý kiến đã kết thúc xử lý."))
    if kind is not None and kind not in Kind.values:
        raise HandlingError(HandlingError.INVALID, _("Loại ý kiến không hợp lệ."))
    policy = get_policy()
    act_date = act_date or timezone.localdate()
    changes: dict[str, Any] = {}
    if kind is not None and kind != item.kind:
        workflow = policy.workflow_for_kind(kind)
        changes["kind"] = [item.kind, kind]
        item.kind, item.workflow, item.status = kind, workflow.code, workflow.initial
        item.deadlines, item.paused_on, item.paused_from_status = {}, None, ""
        clock.enter_state(
            item, workflow, workflow.initial, timezone.localdate(item.received_at), policy
        )
        if kind in policy.sealed_kinds() and item.identity_id and not item.sealed_text:
            identity = unseal(item.identity.ciphertext)  # type: ignore[union-attr]
            if not item.identity.waived_protection:  # type: ignore[union-attr]
                values = identity_values(identity)
                title, body = redact_values(item.title, values), redact_values(item.body, values)
                if (title, body) != (item.title, item.body):
                    item.sealed_text = seal_bytes(
                        json.dumps(
                            {"title": item.title, "body": item.body}, ensure_ascii=False
                        ).encode()
                    )
                    item.title, item.body = title, body
    if concerned_person is not _UNCHANGED and concerned_person != item.concerned_person:
        changes["concerned_person"] = True
        item.concerned_person = concerned_person
    if concerned_org is not _UNCHANGED and concerned_org != item.concerned_org:
        changes["concerned_org"] = True
        item.concerned_org = concerned_org
    if party_matter is not None and party_matter != item.party_matter:
        changes["party_matter"] = party_matter
        item.party_matter = party_matter and item.kind == Kind.DENUNCIATION
    if not changes:
        return item
    item.save()
    record_event(
        item, ItemEvent.Type.NOTE, actor=actor, body=reason, data={"classified": list(changes)}
    )
    if "kind" in changes:
        # The sender sees the new kind (and its time limits), not who is concerned.
        record_event(
            item,
            ItemEvent.Type.TRANSITION,
            actor=actor,
            public=True,
            transition="classify",
            to_status=item.status,
            data={"kind": item.kind},
        )
    audit_event_record(
        action="item.classified", obj=item, actor=actor, data={"changes": list(changes)}
    )
    target = resolve_route(item, day=act_date)
    if target.pk != item.handling_org_id:
        apply_route(item, target, actor=actor)
    index_item(item)
    return item
