"""The staff back office at /quan-ly/: thin views that validate input, call one service or
selector, and render. Every write goes through langnghe.*.services; every known failure
(ApplicationError) comes back as a message on the page with the user's input kept, never a 500.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langnghe.backoffice.viewkit import not_found as _not_found
from langnghe.backoffice.viewkit import page as _page
from langnghe.core.errors import ApplicationError, IntakeError, NotFound
from langnghe.core.sealing import RECEIPT_SECRET_SECONDS, seal, unseal
from langnghe.core.text import is_digits
from langnghe.handling import selectors
from langnghe.handling.config_services import can_manage_routing_rule, routing_rule_save
from langnghe.handling.models import ItemEvent
from langnghe.handling.policy import Workflow, get_policy
from langnghe.handling.rules import can as rules_can
from langnghe.handling.services import (
    appeal_window,
    complaint_appeal,
    item_assign,
    item_classify,
    item_extend,
    item_merge,
    item_note,
    item_route,
    item_set_complexity,
    item_transition,
    transitions_for,
)
from langnghe.intake.models import Attachment, Item
from langnghe.intake.receipts import normalise_code
from langnghe.intake.services import access_item, identity_reveal, item_submit
from langnghe.intake.vault import VaultError

from .forms import (
    CHANNEL_DETAIL_LABELS,
    COMPLEXITY_LEVELS,
    IDENTITY_LABELS,
    AppealForm,
    AssignForm,
    BulkAssignForm,
    ClassifyForm,
    ComplexityForm,
    ExtendForm,
    InboxFilterForm,
    MergeForm,
    NoteForm,
    ReceptionForm,
    RevealForm,
    RouteForm,
    RoutingRuleForm,
    transition_form,
)
from .templatetags.backoffice import staff_name

PAGE_SIZE = 50
RECEIPT_SESSION_KEY = "backoffice_receipt"
BULK_MAX = 200


# -- helpers -------------------------------------------------------------------------------------


def _access(request: HttpRequest, item_id: int) -> Item | None:
    """access_item answers "not found" alike for missing and forbidden; so does the page."""
    try:
        return access_item(request.user, item_id)
    except NotFound:
        return None


def _ids(values: list[str]) -> list[int]:
    seen: dict[int, None] = {}
    for value in values:
        if is_digits(value) and len(value) < 19:
            seen[int(value)] = None
    return list(seen)[:BULK_MAX]


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _badge(due: dt.date | None, today: dt.date, horizon: dt.date) -> str:
    if due is None:
        return ""
    if due < today:
        return "overdue"
    if due <= horizon:
        return "due_soon"
    return ""


# -- inbox ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if request.method == "POST":
        return _bulk_assign(request)
    filter_form = InboxFilterForm(request.GET, actor=actor)
    page = selectors.inbox_page(
        actor=actor,
        filters=filter_form.filters(),
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    policy = get_policy()
    today = timezone.localdate()
    horizon = selectors.due_soon_horizon(today, policy)
    # One reverse() for the page, not two per row: the item URL differs only by its id.
    url_of = reverse("backoffice:item", args=[0]).removesuffix("0/") + "{}/"
    for item in page.object_list:
        item.url = url_of.format(item.pk)
        item.status_label = selectors.status_label(item, policy)
        item.badge = "" if not item.is_open else _badge(item.due_on, today, horizon)
    return _page(
        request,
        "backoffice/inbox.html",
        {
            "filter_form": filter_form,
            "grants_key": _grants_key(request),
            "filters_key": _filters_key(request),
            "page": page,
            "assign_form": BulkAssignForm(actor=actor),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


def _grants_key(request: HttpRequest) -> str:
    """What the rendered assignment select depends on (templates/backoffice/inbox.html caches
    it): the actor's grants, which decide the people offered."""
    from langnghe.orgs.access import grants_for

    return ",".join(f"{path}:{role}" for path, role in sorted(grants_for(request.user)))


