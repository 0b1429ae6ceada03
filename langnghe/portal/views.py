"""The public site. Thin: validate, call one service or selector, render.

Every failure the citizen can cause (bad input, a wrong receipt, an action the item's state no
longer allows) answers with the page and a message in the citizen's language, never a 500
(DESIGN.md §7).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langnghe.core.errors import ApplicationError, HandlingError, IntakeError, NotFound
from langnghe.handling.policy import get_policy
from langnghe.intake.models import Channel, Item, Kind

from . import abuse, access, blank_form_cache, selectors
from .forms import (
    KIND_HELP,
    AppealForm,
    ChallengeForm,
    RateForm,
    ReopenForm,
    ReplyForm,
    SearchForm,
    SubmitForm,
    TrackForm,
)

PAGE_SIZE = 10
SEARCH_COUNT_CAP = 1000


def _private(response: HttpResponse) -> HttpResponse:
    """Pages that show a secret or a person's own item: never stored by a browser or a proxy."""
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


# --- home ----------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "counts": selectors.counts(),
            "latest": selectors.published_latest(limit=5),
            "units": selectors.receiving_units(),
        },
    )


# --- submit --------------------------------------------------------------------------------

# Which field an IntakeError from the service belongs next to.
INTAKE_ERROR_FIELDS = {
    IntakeError.EMPTY_BODY: "body",
    IntakeError.BODY_TOO_LONG: "body",
    IntakeError.BAD_ATTACHMENT: "attachments",
    IntakeError.TOO_MANY_ATTACHMENTS: "attachments",
}


def _submit_page(
    request: HttpRequest,
    form: SubmitForm,
    *,
    status: int = 200,
    files_lost: bool = False,
    extra: dict[str, Any] | None = None,
    challenge: ChallengeForm | None = None,
) -> HttpResponse:
    context = {
        **(extra or {}),
        "challenge": challenge,
        "form": form,
        "kind_help": KIND_HELP,
        "indicator_groups": selectors.indicator_groups(),
        "denunciation": Kind.DENUNCIATION,
        "files_lost": files_lost,
        "secret_minutes": access.RECEIPT_SECRET_SECONDS // 60,
    }
    return _private(render(request, "portal/submit.html", context, status=status))


