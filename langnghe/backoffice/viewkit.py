"""What every back-office view of every capability shares: the page (the header's grants, never
cached: staff pages hold personal data), the 404 and 403 pages, the decorator that turns the
services' NotFound / PermissionDenied into them, and the form helper that turns any other
ApplicationError into a message on the form (the user's input kept)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from langnghe.core.errors import ApplicationError, NotFound, PermissionDenied
from langnghe.orgs.access import grant_labels


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {**context, "bo_grants": grant_labels(request.user)}
    response = render(request, template, context, status=status)
    add_never_cache_headers(response)
    return response


def not_found(request: HttpRequest) -> HttpResponse:
    return page(request, "backoffice/not_found.html", {}, status=404)


def forbidden(request: HttpRequest, message: Any = "") -> HttpResponse:
    return page(request, "backoffice/forbidden.html", {"message": message}, status=403)


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; NotFound → the back office's 404 page, PermissionDenied → its 403."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            return not_found(request)
        except PermissionDenied:
            return forbidden(request)

    return wrapped


def attempt(form: forms.Form, call: Callable[[], Any]) -> Any:
    """Run a service; a known failure becomes a form error (404 and 403 go up to staff_view)."""
    try:
        return call()
    except (PermissionDenied, NotFound):
        raise
    except ApplicationError as exc:
        form.add_error(None, str(exc.message))
        return None
