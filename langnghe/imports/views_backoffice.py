"""Back-office import at /quan-ly/nhap-du-lieu/: upload, check (a dry run), confirm.

The uploaded register holds identities: between the check and the confirmation it waits in the
sealed store, encrypted with the vault, and is deleted once imported.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from langnghe.backoffice.viewkit import forbidden
from langnghe.backoffice.viewkit import page as _page
from langnghe.core import sealing
from langnghe.core.errors import ApplicationError
from langnghe.intake import vault
from langnghe.orgs.access import has_any_role
from langnghe.orgs.models import Organisation

from .forms import UploadForm, importable_orgs
from .mapping import MappingError, mapping_parse
from .pending import PENDING_SECONDS, pending_delete, pending_purge, pending_read, pending_store
from .readers import sheet_read
from .rules import IMPORT_ROLES
from .services import ImportReport, import_run


def _forbidden(request: HttpRequest) -> HttpResponse:
    return forbidden(request, _("Chỉ cán bộ tiếp nhận hoặc lãnh đạo mới được nhập dữ liệu."))


def _mapping(text: str) -> Any:
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError) as exc:  # RecursionError: [[[[…]]]] nested deeply
        raise MappingError(message=_("Tệp ánh xạ không đúng định dạng YAML.")) from exc
    return mapping_parse(data, source="mapping.yaml")


def _run(
    request: HttpRequest, *, org: Organisation, mapping_text: str, name: str, data: bytes, dry: bool
) -> ImportReport:
    return import_run(
        sheet=sheet_read(name, data),
        mapping=_mapping(mapping_text),
        org=org,
        actor=request.user,
        file_name=name,
        dry_run=dry,
    )


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    if not has_any_role(request.user, IMPORT_ROLES):
        return _forbidden(request)
    form = UploadForm(request.POST or None, request.FILES or None, actor=request.user)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        org = form.cleaned_data["organisation"]
        data = upload.read()
        try:
            report = _run(
                request,
                org=org,
                mapping_text=form.cleaned_data["mapping_text"],
                name=upload.name,
                data=data,
                dry=True,
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
            return _page(request, "imports/index.html", context, status=200)
        context["report"] = report
        if report.ok and report.rows:
            pending_purge()  # what nobody confirmed in time goes first
            stored = pending_store(vault.seal_bytes(data))
            context["token"] = sealing.seal(
                json.dumps(
                    {
                        "user": request.user.pk,
                        "org": org.pk,
                        "name": upload.name,
                        "stored": stored,
                        "mapping": form.cleaned_data["mapping_text"],
                    }
                )
            )
    return _page(request, "imports/index.html", context)


def _restart(request: HttpRequest, message: str) -> HttpResponse:
    form = UploadForm(actor=request.user)
    return _page(request, "imports/index.html", {"form": form, "error": message})


@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    if not has_any_role(request.user, IMPORT_ROLES):
        return _forbidden(request)
    raw = sealing.unseal(request.POST.get("token", ""), max_age=PENDING_SECONDS)
    pending = json.loads(raw) if raw else None
    if not pending or pending.get("user") != request.user.pk:
        return _restart(request, _("Phiên kiểm tra đã hết hạn: vui lòng tải tệp lên lại."))
    org = importable_orgs(request.user).filter(pk=pending["org"]).first()
    if org is None:
        return _forbidden(request)
    try:
        data = vault.unseal_bytes(pending_read(pending["stored"]))
    except FileNotFoundError:
        return _restart(request, _("Tệp này đã được nhập hoặc đã hết hạn: vui lòng tải lên lại."))
    try:
        report = _run(
            request,
            org=org,
            mapping_text=pending["mapping"],
            name=pending["name"],
            data=data,
            dry=False,
        )
    except ApplicationError as exc:
        return _restart(request, str(exc.message))
    if report.ok:
        pending_delete(pending["stored"])
    return _page(request, "imports/done.html", {"report": report, "org": org})
