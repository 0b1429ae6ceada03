"""Every write of the handling workflow. Each service: guard → set → save → event → side effects
on commit, in one transaction, re-reading the item with select_for_update (Wagtail, Zulip)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import HandlingError, NotFound, PermissionDenied
from langnghe.intake.models import Item
from langnghe.intake.receipts import secret_matches
from langnghe.orgs.access import has_role_over
from langnghe.orgs.models import Organisation, Role

from . import clock
from .models import Answer, ItemEvent
from .policy import Transition, Workflow, get_policy
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
    if required and not value:
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


def index_item(item: Item) -> None:
    """Staff document (full text, by handling subtree) and, once published, the public one."""
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
        search_document_upsert(
            key=f"pub:{item.pk}",
            kind="published",
            object_id=item.pk,
            title=item.title,
            body=f"{item.code} {item.title} {item.public_summary} {item.public_answer}",
            is_public=True,
            org_path=path,
            created_at=item.published_at or item.received_at,
        )
    else:
        search_document_delete(key=f"pub:{item.pk}")


def _on_commit(func: Any, *args: Any) -> None:
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
    record_event(
        item,
        ItemEvent.Type.ROUTED,
        actor=actor,
        public=public,
        body=reason,
        data={"from": previous.pk if previous else None, "to": org.pk, "to_name": org.name},
    )
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
    """Remove the reporter's identifying values from text meant for the public (TC-17)."""
    if item.identity_id is None or not text:
        return text
    from langnghe.intake.vault import unseal

    for value in unseal(item.identity.ciphertext).values():  # type: ignore[union-attr]
        for part in value if isinstance(value, list) else [value]:
            part = str(part).strip()
            if len(part) >= 3:
                text = text.replace(part, "[…]")
    return text


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
    from_status = item.status
    was_open = item.is_open
    item.status = t.to
    item.is_open = workflow.states[t.to].open
    if was_open and not item.is_open:
        item.due_at_close = item.due_on
    item.closed_at = None if item.is_open else timezone.now()
    if t.name == "forward":
        item.forward_count += 1

    if t.clock == "pause":
        clock.pause(item, act_date)
    elif t.clock in ("resume_continue", "resume_restart"):
        clock.resume(item, workflow, act_date, policy, restart=t.clock == "resume_restart")
    if t.extends:
        try:
            clock.extend(item, workflow, t.extends, policy)
        except ValueError as exc:
            raise HandlingError(
                HandlingError.INVALID_TRANSITION, _("Không thể gia hạn thêm theo quy định.")
            ) from exc
    if t.to != from_status:
        clock.enter_state(item, workflow, t.to, act_date, policy)
    else:
        clock.refresh(item)

    public_text = ""
    if name == "draft_answer":
        Answer.objects.create(
            item=item,
            body=fields["answer"],
            public_body=_clean_text(public_answer, required=False, field=""),
            finding=fields.get("finding", ""),
            drafted_by=actor,
        )
    if name == "approve_answer":
        draft = item.answers.filter(approved_at__isnull=True).first()
        if draft is None:
            raise HandlingError(HandlingError.NOT_ANSWERED, _("Chưa có dự thảo trả lời."))
        draft.approved_by, draft.approved_at = actor, timezone.now()
        draft.save(update_fields=["approved_by", "approved_at"])
    if "send_answer" in t.effects:
        sent = item.answers.filter(approved_at__isnull=False).first()
        text = sent.body if sent else (fields.get("reason") or fields.get("answer") or "")
        if sent:
            sent.sent_at = timezone.now()
            sent.save(update_fields=["sent_at"])
        public_text = redact((sent.public_body or sent.body) if sent else text, item)
        item.public_answer = public_text
    if "publish" in t.effects and publish:
        item.is_published = True
        item.published_at = timezone.now()
        if not item.public_summary:
            item.public_summary = redact(item.title, item)
    if "escalate" in t.effects:
        item.reopen_count += 1
        higher = next_level_up(item.handling_org or item.receiving_org, act_date)
        if higher.pk != (item.handling_org_id or 0):
            apply_route(item, higher, actor=None, reason=str(_("Người gửi đề nghị xem xét lại")))
        # The reopened item is due again as if newly received by the unit reviewing it.
        for rule in workflow.deadlines_starting_at(workflow.initial):
            clock.start_rule(item, rule, act_date, policy)
        clock.refresh(item)
        item.is_published = False
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
        to_status=t.to,
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
        data={"from": from_status, "to": t.to},
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
    if (
        complexity == "complex"
        and len(criteria) < 1
        or complexity == "very_complex"
        and len(criteria) < 2
    ):
        raise HandlingError(
            HandlingError.REASON_REQUIRED,
            _(
                "Vụ việc phức tạp cần ít nhất 1 tiêu chí; đặc biệt phức tạp cần ít nhất 2 (KN-5, TC-7)."
            ),
        )
    item.complexity = complexity
    item.complexity_criteria = criteria
    policy = get_policy()
    workflow = policy.workflow(item.workflow)
    for code, entry in list(item.deadlines.items()):
        rule = workflow.deadlines.get(code)
        if rule is not None and rule.resolution:
            extensions = entry.get("extensions", 0)
            clock.start_rule(item, rule, dt.date.fromisoformat(entry["start"]), policy)
            item.deadlines[code]["extensions"] = extensions
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
    item = _lock(item)
    into = _lock(into)
    _require(actor, "handling.route_item", item)
    _require(actor, "handling.view_item", into)
    if item.pk == into.pk or into.duplicate_of_id is not None or not item.is_open:
        raise HandlingError(HandlingError.INVALID_TRANSITION, _("Không thể gộp hai ý kiến này."))
    from_status = item.status
    item.duplicate_of = into
    item.due_at_close = item.due_on
    item.status = "merged"
    item.is_open = False
    item.closed_at = timezone.now()
    item.deadlines = {}
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
    elif appeal.get("or_overdue") and item.resolution_deadline and item.resolution_deadline < today:
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
    superior = next_level_up(first.handling_org or first.receiving_org, act_date)
    code = receipts.new_code()
    while Item.objects.filter(code=code).exists():
        code = receipts.new_code()
    second = Item.objects.create(
        code=code,
        secret_hash=first.secret_hash
        if citizen_secret is None
        else receipts.hash_secret(code, citizen_secret),
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
        received_at=timezone.now(),
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
    return second