def _filters_key(request: HttpRequest) -> str:
    """What the rendered filter form depends on (cached likewise): the actor's grants, which
    decide the units offered, and the filters typed (not the page)."""
    query = request.GET.copy()
    query.pop("page", None)
    return f"{_grants_key(request)}|{query.urlencode()}"


def _bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign each checked item in turn; each assignment succeeds or fails on its own."""
    actor = request.user
    back = request.get_full_path()
    ids = _ids(request.POST.getlist("items"))
    form = BulkAssignForm(request.POST, actor=actor)
    if not ids:
        messages.error(request, _("Chọn ít nhất một ý kiến để giao."))
        return redirect(back)
    if not form.is_valid():
        messages.error(request, _("Chọn người xử lý trong danh sách."))
        return redirect(back)
    handler = form.cleaned_data["handler"]
    done: list[str] = []
    for item_id in ids:
        label = f"#{item_id}"
        try:
            item = access_item(actor, item_id)
            label = item.code
            item_assign(item=item, handler=handler, actor=actor)
        except ApplicationError as exc:
            messages.error(
                request, _("%(item)s: %(message)s") % {"item": label, "message": exc.message}
            )
        else:
            done.append(label)
    if done:
        messages.success(
            request,
            ngettext(
                "Đã giao %(n)d ý kiến cho %(who)s: %(codes)s",
                "Đã giao %(n)d ý kiến cho %(who)s: %(codes)s",
                len(done),
            )
            % {
                "n": len(done),
                "who": staff_name(handler),
                "codes": ", ".join(done),
            },
        )
    return redirect(back)


# -- the item page -------------------------------------------------------------------------------


def _transition_labels(workflow: Workflow) -> dict[str, str]:
    labels: dict[str, str] = {"extend": _("Gia hạn")}
    for t in workflow.transitions:
        labels.setdefault(t.name, t.label)
    return labels


def _event_detail(ev: ItemEvent) -> str:
    data = ev.data or {}
    if ev.type == ItemEvent.Type.ROUTED and data.get("to_name"):
        return _("Đến: %(unit)s") % {"unit": data["to_name"]}
    if ev.type == ItemEvent.Type.ASSIGNED and data.get("handler"):
        return _("Người xử lý: %(who)s") % {"who": data["handler"]}
    if ev.type == ItemEvent.Type.MERGED:
        if data.get("into"):
            return _("Gộp vào ý kiến %(code)s") % {"code": data["into"]}
        if data.get("from"):
            return _("Ý kiến %(code)s được gộp vào đây") % {"code": data["from"]}
    if data.get("new_due"):
        new_due = _date(data["new_due"])
        return _("Hạn mới: %(date)s") % {
            "date": new_due.strftime("%d/%m/%Y") if new_due else data["new_due"]
        }
    if data.get("superior_name"):
        return _("Báo cáo: %(unit)s") % {"unit": data["superior_name"]}
    if data.get("complexity"):
        return _("Mức độ: %(level)s") % {
            "level": dict(COMPLEXITY_LEVELS).get(data["complexity"], data["complexity"])
        }
    parts = []
    if data.get("target_body"):
        parts.append(_("Chuyển đến: %(body)s") % {"body": data["target_body"]})
    if data.get("cite"):
        cite = data["cite"]
        parts.append(", ".join(cite) if isinstance(cite, list) else str(cite))
    return " · ".join(parts)


# Where an item came from: the back-office page of the publication, conference, reception log
# entry or box opening named in its channel detail (the page itself checks the reader's rights).
ORIGIN_PAGES = {
    "publication": ("disclosure_backoffice:publication", "publication_id"),
    "conference": ("meetings_backoffice:conference", "conference_id"),
    "reception_entry": ("reception_backoffice:entry", "entry_id"),
    "session": ("reception_backoffice:session", "session_id"),
    "opening": ("boxes_backoffice:opening", "opening_id"),
}


def _channel_rows(item: Item) -> list[tuple[str, str, str]]:
    """(label, value, link) for each detail of the item's channel."""
    rows = []
    for key, value in (item.channel_detail or {}).items():
        label = CHANNEL_DETAIL_LABELS.get(key, key)
        if isinstance(value, dict):
            value = "; ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, "", []))
        elif isinstance(value, bool):
            value = _("Có") if value else _("Không")
        elif isinstance(value, str) and (key.endswith("_date") or key.endswith("_on")):
            day = _date(value)
            value = day.strftime("%d/%m/%Y") if day else value
        link = ""
        if key in ORIGIN_PAGES and isinstance(value, int):
            name, kwarg = ORIGIN_PAGES[key]
            link = reverse(name, kwargs={kwarg: value})
        rows.append((str(label), str(value), link))
    return rows