def _blank_submit_page(request: HttpRequest) -> HttpResponse:
    """The empty form, the same for everyone but its CSRF token: rendered once per language.

    Its lists (communes, topics, organisations, cadres, the 27 manifestations) make it the
    heaviest template of the site; `blank_form_cache` forgets it when one of them changes.
    """
    form = SubmitForm(initial={"group_size": 1})
    if request.GET or len(messages.get_messages(request)):
        return _submit_page(request, form)
    key = blank_form_cache.key("submit")
    html = cache.get(key)
    if html is None:
        page = _submit_page(request, form, extra={"csrf_token": blank_form_cache.CSRF_PLACEHOLDER})
        html = page.content.decode()
        cache.set(key, html, blank_form_cache.TTL_SECONDS)
    return _private(HttpResponse(blank_form_cache.with_token(html, request)))


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    # A suggestion box's poster leads here (`?hom-thu=<code>`): the item goes to the box's unit.
    from langnghe.boxes.selectors import box_for_submission

    box = box_for_submission(request.GET.get("hom-thu") or "")

    def page(form: SubmitForm, **kwargs: Any) -> HttpResponse:
        return _submit_page(request, form, extra={"box": box}, **kwargs)

    if request.method == "GET":
        if box is None:
            return _blank_submit_page(request)
        commune = {"commune": box.admin_unit_id} if box.admin_unit_id else {}
        return page(SubmitForm(initial={"group_size": 1, **commune}))
    try:
        data, files = request.POST, request.FILES
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        form = SubmitForm(initial={"group_size": 1})
        form.cleaned_data = {}  # add_error on an unbound form needs it (else AttributeError)
        form.add_error(
            None, _("Dữ liệu gửi lên quá lớn. Vui lòng rút gọn nội dung hoặc gửi ít tệp hơn.")
        )
        return page(form)
    box = box_for_submission(data.get("hom_thu") or "") or box
    form = SubmitForm(data, files)
    had_files = bool(files)
    if not form.is_valid():
        return page(form, files_lost=had_files)

    cleaned = form.cleaned_data
    text = "\n".join(body for _kind, body in form.parts())
    gate = abuse.submission_gate(request, text)
    if gate.state == abuse.BLOCKED:
        form.add_error(
            None,
            _(
                "Địa chỉ mạng này đã gửi quá nhiều ý kiến trong giờ qua. Vui lòng thử lại sau "
                "%(minutes)d phút; nội dung bạn viết vẫn còn dưới đây."
            )
            % {"minutes": gate.minutes},
        )
        return page(form, files_lost=had_files, status=429)
    if gate.state == abuse.CHALLENGE:
        challenge = ChallengeForm(data)
        if not challenge.is_valid():
            form.add_error(
                None,
                _(
                    "Đã có nhiều ý kiến được gửi từ địa chỉ mạng này, hoặc nội dung này vừa được "
                    "gửi. Để tiếp tục, vui lòng nhập kết quả phép tính trong hình ở cuối trang."
                ),
            )
            # First time asked: no error on the challenge itself yet.
            shown = challenge if data.get("challenge_0") else ChallengeForm()
            return page(form, files_lost=had_files, challenge=shown)
    receiving_org = box.organisation if box else selectors.receiving_org_for(cleaned.get("commune"))
    if receiving_org is None:
        form.add_error(
            None, _("Hệ thống chưa có đơn vị tiếp nhận ý kiến. Vui lòng liên hệ trực tiếp cơ quan.")
        )
        return page(form, files_lost=had_files)
    try:
        uploads = [upload.read() for upload in cleaned.get("attachments") or []]
    except OSError:
        form.add_error("attachments", _("Không đọc được tệp đính kèm; vui lòng chọn lại."))
        return page(form, files_lost=True)

    from langnghe.intake.services import Part, Submission, item_submit

    submission = Submission(
        parts=[Part(kind=kind, body=body) for kind, body in form.parts()],
        channel=Channel.ONLINE,
        receiving_org=receiving_org,
        title=cleaned.get("title", ""),
        topic=cleaned.get("topic"),
        admin_unit=cleaned.get("commune"),
        location_text=form.location_text(),
        concerned_org=cleaned.get("concerned_org"),
        concerned_person=cleaned.get("concerned_person"),
        indicator_ids=cleaned.get("indicators") or [],
        anonymous=bool(cleaned.get("anonymous")),
        identity=form.identity(),
        wants_notifications=bool(cleaned.get("wants_notifications")),
        waived_protection=bool(cleaned.get("waived_protection")),
        group_size=cleaned.get("group_size") or 1,
        uploads=uploads,
        party_matter=bool(cleaned.get("party_matter")),
        channel_detail={"box": box.code} if box else {},
    )
    try:
        result = item_submit(submission=submission)
    except IntakeError as exc:
        field = INTAKE_ERROR_FIELDS.get(exc.code)
        if exc.code == IntakeError.BAD_GROUP:
            field = "representatives" if submission.group_size >= 5 else "group_size"
        form.add_error(field, str(exc.message))
        return page(form, files_lost=had_files)
    except ApplicationError as exc:
        form.add_error(None, str(exc.message))
        return page(form, files_lost=had_files)

    abuse.submission_record(request, text)
    access.receipt_store(
        request.session,
        codes=[item.code for item in result.items],
        secret=result.secret,
        qr_with_secret=bool(cleaned.get("qr_with_secret")),
        commune=form.old_address_unit.name if form.old_address_unit is not None else "",
    )
    return redirect("portal:receipt")


