"""The leaders' dashboard at /quan-ly/thong-ke/, the items behind each figure, and exports.

Thin views: a GET form, one selector per block, a template. Anything outside the actor's
subtrees answers 404 (as if it did not exist); an actor without a dashboard role gets 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from langnghe.backoffice.forms import InboxFilterForm
from langnghe.backoffice.viewkit import forbidden
from langnghe.backoffice.viewkit import page as _page
from langnghe.core.errors import ApplicationError
from langnghe.core.paginator import CappedPaginator
from langnghe.core.text import is_digits
from langnghe.handling import selectors as handling_selectors
from langnghe.handling.policy import get_policy
from langnghe.orgs.models import Organisation

from . import charts, exports, selectors, services
from .forms import DrillForm, PeriodForm
from .rules import can


def _forbidden(request: HttpRequest) -> HttpResponse:
    return forbidden(
        request,
        _("Trang thống kê dành cho lãnh đạo, thủ trưởng đơn vị, quản trị và Mặt trận."),
    )


PAGE_SIZE = 50
UNITS_SHOWN = 30


def _scope(request: HttpRequest) -> selectors.Scope:
    """The unit asked for (don_vi), or all of the actor's; 404 when outside their subtrees."""
    raw = request.GET.get("don_vi", "").strip()
    if not raw:
        return selectors.dashboard_scope(actor=request.user)
    if not is_digits(raw) or len(raw) > 18:
        raise Http404
    org = Organisation.objects.filter(pk=int(raw)).first()
    if org is None or not can(request.user, "stats.view_dashboard", org):
        raise Http404
    scope = selectors.dashboard_scope(actor=request.user, org=org)
    if scope.is_empty:
        raise Http404
    return scope


def _period(request: HttpRequest, form: PeriodForm) -> selectors.Period:
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["ky"]))
    return form.period()


def _url(name: str, scope: selectors.Scope, period: selectors.Period, **params: str) -> str:
    query = {"ky": period.code, **params}
    if scope.code:
        query["don_vi"] = scope.code
    return f"{reverse(name)}?{urlencode(query)}"


