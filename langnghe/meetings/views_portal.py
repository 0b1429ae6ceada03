"""Public pages of meetings with the people at /doi-thoai/: announced conferences, questions in
advance, results with commitments, and voters' requests for a dialogue (DC-6).

Citizens' names never appear here: speakers from the floor show as "Người dân", voters' requests
as a count. Every failure the citizen can cause answers with the page and a message, never a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from langnghe.core.errors import ApplicationError, IntakeError, NotFound
from langnghe.portal import access as portal_access

from . import selectors, services
from .forms import AdvanceQuestionForm, VoterSupportForm
from .models import Conference, ConferenceStatus


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    conferences = selectors.public_conferences()
    upcoming = list(
        conferences.filter(status=ConferenceStatus.ANNOUNCED, starts_at__gte=now).order_by(
            "starts_at"
        )[:20]
    )
    results = list(
        conferences.filter(
            status__in=[ConferenceStatus.RESULTS_PUBLISHED, ConferenceStatus.FOLLOW_UP]
        ).order_by("-starts_at")[:20]
    )
    waiting = list(
        conferences.filter(
            status__in=[ConferenceStatus.HELD, ConferenceStatus.MINUTES_RECORDED]
        ).order_by("-starts_at")[:10]
    )
    return render(
        request,
        "meetings/portal/index.html",
        {
            "upcoming": upcoming,
            "results": results,
            "waiting": waiting,
            "communes": list(selectors.public_voter_orgs()),
        },
    )


def _conference_page(
    request: HttpRequest,
    conference: Conference,
    form: AdvanceQuestionForm | None,
    status: int = 200,
) -> HttpResponse:
    accepting = conference.accepts_questions
    context: dict[str, Any] = {
        "c": conference,
        "accepting": accepting,
        "form": form if accepting else None,
        "followup": selectors.followup_commitments(conference),
        "issues": selectors.public_issues(conference),
        "results_channels": [
            label
            for value, label in _results_channel_labels()
            if value in conference.results_channels
        ],
    }
    return render(request, "meetings/portal/conference.html", context, status=status)


def _results_channel_labels() -> list[tuple[str, str]]:
    from .models import ResultsChannel

    return [(c.value, str(c.label)) for c in ResultsChannel]


@require_http_methods(["GET", "POST"])
def conference(request: HttpRequest, conference_id: int) -> HttpResponse:
    try:
        c = selectors.public_conference(conference_id)
    except NotFound:
        return _not_found(request)
    if request.method == "GET":
        return _conference_page(request, c, AdvanceQuestionForm())
    form = AdvanceQuestionForm(request.POST)
    if not c.accepts_questions:
        messages.error(request, _("Hội nghị này không còn nhận câu hỏi gửi trước."))
        return _conference_page(request, c, None)
    if not form.is_valid():
        return _conference_page(request, c, form)
    data = form.cleaned_data
    try:
        result = services.advance_question_submit(
            conference=c,
            kind=data["kind"],
            body=data["body"],
            village=data["village"],
            name=data["name"],
            phone=data["phone"],
        )
    except IntakeError as exc:
        form.add_error(
            "body" if exc.code in (IntakeError.EMPTY_BODY, IntakeError.BODY_TOO_LONG) else None,
            str(exc.message),
        )
        return _conference_page(request, c, form)
    except ApplicationError as exc:
        form.add_error(None, str(exc.message))
        return _conference_page(request, c, form)
    # The spine's receipt page shows the code and the secret (once) with its QR code.
    portal_access.receipt_store(
        request.session,
        codes=[item.code for item in result.items],
        secret=result.secret,
        qr_with_secret=False,
    )
    return redirect("portal:receipt")


@require_http_methods(["GET", "POST"])
def voter_request(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organisation = selectors.public_voter_org(slug)
    except NotFound:
        return _not_found(request)
    form = VoterSupportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.voter_support_add(
                organisation=organisation,
                full_name=data["full_name"],
                village=data["village"],
                phone_or_id=data["phone_or_id"],
                reason=data["reason"],
            )
        except services.MeetingsError as exc:
            field = (
                "phone_or_id"
                if exc.code
                in (
                    services.MeetingsError.BAD_VOTER_KEY,
                    services.MeetingsError.ALREADY_SUPPORTED,
                )
                else None
            )
            form.add_error(field, str(exc.message))
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("Cảm ơn bạn. Đề nghị của bạn đã được ghi nhận và tính vào số cử tri đề nghị."),
            )
            return redirect("meetings_portal:voter_request", slug=organisation.slug)
    progress = selectors.request_progress(organisation)
    return render(
        request,
        "meetings/portal/voter_request.html",
        {"org": organisation, "form": form, "p": progress},
    )
