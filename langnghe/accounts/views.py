"""Login in two steps, two-factor enrolment, recovery codes, and the administrator's list of
staff accounts. Thin: each view validates, calls one service and renders."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from langnghe.backoffice.viewkit import page as _render
from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError
from langnghe.handling.rules import can

from . import conf, selectors, services, throttle
from .forms import CodeForm, EnrolForm

PENDING = "ln_2fa_pending"
SHOWN_CODES = "ln_recovery_codes"


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("backoffice:inbox")


def _locked_message(lock: throttle.Lock) -> str:
    return ngettext(
        "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(n)d phút.",
        "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(n)d phút.",
        lock.minutes,
    ) % {"n": lock.minutes}


def _finish_login(request: HttpRequest, user: Any, backend: str, method: str) -> None:
    login(request, user, backend=backend)
    throttle.login_success(username=user.get_username())
    audit_event_record(action="auth.login", obj=user, actor=user, data={"method": method})


# --- step 1: the password ------------------------------------------------------------------------


class StaffLoginView(LoginView):
    """Django's LoginView with the throttle in front and the code step behind."""

    template_name = "backoffice/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = str(request.POST.get("username", ""))[:150]
        lock = throttle.login_lock(username=username, address=throttle.client_address(request))
        if lock is not None:
            # An unbound form (the username kept as its initial value): binding it would check
            # the password, which a locked attempt must not even reach.
            form = self.get_form_class()(request, initial={"username": username})
            context = self.get_context_data(form=form, locked_message=_locked_message(lock))
            response = self.render_to_response(context)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        username = str(self.request.POST.get("username", ""))[:150]
        if username and self.request.POST.get("password"):
            locked = services.login_failure_record(
                username=username, address=throttle.client_address(self.request)
            )
            if locked is not None:
                form.errors.clear()
                form.add_error(None, _locked_message(locked))
        return super().form_invalid(form)

    def form_valid(self, form):
        user = form.get_user()
        backend = getattr(user, "backend", "django.contrib.auth.backends.ModelBackend")
        if services.has_two_factor(user):
            self.request.session[PENDING] = {
                "uid": user.pk,
                "backend": backend,
                "at": int(time.time()),
                "next": self.get_redirect_url(),
            }
            return HttpResponseRedirect(reverse("backoffice:accounts:login_code"))
        _finish_login(self.request, user, backend, "password")
        return HttpResponseRedirect(self.get_success_url())


# --- step 2: the code ----------------------------------------------------------------------------


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if int(time.time()) - int(pending.get("at", 0)) > conf.pending_login_seconds():
        request.session.pop(PENDING, None)
        return None
    uid = pending.get("uid")
    if not isinstance(uid, int):
        return None
    user = get_user_model().objects.filter(pk=uid, is_active=True).first()
    return (user, pending) if user is not None else None


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    found = _pending_user(request)
    if found is None:
        messages.info(request, _("Vui lòng đăng nhập bằng mật khẩu trước."))
        return redirect("backoffice:login")
    user, pending = found
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        address = throttle.client_address(request)
        lock = throttle.login_lock(username=user.get_username(), address=address)
        if lock is not None:
            request.session.pop(PENDING, None)
            messages.error(request, _locked_message(lock))
            return redirect("backoffice:login")
        try:
            device, method = services.two_factor_check(
                user=user, token=form.cleaned_data["code"], address=address
            )
        except ApplicationError as exc:
            form.add_error("code", str(exc.message))
            if throttle.login_lock(username=user.get_username(), address=address):
                request.session.pop(PENDING, None)
        else:
            next_url = _safe_next(request, pending.get("next"))
            _finish_login(request, user, pending["backend"], method)
            otp_login(request, device)
            if method == "recovery":
                left = services.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "Bạn vừa dùng một mã dự phòng; còn %(n)d mã. Hãy tạo bộ mã mới khi còn ít.",
                        "Bạn vừa dùng một mã dự phòng; còn %(n)d mã. Hãy tạo bộ mã mới khi còn ít.",
                        left,
                    )
                    % {"n": left},
                )
            return HttpResponseRedirect(next_url)
    return _render(request, "accounts/login_code.html", {"form": form}, status=status)


# --- enrolment and recovery codes ----------------------------------------------------------------


def _qr_svg(data: str) -> str:
    import segno  # loaded by the 2FA set-up page only

    return segno.make(data, error="m").svg_inline(scale=4, border=2, dark="#111", light="#fff")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any]
    device = services.confirmed_device(user)
    if device is not None:
        context = {
            "enabled": True,
            "codes_left": services.recovery_codes_left(user),
            "required": services.two_factor_required(user),
        }
        return _render(request, "accounts/two_factor.html", context)
    pending = services.two_factor_enrol_start(actor=user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.two_factor_enrol_confirm(
                actor=user, token=form.cleaned_data["code"]
            )
        except ApplicationError as exc:
            form.add_error("code", str(exc.message))
        else:
            otp_login(request, device)
            request.session[SHOWN_CODES] = codes
            messages.success(request, _("Đã bật xác thực hai bước."))
            next_url = request.GET.get("next")
            if next_url:
                request.session["ln_after_codes"] = _safe_next(request, next_url)
            return redirect("backoffice:accounts:recovery_codes")
    context = {
        "enabled": False,
        "form": form,
        "qr": mark_safe(_qr_svg(pending.config_url)),  # noqa: S308 - segno's own SVG
        "secret": services.totp_secret_text(pending),
        "required": services.two_factor_required(user),
    }
    return _render(request, "accounts/two_factor.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not (getattr(request.user, "is_verified", lambda: False)()):
            raise Http404
        try:
            request.session[SHOWN_CODES] = services.recovery_codes_regenerate(actor=request.user)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect("backoffice:accounts:two_factor")
        messages.success(request, _("Đã tạo bộ mã dự phòng mới; các mã cũ không còn dùng được."))
        return redirect("backoffice:accounts:recovery_codes")
    codes = request.session.pop(SHOWN_CODES, None)
    if not codes:
        return redirect("backoffice:accounts:two_factor")
    after = request.session.pop("ln_after_codes", None) or reverse("backoffice:inbox")
    return _render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "after": after, "username": request.user.get_username()},
    )


# --- administrators: staff accounts and resets ---------------------------------------------------


@login_required
@require_http_methods(["GET"])
def staff_accounts(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "accounts.list_staff", None):
        return _render(request, "backoffice/forbidden.html", {}, status=403)
    rows = selectors.staff_for_admin(actor=request.user)
    return _render(
        request,
        "accounts/staff.html",
        {"rows": rows, "required_roles": sorted(conf.require_2fa_roles())},
    )


@login_required
@require_POST
def staff_two_factor_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    target = selectors.staff_account_for_admin(actor=request.user, user_id=user_id)
    if target is None:
        return _render(request, "backoffice/not_found.html", {}, status=404)
    try:
        services.two_factor_reset(actor=request.user, user=target)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _(
                "Đã đặt lại xác thực hai bước của %(name)s; người này đăng ký lại ở lần đăng nhập tới."
            )
            % {"name": target.get_username()},
        )
    return redirect("backoffice:accounts:staff")