def _drill(scope: selectors.Scope, period: selectors.Period, **params: str) -> str:
    return _url("stats_backoffice:items", scope, period, **params)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "stats.view_dashboard", None):
        return _forbidden(request)
    scope = _scope(request)
    form = PeriodForm(request.GET)
    period = _period(request, form)
    state, stale = services.rollup_ensure_fresh()

    figs = selectors.figures(scope, period)
    # The open items are counted once, by unit: the units table and the totals share them.
    live_by_unit = selectors.open_counts_by_unit(scope)
    live = selectors.open_counts_total(live_by_unit)
    trend_period = period
    if len(period.months) < 6:
        start = selectors.add_months(period.start, 1 - 12 + len(period.months) - 1)
        trend_period = selectors.Period(start, period.end, period.code, "adhoc")
    months = selectors.figures_by(scope, trend_period, "month")
    trend = charts.columns(
        [
            charts.Group(
                row.key.strftime("%m/%y"),
                (row.figures.received, row.figures.answered),
                (
                    _drill(scope, selectors.parse_period(row.param), do="received"),
                    _drill(scope, selectors.parse_period(row.param), do="answered"),
                ),
            )
            for row in months
        ],
        series=(_("Tiếp nhận"), _("Đã trả lời")),
        label=_("Ý kiến tiếp nhận và đã trả lời theo tháng"),
    )

    def bars(dim: str, param: str, limit: int = 15) -> tuple[Any, list[selectors.Row]]:
        rows = selectors.figures_by(scope, period, dim)
        shown = [r for r in rows if r.figures.received][:limit]
        chart = charts.hbars(
            [
                charts.Bar(r.label, r.figures.received, _drill(scope, period, **{param: r.param}))
                for r in shown
            ],
            label=_("Ý kiến tiếp nhận theo %(dim)s") % {"dim": DIM_LABELS[dim]},
        )
        return chart, rows

    kind_chart, kind_rows = bars("kind", "kind")
    channel_chart, channel_rows = bars("channel", "channel")
    topic_chart, topic_rows = bars("topic", "topic")
    commune_chart, commune_rows = bars("admin_unit", "admin_unit", limit=40)
    units = selectors.units_table(scope, period, live=live_by_unit)
    behind = [u for u in units if u.extra["overdue"]][
        : int(selectors.rulebook().setting("behind_limit", 10))
    ]
    behind_chart = charts.hbars(
        [
            charts.Bar(
                u.label,
                u.extra["overdue"],
                _drill(scope, period, do="overdue", unit=u.param),
            )
            for u in behind
        ],
        label=_("Đơn vị có nhiều ý kiến quá hạn nhất"),
        colour=charts.PALETTE[1],
    )
    bands_chart = charts.hbars(
        [charts.Bar(label, value) for label, value in figs.bands],
        label=_("Phân bố thời gian trả lời"),
        colour=charts.PALETTE[2],
    )
    headline = [
        (_("Tiếp nhận trong kỳ"), figs.received, "received", ""),
        (_("Đã trả lời"), figs.answered, "answered", ""),
        (_("Trả lời đúng hạn"), figs.on_time, "on_time", _percent(figs.on_time_percent)),
        (_("Trả lời trễ hạn"), figs.late, "late", ""),
        (_("Đang quá hạn (hiện tại)"), live.overdue, "overdue", ""),
        (_("Đang xử lý (hiện tại)"), live.open, "open", ""),
        (_("Đã công khai"), figs.published, "published", ""),
        (_("Được mở lại"), figs.reopened, "reopened", ""),
    ]
    context = {
        "scope": scope,
        "period": period,
        "form": form,
        "orgs": selectors.dashboard_orgs_for(actor=request.user),
        "period_choices": selectors.period_choices(),
        "state": state,
        "stale": stale,
        "figs": figs,
        "live": live,
        "headline": [
            {
                "label": label,
                "value": value,
                "measure": m,
                "href": _drill(scope, period, do=m),
                "note": note,
            }
            for label, value, m, note in headline
        ],
        "trend": trend,
        "months": months,
        "kind_chart": kind_chart,
        "kind_rows": kind_rows,
        "channel_chart": channel_chart,
        "channel_rows": channel_rows,
        "topic_chart": topic_chart,
        "topic_rows": topic_rows,
        "commune_chart": commune_chart,
        "commune_rows": commune_rows,
        "units": units[:UNITS_SHOWN],
        "units_more": max(len(units) - UNITS_SHOWN, 0),
        "behind_chart": behind_chart,
        "bands_chart": bands_chart,
        "rated_link": _drill(scope, period, do="rated"),
        "satisfied_min": selectors.satisfied_min_rating(),
        "commitments": selectors.dialogue_commitments(scope),
        "quotas": selectors.reception_quotas(actor=request.user, period=period),
        "accountability": selectors.accountability_status(actor=request.user, period=period),
        "sealed_excluded": any(not s for _p, s in scope.paths),
        "export_csv": _url("stats_backoffice:figures_export", scope, period, dinh_dang="csv"),
        "export_xlsx": _url("stats_backoffice:figures_export", scope, period, dinh_dang="xlsx"),
        "can_refresh": can(request.user, "stats.refresh", None),
        "base_query": urlencode(
            {"ky": period.code, **({"don_vi": scope.code} if scope.code else {})}
        ),
    }
    for row in units[:UNITS_SHOWN]:
        row.extra["href_received"] = _drill(scope, period, do="received", unit=row.param)
        row.extra["href_overdue"] = _drill(scope, period, do="overdue", unit=row.param)
        row.extra["href_late"] = _drill(scope, period, do="late", unit=row.param)
    return _page(request, "stats/backoffice/dashboard.html", context)


DIM_LABELS = {
    "kind": _("loại"),
    "channel": _("kênh"),
    "topic": _("lĩnh vực"),
    "admin_unit": _("xã, phường"),
    "unit": _("đơn vị"),
    "month": _("tháng"),
}

MEASURE_LABELS = {
    "received": _("Tiếp nhận trong kỳ"),
    "answered": _("Đã trả lời trong kỳ"),
    "on_time": _("Trả lời đúng hạn trong kỳ"),
    "late": _("Trả lời trễ hạn trong kỳ"),
    "published": _("Công khai trong kỳ"),
    "reopened": _("Tiếp nhận trong kỳ và đã được mở lại"),
    "rated": _("Được người gửi đánh giá trong kỳ"),
    "open": _("Đang xử lý (hiện tại)"),
    "overdue": _("Đang quá hạn (hiện tại)"),
}


def _drill_items(request: HttpRequest) -> tuple[Any, ...]:
    scope = _scope(request)
    form = DrillForm(request.GET)
    if not form.is_valid():
        bad = ", ".join(str(form.fields[name].label or name) for name in form.errors)
        messages.error(request, _("Bỏ qua bộ lọc không hợp lệ: %(names)s.") % {"names": bad})
    period = form.cleaned_data.get("ky") if form.is_valid() else selectors.parse_period("")
    if not isinstance(period, selectors.Period):
        period = selectors.parse_period("")
    filters = form.drill_filters()
    items = selectors.items_behind(actor=request.user, scope=scope, period=period, filters=filters)
    return scope, period, filters, items


