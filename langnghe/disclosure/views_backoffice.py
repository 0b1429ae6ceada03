"""Back-office screens for publications, the DC-3 register and cadres' commitments.

Thin: validate with a form, call one service or selector, render. An ApplicationError comes back
as a message on the same page with the input kept; out-of-scope objects are 404, forbidden
actions 403.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from langnghe.backoffice.viewkit import page as _page
from langnghe.core.errors import ApplicationError, NotFound, PermissionDenied
from langnghe.core.spreadsheet import cell as spreadsheet_cell
from langnghe.core.text import is_digits

from . import policy, selectors, services
from .forms import (
    AttachmentForm,
    ChannelForm,
    CommitmentForm,
    PublicationFilterForm,
    PublicationForm,
    PublishForm,
    RegisterForm,
    WithdrawForm,
)
from .models import Publication, PublicationAttachment, PublicationChannel
from .rules import can
from .templatetags.disclosure import notice_header

PAGE_SIZE = 50


def _not_found(request: HttpRequest) -> HttpResponse:
    return _page(request, "backoffice/not_found.html", {}, status=404)


def _forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return _page(
        request,
        "backoffice/forbidden.html",
        {"message": message or _("Bạn không có quyền thực hiện việc này.")},
        status=403,
    )


def _publication(request: HttpRequest, publication_id: int) -> Publication | None:
    try:
        return selectors.access_publication(request.user, publication_id)
    except NotFound:
        return None


def _people_for(orgs: Any) -> Any:
    return selectors.people_of(orgs=orgs)


# -- list ----------------------------------------------------------------------------------------


@login_required
@require_GET
def publication_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    orgs = selectors.orgs_for(actor=actor)
    form = PublicationFilterForm(request.GET or None, orgs=orgs)
    filters = selectors.PublicationFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.PublicationFilters(
            organisation=d.get("organisation"),
            category=d.get("category") or "",
            status=d.get("status") or "",
            late=bool(d.get("late")),
            q=(d.get("q") or "").strip(),
        )
    page = Paginator(selectors.publications_for(actor=actor, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    labels = {c.code: c.label for c in policy.categories()}
    for p in page.object_list:
        p.category_label = labels.get(p.category, p.category)
    return _page(
        request,
        "disclosure/backoffice/list.html",
        {
            "form": form,
            "page": page,
            "can_create": selectors.orgs_for(actor=actor, manage=True).exists(),
            "has_scope": orgs.exists(),
        },
    )


# -- create / edit -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def publication_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    orgs = selectors.orgs_for(actor=actor, manage=True)
    if not orgs.exists():
        return _forbidden(
            request, _("Chỉ lãnh đạo, thủ trưởng đơn vị hoặc quản trị mới tạo nội dung công khai.")
        )
    form = PublicationForm(request.POST or None, orgs=orgs, people=_people_for(orgs))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            publication = services.publication_create(
                actor=actor,
                organisation=d["organisation"],
                category=d["category"],
                title=d["title"],
                body=d["body"],
                decided_on=d["decided_on"],
                reference=d.get("reference") or "",
                person=d.get("person"),
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã lưu dự thảo."))
            return redirect("disclosure_backoffice:publication", publication.pk)
    return _page(request, "disclosure/backoffice/form.html", {"form": form, "publication": None})


@login_required
@require_http_methods(["GET", "POST"])
def publication_edit(request: HttpRequest, publication_id: int) -> HttpResponse:
    actor = request.user
    publication = _publication(request, publication_id)
    if publication is None:
        return _not_found(request)
    if not can(actor, "disclosure.manage_publication", publication):
        return _forbidden(request)
    if publication.status != Publication.Status.DRAFT:
        messages.error(request, _("Chỉ sửa được dự thảo."))
        return redirect("disclosure_backoffice:publication", publication.pk)
    orgs = selectors.orgs_for(actor=actor, manage=True)
    initial = {
        "organisation": publication.organisation,
        "category": publication.category,
        "title": publication.title,
        "reference": publication.reference,
        "decided_on": publication.decided_on,
        "person": publication.person,
        "body": publication.body,
    }
    form = PublicationForm(
        request.POST or None, initial=initial, orgs=orgs, people=_people_for(orgs)
    )
    form.fields["organisation"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.publication_update(
                publication=publication,
                actor=actor,
                category=d["category"],
                title=d["title"],
                body=d["body"],
                decided_on=d["decided_on"],
                reference=d.get("reference") or "",
                person=d.get("person"),
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã lưu dự thảo."))
            return redirect("disclosure_backoffice:publication", publication.pk)
    return _page(
        request, "disclosure/backoffice/form.html", {"form": form, "publication": publication}
    )


# -- the publication page and its actions ----------------------------------------------------------


def _detail(
    request: HttpRequest, publication: Publication, status: int = 200, **forms: Any
) -> HttpResponse:
    actor = request.user
    today = timezone.localdate()
    due, cite = services.publish_due(publication.decided_on)
    would_be_late = (
        publication.status == Publication.Status.DRAFT and due is not None and today > due
    )
    return _page(
        request,
        "disclosure/backoffice/detail.html",
        {
            "p": publication,
            "category": policy.category(publication.category),
            "due": publication.publish_due or due,
            "due_cite": publication.publish_due_cite or cite,
            "would_be_late": would_be_late,
            "channels": list(publication.channels.all()),
            "attachments": list(publication.attachments.all()),
            "comments": selectors.comments_for_staff(publication=publication, actor=actor),
            "missing": selectors.missing_channels(publication),
            "can_manage": can(actor, "disclosure.manage_publication", publication),
            "can_record": can(actor, "disclosure.record_channel", publication),
            "publish_form": forms.get("publish_form") or PublishForm(),
            "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
            "channel_form": forms.get("channel_form") or ChannelForm(),
            "attachment_form": forms.get("attachment_form") or AttachmentForm(),
            "posting_rule": policy.rule("posting_min_duration"),
            "loudspeaker_rule": policy.rule("loudspeaker_min_duration"),
            "today": today,
        },
        status=status,
    )


@login_required
@require_GET
def publication_detail(request: HttpRequest, publication_id: int) -> HttpResponse:
    publication = _publication(request, publication_id)
    if publication is None:
        return _not_found(request)
    return _detail(request, publication)


def _action(
    request: HttpRequest,
    publication_id: int,
    *,
    perm: str,
    form_class: Any,
    form_key: str,
    run: Any,
    done: str,
    with_files: bool = False,
) -> HttpResponse:
    publication = _publication(request, publication_id)
    if publication is None:
        return _not_found(request)
    if not can(request.user, perm, publication):
        return _forbidden(request)
    form = form_class(request.POST, request.FILES) if with_files else form_class(request.POST)
    if form.is_valid():
        try:
            run(publication, form.cleaned_data)
        except PermissionDenied:
            return _forbidden(request)
        except ApplicationError as exc:
            # At the top of the page: the form may no longer be shown (published in another
            # tab, sent twice); what was typed stays in it if it is.
            messages.error(request, str(exc.message))
            publication.refresh_from_db()
            return _detail(request, publication, **{form_key: form})
        else:
            messages.success(request, done)
            return redirect("disclosure_backoffice:publication", publication.pk)
    publication.refresh_from_db()
    return _detail(request, publication, **{form_key: form})


@login_required
@require_POST
def publication_publish(request: HttpRequest, publication_id: int) -> HttpResponse:
    def run(p: Publication, d: dict[str, Any]) -> None:
        services.publication_publish(
            publication=p,
            actor=request.user,
            published_on=d.get("published_on"),
            comments_open_on=d.get("comments_open_on"),
            comments_close_on=d.get("comments_close_on"),
            late_reason=d.get("late_reason") or "",
        )

    return _action(
        request,
        publication_id,
        perm="disclosure.manage_publication",
        form_class=PublishForm,
        form_key="publish_form",
        run=run,
        done=_("Đã công khai trên cổng thông tin."),
    )


@login_required
@require_POST
def publication_withdraw(request: HttpRequest, publication_id: int) -> HttpResponse:
    def run(p: Publication, d: dict[str, Any]) -> None:
        services.publication_withdraw(publication=p, actor=request.user, reason=d["reason"])

    return _action(
        request,
        publication_id,
        perm="disclosure.manage_publication",
        form_class=WithdrawForm,
        form_key="withdraw_form",
        run=run,
        done=_("Đã gỡ nội dung công khai."),
    )


@login_required
@require_POST
def channel_add(request: HttpRequest, publication_id: int) -> HttpResponse:
    def run(p: Publication, d: dict[str, Any]) -> None:
        services.channel_record(
            publication=p,
            actor=request.user,
            kind=d["kind"],
            start_on=d["start_on"],
            end_on=d.get("end_on"),
            place=d.get("place") or "",
            note=d.get("note") or "",
        )

    return _action(
        request,
        publication_id,
        perm="disclosure.record_channel",
        form_class=ChannelForm,
        form_key="channel_form",
        run=run,
        done=_("Đã ghi hình thức công khai."),
    )


@login_required
@require_POST
def channel_remove(request: HttpRequest, publication_id: int, channel_id: int) -> HttpResponse:
    publication = _publication(request, publication_id)
    if publication is None:
        return _not_found(request)
    channel = PublicationChannel.objects.filter(publication=publication, pk=channel_id).first()
    if channel is None:
        return _not_found(request)
    try:
        services.channel_remove(channel=channel, actor=request.user)
    except PermissionDenied:
        return _forbidden(request)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Đã xóa hình thức công khai."))
    return redirect("disclosure_backoffice:publication", publication.pk)


@login_required
@require_POST
def attachment_add(request: HttpRequest, publication_id: int) -> HttpResponse:
    def run(p: Publication, d: dict[str, Any]) -> None:
        upload = d["file"]
        try:
            data = upload.read()
        except OSError as exc:
            raise ApplicationError(message=_("Không đọc được tệp; vui lòng chọn lại.")) from exc
        services.attachment_add(
            publication=p, actor=request.user, data=data, name=d.get("name") or upload.name
        )

    return _action(
        request,
        publication_id,
        perm="disclosure.manage_publication",
        form_class=AttachmentForm,
        form_key="attachment_form",
        run=run,
        done=_("Đã thêm tệp."),
        with_files=True,
    )


@login_required
@require_POST
def attachment_remove(
    request: HttpRequest, publication_id: int, attachment_id: int
) -> HttpResponse:
    publication = _publication(request, publication_id)
    if publication is None:
        return _not_found(request)
    attachment = PublicationAttachment.objects.filter(
        publication=publication, pk=attachment_id
    ).first()
    if attachment is None:
        return _not_found(request)
    try:
        services.attachment_remove(attachment=attachment, actor=request.user)
    except PermissionDenied:
        return _forbidden(request)
    messages.success(request, _("Đã xóa tệp."))
    return redirect("disclosure_backoffice:publication", publication.pk)


@login_required
@require_GET
def attachment_download(
    request: HttpRequest, publication_id: int, attachment_id: int
) -> HttpResponseBase:
    publication = _publication(request, publication_id)
    if publication is None:
        return _not_found(request)
    attachment = PublicationAttachment.objects.filter(
        publication=publication, pk=attachment_id
    ).first()
    if attachment is None or not attachment.file:
        return _not_found(request)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        return _not_found(request)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.file.name.rsplit("/", 1)[-1],
        content_type=attachment.content_type,
    )
    add_never_cache_headers(response)
    return response


# -- the A4 notice (niêm yết) ----------------------------------------------------------------------


@login_required
@require_GET
def notice(request: HttpRequest, publication_id: int) -> HttpResponse:
    """The printable notice to post at the office, with a QR code to the comment form."""
    publication = _publication(request, publication_id)
    if publication is None:
        return _not_found(request)
    comment_path = reverse("disclosure_portal:comment", args=[publication.pk])
    page_path = reverse("disclosure_portal:publication", args=[publication.pk])
    postings = [c for c in publication.channels.all() if c.kind == PublicationChannel.Kind.POSTING]
    return _page(
        request,
        "disclosure/backoffice/notice.html",
        {
            "p": publication,
            "header": notice_header(publication.organisation),
            "category": policy.category(publication.category),
            "qr_url": request.build_absolute_uri(comment_path) + "?qua=qr",
            "short_url": request.build_absolute_uri(page_path).split("://", 1)[-1],
            "postings": postings,
            "today": timezone.localdate(),
        },
    )


# -- DC-3: the quarterly register ---------------------------------------------------------------


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponseBase:
    actor = request.user
    orgs = selectors.orgs_for(actor=actor)
    today = timezone.localdate()
    data = request.GET if "organisation" in request.GET else None
    initial: dict[str, Any] = {
        "organisation": orgs.first(),
        "year": today.year,
        "quarter": selectors.quarter_of(today),
    }
    form = RegisterForm(data, initial=initial, orgs=orgs)
    rows: list[selectors.RegisterRow] = []
    chosen: tuple[Any, int, int] | None = None
    if data is None and initial["organisation"] is not None:
        chosen = (initial["organisation"], today.year, initial["quarter"])
    elif form.is_valid():
        d = form.cleaned_data
        chosen = (d["organisation"], d["year"], d["quarter"])
    if chosen is not None:
        org, year, quarter = chosen
        rows = selectors.register_rows(organisation=org, year=year, quarter=quarter)
        if request.GET.get("format") == "csv":
            return _register_csv(rows, org, year, quarter)
    start, end = selectors.quarter_bounds(chosen[1], chosen[2]) if chosen else (None, None)
    return _page(
        request,
        "disclosure/backoffice/register.html",
        {
            "form": form,
            "rows": rows,
            "chosen": chosen,
            "start": start,
            "end": end,
            "header": notice_header(chosen[0]) if chosen else None,
            "quarter_roman": {1: "I", 2: "II", 3: "III", 4: "IV"}.get(chosen[2]) if chosen else "",
            "today": today,
            "csv_query": request.GET.urlencode(),
        },
    )


def _register_csv(
    rows: list[selectors.RegisterRow], org: Any, year: int, quarter: int
) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="so-cong-khai-{org.slug}-{year}-q{quarter}.csv"'
    )
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM
    writer = csv.writer(response)
    writer.writerow(
        [
            _("STT"),
            _("Nội dung"),
            _("Tiêu đề"),
            _("Số, ký hiệu"),
            _("Ngày quyết định"),
            _("Ngày công khai"),
            _("Hạn công khai (DC-2)"),
            _("Chậm"),
            _("Hình thức"),
            _("Địa điểm"),
            _("Từ ngày"),
            _("Đến ngày"),
        ]
    )

    def fmt(day: Any) -> str:
        return day.strftime("%d/%m/%Y") if day else ""

    for n, row in enumerate(rows, start=1):
        p = row.publication
        base = [
            n,
            row.category_label,
            p.title,
            p.reference,
            fmt(p.decided_on),
            fmt(p.published_on),
            fmt(p.publish_due),
            _("Có") if p.is_late else "",
        ]
        channels: list[PublicationChannel | None] = list(row.channels) or [None]
        for c in channels:
            values = base + (
                [c.get_kind_display(), c.place, fmt(c.start_on), fmt(c.end_on)]
                if c is not None
                else ["", "", "", ""]
            )
            writer.writerow([spreadsheet_cell(v) for v in values])
    return response


# -- cadres' commitments ------------------------------------------------------------------------


@login_required
@require_GET
def commitment_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    orgs = selectors.orgs_for(actor=actor, manage=True)
    year = request.GET.get("nam", "")
    commitments = selectors.commitments_for(
        actor=actor, year=int(year) if is_digits(year) and len(year) == 4 else None
    )
    return _page(
        request,
        "disclosure/backoffice/commitments.html",
        {"commitments": commitments, "can_create": orgs.exists(), "year": year},
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_edit(request: HttpRequest, commitment_id: int | None = None) -> HttpResponse:
    actor = request.user
    orgs = selectors.orgs_for(actor=actor, manage=True)
    if not orgs.exists():
        return _forbidden(
            request, _("Chỉ lãnh đạo, thủ trưởng đơn vị hoặc quản trị mới quản lý bản cam kết.")
        )
    commitment = None
    initial: dict[str, Any] = {}
    if commitment_id is not None:
        try:
            commitment = selectors.access_commitment(actor, commitment_id)
        except NotFound:
            return _not_found(request)
        initial = {
            "person": commitment.person,
            "organisation": commitment.organisation,
            "year": commitment.year,
            "signed_on": commitment.signed_on,
            "text": commitment.text,
        }
    form = CommitmentForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        orgs=orgs,
        people=_people_for(orgs),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            upload = d["attachment"].read() if d.get("attachment") else None
            saved = services.commitment_save(
                actor=actor,
                person=d["person"],
                organisation=d["organisation"],
                year=d["year"],
                text=d["text"],
                signed_on=d["signed_on"],
                upload=upload,
                commitment=commitment,
            )
        except PermissionDenied:
            return _forbidden(request)
        except (ApplicationError, OSError) as exc:
            form.add_error(None, str(getattr(exc, "message", _("Không đọc được tệp."))))
        else:
            messages.success(request, _("Đã lưu bản cam kết."))
            return redirect("disclosure_backoffice:commitment_edit", saved.pk)
    return _page(
        request,
        "disclosure/backoffice/commitment_form.html",
        {"form": form, "commitment": commitment},
    )


@login_required
@require_POST
def commitment_publish(request: HttpRequest, commitment_id: int) -> HttpResponse:
    try:
        commitment = selectors.access_commitment(request.user, commitment_id)
    except NotFound:
        return _not_found(request)
    publish = request.POST.get("published") == "1"
    services.commitment_set_published(commitment=commitment, actor=request.user, published=publish)
    messages.success(
        request, _("Đã công khai bản cam kết.") if publish else _("Đã thôi công khai bản cam kết.")
    )
    return redirect("disclosure_backoffice:commitment_edit", commitment.pk)