@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest) -> HttpResponse:
    """The receipt: the code(s) always; the secret for a short while after submitting, so that a
    reload, a language switch or a phone restoring the tab shows it again (access.receipt_get).
    A POST is "Tôi đã lưu mã và mật mã": the secret leaves the session at once."""
    if request.method == "POST":
        if access.receipt_forget_secret(request.session) is None:
            return redirect("portal:submit")
        messages.info(request, _("Mật mã đã được xóa khỏi trang này. Hãy giữ kín bản bạn đã lưu."))
        return redirect("portal:receipt")
    stored, secret = access.receipt_get(request.session)
    if stored is None:
        return redirect("portal:submit")
    codes = stored.get("codes") or []
    items = {i.code: i for i in Item.objects.filter(code__in=codes).only("code", "kind")}
    entries = []
    for code in codes:
        url = request.build_absolute_uri(reverse("portal:track") + "?" + urlencode({"ma": code}))
        if secret and stored.get("qr_with_secret"):
            # After the '#', so the secret never reaches a server log; the tracking page's
            # script copies it into the form.
            url += "#mm=" + secret
        item = items.get(code)
        entries.append(
            {"code": code, "kind": item.get_kind_display() if item else "", "qr_url": url}
        )
    text = _receipt_text(codes, secret) if secret else ""
    shown_until = (
        timezone.localtime(
            dt.datetime.fromtimestamp(access.receipt_secret_until(stored), tz=dt.UTC)
        )
        if secret
        else None
    )
    return _private(
        render(
            request,
            "portal/receipt.html",
            {
                "entries": entries,
                "secret": secret,
                "secret_until": shown_until,
                "secret_minutes": access.RECEIPT_SECRET_SECONDS // 60,
                "qr_with_secret": stored.get("qr_with_secret") and bool(secret),
                "converted_commune": stored.get("commune", ""),
                "receipt_text": text,
            },
        )
    )


def _receipt_text(codes: list[str], secret: str) -> str:
    lines = [_("Biên nhận ý kiến — Lắng Nghe")]
    lines += [_("Mã tra cứu: %(code)s") % {"code": code} for code in codes]
    lines.append(_("Mật mã: %(secret)s") % {"secret": secret})
    lines.append(_("Giữ kín mật mã. Ai có mã và mật mã đều xem được ý kiến này."))
    return "\n".join(lines)


@require_GET
def person_search(request: HttpRequest) -> JsonResponse:
    """Cadres by name for the picker on the submit form (progressive enhancement)."""
    query = (request.GET.get("q") or "")[:80]
    matches = selectors.person_search(query)
    response = JsonResponse(
        {"results": [{"id": m.id, "name": m.name, "detail": m.detail} for m in matches]},
        json_dumps_params={"ensure_ascii": False},
    )
    patch_cache_control(response, public=True, max_age=300)
    return response


# --- tracking ------------------------------------------------------------------------------


def _family_codes(item: Item, secret: str) -> list[str]:
    """The codes of a split submission that this secret opens (they share one secret)."""
    from langnghe.intake.receipts import secret_matches

    family = selectors.item_family(item) or [item]
    return [i.code for i in family if secret_matches(i.code, secret, i.secret_hash)]


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        code = (request.GET.get("ma") or "")[:20]
        form = TrackForm(initial={"code": code})
        return _private(render(request, "portal/track.html", {"form": form}))
    form = TrackForm(request.POST)
    challenge: ChallengeForm | None = None
    status = 200
    gate = abuse.tracking_gate(request)
    if gate.state == abuse.BLOCKED:
        form.is_valid()
        form.add_error(
            None,
            _(
                "Đã có quá nhiều lần nhập sai mã tra cứu hoặc mật mã từ địa chỉ mạng này. "
                "Vui lòng thử lại sau %(minutes)d phút."
            )
            % {"minutes": gate.minutes},
        )
        status = 429
    elif gate.state == abuse.CHALLENGE and not ChallengeForm(request.POST).is_valid():
        form.is_valid()
        asked = bool(request.POST.get("challenge_0"))
        challenge = ChallengeForm(request.POST) if asked else ChallengeForm()
        form.add_error(
            None,
            _(
                "Đã có nhiều lần nhập sai từ địa chỉ mạng này. Để tiếp tục, vui lòng nhập kết "
                "quả phép tính trong hình."
            ),
        )
    elif form.is_valid():
        from langnghe.intake.services import item_by_receipt

        try:
            item = item_by_receipt(
                code=form.cleaned_data["code"], secret=form.cleaned_data["secret"]
            )
        except NotFound as exc:
            abuse.tracking_failed(request)
            form.add_error(None, str(exc.message))
        else:
            access.access_grant(
                request.session,
                _family_codes(item, form.cleaned_data["secret"]),
                form.cleaned_data["secret"],
            )
            return redirect("portal:track_item", code=item.code)
    context = {"form": form, "challenge": challenge}
    return _private(render(request, "portal/track.html", context, status=status))


