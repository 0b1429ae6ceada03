"""Public pages of citizen reception at /lich-tiep-dan/: sites and hours, the published schedule
(TCD-8), past sessions (counts only), and booking a slot without an account.

Never shows who booked or who came (TCD-9d). Pages holding a booking's secret are never cached.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods

from langnghe.core.errors import ApplicationError, NotFound
from langnghe.core.sealing import RECEIPT_SECRET_SECONDS, seal, unseal

from . import policy, selectors, services
from .forms import BookingForm, BookingLookupForm
from .models import BookingStatus, SessionStatus

RECEIPT_KEY = "reception.booking_receipt"
ACCESS_KEY = "reception.booking_access"
ACCESS_IDLE_SECONDS = 30 * 60


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    upcoming = list(selectors.public_upcoming(today=today)[:50])
    return render(
        request,
        "reception/portal/index.html",
        {
            "sites": selectors.public_sites(),
            "upcoming": [{"session": s, "open": services.booking_is_open(s)} for s in upcoming],
            "past": selectors.public_past(today=today),
            "today": today,
        },
    )


def _session_page(
    request: HttpRequest, session: Any, form: BookingForm | None, status: int = 200
) -> HttpResponse:
    slots = selectors.slot_rows(session)
    open_ = services.booking_is_open(session)
    if form is None and open_:
        form = BookingForm(slots=slots)
    context = {
        "session": session,
        "slots": slots,
        "free": sum(r["free"] for r in slots),
        "form": form if open_ else None,
        "open": open_,
        "closes_at": services.booking_closes_at(session),
        "connect_by": policy.online_connect_by(session.date, session.start_time)
        if session.form == "online"
        else None,
        "visits": session.entries.count() if session.is_held else None,
    }
    return _private(render(request, "reception/portal/session.html", context, status=status))


@require_http_methods(["GET", "POST"])
def session(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        s = selectors.public_session(session_id)
    except NotFound:
        return _not_found(request)
    if request.method == "GET":
        return _session_page(request, s, None)
    slots = selectors.slot_rows(s)
    form = BookingForm(request.POST, slots=slots)
    if not services.booking_is_open(s):
        return _session_page(request, s, None, status=400)
    if form.is_valid():
        try:
            result = services.booking_create(
                session=s,
                slot_id=form.cleaned_data["slot"],
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                content=form.cleaned_data["content"],
                address=form.cleaned_data.get("address") or "",
            )
        except ApplicationError as exc:
            field = "slot" if exc.code in {services.ReceptionError.FULL} else None
            form.add_error(field, str(exc.message))
        else:
            request.session[RECEIPT_KEY] = {
                "code": result.booking.code,
                "secret": seal(result.secret),
                "at": int(time.time()),
            }
            _grant(request, result.booking.code, result.secret)
            return redirect("reception_portal:booking_receipt")
    # Slots may have filled meanwhile: rebuild the choices, keep the citizen's text.
    return _session_page(request, s, form, status=400)


@require_GET
def booking_receipt(request: HttpRequest) -> HttpResponse:
    data = request.session.get(RECEIPT_KEY)
    if not isinstance(data, dict):
        return redirect("reception_portal:index")
    secret = None
    if time.time() < int(data.get("at") or 0) + RECEIPT_SECRET_SECONDS:
        secret = unseal(data.get("secret") or "", max_age=RECEIPT_SECRET_SECONDS)
    try:
        booking = services.booking_by_receipt(code=data["code"], secret=secret) if secret else None
    except NotFound:
        booking = None
    view_url = (
        request.build_absolute_uri(reverse("reception_portal:booking_lookup"))
        + "?ma="
        + data["code"]
    )
    return _private(
        render(
            request,
            "reception/portal/receipt.html",
            {
                "code": data["code"],
                "secret": secret,
                "booking": booking,
                "view_url": view_url,
                "secret_minutes": RECEIPT_SECRET_SECONDS // 60,
            },
        )
    )


def _grant(request: HttpRequest, code: str, secret: str) -> None:
    held = dict(request.session.get(ACCESS_KEY) or {})
    held[code] = {"s": seal(secret), "t": int(time.time())}
    request.session[ACCESS_KEY] = dict(sorted(held.items(), key=lambda kv: -kv[1]["t"])[:5])


def _held_secret(request: HttpRequest, code: str) -> str | None:
    entry = (request.session.get(ACCESS_KEY) or {}).get(code)
    if not entry or time.time() - entry.get("t", 0) > ACCESS_IDLE_SECONDS:
        return None
    return unseal(entry.get("s", ""))


@require_http_methods(["GET", "POST"])
def booking_lookup(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = BookingLookupForm(initial={"code": (request.GET.get("ma") or "")[:20]})
        return _private(render(request, "reception/portal/lookup.html", {"form": form}))
    form = BookingLookupForm(request.POST)
    if form.is_valid():
        try:
            booking = services.booking_by_receipt(
                code=form.cleaned_data["code"], secret=form.cleaned_data["secret"]
            )
        except NotFound as exc:
            form.add_error(None, str(exc.message))
        else:
            _grant(request, booking.code, form.cleaned_data["secret"])
            return redirect("reception_portal:booking", code=booking.code)
    return _private(render(request, "reception/portal/lookup.html", {"form": form}, status=400))


@require_http_methods(["GET", "POST"])
def booking(request: HttpRequest, code: str) -> HttpResponse:
    code = services.normalise_booking_code(code)
    secret = _held_secret(request, code)
    lookup = reverse("reception_portal:booking_lookup") + "?ma=" + code
    if secret is None:
        return redirect(lookup)
    try:
        b = services.booking_by_receipt(code=code, secret=secret)
    except NotFound:
        return redirect(lookup)
    error = ""
    if request.method == "POST":
        try:
            b = services.booking_cancel(code=code, secret=secret)
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            return redirect("reception_portal:booking", code=code)
    details = services.booking_details(b)
    return _private(
        render(
            request,
            "reception/portal/booking.html",
            {
                "booking": b,
                "details": details,
                "error": error,
                "can_cancel": b.status == BookingStatus.BOOKED
                and b.session.status in {SessionStatus.SCHEDULE_PUBLISHED, SessionStatus.POSTPONED},
            },
            status=400 if error else 200,
        )
    )
