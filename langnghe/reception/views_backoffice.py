"""Back-office pages of citizen reception at /quan-ly/tiep-dan/: thin views that validate input, call
one service or selector and render. Known failures come back as messages, never a 500."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langnghe.backoffice.viewkit import forbidden as _forbidden
from langnghe.backoffice.viewkit import not_found as _not_found
from langnghe.backoffice.viewkit import page
from langnghe.core.errors import ApplicationError, NotFound
from langnghe.core.sealing import RECEIPT_SECRET_SECONDS, seal, unseal
from langnghe.core.text import is_digits
from langnghe.handling import rules as handling_rules
from langnghe.handling.rules import can

from . import policy, selectors, services
from .export import kinds_text, log_workbook
from .forms import (
    ConclusionForm,
    HoldForm,
    LogEntryForm,
    LogFilterForm,
    PostponeForm,
    RefusalNoticeForm,
    RevealForm,
    SessionCreateForm,
    SiteForm,
)
from .models import Booking, BookingStatus, Capacity, SessionStatus
from .rules import MANAGE_ROLES, QUOTA_ROLES, VIEW_LOG_ROLES


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return page(request, template, {**context, "rc_nav": _nav(request.user)}, status)


RECEIPT_KEY = "reception.log_receipt"
PAGE_SIZE = 50

# Which form field a service error belongs next to.
ERROR_FIELDS = {
    services.ReceptionError.NOT_HEAD: "head",
    services.ReceptionError.DELEGATION: "capacity",
    services.ReceptionError.ONLINE: "online_case",
    services.ReceptionError.REFUSAL: "refusal_ground",
}


def _nav(actor: Any) -> dict[str, bool]:
    from langnghe.orgs.access import has_any_role

    return {
        "manage": has_any_role(actor, MANAGE_ROLES),
        "log": has_any_role(actor, VIEW_LOG_ROLES),
        "quotas": has_any_role(actor, QUOTA_ROLES),
    }


def sealed_for(actor: Any, entry: Any) -> bool:
    """TC-16: what a denouncer said stays with reception staff; others see that a denunciation
    was received, not its content."""
    sealed = handling_rules.sealed_kinds()
    return any(k in sealed for k in entry.kinds) and not can(
        actor, "reception.reveal_identity", entry
    )


# -- home -----------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    actor = request.user
    nav = _nav(actor)
    if not any(nav.values()):
        return _forbidden(request, _("Bạn chưa được giao việc tiếp công dân."))
    today = timezone.localdate()
    sessions = selectors.sessions_for(actor)
    return _page(
        request,
        "reception/bo/index.html",
        {
            "upcoming": sessions.filter(date__gte=today)
            .exclude(status=SessionStatus.POSTPONED)
            .order_by("date", "start_time")[:10],
            "to_log": sessions.filter(status=SessionStatus.HELD).order_by("date")[:10],
            "to_conclude": sessions.filter(status=SessionStatus.LOGGED)
            .exclude(capacity=Capacity.OTHER)
            .order_by("date")[:10],
            "late_notices": selectors.log_for(actor).filter(
                refusal__needs_notice=True, refusal__notice_issued_on__isnull=True
            )[:10],
            "today": today,
        },
    )


# -- sites ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def sites(request: HttpRequest, site_id: int | None = None) -> HttpResponse:
    actor = request.user
    if not selectors.managed_orgs(actor).exists():
        return _forbidden(
            request, _("Chỉ lãnh đạo, thủ trưởng đơn vị hoặc quản trị mới quản lý địa điểm tiếp.")
        )
    site = None
    if site_id is not None:
        try:
            site = selectors.access_site(actor, site_id)
        except NotFound:
            return _not_found(request)
    initial = {}
    if site is not None:
        initial = {
            "organisation": site.organisation_id,
            "name": site.name,
            "address": site.address,
            "regular_hours": site.regular_hours,
            "phone": site.phone,
            "online": site.online,
            "active": site.active,
        }
    form = SiteForm(request.POST or None, actor=actor, initial=initial or {"active": True})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.site_save(actor=actor, site=site, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Đã lưu địa điểm tiếp công dân."))
                return redirect("reception_backoffice:sites")
        status = 400
    return _page(
        request,
        "reception/bo/sites.html",
        {"form": form, "site": site, "sites": selectors.sites_for(actor)},
        status=status,
    )


# -- sessions -------------------------------------------------------------------------------


@login_required
@require_GET
def sessions(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not _nav(actor)["manage"] and not _nav(actor)["log"]:
        return _forbidden(request, _("Bạn chưa được giao việc tiếp công dân."))
    qs = selectors.sessions_for(actor).order_by("-date", "-start_time")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    return _page(
        request,
        "reception/bo/sessions.html",
        {"page": page, "today": timezone.localdate(), "can_create": _nav(actor)["manage"]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not selectors.managed_orgs(actor).exists():
        return _forbidden(
            request, _("Chỉ lãnh đạo, thủ trưởng đơn vị hoặc quản trị mới lập lịch tiếp.")
        )
    form = SessionCreateForm(request.POST or None, actor=actor)
    if request.method == "POST":
        if form.is_valid():
            try:
                session = services.session_create(data=form.to_input(), actor=actor)
            except ApplicationError as exc:
                form.add_error(ERROR_FIELDS.get(exc.code), str(exc.message))
            else:
                messages.success(
                    request, _("Đã lập buổi tiếp. Hãy công bố lịch trước hạn (TCD-8).")
                )
                return redirect("reception_backoffice:session", session_id=session.pk)
        messages.error(request, _("Chưa lưu: vui lòng kiểm tra các ô được đánh dấu."))
        return _page(request, "reception/bo/session_form.html", {"form": form}, status=400)
    return _page(request, "reception/bo/session_form.html", {"form": form})


def _session_context(request: HttpRequest, session: Any, **extra: Any) -> dict[str, Any]:
    actor = request.user
    today = timezone.localdate()
    due, late_now = services.publish_check(session, today)
    bookings = list(session.bookings.select_related("slot").order_by("slot__start", "created_at"))
    context = {
        "session": session,
        "today": today,
        "publish_due": due,
        "publish_late_now": late_now,
        "can_manage": can(actor, "reception.manage_sessions", session),
        "can_log": can(actor, "reception.keep_log", session),
        "can_reveal": can(actor, "reception.reveal_identity", session),
        "can_view_log": can(actor, "reception.view_log", session),
        "bookings": bookings,
        "slots": selectors.slot_rows(session),
        "entries": session.entries.select_related("refusal")
        .prefetch_related("items")
        .order_by("number"),
        "postpone_form": PostponeForm(),
        "hold_form": HoldForm(initial={"held_on": min(session.date, today)}),
        "reveal_form": RevealForm(),
        "identities": None,
        "test_due": policy.online_test_due(session.date) if session.form == "online" else None,
        "connect_by": policy.online_connect_by(session.date, session.start_time)
        if session.form == "online"
        else None,
        "conclusion": getattr(session, "conclusion", None),
    }
    context.update(extra)
    identities = context.get("identities") or {}
    for booking in bookings:
        booking.identity = identities.get(booking.pk)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = request.user
    try:
        session = selectors.access_session(actor, session_id)
    except NotFound:
        return _not_found(request)
    if request.method == "POST":  # reveal bookers' names and phones (reception staff, audited)
        form = RevealForm(request.POST)
        if not can(actor, "reception.reveal_identity", session):
            return _forbidden(
                request, _("Chỉ cán bộ tiếp công dân của đơn vị mới xem được danh tính.")
            )
        if form.is_valid():
            try:
                identities = services.booking_identities_reveal(
                    session=session, actor=actor, reason=form.cleaned_data["reason"]
                )
            except ApplicationError as exc:
                form.add_error("reason", str(exc.message))
            else:
                return _page(
                    request,
                    "reception/bo/session.html",
                    _session_context(request, session, identities=identities, reveal_form=form),
                )
        return _page(
            request,
            "reception/bo/session.html",
            _session_context(request, session, reveal_form=form),
            status=400,
        )
    return _page(request, "reception/bo/session.html", _session_context(request, session))


@login_required
@require_POST
def session_action(request: HttpRequest, session_id: int, name: str) -> HttpResponse:
    actor = request.user
    try:
        session = selectors.access_session(actor, session_id)
    except NotFound:
        return _not_found(request)
    url = reverse("reception_backoffice:session", args=[session.pk])
    try:
        if name == "publish":
            session = services.session_publish(session=session, actor=actor)
            if session.publish_late:
                messages.warning(
                    request,
                    _(
                        "Đã công bố lịch, nhưng muộn hơn hạn %(due)s (TCD-8: ít nhất 5 ngày làm việc trước buổi tiếp)."
                    )
                    % {
                        "due": session.publish_due.strftime("%d/%m/%Y")
                        if session.publish_due
                        else ""
                    },
                )
            else:
                messages.success(request, _("Đã công bố lịch tiếp công dân."))
        elif name == "postpone":
            form = PostponeForm(request.POST)
            if not form.is_valid():
                return _page(
                    request,
                    "reception/bo/session.html",
                    _session_context(request, session, postpone_form=form),
                    status=400,
                )
            session = services.session_postpone(
                session=session,
                actor=actor,
                reason=form.cleaned_data["reason"],
                new_date=form.cleaned_data.get("new_date"),
            )
            messages.success(request, _("Đã hoãn buổi tiếp."))
            if session.rescheduled_to_id:
                url = reverse("reception_backoffice:session", args=[session.rescheduled_to_id])
        elif name == "hold":
            hold_form = HoldForm(request.POST)
            if not hold_form.is_valid():
                return _page(
                    request,
                    "reception/bo/session.html",
                    _session_context(request, session, hold_form=hold_form),
                    status=400,
                )
            services.session_hold(
                session=session,
                actor=actor,
                held_on=hold_form.cleaned_data.get("held_on"),
                connection_tested_on=hold_form.cleaned_data.get("connection_tested_on"),
                recording_kept=bool(hold_form.cleaned_data.get("recording_kept")),
            )
            messages.success(
                request, _("Đã ghi nhận buổi tiếp đã diễn ra. Hãy ghi sổ các lượt tiếp.")
            )
        elif name in {"follow_up", "close"}:
            to = SessionStatus.FOLLOW_UP if name == "follow_up" else SessionStatus.CLOSED
            services.session_advance(session=session, actor=actor, to=to)
            messages.success(request, _("Đã cập nhật trạng thái buổi tiếp."))
        elif name in {"no_show", "cancel_booking"}:
            raw = request.POST.get("booking") or ""
            booking = Booking.objects.filter(
                pk=int(raw) if is_digits(raw) and len(raw) < 19 else 0, session=session
            ).first()
            if booking is None:
                return _not_found(request)
            services.booking_mark(
                booking=booking,
                actor=actor,
                status=BookingStatus.NO_SHOW if name == "no_show" else BookingStatus.CANCELLED,
            )
            messages.success(request, _("Đã cập nhật đăng ký."))
        else:
            return _not_found(request)
    except ApplicationError as exc:
        if exc.http_status == 403:
            return _forbidden(request, str(exc.message))
        messages.error(request, str(exc.message))
    return redirect(url)


# -- conclusion notice (TCD-9c) ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def conclusion(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = request.user
    try:
        session = selectors.access_session(actor, session_id)
    except NotFound:
        return _not_found(request)
    existing = getattr(session, "conclusion", None)
    if existing is not None:
        return redirect("reception_backoffice:conclusion_print", session_id=session.pk)
    if not can(actor, "reception.issue_conclusion", session):
        return _forbidden(request, _("Bạn không có quyền ra thông báo kết luận."))
    initial = {
        "issued_on": timezone.localdate(),
        "signer": session.head.full_name if session.head else "",
        "recipients": "\n".join(
            [str(session.organisation), _("Các cơ quan có liên quan"), _("Lưu: VT")]
        ),
    }
    form = ConclusionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.conclusion_issue(session=session, actor=actor, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Đã ban hành thông báo kết luận."))
                return redirect("reception_backoffice:conclusion_print", session_id=session.pk)
        return _page(
            request,
            "reception/bo/conclusion_form.html",
            {"form": form, "session": session},
            status=400,
        )
    return _page(request, "reception/bo/conclusion_form.html", {"form": form, "session": session})


@login_required
@require_GET
def conclusion_print(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        session = selectors.access_session(request.user, session_id)
    except NotFound:
        return _not_found(request)
    notice = getattr(session, "conclusion", None)
    if notice is None:
        return _not_found(request)
    entries = session.entries.select_related("refusal").order_by("number")
    return _page(
        request,
        "reception/bo/conclusion_print.html",
        {
            "session": session,
            "notice": notice,
            "visits": entries.count(),
            "kinds": kinds_text(sorted({k for e in entries for k in e.kinds})),
            "recipients": [r for r in notice.recipients.splitlines() if r.strip()],
        },
    )


# -- the log --------------------------------------------------------------------------------


def _log_entries(request: HttpRequest, form: LogFilterForm) -> Any:
    qs = selectors.log_for(request.user)
    if form.is_valid():
        if form.cleaned_data.get("year"):
            qs = qs.filter(year=form.cleaned_data["year"])
        if form.cleaned_data.get("organisation"):
            qs = qs.filter(organisation=form.cleaned_data["organisation"])
    return qs.order_by("-received_on", "-number")


@login_required
@require_http_methods(["GET", "POST"])
def log(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not _nav(actor)["log"]:
        return _forbidden(
            request,
            _("Chỉ cán bộ tiếp công dân, lãnh đạo, thủ trưởng đơn vị mới xem sổ tiếp công dân."),
        )
    filters = LogFilterForm(request.GET or None, actor=actor)
    entries = _log_entries(request, filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("trang"))
    for entry in page.object_list:
        entry.sealed_for_me = sealed_for(actor, entry)
    reveal = RevealForm(request.POST or None)
    identities = None
    status = 200
    if request.method == "POST":
        if reveal.is_valid():
            try:
                identities = services.log_identities_reveal(
                    entries=list(page.object_list),
                    actor=actor,
                    reason=reveal.cleaned_data["reason"],
                )
            except ApplicationError as exc:
                if exc.http_status == 403:
                    return _forbidden(
                        request,
                        _("Chỉ cán bộ tiếp công dân của đơn vị mới xem được danh tính (TCD-9d)."),
                    )
                reveal.add_error("reason", str(exc.message))
                status = 400
        else:
            status = 400
    from langnghe.orgs.access import has_any_role

    from .rules import IDENTITY_ROLES

    return _page(
        request,
        "reception/bo/log.html",
        {
            "page": page,
            "filters": filters,
            "reveal_form": reveal,
            "identities": identities,
            "can_reveal": has_any_role(actor, IDENTITY_ROLES),
            "can_add": selectors.log_orgs(actor).exists(),
            "query": request.GET.urlencode(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_export(request: HttpRequest) -> HttpResponse:
    """Mẫu 03/TCD as XLSX. GET: identities masked. POST with a reason: reception staff of the
    organisation get names, addresses and ID numbers, audited (TCD-9d)."""
    actor = request.user
    if not _nav(actor)["log"]:
        return _forbidden(request, _("Bạn không có quyền xuất sổ tiếp công dân."))
    filters = LogFilterForm(request.GET or None, actor=actor)
    entries = list(
        _log_entries(request, filters).order_by("organisation__path", "year", "number")[:5000]
    )
    org = filters.cleaned_data.get("organisation") if filters.is_valid() else None
    year = filters.cleaned_data.get("year") if filters.is_valid() else None
    if org is None and entries:
        # Mẫu 03/TCD is one organisation's book: without a filter, the first one's.
        org = entries[0].organisation
        entries = [e for e in entries if e.organisation_id == org.pk]
    identities = None
    if request.method == "POST":
        reveal = RevealForm(request.POST)
        if not reveal.is_valid():
            messages.error(request, _("Cần ghi rõ lý do xem danh tính (ít nhất 5 ký tự)."))
            return redirect(reverse("reception_backoffice:log") + "?" + request.GET.urlencode())
        try:
            identities = services.log_identities_reveal(
                entries=entries, actor=actor, reason=reveal.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            if exc.http_status == 403:
                return _forbidden(
                    request,
                    _("Chỉ cán bộ tiếp công dân của đơn vị mới xem được danh tính (TCD-9d)."),
                )
            messages.error(request, str(exc.message))
            return redirect("reception_backoffice:log")
    parent = org.parent.name if org is not None and org.parent is not None else ""
    sealed = {e.pk for e in entries if sealed_for(actor, e)}
    data = log_workbook(
        organisation_name=org.name if org is not None else "",
        parent_name=parent,
        year=year,
        entries=entries,
        identities=identities,
        sealed=sealed,
    )
    from langnghe.core.audit import audit_event_record

    audit_event_record(
        action="reception.log_exported",
        actor=actor,
        data={"entries": len(entries), "with_identities": identities is not None},
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="so-tiep-cong-dan-{year or "tat-ca"}.xlsx"'
    )
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def log_add(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not selectors.log_orgs(actor).exists():
        return _forbidden(
            request, _("Chỉ cán bộ tiếp công dân hoặc lãnh đạo của đơn vị tiếp nhận mới ghi sổ.")
        )
    booking = None
    booking_details = None
    booking_id = request.POST.get("booking_id") or request.GET.get("dang_ky")
    session_id = request.GET.get("buoi")
    initial: dict[str, Any] = {}
    if session_id:
        try:
            session = selectors.access_session(actor, int(session_id[:19]))
        except (NotFound, ValueError):
            return _not_found(request)
        initial.update(
            {
                "session": session.pk,
                "organisation": session.organisation_id,
                "received_on": min(session.date, timezone.localdate()),
            }
        )
    if booking_id:
        booking = (
            Booking.objects.select_related("session", "slot")
            .filter(
                pk=int(booking_id)
                if is_digits(str(booking_id)) and len(str(booking_id)) < 19
                else 0
            )
            .first()
        )
        if booking is None or not can(actor, "reception.keep_log", booking.session):
            return _not_found(request)
        initial.update(
            {
                "session": booking.session_id,
                "organisation": booking.session.organisation_id,
                "booking_id": booking.pk,
                "received_on": min(booking.session.date, timezone.localdate()),
            }
        )
        if can(actor, "reception.reveal_identity", booking.session):
            # The booker's own words prefill the form; the form is the receptionist's record.
            booking_details = services.booking_open_for_log(booking=booking, actor=actor)
            initial.update(
                {
                    "name": booking_details.get("name", ""),
                    "phone": booking_details.get("phone", ""),
                    "address": booking_details.get("address", ""),
                    "body": booking_details.get("content", ""),
                }
            )
    form = LogEntryForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.log_entry_add(visit=form.to_visit(booking), actor=actor)
            except ApplicationError as exc:
                field = ERROR_FIELDS.get(exc.code)
                if exc.code == "intake.bad_group":
                    field = "representatives"
                form.add_error(field, str(exc.message))
            else:
                request.session[RECEIPT_KEY] = {
                    "entry": result.entry.pk,
                    "items": [{"code": i.code, "kind": i.get_kind_display()} for i in result.items],
                    "secret": seal(result.secret) if result.secret else None,
                    "at": int(time.time()),
                }
                messages.success(request, _("Đã ghi sổ tiếp công dân."))
                return redirect("reception_backoffice:log_receipt")
        messages.error(request, _("Chưa ghi sổ: vui lòng kiểm tra các ô được đánh dấu."))
        return _page(
            request, "reception/bo/log_form.html", {"form": form, "booking": booking}, status=400
        )
    return _page(request, "reception/bo/log_form.html", {"form": form, "booking": booking})


@login_required
@require_http_methods(["GET", "POST"])
def log_receipt(request: HttpRequest) -> HttpResponse:
    """The receipt of the items a visit created: codes and, for a short while, the secret, to hand
    to the citizen (as the spine's reception receipt)."""
    data = request.session.get(RECEIPT_KEY)
    if request.method == "POST":
        request.session.pop(RECEIPT_KEY, None)
        return redirect("reception_backoffice:log_add")
    if not isinstance(data, dict):
        return redirect("reception_backoffice:log")
    try:
        entry = selectors.access_entry(request.user, int(data.get("entry") or 0))
    except NotFound:
        return _not_found(request)
    secret = None
    if data.get("secret") and time.time() < int(data.get("at") or 0) + RECEIPT_SECRET_SECONDS:
        secret = unseal(data["secret"], max_age=RECEIPT_SECRET_SECONDS)
    return _page(
        request,
        "reception/bo/log_receipt.html",
        {
            "entry": entry,
            "items": data.get("items") or [],
            "secret": secret,
            "track_url": request.build_absolute_uri("/tra-cuu/"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = request.user
    try:
        entry = selectors.access_entry(actor, entry_id)
    except NotFound:
        return _not_found(request)
    refusal = getattr(entry, "refusal", None)
    form = RefusalNoticeForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if refusal is None:
            return _not_found(request)
        if form.is_valid():
            try:
                services.refusal_notice_issue(refusal=refusal, actor=actor, **form.cleaned_data)
            except ApplicationError as exc:
                if exc.http_status == 403:
                    return _forbidden(request, str(exc.message))
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Đã ban hành thông báo từ chối tiếp (Mẫu 01/TCD)."))
                return redirect("reception_backoffice:refusal_print", entry_id=entry.pk)
        status = 400
    return _page(
        request,
        "reception/bo/entry.html",
        {
            "entry": entry,
            "refusal": refusal,
            "form": form,
            "kinds": kinds_text(entry.kinds),
            "sealed": sealed_for(actor, entry),
            "can_log": can(actor, "reception.keep_log", entry),
        },
        status=status,
    )


@login_required
@require_GET
def refusal_print(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Thông báo từ chối tiếp công dân, Mẫu 01/TCD (TCD-7c), printable A4. Addressed to the citizen:
    the name appears only for reception staff of the organisation (TCD-9d), audited."""
    actor = request.user
    try:
        entry = selectors.access_entry(actor, entry_id)
    except NotFound:
        return _not_found(request)
    refusal = getattr(entry, "refusal", None)
    if refusal is None or refusal.notice_issued_on is None:
        return _not_found(request)
    identity = None
    if can(actor, "reception.reveal_identity", entry):
        identity = services.log_identities_reveal(
            entries=[entry], actor=actor, reason="In thông báo từ chối tiếp (Mẫu 01/TCD)"
        ).get(entry.pk)
    return _page(
        request,
        "reception/bo/refusal_print.html",
        {"entry": entry, "refusal": refusal, "identity": identity},
    )


# -- quotas ---------------------------------------------------------------------------------


@login_required
@require_GET
def quotas(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not _nav(actor)["quotas"]:
        return _forbidden(
            request, _("Chỉ lãnh đạo, thủ trưởng đơn vị, quản trị xem được định mức tiếp công dân.")
        )
    try:
        count = max(1, min(int(request.GET.get("thang") or 3), 12))
    except ValueError:
        count = 3
    months = selectors.months_back(timezone.localdate(), count)
    rows = selectors.quota_table(actor=actor, months=months)
    both = policy.count_for_both_quotas()
    return _page(
        request,
        "reception/bo/quotas.html",
        {
            "rows": rows,
            "months": months,
            "behind": [r for r in rows if r.behind],
            "both_rule": both,
            "count": count,
            "rule_sets": policy.book().rule_set_on(timezone.localdate()),
        },
    )
