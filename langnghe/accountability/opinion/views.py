"""Back-office pages of the opinion signals (/quan-ly/du-luan/): thin views over selectors.

Leaders and inspectors only (``opinion.view_signals``), within their subtrees; anything else 403.
No page here shows a reporter identity or an item's text: the list behind a number shows the
items the actor may see (``visible_items_q``) by code and title, as the inbox does.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from langnghe.accountability.reviews.selectors import can_issue_suggestion, suggestion_checker
from langnghe.backoffice.viewkit import forbidden, not_found, page
from langnghe.core.paginator import CappedPaginator
from langnghe.core.spreadsheet import cell
from langnghe.handling.rules import can
from langnghe.intake.models import Channel, Kind, Topic
from langnghe.orgs.models import Organisation, Person
from langnghe.portal.selectors import INDICATOR_GROUPS
from langnghe.search.text import fold

from . import rules as scope
from . import selectors
from .forms import PeriodForm, SearchForm
from .policy import candidates_page_limit, config_on


def _forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return forbidden(
        request,
        message or _("Trang dư luận dành cho lãnh đạo và cán bộ kiểm tra có thẩm quyền."),
    )


def _finding_label(key: str) -> str:
    return {
        "true": _("Đúng"),
        "partly_true": _("Đúng một phần"),
        "unverified": _("Chưa có kết quả xác minh"),
        "false": _("Sai sự thật"),
    }[key]


def _term_label(key: str) -> str:
    labels = {
        "overdue": _("Đang quá hạn xử lý"),
        "late": _("Trả lời trễ hạn"),
        "reopened": _("Bị mở lại"),
    }
    return labels.get(key) or _("Kết quả xác minh: %(f)s") % {"f": _finding_label(key)}


def measure_label(measure: str) -> str:
    name, _sep, arg = measure.partition(":")
    if name == "all":
        return _("Tất cả ý kiến")
    if name == "kind":
        return _("Loại: %(v)s") % {"v": dict(Kind.choices).get(arg, arg)}
    if name == "channel":
        return _("Kênh: %(v)s") % {"v": dict(Channel.choices).get(arg, arg)}
    if name == "topic":
        topic = Topic.objects.filter(code=arg).first()
        return _("Lĩnh vực: %(v)s") % {"v": topic or _("chưa phân loại")}
    if name == "group":
        return _("Nhóm biểu hiện: %(v)s") % {
            "v": INDICATOR_GROUPS.get(arg, _("không gắn biểu hiện"))
        }
    if name == "finding":
        return _("Kết quả xác minh: %(v)s") % {"v": _finding_label(arg)}
    if name == "month":
        return _("Tiếp nhận trong tháng %(v)s") % {"v": arg}
    return {
        "substantiated": _("Được xác minh đúng hoặc đúng một phần"),
        "substantiated_identified": _("Đúng hoặc đúng một phần, người gửi có danh tính"),
        "anonymous": _("Giấu tên"),
        "overdue": _("Đang quá hạn xử lý"),
        "late": _("Trả lời trễ hạn"),
        "reopened": _("Bị mở lại"),
        "scored": _("Các ý kiến tạo nên điểm"),
    }.get(measure, measure)


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date | None, dt.date | None]:
    form = PeriodForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, None, None


def _items_url(subject: dict[str, Any], start: dt.date, end: dt.date, measure: str) -> str:
    params = {
        ("person" if subject["type"] == "person" else "org"): subject["id"],
        "measure": measure,
        "from": start.isoformat(),
        "to": end.isoformat(),
    }
    return reverse("opinion_backoffice:items") + "?" + urlencode(params)


def _suggest_url(kind: str, pk: int, start: dt.date, end: dt.date) -> str:
    # The reviews app builds this form (/quan-ly/kiem-diem/goi-y/moi/).
    params = {kind: pk, "from": start.isoformat(), "to": end.isoformat()}
    return reverse("reviews_backoffice:suggestion_new") + "?" + urlencode(params)


def _rules_context(end: dt.date) -> dict[str, Any]:
    cfg = config_on(end)
    return {
        "cfg": cfg,
        "weights": [(_term_label(k), v) for k, v in cfg.weights.items()],
        "thresholds": cfg.thresholds,
    }


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not can(actor, "opinion.view_signals", None):
        return _forbidden(request)
    form, start, end = _period(request)
    search = SearchForm(request.GET)
    context: dict[str, Any] = {"form": form, "search": search}
    if start is None or end is None:
        return page(request, "opinion/index.html", context)
    found_people: list[Person] = []
    found_orgs: list[Organisation] = []
    if search.is_valid() and search.cleaned_data["q"].strip():
        q = fold(search.cleaned_data["q"].strip())
        found_people = list(
            Person.objects.filter(
                pk__in=scope.persons_in_scope(actor, start, end), name_folded__contains=q
            )[:30]
        )
        found_orgs = [
            o
            for o in Organisation.objects.filter(pk__in=scope.orgs_in_scope(actor))
            if q in fold(o.name)
        ][:30]
        context["searched"] = True
    rows = selectors.candidates(
        person_ids=scope.persons_in_scope(actor, start, end),
        org_ids=scope.orgs_in_scope(actor),
        start=start,
        end=end,
    )
    limit = candidates_page_limit()
    more = max(0, len(rows) - limit)
    rows = rows[:limit]
    # The "Gợi ý kiểm điểm" button only where the actor may issue one (the reviews app's rule):
    # inspectors read signals but do not issue suggestions.
    may_suggest = suggestion_checker(actor)
    for row in rows:
        row.detail_url = (
            (
                reverse("opinion_backoffice:person", args=[row.id])
                if row.type == "person"
                else reverse("opinion_backoffice:org", args=[row.id])
            )
            + "?"
            + urlencode({"from": start.isoformat(), "to": end.isoformat()})
        )
        row.suggest_url = (
            _suggest_url(row.type, row.id, start, end) if may_suggest(row.type, row.id) else ""
        )
        row.score_url = _items_url({"type": row.type, "id": row.id}, start, end, "scored")
        row.subst_url = _items_url({"type": row.type, "id": row.id}, start, end, "substantiated")
    context.update(
        {
            "start": start,
            "end": end,
            "rows": rows,
            "more": more,
            "found_people": found_people,
            "found_orgs": found_orgs,
            "period_qs": urlencode({"from": start.isoformat(), "to": end.isoformat()}),
            **_rules_context(end),
        }
    )
    return page(request, "opinion/index.html", context)


@login_required
@require_GET
def candidates_csv(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not can(actor, "opinion.view_signals", None):
        return _forbidden(request)
    form, start, end = _period(request)
    if start is None or end is None:
        return page(request, "opinion/index.html", {"form": form, "search": SearchForm()})
    rows = selectors.candidates(
        person_ids=scope.persons_in_scope(actor, start, end),
        org_ids=scope.orgs_in_scope(actor),
        start=start,
        end=end,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    add_never_cache_headers(response)
    response["Content-Disposition"] = (
        f'attachment; filename="du-luan-ung-vien-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Loại"),
            _("Mã"),
            _("Tên"),
            _("Đơn vị"),
            _("Điểm"),
            _("Số ý kiến"),
            _("Đúng"),
            _("Đúng một phần"),
            _("Chưa xác minh"),
            _("Sai sự thật"),
            _("Người gửi khác nhau (ý kiến đúng)"),
            _("Quá hạn"),
            _("Trễ hạn"),
            _("Mở lại"),
            _("Lý do"),
        ]
    )
    for r in rows:
        writer.writerow(
            [
                cell(_("Cán bộ") if r.type == "person" else _("Đơn vị")),
                r.id,
                cell(r.name),
                cell(r.unit_name),
                r.score,
                r.counts["total"],
                r.counts["finding_true"],
                r.counts["finding_partly_true"],
                r.counts["finding_unverified"],
                r.counts["finding_false"],
                r.counts["substantiated_reporters"],
                r.counts["overdue"],
                r.counts["late"],
                r.counts["reopened"],
                cell("; ".join(_reason_text(x) for x in r.reasons)),
            ]
        )
    return response


def _reason_text(reason: dict[str, Any]) -> str:
    if reason["code"] == "score":
        return _("Điểm %(v)s ≥ ngưỡng %(t)s") % {
            "v": floatformat(reason["value"], -1),
            "t": floatformat(reason["threshold"], -1),
        }
    return _(
        "%(v)s ý kiến đúng/đúng một phần (ngưỡng %(t)s) từ %(r)s người gửi khác nhau (ngưỡng %(rt)s)"
    ) % {
        "v": reason["value"],
        "t": f"{reason['threshold']:g}",
        "r": reason["reporters"],
        "rt": f"{reason['reporters_threshold']:g}",
    }


def _bars(rows: list[tuple[str, int, str]]) -> list[dict[str, Any]]:
    """Horizontal bars drawn with CSS (full labels that wrap on a phone, no clipped SVG text):
    label, count, link, width in % of the largest."""
    top = max((n for _label, n, _url in rows), default=0) or 1
    return [
        {"label": label, "n": n, "url": url, "pct": max(round(100 * n / top), 1 if n else 0)}
        for label, n, url in rows
    ]


def _month_columns(months: list[tuple[str, int]], link: Any) -> list[dict[str, Any]]:
    """One column per month (count written on top of each, so there is no axis whose ticks
    could repeat); the year is written under the first month and under each January."""
    top = max((n for _m, n in months), default=0) or 1
    columns = []
    for i, (m, n) in enumerate(months):
        year, month = int(m[:4]), int(m[5:])
        columns.append(
            {
                "month": month,
                "year": year if i == 0 or month == 1 else None,
                "label": f"{month:02d}/{year}",
                "n": n,
                "url": link(f"month:{m}"),
                # At most 85 % of the track: the count is written above the bar.
                "pct": max(round(85 * n / top), 2 if n else 0),
            }
        )
    return columns


def _subject_page(request: HttpRequest, *, kind: str, obj: Person | Organisation) -> HttpResponse:
    form, start, end = _period(request)
    context: dict[str, Any] = {"form": form, "subject_obj": obj, "kind": kind}
    if start is None or end is None:
        return page(request, "opinion/subject.html", context)
    snap = selectors.signal_snapshot(
        person_id=obj.pk if kind == "person" else None,
        org_id=obj.pk if kind == "org" else None,
        start=start,
        end=end,
    )
    subject = snap["subject"]

    def link(measure: str) -> str:
        return _items_url(subject, start, end, measure)

    def table(data: dict[str, int], prefix: str, labeller: Any) -> list[tuple[str, int, str]]:
        return sorted(
            ((labeller(k), n, link(f"{prefix}:{k}")) for k, n in data.items()),
            key=lambda r: -r[1],
        )

    topics = dict(Topic.objects.values_list("code", "name_vi"))
    terms = [
        {**t, "label": _term_label(t["key"]), "url": link(t["measure"])}
        for t in snap["score_terms"]
    ]
    months = selectors.month_series(snap["by_month"], start, end)
    by_group = table(
        snap["by_group"],
        "group",
        lambda k: INDICATOR_GROUPS.get(k, _("Không gắn biểu hiện")),
    )
    context.update(
        {
            "snap": snap,
            "start": start,
            "end": end,
            "terms": terms,
            "reasons": [_reason_text(r) for r in snap["crossed"]],
            "all_url": link("all"),
            "by_kind": table(snap["by_kind"], "kind", lambda k: dict(Kind.choices).get(k, k)),
            "by_channel": table(
                snap["by_channel"], "channel", lambda k: dict(Channel.choices).get(k, k)
            ),
            "by_topic": table(
                snap["by_topic"], "topic", lambda k: topics.get(k, _("Chưa phân loại"))
            ),
            "by_group": by_group,
            "group_bars": _bars(by_group),
            "by_finding": [
                (_finding_label(k), n, link(f"finding:{k}")) for k, n in snap["by_finding"].items()
            ],
            "links": {
                m: link(m)
                for m in (
                    "scored",
                    "substantiated",
                    "substantiated_identified",
                    "anonymous",
                    "overdue",
                    "late",
                    "reopened",
                )
            },
            "month_columns": _month_columns(months, link),
            "suggest_url": (
                _suggest_url(kind, obj.pk, start, end)
                if can_issue_suggestion(
                    request.user,
                    person=obj if kind == "person" else None,
                    org=obj if kind == "org" else None,
                )
                else ""
            ),
            **_rules_context(end),
        }
    )
    return page(request, "opinion/subject.html", context)


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = request.user
    if not can(actor, "opinion.view_signals", None):
        return _forbidden(request)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return not_found(request)
    form, start, end = _period(request)
    if (
        start is not None
        and end is not None
        and not scope.person_visible(actor, person.pk, start, end)
    ):
        return _forbidden(request, _("Cán bộ này không thuộc phạm vi bạn được xem."))
    return _subject_page(request, kind="person", obj=person)


@login_required
@require_GET
def org_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    actor = request.user
    if not can(actor, "opinion.view_signals", None):
        return _forbidden(request)
    org = Organisation.objects.filter(pk=org_id).first()
    if org is None:
        return not_found(request)
    if not scope.org_visible(actor, org.pk):
        return _forbidden(request, _("Đơn vị này không thuộc phạm vi bạn được xem."))
    return _subject_page(request, kind="org", obj=org)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def items(request: HttpRequest) -> HttpResponse:
    """The items behind one number, filtered by what the actor may see."""
    actor = request.user
    if not can(actor, "opinion.view_signals", None):
        return _forbidden(request)
    person_id = _int(request.GET.get("person"))
    org_id = _int(request.GET.get("org"))
    measure = request.GET.get("measure", "all").strip() or "all"
    form, start, end = _period(request)
    context: dict[str, Any] = {"form": form, "measure": measure}
    errors: list[str] = []
    if (person_id is None) == (org_id is None):
        errors.append(_("Hãy chọn một cán bộ hoặc một đơn vị."))
    if errors or start is None or end is None:
        context["errors"] = errors
        return page(request, "opinion/items.html", context)
    subject: Person | Organisation | None
    if person_id is not None:
        subject = Person.objects.filter(pk=person_id).first()
        if subject is None:
            return not_found(request)
        if not scope.person_visible(actor, person_id, start, end):
            return _forbidden(request, _("Cán bộ này không thuộc phạm vi bạn được xem."))
        back = reverse("opinion_backoffice:person", args=[person_id])
    else:
        assert org_id is not None
        subject = Organisation.objects.filter(pk=org_id).first()
        if subject is None:
            return not_found(request)
        if not scope.org_visible(actor, org_id):
            return _forbidden(request, _("Đơn vị này không thuộc phạm vi bạn được xem."))
        back = reverse("opinion_backoffice:org", args=[org_id])
    try:
        result = selectors.measure_items(
            actor=actor,
            person_id=person_id,
            org_id=org_id,
            start=start,
            end=end,
            measure=measure,
        )
    except selectors.BadMeasure:
        context["errors"] = [_("Chỉ số không hợp lệ.")]
        return page(request, "opinion/items.html", context)
    pager = CappedPaginator(result.items, 50).get_page(request.GET.get("page"))
    context.update(
        {
            "subject_obj": subject,
            "label": measure_label(measure),
            "result": result,
            "page": pager,
            "start": start,
            "end": end,
            "back": back + "?" + urlencode({"from": start.isoformat(), "to": end.isoformat()}),
            "finding_labels": {k: _finding_label(k) for k in selectors.FINDINGS},
        }
    )
    return page(request, "opinion/items.html", context)
