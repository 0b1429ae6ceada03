"""Public disclosure pages: what was published, where it was posted, the answers to the people's
comments, the comment form (no JavaScript needed), the DC-3 register and the cadres' pages.

Never shown here: a reporter, the text a citizen wrote, a sealed kind's existence.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from langnghe.core.errors import ApplicationError, IntakeError
from langnghe.orgs.models import Organisation

from . import policy, selectors, services
from .forms import CommentForm
from .models import CadreCommitment, Publication, PublicationAttachment, PublicationComment
from .templatetags.disclosure import notice_header

PAGE_SIZE = 20


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("noi-dung", "")
    if policy.category(category) is None:
        category = ""
    org = None
    slug = request.GET.get("don-vi", "")
    if slug:
        org = Organisation.objects.filter(slug=slug[:80]).first()
    page = Paginator(
        selectors.public_publications(category=category, organisation=org), PAGE_SIZE
    ).get_page(request.GET.get("trang"))
    return render(
        request,
        "disclosure/portal/index.html",
        {
            "page": page,
            "categories": policy.categories(),
            "category": category,
            "org": org,
            "orgs": selectors.public_organisations(),
            "cadres_count": selectors.public_cadres().count(),
        },
    )


def _public(publication_id: int) -> Publication:
    publication = selectors.public_publication(publication_id)
    if publication is None:
        raise Http404
    return publication


@require_GET
def publication_detail(request: HttpRequest, publication_id: int) -> HttpResponse:
    publication = _public(publication_id)
    today = timezone.localdate()
    return render(
        request,
        "disclosure/portal/detail.html",
        {
            "p": publication,
            "category": policy.category(publication.category),
            "channels": list(publication.channels.all()),
            "attachments": list(publication.attachments.all()),
            "answers": selectors.public_answers(publication),
            "comments_open": publication.comments_open(today),
            "window_message": services.window_message(publication, today),
        },
    )


def _comment_page(
    request: HttpRequest, publication: Publication, form: CommentForm, status: int = 200
) -> HttpResponse:
    response = render(
        request,
        "disclosure/portal/comment.html",
        {"p": publication, "form": form},
        status=status,
    )
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


@require_http_methods(["GET", "POST"])
def comment(request: HttpRequest, publication_id: int) -> HttpResponse:
    publication = _public(publication_id)
    today = timezone.localdate()
    if not publication.comments_open(today):
        messages.info(request, services.window_message(publication, today))
        return redirect("disclosure_portal:publication", publication.pk)
    if request.method == "GET":
        via = (
            PublicationComment.Via.QR
            if request.GET.get("qua") == "qr"
            else PublicationComment.Via.WEB
        )
        return _comment_page(request, publication, CommentForm(initial={"via": via}))
    try:
        data = request.POST
    except (RequestDataTooBig, TooManyFieldsSent):
        form = CommentForm()
        form.add_error(None, _("Dữ liệu gửi lên quá lớn. Vui lòng rút gọn nội dung."))
        return _comment_page(request, publication, form)
    form = CommentForm(data)
    if not form.is_valid():
        return _comment_page(request, publication, form)
    d = form.cleaned_data
    try:
        result = services.publication_comment_submit(
            publication=publication,
            kind=d["kind"],
            body=d["body"],
            via=d.get("via") or PublicationComment.Via.WEB,
            name=d.get("name") or "",
            phone=d.get("phone") or "",
        )
    except IntakeError as exc:
        field = "body" if exc.code in (IntakeError.EMPTY_BODY, IntakeError.BODY_TOO_LONG) else None
        form.add_error(field, str(exc.message))
        return _comment_page(request, publication, form)
    except ApplicationError as exc:
        form.add_error(None, str(exc.message))
        return _comment_page(request, publication, form)

    from langnghe.portal import access

    access.receipt_store(
        request.session,
        codes=[item.code for item in result.items],
        secret=result.secret,
        qr_with_secret=False,
    )
    messages.success(
        request,
        _(
            "Ý kiến của bạn về “%(title)s” đã được gửi. Khi được trả lời và duyệt công khai, câu trả lời sẽ hiện dưới nội dung công khai."
        )
        % {"title": publication.title},
    )
    return redirect("portal:receipt")


@require_GET
def attachment(request: HttpRequest, publication_id: int, attachment_id: int) -> HttpResponseBase:
    publication = _public(publication_id)
    if publication.status != Publication.Status.PUBLISHED:
        raise Http404
    item = PublicationAttachment.objects.filter(publication=publication, pk=attachment_id).first()
    if item is None or not item.file:
        raise Http404
    try:
        handle = item.file.open("rb")
    except OSError:
        raise Http404 from None
    # A download, never rendered in the site's origin (the file came from an upload).
    return FileResponse(
        handle,
        as_attachment=True,
        filename=item.file.name.rsplit("/", 1)[-1],
        content_type=item.content_type,
    )


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """DC-3: the quarterly list of what was published, posted publicly as the law asks."""
    today = timezone.localdate()
    orgs = selectors.public_organisations()
    slug = request.GET.get("don-vi", "")
    org = orgs.filter(slug=slug[:80]).first() if slug else orgs.first()
    try:
        year = int(request.GET.get("nam", today.year))
        quarter = int(request.GET.get("quy", selectors.quarter_of(today)))
    except ValueError:
        year, quarter = today.year, selectors.quarter_of(today)
    if not 2000 <= year <= 2100 or quarter not in (1, 2, 3, 4):
        year, quarter = today.year, selectors.quarter_of(today)
    rows = selectors.register_rows(organisation=org, year=year, quarter=quarter) if org else []
    start, end = selectors.quarter_bounds(year, quarter)
    return render(
        request,
        "disclosure/portal/register.html",
        {
            "orgs": orgs,
            "org": org,
            "year": year,
            "quarter": quarter,
            "quarter_roman": {1: "I", 2: "II", 3: "III", 4: "IV"}[quarter],
            "rows": rows,
            "start": start,
            "end": end,
            "header": notice_header(org) if org else None,
            "years": list(range(today.year, today.year - 4, -1)),
            "today": today,
        },
    )


@require_GET
def cadres(request: HttpRequest) -> HttpResponse:
    return render(
        request, "disclosure/portal/cadres.html", {"people": selectors.public_cadres_with_posts()}
    )


@require_GET
def cadre(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.public_cadre(person_id)
    if person is None:
        raise Http404
    return render(
        request,
        "disclosure/portal/cadre.html",
        {
            "person": person,
            "posts": selectors.current_posts(person),
            "commitments": selectors.public_commitments(person),
            "counts": selectors.person_feedback_counts(person),
        },
    )


@require_GET
def commitment_file(request: HttpRequest, person_id: int, commitment_id: int) -> HttpResponseBase:
    person = selectors.public_cadre(person_id)
    if person is None:
        raise Http404
    found: Any = CadreCommitment.objects.filter(
        person=person, pk=commitment_id, published=True
    ).first()
    if found is None or not found.attachment:
        raise Http404
    try:
        handle = found.attachment.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=found.attachment.name.rsplit("/", 1)[-1],
        content_type=found.attachment_type or "application/octet-stream",
    )