@login_required
@require_GET
def items(request: HttpRequest) -> HttpResponse:
    """The items behind one figure, as many as the actor may open (visible_items_q)."""
    if not can(request.user, "stats.view_dashboard", None):
        return _forbidden(request)
    scope, period, filters, qs = _drill_items(request)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    policy = get_policy()
    for item in page.object_list:
        item.status_label = handling_selectors.status_label(item, policy)
    params = filters.as_params()
    shown_period = period
    if filters.month is not None and period.start <= filters.month <= period.end:
        shown_period = selectors.period_of("M", filters.month.year, filters.month.month)
    context = {
        "scope": scope,
        "period": shown_period,
        "filters": filters,
        "measure_label": MEASURE_LABELS.get(filters.measure, filters.measure),
        "page": page,
        "today": timezone.localdate(),
        "back": _url("stats_backoffice:dashboard", scope, period),
        "export_csv": _url(
            "stats_backoffice:items_export", scope, period, dinh_dang="csv", **params
        ),
        "export_xlsx": _url(
            "stats_backoffice:items_export", scope, period, dinh_dang="xlsx", **params
        ),
    }
    return _page(request, "stats/backoffice/items.html", context)


def _format(request: HttpRequest) -> str:
    fmt = request.GET.get("dinh_dang", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return fmt


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


@login_required
@require_GET
def items_export(request: HttpRequest) -> Any:
    if not can(request.user, "stats.view_dashboard", None):
        return _forbidden(request)
    fmt = _format(request)
    _scope_, _period_, _filters, qs = _drill_items(request)
    rows = exports.item_rows(
        qs[: exports.EXPORT_MAX_ROWS].iterator(chunk_size=2000), with_title=True
    )
    headers = exports.item_headers(with_title=True)
    name = f"y-kien-{_stamp()}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(name, headers, rows)
    return exports.xlsx_response(name, headers, rows)


@login_required
@require_GET
def inbox_export(request: HttpRequest) -> Any:
    """The back-office inbox with its current filters (the same GET parameters), as CSV/XLSX."""
    fmt = _format(request)
    form = InboxFilterForm(request.GET, actor=request.user)
    qs = handling_selectors.inbox_items_for(actor=request.user, filters=form.filters())
    rows = exports.item_rows(
        qs.select_related("admin_unit")[: exports.EXPORT_MAX_ROWS].iterator(chunk_size=2000),
        with_title=True,
    )
    headers = exports.item_headers(with_title=True)
    name = f"hop-thu-{_stamp()}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(name, headers, rows)
    return exports.xlsx_response(name, headers, rows)


FIGURE_HEADERS = [
    "unit",
    "received",
    "answered",
    "answered_on_time",
    "answered_late",
    "on_time_percent",
    "average_days",
    "published",
    "rated",
    "average_rating",
    "satisfied_percent",
    "reopened",
    "open_now",
    "overdue_now",
]


@login_required
@require_GET
def figures_export(request: HttpRequest) -> Any:
    """The dashboard's figures per unit (and the total) for the period."""
    if not can(request.user, "stats.view_dashboard", None):
        return _forbidden(request)
    fmt = _format(request)
    scope = _scope(request)
    period = PeriodForm(request.GET).period()
    services.rollup_ensure_fresh()
    total = selectors.figures(scope, period)
    live_by_unit = selectors.open_counts_by_unit(scope)
    live = selectors.open_counts_total(live_by_unit)

    def line(label: str, figs: selectors.Figures, open_: int, overdue: int) -> list[Any]:
        data = figs.as_dict()
        return [label, *(data[h] for h in FIGURE_HEADERS[1:12]), open_, overdue]

    rows = [line(str(_("Tổng cộng")), total, live.open, live.overdue)]
    for r in selectors.units_table(scope, period, live=live_by_unit):
        rows.append(line(r.label, r.figures, r.extra["open"], r.extra["overdue"]))
    name = f"so-lieu-{period.code.replace('..', '_')}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(name, FIGURE_HEADERS, rows)
    return exports.xlsx_response(name, FIGURE_HEADERS, rows)


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    try:
        state = services.rollup_refresh(actor=request.user)
    except ApplicationError as exc:
        if exc.http_status == 403:
            return _forbidden(request)
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Đã cập nhật số liệu (%(s)s giây).") % {"s": f"{state.seconds:.1f}"},
        )
    target = request.POST.get("next", "")
    if not target.startswith("/quan-ly/thong-ke/") or "//" in target:
        target = reverse("stats_backoffice:dashboard")
    return redirect(target)
