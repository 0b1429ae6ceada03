"""The staff page for personal API keys (/api/khoa/): list, issue (the key shows once), revoke.

A back-office look, but owned by the API app; the token is never kept in the session."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from langnghe.backoffice.viewkit import page
from langnghe.core.errors import ApplicationError

from .selectors import api_keys_for
from .services import api_key_issue, api_key_revoke


class KeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Tên khóa"),
        max_length=100,
        help_text=gettext_lazy("Ví dụ: “Bảng điều khiển phòng Văn hóa”. Để nhận ra khóa sau này."),
    )


def _render(request: HttpRequest, form: KeyForm, raw: str = "", status: int = 200) -> HttpResponse:
    response = page(
        request,
        "api/keys.html",
        {
            "form": form,
            "keys": api_keys_for(actor=request.user),
            "raw": raw,
            "docs_url": reverse("api:docs"),
        },
        status=status,
    )
    if raw:
        response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def keys(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request, KeyForm())
    if "revoke" in request.POST:
        try:
            key_id = int(request.POST.get("revoke") or "0")
            api_key_revoke(actor=request.user, key_id=key_id)
        except (ValueError, ApplicationError):
            messages.error(request, _("Không tìm thấy khóa này."))
        else:
            messages.success(request, _("Đã thu hồi khóa."))
        return redirect("api:keys")
    form = KeyForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    try:
        _key, raw = api_key_issue(actor=request.user, name=form.cleaned_data["name"])
    except ApplicationError as exc:
        form.add_error(None, str(exc.message))
        return _render(request, form, status=exc.http_status)
    return _render(request, KeyForm(), raw=raw)
