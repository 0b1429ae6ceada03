"""Maps ApplicationError to a response once, so no view answers 500 for a known failure."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .errors import ApplicationError


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
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
