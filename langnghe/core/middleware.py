"""Maps ApplicationError to a response once, so no view answers 500 for a known failure."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render

from .errors import ApplicationError


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OverflowError):
            # A number past what the database holds (e.g. an id of 2**64 in a multiple choice:
            # Django queries with it and SQLite overflows): bad input, not a server error.
            exception = ApplicationError(ApplicationError.INVALID)
        if not isinstance(exception, ApplicationError):
            return None
        if request.path.startswith("/api/") or request.headers.get("Accept") == "application/json":
            return JsonResponse(
                {"code": exception.code, "message": str(exception.message)},
                status=exception.http_status,
            )
        return render(
            request,
            "error.html",
            {"code": exception.code, "message": exception.message},
            status=exception.http_status,
        )


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the visitor chose English with the language switcher (the cookie).

    The browser's Accept-Language is ignored on purpose: many phones here are set to English
    while their owners read Vietnamese, and a public office's site speaks Vietnamese first.
    """

    def process_request(self, request: HttpRequest) -> None:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