def _item_with_access(request: HttpRequest, code: str) -> tuple[Item | None, str | None]:
    from langnghe.intake.receipts import normalise_code
    from langnghe.intake.services import item_by_receipt

    code = normalise_code(code)
    secret = access.access_secret(request.session, code)
    if secret is None:
        return None, None
    try:
        return item_by_receipt(code=code, secret=secret), secret
    except NotFound:
        access.access_revoke(request.session, [code])
        return None, None


def _to_track_form(code: str) -> HttpResponseRedirect:
    return redirect(reverse("portal:track") + "?" + urlencode({"ma": code}))


def _track_page(
    request: HttpRequest, item: Item, *, action_error: str = "", **forms: Any
) -> HttpResponse:
    answer, answered_at = selectors.answer_for_sender(item)
    family = selectors.item_family(item)
    held = set((request.session.get(access.ACCESS_KEY) or {}).keys())
    from langnghe.handling.selectors import deadline_rows, status_label
    from langnghe.handling.services import appeal_window

    policy = get_policy()
    can_appeal, appeal_until = appeal_window(item)
    context = {
        "item": item,
        "status_label": status_label(item, policy),
        "deadlines": deadline_rows(item, for_public=True, policy=policy),
        "timeline": selectors.public_timeline(item),
        "question": selectors.open_question(item),
        "answer": answer,
        "answered_at": answered_at,
        "siblings": [
            {"code": i.code, "kind": i.get_kind_display(), "held": i.code in held}
            for i in family
            if i.pk != item.pk
        ],
        "can_reply": selectors.workflow_allows(item, "citizen_reply"),
        "can_reopen": selectors.workflow_allows(item, "reopen"),
        "can_rate": selectors.can_rate(item),
        "can_appeal": can_appeal,
        "appeal_until": appeal_until if can_appeal else None,
        "reply_form": forms.get("reply_form") or ReplyForm(prefix="reply"),
        "rate_form": forms.get("rate_form")
        or RateForm(prefix="rate", initial={"rating": item.rating}),
        "reopen_form": forms.get("reopen_form") or ReopenForm(prefix="reopen"),
        "appeal_form": forms.get("appeal_form") or AppealForm(prefix="appeal"),
        "action_error": action_error,
    }
    return _private(render(request, "portal/track_item.html", context))


@require_GET
def track_item(request: HttpRequest, code: str) -> HttpResponse:
    item, _secret = _item_with_access(request, code)
    if item is None:
        return _to_track_form(code)
    return _track_page(request, item)


def _act(
    request: HttpRequest,
    code: str,
    form_class: type,
    prefix: str,
    form_key: str,
    action: Any,
    done: str,
) -> HttpResponse:
    """One citizen action on a held item: validate → service → message → back to the item."""
    item, secret = _item_with_access(request, code)
    if item is None or secret is None:
        messages.error(request, _("Phiên tra cứu đã hết hạn. Vui lòng nhập lại mã và mật mã."))
        return _to_track_form(code)
    form = form_class(request.POST, prefix=prefix)
    action_error = ""
    if form.is_valid():
        try:
            action(item, secret, form.cleaned_data)
        except NotFound:
            access.access_revoke(request.session, [item.code])
            messages.error(request, _("Phiên tra cứu đã hết hạn. Vui lòng nhập lại mã và mật mã."))
            return _to_track_form(item.code)
        except (HandlingError, ApplicationError) as exc:
            # Usually the item's state moved on (answered, reopened) since the page was shown;
            # say so at the top, and keep what was typed in case the form is still offered.
            action_error = str(exc.message)
        else:
            if done:
                messages.success(request, done)
            return redirect("portal:track_item", code=item.code)
    item.refresh_from_db()
    return _track_page(request, item, action_error=action_error, **{form_key: form})


@require_POST
def track_reply(request: HttpRequest, code: str) -> HttpResponse:
    from langnghe.handling.services import item_transition

    def action(item: Item, secret: str, data: dict[str, Any]) -> None:
        item_transition(
            item=item, name="citizen_reply", citizen_secret=secret, message=data["message"]
        )

    return _act(
        request, code, ReplyForm, "reply", "reply_form", action, _("Đã gửi câu trả lời của bạn.")
    )


