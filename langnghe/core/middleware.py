"""Maps ApplicationError to a response once, so no view answers 500 for a known failure."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import ApplicationError

# Path prefix → the error response of the interface served there (e.g. "/api/": the API's
# {"error": …} body). Filled by the apps' ready(); core knows none of them.
ERROR_SHAPES: dict[str, Callable[[HttpRequest, ApplicationError], HttpResponse]] = {}


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            # A NUL in the address: PostgreSQL text cannot hold it, so any query with it would
            # fail. No page or endpoint takes one; refused here once for all of them.
            message = _("Địa chỉ có ký tự không hợp lệ (ký tự rỗng).")
            return self._respond(request, ApplicationError(ApplicationError.INVALID, message))
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OverflowError):
            # A number past what the database holds (e.g. an id of 2**64 in a multiple choice:
            # Django queries with it and SQLite overflows): bad input, not a server error.
            exception = ApplicationError(ApplicationError.INVALID)
        if not isinstance(exception, ApplicationError):
            return None
        return self._respond(request, exception)

    @staticmethod
    def _respond(request: HttpRequest, exception: ApplicationError) -> HttpResponse:
        """The error in the shape the caller reads: an interface's own (the API's, GeoReport's;
        registered by their apps), JSON, or a page."""
        for prefix, shape in ERROR_SHAPES.items():
            if request.path.startswith(prefix):
                return shape(request, exception)
        if request.headers.get("Accept") == "application/json":
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
