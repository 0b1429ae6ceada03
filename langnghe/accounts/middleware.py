"""Staff sessions: expiry, and two-factor enforcement for every logged-in request.

Placed after django_otp's OTPMiddleware (which tells whether this session passed a code):
- a session past its idle or absolute limit is logged out (sessions.session_expiry_check);
- an account with a confirmed TOTP device whose session did not pass a code (a session made by
  another login path: the Django admin's form, force_login…) is logged out and sent to the login;
- an account that must enrol (LANGNGHE_REQUIRE_2FA_ROLES) is sent to the enrolment page.
The login, the code step, the enrolment pages, logout, static files and language switch pass.

The Django admin's own login form is replaced by the back office's (throttled, two-step): one
login path, so neither the throttle nor the code can be bypassed through /admin/login/.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from . import services
from .sessions import session_expiry_check

EXEMPT_NAMES = (
    "backoffice:login",
    "backoffice:logout",
    "backoffice:accounts:login_code",
    "backoffice:accounts:two_factor",
    "backoffice:accounts:recovery_codes",
)


def _exempt_prefixes() -> tuple[str, ...]:
    prefixes = [reverse(name) for name in EXEMPT_NAMES]
    for setting in ("STATIC_URL", "MEDIA_URL"):
        value = getattr(settings, setting, "") or ""
        if value.startswith("/") and value != "/":
            prefixes.append(value)
    prefixes += ["/i18n/", "/healthz"]
    return tuple(prefixes)


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None
        self._admin_login: str | None = None

    def admin_login(self) -> str:
        if self._admin_login is None:
            try:
                self._admin_login = reverse("admin:login")
            except NoReverseMatch:
                self._admin_login = ""
        return self._admin_login

    def exempt(self, path: str) -> bool:
        if self._exempt is None:
            self._exempt = _exempt_prefixes()
        return any(
            path == prefix or (prefix.endswith("/") and path.startswith(prefix))
            for prefix in self._exempt
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == self.admin_login():
            target = reverse("backoffice:login")
            next_url = request.GET.get("next")
            if next_url:
                target = f"{target}?{urlencode({'next': next_url})}"
            return HttpResponseRedirect(target)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        if session_expiry_check(request) is not None:
            return None  # now anonymous: login_required pages send to the login with ?next=
        if self.exempt(request.path):
            return None
        user = request.user
        verified = getattr(user, "is_verified", None)
        if verified is not None and verified():
            return None
        if services.has_two_factor(user):
            logout(request)
            messages.warning(
                request, _("Tài khoản này dùng xác thực hai bước: vui lòng đăng nhập lại.")
            )
            return self._to(reverse("backoffice:login"), request)
        if services.two_factor_required(user):
            messages.warning(
                request,
                _("Vai trò của bạn bắt buộc xác thực hai bước. Vui lòng bật trước khi tiếp tục."),
            )
            return self._to(reverse("backoffice:accounts:two_factor"), request)
        return None

    @staticmethod
    def _to(url: str, request: HttpRequest) -> HttpResponse:
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(url)