@require_POST
def track_rate(request: HttpRequest, code: str) -> HttpResponse:
    from langnghe.handling.services import item_rate

    def action(item: Item, secret: str, data: dict[str, Any]) -> None:
        item_rate(
            item=item, citizen_secret=secret, rating=data["rating"], comment=data.get("comment", "")
        )

    return _act(request, code, RateForm, "rate", "rate_form", action, _("Cảm ơn bạn đã đánh giá."))


@require_POST
def track_reopen(request: HttpRequest, code: str) -> HttpResponse:
    from langnghe.handling.services import item_transition

    def action(item: Item, secret: str, data: dict[str, Any]) -> None:
        item_transition(item=item, name="reopen", citizen_secret=secret, message=data["message"])

    return _act(
        request,
        code,
        ReopenForm,
        "reopen",
        "reopen_form",
        action,
        _("Đã gửi đề nghị xem xét lại. Ý kiến được chuyển lên cấp trên xem xét."),
    )


@require_POST
def track_appeal(request: HttpRequest, code: str) -> HttpResponse:
    """KN-9: the complainant takes a first-instance complaint to the next level up. The new item
    has its own code and the same secret, so the receipt the citizen holds opens both."""
    from langnghe.handling.services import complaint_appeal

    created: list[Item] = []

    def action(item: Item, secret: str, data: dict[str, Any]) -> None:
        second = complaint_appeal(item=item, body=data["message"], citizen_secret=secret)
        access.access_grant(request.session, [second.code], secret)
        created.append(second)

    response = _act(request, code, AppealForm, "appeal", "appeal_form", action, "")
    if created:
        messages.success(
            request,
            _("Đã gửi khiếu nại lần hai. Mã tra cứu mới: %(code)s (dùng mật mã cũ).")
            % {"code": created[0].code},
        )
        return redirect("portal:track_item", code=created[0].code)
    return response


@require_POST
def track_leave(request: HttpRequest) -> HttpResponse:
    access.access_revoke(request.session)
    messages.info(request, _("Đã thoát. Trên máy dùng chung, hãy đóng trình duyệt."))
    return redirect("portal:track")


# --- published items -------------------------------------------------------------------------


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    from langnghe.search.services import search_count, search_ids

    form = SearchForm(request.GET or None)
    query, page = "", 1
    if form.is_bound and form.is_valid():
        query = form.cleaned_data.get("q") or ""
        page = form.cleaned_data.get("trang") or 1
    offset = (page - 1) * PAGE_SIZE
    total, counted = None, False
    if query.strip():
        ids = search_ids(
            query=query, kind="published", public_only=True, limit=PAGE_SIZE + 1, offset=offset
        )
        items = selectors.published_by_ids(ids[:PAGE_SIZE])
        has_next = len(ids) > PAGE_SIZE
        if has_next or (offset and not ids):
            total = search_count(
                query=query, kind="published", public_only=True, cap=SEARCH_COUNT_CAP
            )
            counted = True
        else:
            # The matches end on this page: they are all counted already (a word that matches
            # nothing, the commonest search of all, costs one probe instead of two).
            total = offset + len(ids)
    else:
        items = selectors.published_latest(limit=PAGE_SIZE + 1, offset=offset)
        has_next = len(items) > PAGE_SIZE
        items = items[:PAGE_SIZE]

    def page_url(n: int) -> str:
        params = {"q": query} if query else {}
        if n > 1:
            params["trang"] = str(n)
        return reverse("portal:search") + ("?" + urlencode(params) if params else "")

    return render(
        request,
        "portal/search.html",
        {
            "form": form,
            "query": query,
            "items": items,
            "page": page,
            "total": total,
            # Only a count can stop at the cap; a total read off the last page is exact.
            "total_capped": counted and total is not None and total >= SEARCH_COUNT_CAP,
            "prev_url": page_url(page - 1) if page > 1 else "",
            "next_url": page_url(page + 1) if has_next else "",
        },
    )


@require_GET
def published_item(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.published_item(code)
    if item is None:
        raise Http404
    return render(request, "portal/item.html", {"item": item})


@require_GET
def unit(request: HttpRequest, slug: str) -> HttpResponse:
    org = selectors.unit_by_slug(slug)
    if org is None:
        raise Http404
    return render(
        request,
        "portal/unit.html",
        {
            "profile": selectors.unit_profile(org),
            "counts": selectors.counts(org),
            "latest": selectors.published_latest(limit=10, org=org),
        },
    )
