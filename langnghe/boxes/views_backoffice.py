"""Back-office pages of the suggestion boxes at /quan-ly/hom-thu/: thin views that validate
input, call one service or selector, and render. A known failure (ApplicationError) comes back as
a message on the page with the user's input kept; objects out of scope answer 404, forbidden
actions 403; never a 500."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langnghe.backoffice.viewkit import forbidden as _forbidden
from langnghe.backoffice.viewkit import not_found as _not_found
from langnghe.backoffice.viewkit import page as _page
from langnghe.backoffice.views import INTAKE_ERROR_FIELDS
from langnghe.core.errors import ApplicationError, NotFound
from langnghe.core.sealing import RECEIPT_SECRET_SECONDS, seal, unseal
from langnghe.handling.rules import can
from langnghe.orgs.models import Organisation

from . import policy, selectors, services
from .forms import (
    BoxForm,
    CloseForm,
    LetterForm,
    OpeningForm,
    RecountForm,
    RegisterFilterForm,
    RetireForm,
)
from .models import BoxOpening, SuggestionBox
from .posters import poster_for, qr_svg

RECEIPT_SESSION_KEY = "boxes_letter_receipt"

BOX_ERROR_FIELDS = {
    services.BoxError.INVALID_CODE: "code",
    services.BoxError.CODE_TAKEN: "code",
    services.BoxError.COUNT: "letters_count",
}


def _box(request: HttpRequest, box_id: int) -> SuggestionBox | None:
    try:
        return selectors.access_box(request.user, box_id)
    except NotFound:
        return None


def _opening(request: HttpRequest, opening_id: int) -> BoxOpening | None:
    try:
        return selectors.access_opening(request.user, opening_id)
    except NotFound:
        return None


def _local_settings() -> dict[str, Any]:
    return {
        "min_witnesses": policy.min_witnesses(),
        "required_witnesses": policy.required_witnesses(),
        "interval": policy.opening_interval(),
        "front_required": policy.front_witness_required(),
    }


# -- register ------------------------------------------------------------------------------------


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = RegisterFilterForm(request.GET, actor=actor)
    unit, retired = form.values()
    boxes = list(selectors.boxes_for(actor=actor, organisation=unit, include_retired=retired))
    for box in boxes:
        box.schedule = selectors.schedule_for(box, box.last_opened_at)  # type: ignore[attr-defined]
        box.may_manage = can(actor, "boxes.manage_box", box)  # type: ignore[attr-defined]
        box.may_open = can(actor, "boxes.record_opening", box)  # type: ignore[attr-defined]
    units = sorted({b.organisation for b in boxes if b.active}, key=lambda o: o.path)
    return _page(
        request,
        "boxes/backoffice/register.html",
        {
            "filter_form": form,
            "boxes": boxes,
            "poster_units": [u for u in units if can(actor, "boxes.manage_box", u)],
            "can_create": selectors.register_units_for(actor=actor).exists(),
            **_local_settings(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def box_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not selectors.register_units_for(actor=actor).exists():
        return _forbidden(
            request,
            _(
                "Chỉ cán bộ tiếp nhận, lãnh đạo, thủ trưởng hoặc quản trị của đơn vị mới thêm được hòm thư."
            ),
        )
    form = BoxForm(request.POST or None, actor=actor)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                box = services.box_create(
                    actor=actor,
                    organisation=data["organisation"],
                    code=data.get("code") or "",
                    place=data["place"],
                    admin_unit=data.get("admin_unit"),
                    installed_on=data.get("installed_on"),
                    note=data.get("note") or "",
                )
            except ApplicationError as exc:
                form.add_error(BOX_ERROR_FIELDS.get(exc.code), str(exc.message))
            else:
                messages.success(request, _("Đã thêm hòm thư %(code)s.") % {"code": box.code})
                return redirect("boxes_backoffice:box", box_id=box.pk)
        messages.error(request, _("Chưa lưu: vui lòng kiểm tra các ô được đánh dấu."))
        return _page(request, "boxes/backoffice/box_form.html", {"form": form}, status=400)
    return _page(request, "boxes/backoffice/box_form.html", {"form": form})


def _box_page(
    request: HttpRequest,
    box: SuggestionBox,
    *,
    retire_form: RetireForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.user
    openings = list(selectors.openings_of(box=box))
    last = openings[0].opened_at if openings else None
    return _page(
        request,
        "boxes/backoffice/box.html",
        {
            "box": box,
            "openings": openings,
            "schedule": selectors.schedule_for(box, last),
            "can_manage": can(actor, "boxes.manage_box", box),
            "can_open": can(actor, "boxes.record_opening", box),
            "retire_form": retire_form or RetireForm(),
            "public_url": request.build_absolute_uri(
                reverse("boxes_portal:box", kwargs={"code": box.code})
            ),
            **_local_settings(),
        },
        status=status,
    )


@login_required
@require_GET
def box_detail(request: HttpRequest, box_id: int) -> HttpResponse:
    box = _box(request, box_id)
    if box is None:
        return _not_found(request)
    return _box_page(request, box)


@login_required
@require_http_methods(["GET", "POST"])
def box_edit(request: HttpRequest, box_id: int) -> HttpResponse:
    actor = request.user
    box = _box(request, box_id)
    if box is None:
        return _not_found(request)
    if not can(actor, "boxes.manage_box", box):
        return _forbidden(request, _("Bạn chỉ được xem hòm thư này."))
    initial = {
        "place": box.place,
        "admin_unit": box.admin_unit_id,
        "installed_on": box.installed_on,
        "note": box.note,
    }
    form = BoxForm(request.POST or None, actor=actor, box=box, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.box_update(
                    actor=actor,
                    box=box,
                    place=data["place"],
                    admin_unit=data.get("admin_unit"),
                    installed_on=data.get("installed_on"),
                    note=data.get("note") or "",
                )
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Đã lưu hòm thư %(code)s.") % {"code": box.code})
                return redirect("boxes_backoffice:box", box_id=box.pk)
        messages.error(request, _("Chưa lưu: vui lòng kiểm tra các ô được đánh dấu."))
        return _page(
            request, "boxes/backoffice/box_form.html", {"form": form, "box": box}, status=400
        )
    return _page(request, "boxes/backoffice/box_form.html", {"form": form, "box": box})


@login_required
@require_POST
def box_retire(request: HttpRequest, box_id: int) -> HttpResponse:
    actor = request.user
    box = _box(request, box_id)
    if box is None:
        return _not_found(request)
    if not can(actor, "boxes.manage_box", box):
        return _forbidden(request, _("Bạn chỉ được xem hòm thư này."))
    form = RetireForm(request.POST)
    if form.is_valid():
        try:
            services.box_retire(
                actor=actor,
                box=box,
                removed_on=form.cleaned_data["removed_on"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã thu hồi hòm thư %(code)s.") % {"code": box.code})
            return redirect("boxes_backoffice:box", box_id=box.pk)
    messages.error(request, _("Chưa thu hồi hòm thư: vui lòng kiểm tra các ô được đánh dấu."))
    return _box_page(request, box, retire_form=form, status=400)


# -- openings ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def opening_create(request: HttpRequest, box_id: int) -> HttpResponse:
    actor = request.user
    box = _box(request, box_id)
    if box is None:
        return _not_found(request)
    if not can(actor, "boxes.record_opening", box):
        message = (
            _("Hòm thư đã thu hồi: không ghi lần mở mới.")
            if not box.active
            else _(
                "Chỉ cán bộ tiếp nhận, lãnh đạo, thủ trưởng hoặc quản trị của đơn vị mới ghi được việc mở hòm thư."
            )
        )
        return _forbidden(request, message)
    suggestions = selectors.front_witnesses_for(box)
    form = OpeningForm(request.POST or None, front=suggestions[0] if suggestions else None)
    context = {"form": form, "box": box, "suggestions": suggestions, **_local_settings()}
    if request.method == "POST":
        if form.is_valid():
            try:
                opening = services.opening_record(
                    actor=actor,
                    box=box,
                    opened_at=form.opened_at(),
                    letters_count=form.cleaned_data["letters_count"],
                    witnesses=form.witnesses(),
                    minutes_note=form.cleaned_data.get("minutes_note") or "",
                )
            except ApplicationError as exc:
                form.add_error(BOX_ERROR_FIELDS.get(exc.code), str(exc.message))
            else:
                messages.success(
                    request,
                    _("Đã ghi lần mở hòm thứ %(n)d với %(count)d thư.")
                    % {"n": opening.number, "count": opening.letters_count},
                )
                return redirect("boxes_backoffice:opening", opening_id=opening.pk)
        messages.error(request, _("Chưa lưu: vui lòng kiểm tra các ô được đánh dấu."))
        return _page(request, "boxes/backoffice/opening_form.html", context, status=400)
    return _page(request, "boxes/backoffice/opening_form.html", context)


def _opening_page(
    request: HttpRequest,
    opening: BoxOpening,
    *,
    recount_form: RecountForm | None = None,
    close_form: CloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.user
    letters = selectors.letters_of(actor=actor, opening=opening)
    return _page(
        request,
        "boxes/backoffice/opening.html",
        {
            "opening": opening,
            "box": opening.box,
            "witnesses": list(opening.witnesses.all()),
            "letters": letters,
            "entered": len(letters),
            "can_enter": can(actor, "boxes.enter_letter", opening),
            "can_edit": can(actor, "boxes.edit_opening", opening),
            "recount_form": recount_form
            or RecountForm(initial={"letters_count": opening.letters_count}),
            "close_form": close_form or CloseForm(),
        },
        status=status,
    )


@login_required
@require_GET
def opening_detail(request: HttpRequest, opening_id: int) -> HttpResponse:
    opening = _opening(request, opening_id)
    if opening is None:
        return _not_found(request)
    return _opening_page(request, opening)


@login_required
@require_POST
def opening_recount(request: HttpRequest, opening_id: int) -> HttpResponse:
    actor = request.user
    opening = _opening(request, opening_id)
    if opening is None:
        return _not_found(request)
    if not can(actor, "boxes.edit_opening", opening):
        return _forbidden(request, _("Bạn không sửa được lần mở hòm này."))
    form = RecountForm(request.POST)
    if form.is_valid():
        try:
            services.opening_recount(
                actor=actor,
                opening=opening,
                letters_count=form.cleaned_data["letters_count"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã sửa số thư trong biên bản."))
            return redirect("boxes_backoffice:opening", opening_id=opening.pk)
    messages.error(request, _("Chưa sửa số thư: vui lòng kiểm tra các ô được đánh dấu."))
    return _opening_page(request, opening, recount_form=form, status=400)


@login_required
@require_POST
def opening_close(request: HttpRequest, opening_id: int) -> HttpResponse:
    actor = request.user
    opening = _opening(request, opening_id)
    if opening is None:
        return _not_found(request)
    if not can(actor, "boxes.edit_opening", opening):
        return _forbidden(request, _("Bạn không sửa được lần mở hòm này."))
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.opening_close(actor=actor, opening=opening, note=form.cleaned_data["note"])
        except ApplicationError as exc:
            form.add_error("note", str(exc.message))
        else:
            messages.success(request, _("Đã hoàn tất vào sổ thư của lần mở hòm."))
            return redirect("boxes_backoffice:opening", opening_id=opening.pk)
    messages.error(request, _("Chưa hoàn tất: vui lòng kiểm tra các ô được đánh dấu."))
    return _opening_page(request, opening, close_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def letter_create(request: HttpRequest, opening_id: int) -> HttpResponse:
    actor = request.user
    opening = _opening(request, opening_id)
    if opening is None:
        return _not_found(request)
    if not can(actor, "boxes.enter_letter", opening):
        message = (
            _("Lần mở hòm này đã vào sổ đủ thư.")
            if opening.is_complete
            else _("Chỉ cán bộ tiếp nhận hoặc lãnh đạo của đơn vị mới vào sổ thư được.")
        )
        return _forbidden(request, message)
    next_number = opening.letters.count() + 1
    if request.method == "GET":
        form = LetterForm(actor=actor, opening=opening)
        return _page(
            request,
            "boxes/backoffice/letter_form.html",
            {"form": form, "opening": opening, "box": opening.box, "next_number": next_number},
        )
    form = LetterForm(request.POST, request.FILES, actor=actor, opening=opening)
    if form.is_valid():
        try:
            letter = services.letter_enter(
                actor=actor, opening=opening, submission=form.submission()
            )
        except ApplicationError as exc:
            form.add_error(INTAKE_ERROR_FIELDS.get(exc.code), str(exc.message))
        else:
            codes = ", ".join(i.code for i in letter.items)  # type: ignore[attr-defined]
            messages.success(
                request,
                _("Đã vào sổ thư số %(n)d: mã tra cứu %(codes)s.")
                % {"n": letter.sequence, "codes": codes},
            )
            opening.refresh_from_db()
            if letter.signed:
                # A signed letter's sender can follow it: staff print a receipt to post back.
                _store_receipt(request, opening, letter)
                return redirect("boxes_backoffice:letter_receipt", opening_id=opening.pk)
            if opening.can_enter_letters() and "tiep" in request.POST:
                return redirect("boxes_backoffice:letter", opening_id=opening.pk)
            return redirect("boxes_backoffice:opening", opening_id=opening.pk)
    messages.error(request, _("Chưa lưu thư: vui lòng kiểm tra các ô được đánh dấu."))
    if request.FILES:
        messages.warning(request, _("Vì lý do an toàn, vui lòng chọn lại bản chụp thư."))
    return _page(
        request,
        "boxes/backoffice/letter_form.html",
        {"form": form, "opening": opening, "box": opening.box, "next_number": next_number},
        status=400,
    )


def _store_receipt(request: HttpRequest, opening: BoxOpening, letter: Any) -> None:
    # Sealed, like the back office's receipts: the session table never holds the secret in clear.
    request.session[RECEIPT_SESSION_KEY] = {
        "opening": opening.pk,
        "letter": letter.sequence,
        "items": [{"id": i.pk, "code": i.code, "kind": i.get_kind_display()} for i in letter.items],
        "secret": seal(letter.secret),
        "at": int(time.time()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def letter_receipt(request: HttpRequest, opening_id: int) -> HttpResponse:
    """The receipt of the signed letter just entered: its tracking code(s) and secret, shown for
    RECEIPT_SECRET_SECONDS, printed and posted to the sender. POST drops the secret."""
    opening = _opening(request, opening_id)
    if opening is None:
        return _not_found(request)
    data = request.session.get(RECEIPT_SESSION_KEY)
    if not isinstance(data, dict) or data.get("opening") != opening.pk:
        messages.info(request, _("Không còn phiếu báo nào để in cho lần mở hòm này."))
        return redirect("boxes_backoffice:opening", opening_id=opening.pk)
    if request.method == "POST":
        request.session.pop(RECEIPT_SESSION_KEY, None)
        messages.success(request, _("Đã xóa mật mã khỏi phiên làm việc."))
        if opening.can_enter_letters() and can(request.user, "boxes.enter_letter", opening):
            return redirect("boxes_backoffice:letter", opening_id=opening.pk)
        return redirect("boxes_backoffice:opening", opening_id=opening.pk)
    at = int(data.get("at") or 0)
    secret = None
    if time.time() < at + RECEIPT_SECRET_SECONDS:
        secret = unseal(str(data.get("secret") or ""), max_age=RECEIPT_SECRET_SECONDS)
    track_url = request.build_absolute_uri(reverse("portal:track"))
    first = data["items"][0]["code"]
    return _page(
        request,
        "boxes/print/letter_receipt.html",
        {
            "opening": opening,
            "box": opening.box,
            "receipt": data,
            "secret": secret,
            "track_url": track_url,
            "qr": qr_svg(f"{track_url}?ma={first}"),
            "secret_until": timezone.localtime(
                dt.datetime.fromtimestamp(at + RECEIPT_SECRET_SECONDS, tz=dt.UTC)
            ),
            "back": reverse("boxes_backoffice:opening", args=[opening.pk]),
        },
    )


# -- printouts -----------------------------------------------------------------------------------


@login_required
@require_GET
def opening_minutes(request: HttpRequest, opening_id: int) -> HttpResponse:
    opening = _opening(request, opening_id)
    if opening is None:
        return _not_found(request)
    return _page(
        request,
        "boxes/print/minutes.html",
        {
            "opening": opening,
            "box": opening.box,
            "witnesses": list(opening.witnesses.all()),
            "letters": selectors.letters_of(actor=request.user, opening=opening),
        },
    )


@login_required
@require_GET
def box_poster(request: HttpRequest, box_id: int) -> HttpResponse:
    box = _box(request, box_id)
    if box is None:
        return _not_found(request)
    if not box.active:
        return _forbidden(request, _("Hòm thư đã thu hồi: không in áp phích."))
    return _page(
        request,
        "boxes/print/poster.html",
        {
            "poster": poster_for(request, box),
            "back": reverse("boxes_backoffice:box", args=[box.pk]),
        },
    )


@login_required
@require_GET
def unit_posters(request: HttpRequest, org_id: int) -> HttpResponse:
    """One sheet per unit: every active box of the unit, each with its QR code."""
    actor = request.user
    try:
        unit = Organisation.objects.get(pk=org_id)
    except Organisation.DoesNotExist:
        return _not_found(request)
    boxes = [
        b
        for b in selectors.boxes_for(actor=actor, organisation=unit)
        if b.organisation_id == unit.pk
    ]
    if not boxes:
        return _not_found(request)
    return _page(
        request,
        "boxes/print/unit_sheet.html",
        {
            "unit": unit,
            "posters": [poster_for(request, b) for b in boxes],
            "back": reverse("boxes_backoffice:register") + f"?don_vi={unit.pk}",
        },
    )
