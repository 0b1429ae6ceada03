"""No role, no back office: a signed-in account with no role grant sees its inbox (which says
so), its own security pages and logout; every other back-office page answers 403, whatever each
view would have shown (an empty list is still a page it has no business with). Defence in depth
beneath each view's own permission rules (tests/security/test_every_url.py).

An account linked to a cadre (`Person.user`) passes even without a role: a cadre reads their own
self-criticism review and their own discipline decision, and each of those views decides what
else is theirs to see."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from langnghe.orgs.access import has_any_role

OPEN_NAMES = (
    "backoffice:inbox",
    "backoffice:login",
    "backoffice:logout",
    "backoffice:accounts:login_code",
    "backoffice:accounts:two_factor",
    "backoffice:accounts:recovery_codes",
)


class RoleRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None
        self._root: str | None = None

    def _is_open(self, path: str) -> bool:
        if self._open is None:
            self._open = tuple(reverse(name) for name in OPEN_NAMES)
        return path in self._open

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._root is None:
            self._root = reverse("backoffice:inbox")
        path = request.path
        user = getattr(request, "user", None)
        if (
            path.startswith(self._root)
            and user is not None
            and user.is_authenticated
            and not user.is_superuser
            and not self._is_open(path)
            and not has_any_role(user)
            and not hasattr(user, "person")
        ):
            return render(request, "403.html", status=403)
        return self.get_response(request)