def _identity_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for key, label in IDENTITY_LABELS.items():
        value = data.get(key)
        if value:
            rows.append((str(label), "; ".join(value) if isinstance(value, list) else str(value)))
    return rows


def _item_page(
    request: HttpRequest,
    item: Item,
    *,
    bound: dict[str, forms.Form] | None = None,
    revealed: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The item page; `bound` holds a submitted form to show again with its errors and input."""
    actor = request.user
    bound = bound or {}
    policy = get_policy()
    workflow = policy.workflow(item.workflow)
    today = timezone.localdate()
    can = {
        "route": rules_can(actor, "handling.route_item", item),
        "work": rules_can(actor, "handling.work_item", item),
        "approve": rules_can(actor, "handling.approve_item", item),
        "reveal": rules_can(actor, "handling.reveal_identity", item),
        "attachments": rules_can(actor, "handling.view_attachments", item),
    }
    is_open = item.is_open and item.duplicate_of_id is None
    transitions = (
        [(t, bound.get(f"t-{t.name}") or transition_form(t)) for t in transitions_for(item, actor)]
        if item.duplicate_of_id is None
        else []
    )

    ctx: dict[str, Any] = {
        "item": item,
        "workflow": workflow,
        "status_label": selectors.status_label(item, policy),
        "can": can,
        "transitions": transitions,
        "note_form": bound.get("note") or NoteForm(),
        "deadlines": selectors.deadline_rows(item, for_public=False, policy=policy, today=today),
        "channel_rows": _channel_rows(item),
        "indicators": list(item.indicators.all()),
        "attachments": list(item.attachments.all()),
        "answers": list(selectors.item_answers(item=item)),
        "merged_here": [
            m for m in item.duplicates.all() if rules_can(actor, "handling.view_item", m)
        ],
        # A split family can mix a denunciation with petitions (TCD-10): link only the parts this
        # viewer may open, so the page does not tie a petition to a sealed item (review C1).
        "split_from": (
            item.split_from
            if item.split_from_id and rules_can(actor, "handling.view_item", item.split_from)
            else None
        ),
        "split_items": [
            s for s in item.split_items.all() if rules_can(actor, "handling.view_item", s)
        ],
        "complexity_label": dict(COMPLEXITY_LEVELS).get(item.complexity, item.complexity),
        "revealed": revealed,
        "today": today,
    }
    labels = _transition_labels(workflow)
    events = list(selectors.item_timeline(item=item))
    for ev in events:
        ev.transition_label = labels.get(ev.transition, ev.transition)
        ev.from_label = (
            workflow.states[ev.from_status].label
            if ev.from_status in workflow.states
            else ev.from_status
        )
        ev.to_label = (
            workflow.states[ev.to_status].label if ev.to_status in workflow.states else ev.to_status
        )
        ev.detail = _event_detail(ev)
    ctx["events"] = events

    if can["route"] and is_open:
        ctx["route_form"] = bound.get("route") or RouteForm()
        ctx["classify_form"] = bound.get("classify") or ClassifyForm(
            initial=ClassifyForm.initial_for(item)
        )
        ctx["merge_form"] = bound.get("merge") or MergeForm()
        ctx["duplicates"] = selectors.likely_duplicates(item=item, actor=actor)
    if can["approve"] and is_open:
        ctx["assign_form"] = bound.get("assign") or AssignForm(item=item)
        if selectors.has_resolution_limit(item, policy):
            ctx["complexity_form"] = bound.get("complexity") or ComplexityForm(
                initial=ComplexityForm.initial_for(item)
            )
        if selectors.extendable_deadline_codes(item, policy):
            ctx["extend_form"] = bound.get("extend") or ExtendForm()
    if can["work"] and is_open and item.handler_id != actor.pk and "assign_form" not in ctx:
        ctx["self_assign"] = True
    if can["route"] and appeal_window(item, today=today)[0]:
        ctx["appeal_form"] = bound.get("appeal") or AppealForm()
    if can["reveal"] and revealed is None:
        ctx["reveal_form"] = bound.get("reveal") or RevealForm()
    response = _page(request, "backoffice/item.html", ctx, status=status)
    if revealed is not None:
        response["Cache-Control"] = "no-store, private"
    return response


def _run(
    request: HttpRequest,
    item: Item,
    form: forms.Form,
    key: str,
    call: Callable[[dict[str, Any]], Any],
    success: str | Callable[[Any], str],
) -> HttpResponse:
    """Validate, call the service, then redirect (PRG) or show the page again with the message.
    `success` may be a function of the call's result (what happened may depend on it)."""
    if not form.is_valid():
        messages.error(request, _("Chưa thực hiện được: vui lòng kiểm tra các ô được đánh dấu."))
        return _item_page(request, item, bound={key: form}, status=400)
    try:
        result = call(form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        # A missing target (merge code) is the user's input, not a missing page.
        status = 400 if exc.http_status == 404 else exc.http_status
        return _item_page(request, item, bound={key: form}, status=status)
    messages.success(request, success(result) if callable(success) else success)
    updated = result if isinstance(result, Item) else item
    if not rules_can(request.user, "handling.view_item", updated):
        messages.info(
            request, _("Ý kiến %(code)s không còn trong phạm vi của bạn.") % {"code": item.code}
        )
        return redirect("backoffice:inbox")
    return redirect("backoffice:item", item_id=item.pk)


@login_required
@require_GET
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _access(request, item_id)
    if item is None:
        return _not_found(request)
    return _item_page(request, item)


@login_required
@require_POST
def item_action(request: HttpRequest, item_id: int, name: str) -> HttpResponse:
    item = _access(request, item_id)
    if item is None:
        return _not_found(request)
    workflow = get_policy().workflow(item.workflow)
    t = workflow.transition(name, item.status) or next(
        (x for x in workflow.transitions if x.name == name), None
    )
    if t is None or t.permission == "citizen":
        messages.error(request, _("Thao tác không hợp lệ."))
        return _item_page(request, item, status=400)
    form = transition_form(t, request.POST)
    return _run(
        request,
        item,
        form,
        f"t-{t.name}",
        lambda data: item_transition(item=item, name=t.name, actor=request.user, **data),
        _("Đã thực hiện: %(action)s.") % {"action": t.label},
    )


@login_required
@require_POST
def item_note_add(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _access(request, item_id)
    if item is None:
        return _not_found(request)
    return _run(
        request,
        item,
        NoteForm(request.POST),
        "note",
        lambda data: item_note(item=item, actor=request.user, body=data["body"]),
        _("Đã thêm ghi chú nội bộ."),
    )


@login_required
@require_POST
def item_route_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _access(request, item_id)
    if item is None:
        return _not_found(request)

    before = item.handling_org_id

    def route(data: dict[str, Any]) -> Item:
        # Staff reasons for a routing are internal (review M14): item_route keeps the reason as
        # an internal note beside the public routing event, and only when the item moves (sent
        # to where it already is, nothing is recorded).
        return item_route(item=item, actor=request.user, unit=data["unit"], reason=data["reason"])

    def said(result: Item) -> str:
        if result.handling_org_id == before:
            return _("Ý kiến đã do đơn vị này xử lý: không có gì thay đổi.")
        return _("Đã chuyển đơn vị xử lý.")

    return _run(request, item, RouteForm(request.POST), "route", route, said)


@login_required
@require_POST
def item_classify_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _access(request, item_id)
    if item is None:
        return _not_found(request)
    return _run(
        request,
        item,
        ClassifyForm(request.POST),
        "classify",
        lambda data: item_classify(
            item=item,
            actor=request.user,
            reason=data["reason"],
            kind=data["kind"],
            concerned_org=data["concerned_org"],
            concerned_person=data["concerned_person"],
            party_matter=data["party_matter"],
        ),
        _("Đã điều chỉnh thông tin tiếp nhận."),
    )


@login_required
@require_POST
def item_appeal_view(request: HttpRequest, item_id: int) -> HttpResponse:
    """Reception lodges a second-instance complaint (KN-9) and hands over its new receipt."""
    item = _access(request, item_id)
    if item is None:
        return _not_found(request)
    form = AppealForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item, bound={"appeal": form}, status=400)
    try:
        second = complaint_appeal(item=item, body=form.cleaned_data["body"], actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return _item_page(request, item, bound={"appeal": form}, status=400)
    _store_receipt(request, [second], str(getattr(second, "receipt_secret", "")))
    return redirect("backoffice:receipt")


@login_required
@require_POST
def item_assign_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _access(request, item_id)
    if item is None:
        return _not_found(request)
    before = item.handler_id
    return _run(
        request,
        item,
        AssignForm(request.POST, item=item),
        "assign",
        lambda data: item_assign(item=item, handler=data["handler"], actor=request.user),
        lambda result: (
            _("Ý kiến đã được giao cho người này: không có gì thay đổi.")
            if result.handler_id == before
            else _("Đã giao người xử lý.")
        ),
    )


@login_required
@require_POST
def item_complexity_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _access(request, item_id)
    if item is None:
        return _not_found(request)
    form = ComplexityForm(request.POST)
    return _run(
        request,
        item,
        form,
        "complexity",
        lambda data: item_set_complexity(
            item=item,
            actor=request.user,
            complexity=data["complexity"],
            criteria=form.criteria_texts(),
        ),
        _("Đã ghi nhận mức độ phức tạp."),
    )


@login_required
@require_POST
def item_extend_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _access(request, item_id)
    if item is None:
        return _not_found(request)
    return _run(
        request,
        item,
        ExtendForm(request.POST),
        "extend",
        lambda data: item_extend(
            item=item, actor=request.user, reason=data["reason"], new_date=data["new_date"]
        ),
        _("Đã gia hạn."),
    )


@login_required
@require_POST
def item_merge_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _access(request, item_id)
    if item is None:
        return _not_found(request)

    def merge(data: dict[str, Any]) -> Item:
        code = normalise_code(data["into_code"])
        into_id = Item.objects.filter(code=code).values_list("pk", flat=True).first()
        if into_id is None:
            raise NotFound(_("Không tìm thấy ý kiến có mã %(code)s.") % {"code": code})
        into = access_item(request.user, into_id)
        return item_merge(item=item, into=into, actor=request.user)

    return _run(request, item, MergeForm(request.POST), "merge", merge, _("Đã gộp ý kiến."))


@login_required
@require_POST
def item_reveal_view(request: HttpRequest, item_id: int) -> HttpResponse:
    """Shows the identity once, in this response only: never stored in the session or a redirect."""
    item = _access(request, item_id)
    if item is None:
        return _not_found(request)
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi rõ lý do xem danh tính (ít nhất 5 ký tự)."))
        return _item_page(request, item, bound={"reveal": form}, status=400)
    try:
        data = identity_reveal(item=item, actor=request.user, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return _item_page(request, item, bound={"reveal": form}, status=exc.http_status)
    except VaultError:
        messages.error(
            request, _("Không giải mã được danh tính; báo quản trị hệ thống kiểm tra khóa.")
        )
        return _item_page(request, item, status=503)
    return _item_page(request, item, revealed=_identity_rows(data))


@login_required
@require_GET
def attachment_download(request: HttpRequest, item_id: int, attachment_id: int) -> HttpResponseBase:
    """The sanitised copy only (metadata stripped at intake), to those who may view the item,
    always as a download so a crafted file is never rendered in the back office's origin."""
    item = _access(request, item_id)
    if item is None:
        return _not_found(request)
    attachment = Attachment.objects.filter(item=item, pk=attachment_id).first()
    if (
        attachment is None
        or not attachment.file
        or not rules_can(request.user, "handling.view_attachments", item)
    ):
        return _not_found(request)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        return _not_found(request)
    extension = PurePosixPath(attachment.file.name or "").suffix
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{item.code}-{attachment.pk}{extension}",
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    add_never_cache_headers(response)
    return response


# -- reception -----------------------------------------------------------------------------------


INTAKE_ERROR_FIELDS = {
    IntakeError.BAD_ATTACHMENT: "attachments",
    IntakeError.TOO_MANY_ATTACHMENTS: "attachments",
    IntakeError.BAD_GROUP: "group_size",
}


@login_required
@require_http_methods(["GET", "POST"])
def reception(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not selectors.receiving_orgs_for(actor=actor).exists():
        return _page(
            request,
            "backoffice/forbidden.html",
            {
                "message": _(
                    "Chỉ cán bộ tiếp nhận hoặc lãnh đạo của đơn vị tiếp nhận ý kiến mới nhập được."
                ),
            },
            status=403,
        )
    if request.method == "GET":
        return _page(request, "backoffice/reception.html", {"form": ReceptionForm(actor=actor)})
    form = ReceptionForm(request.POST, request.FILES, actor=actor)
    if form.is_valid():
        try:
            result = item_submit(submission=form.submission(), actor=actor)
        except ApplicationError as exc:
            field = INTAKE_ERROR_FIELDS.get(exc.code)
            form.add_error(field, str(exc.message))
        else:
            _store_receipt(request, result.items, result.secret)
            messages.success(request, _("Đã tiếp nhận ý kiến."))
            return redirect("backoffice:receipt")
    messages.error(request, _("Chưa lưu ý kiến: vui lòng kiểm tra các ô được đánh dấu."))
    if request.FILES:
        messages.warning(request, _("Vì lý do an toàn, vui lòng chọn lại tệp đính kèm."))
    return _page(request, "backoffice/reception.html", {"form": form}, status=400)


def _store_receipt(request: HttpRequest, items: list[Item], secret: str) -> None:
    # Sealed, like the portal's receipt: the session table never holds the secret in clear.
    request.session[RECEIPT_SESSION_KEY] = {
        "items": [{"id": i.pk, "code": i.code, "kind": i.get_kind_display()} for i in items],
        "secret": seal(secret),
        "org": items[0].receiving_org.name,
        "received": timezone.localtime(items[0].received_at).strftime("%d/%m/%Y"),
        "at": int(time.time()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest) -> HttpResponse:
    """The receipt of the last item logged in this session. The secret shows for
    RECEIPT_SECRET_SECONDS (a reload or a printer dialogue gone wrong must not lose it), or until
    staff confirm it was handed over (POST), which drops the receipt from the session."""
    data = request.session.get(RECEIPT_SESSION_KEY)
    if request.method == "POST":
        request.session.pop(RECEIPT_SESSION_KEY, None)
        if data:
            messages.success(request, _("Đã xóa mật mã khỏi phiên làm việc."))
        return redirect("backoffice:reception")
    if not isinstance(data, dict) or not data.get("items"):
        messages.info(request, _("Chưa có biên nhận nào: biên nhận hiện ngay sau khi tiếp nhận."))
        return redirect("backoffice:reception")
    secret = None
    token = data.get("secret")
    if token and time.time() < int(data.get("at") or 0) + RECEIPT_SECRET_SECONDS:
        secret = unseal(token, max_age=RECEIPT_SECRET_SECONDS)
    if token and secret is None:
        # Past the window: the secret is gone for good; the codes and links stay.
        data = {**data, "secret": None}
        request.session[RECEIPT_SESSION_KEY] = data
    track_url = request.build_absolute_uri("/tra-cuu/")
    qr = None
    try:
        import segno

        qr = mark_safe(  # noqa: S308 — segno writes the SVG from the URL's modules, no user markup
            segno.make(f"{track_url}?ma={data['items'][0]['code']}", error="m").svg_inline(
                scale=3, title=_("Mã QR tra cứu")
            )
        )
    except Exception:  # noqa: S110 — the QR is a convenience; the printed codes are the receipt
        qr = None
    until = int(data.get("at") or 0) + RECEIPT_SECRET_SECONDS
    return _page(
        request,
        "backoffice/receipt.html",
        {
            "receipt": data,
            "secret": secret,
            "secret_minutes": RECEIPT_SECRET_SECONDS // 60,
            "secret_until": timezone.localtime(dt.datetime.fromtimestamp(until, tz=dt.UTC)),
            "track_url": track_url,
            "qr": qr,
        },
    )


# -- routing rules -------------------------------------------------------------------------------


@login_required
@require_GET
def rules_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    rules = list(selectors.routing_rules_for(actor=actor))
    for rule in rules:
        rule.can_manage = can_manage_routing_rule(actor, rule.target)  # type: ignore[attr-defined]
    can_create = bool(selectors.actor_paths(actor, selectors.MANAGE_RULE_ROLES))
    return _page(request, "backoffice/rules.html", {"rules": rules, "can_create": can_create})


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, rule_id: int | None = None) -> HttpResponse:
    actor = request.user
    rule = None
    if rule_id is not None:
        rule = selectors.routing_rules_for(actor=actor).filter(pk=rule_id).first()
        if rule is None:
            return _not_found(request)
    if not selectors.actor_paths(actor, selectors.MANAGE_RULE_ROLES) or (
        rule is not None and not can_manage_routing_rule(actor, rule.target)
    ):
        return _page(
            request,
            "backoffice/forbidden.html",
            {
                "message": _(
                    "Chỉ lãnh đạo hoặc quản trị của đơn vị đích mới sửa được quy tắc chuyển."
                ),
            },
            status=403,
        )
    form = RoutingRuleForm(request.POST or None, instance=rule, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            saved = routing_rule_save(rule_data=form.rule_data(), actor=actor, rule=rule)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã lưu quy tắc “%(name)s”.") % {"name": saved.name})
            return redirect("backoffice:rules")
    status = 400 if request.method == "POST" else 200
    return _page(request, "backoffice/rule_form.html", {"form": form, "rule": rule}, status=status)


@login_required
@require_POST
def rule_deactivate(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = selectors.routing_rules_for(actor=request.user).filter(pk=rule_id).first()
    if rule is None:
        return _not_found(request)
    try:
        routing_rule_save(rule_data={"active": False}, actor=request.user, rule=rule)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Đã ngừng áp dụng quy tắc “%(name)s”.") % {"name": rule.name})
    return redirect("backoffice:rules")


# -- organisations -------------------------------------------------------------------------------


@login_required
@require_GET
def org_tree(request: HttpRequest) -> HttpResponse:
    rows = selectors.org_tree_for(actor=request.user)
    return _page(
        request,
        "backoffice/orgs.html",
        {
            "rows": rows,
            "inbox_url": reverse("backoffice:inbox"),
        },
    )
