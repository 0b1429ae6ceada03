"""The public scoreboard at /thong-ke/ and the open data (figures per unit, published items).

Anyone may read these: aggregates of non-sealed kinds only, a rate or a rank only above the
minimum sample, and published items with their public text only — no personal data.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from langnghe.core.text import is_digits

from . import exports, selectors, services
from .forms import PeriodForm

CACHE_SECONDS = 60
ITEMS_PAGE = 500

UNIT_FIELDS = [
    ("period", _("Mã kỳ (2026, 2026-q1, 2026-03…)")),
    ("period_start", _("Ngày đầu kỳ")),
    ("period_end", _("Ngày cuối kỳ")),
    ("unit", _("Mã đơn vị (đường dẫn /don-vi/<mã>/)")),
    ("unit_name", _("Tên đơn vị xử lý")),
    ("rank", _("Thứ hạng theo tỷ lệ đúng hạn (trống khi chưa đủ mẫu)")),
    ("comparable", _("Đủ số ý kiến để so sánh")),
    ("received", _("Số ý kiến tiếp nhận trong kỳ")),
    ("answered", _("Số ý kiến đã trả lời trong kỳ")),
    ("answered_on_time", _("Số ý kiến trả lời đúng hạn")),
    ("answered_late", _("Số ý kiến trả lời trễ hạn")),
    ("on_time_percent", _("Tỷ lệ đúng hạn, % (trống khi chưa đủ mẫu)")),
    ("average_days", _("Số ngày trả lời trung bình (trống khi chưa đủ mẫu)")),
    ("published", _("Số trả lời được công khai trong kỳ")),
    ("rated", _("Số lượt người gửi đánh giá")),
    ("average_rating", _("Điểm đánh giá trung bình 1–5 (trống khi chưa đủ mẫu)")),
    ("satisfied_percent", _("Tỷ lệ hài lòng, % (trống khi chưa đủ mẫu)")),
    ("reopened", _("Số ý kiến tiếp nhận trong kỳ đã được mở lại")),
]
ITEM_FIELDS = [
    ("code", _("Mã tra cứu")),
    ("kind", _("Loại (suggestion, feedback, recommendation, complaint)")),
    ("kind_name", _("Tên loại")),
    ("topic", _("Lĩnh vực")),
    ("unit", _("Mã đơn vị xử lý")),
    ("unit_name", _("Tên đơn vị xử lý")),
    ("commune", _("Xã, phường nơi phát sinh")),
    ("received_on", _("Ngày tiếp nhận")),
    ("answered_on", _("Ngày trả lời (kết thúc)")),
    ("on_time", _("Trả lời đúng hạn")),
    ("published_on", _("Ngày công khai")),
    ("public_summary", _("Tóm tắt công khai")),
    ("public_answer", _("Trả lời công khai")),
]


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


def _period(request: HttpRequest) -> tuple[selectors.Period, PeriodForm]:
    form = PeriodForm(request.GET)
    return form.period(), form


def _cached(key: str, build: Any) -> Any:
    value = cache.get(key)
    if value is None:
        services.rollup_ensure_fresh()
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value


@require_GET
def scoreboard(request: HttpRequest) -> HttpResponse:
    period, form = _period(request)
    total, ranked, small = _cached(
        f"stats:scoreboard:{period.code}:{get_language()}", lambda: selectors.scoreboard(period)
    )
    rule = selectors.rulebook().rule("min_sample")
    context = {
        "period": period,
        "form": form,
        "period_choices": selectors.period_choices(),
        "total": total,
        "ranked": ranked,
        "small": small,
        "min_sample": selectors.min_sample(),
        "min_sample_configurable": rule.configurable,
        "csv_url": f"{reverse('stats_portal:figures_csv')}?ky={period.code}",
        "json_url": f"{reverse('stats_portal:figures_json')}?ky={period.code}",
    }
    return _public(render(request, "stats/portal/scoreboard.html", context))


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    context = {"unit_fields": UNIT_FIELDS, "item_fields": ITEM_FIELDS}
    return _public(render(request, "stats/portal/open_data.html", context))


def _unit_rows(period: selectors.Period) -> list[dict[str, Any]]:
    return _cached(f"stats:opendata:{period.code}", lambda: selectors.public_unit_figures(period))


@require_GET
def figures_csv(request: HttpRequest) -> Any:
    period, _form = _period(request)
    rows = _unit_rows(period)
    keys = [k for k, _label in UNIT_FIELDS]
    response = exports.csv_response(
        f"thong-ke-{period.code.replace('..', '_')}.csv",
        keys,
        ([("" if r[k] is None else r[k]) for k in keys] for r in rows),
    )
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline"
    )
    return _public(response)


@require_GET
def figures_json(request: HttpRequest) -> HttpResponse:
    period, _form = _period(request)
    total, _ranked, _small = _cached(
        f"stats:scoreboard:{period.code}:{get_language()}", lambda: selectors.scoreboard(period)
    )
    body = {
        "period": period.code,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "min_sample": selectors.min_sample(),
        "generated_at": timezone.now().isoformat(),
        "total": total.as_dict(),
        "units": _unit_rows(period),
        "fields": {k: str(label) for k, label in UNIT_FIELDS},
    }
    return _public(JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1}))


def _item_dict(item: Any) -> dict[str, Any]:
    closed_on = getattr(item, "closed_on", None)
    return {
        "code": item.code,
        "kind": item.kind,
        "kind_name": str(item.get_kind_display()),
        "topic": str(item.topic) if item.topic_id else "",
        "unit": item.handling_org.slug if item.handling_org_id else "",
        "unit_name": item.handling_org.name if item.handling_org_id else "",
        "commune": item.admin_unit.name if item.admin_unit_id else "",
        "received_on": timezone.localtime(item.received_at).date().isoformat(),
        "answered_on": closed_on.isoformat() if closed_on else None,
        "on_time": item.closed_on_time,
        "published_on": (
            timezone.localtime(item.published_at).date().isoformat() if item.published_at else None
        ),
        "public_summary": item.public_summary,
        "public_answer": item.public_answer,
    }


def _items_period(request: HttpRequest) -> selectors.Period | None:
    if not request.GET.get("ky"):
        return None
    return PeriodForm(request.GET).period()


@require_GET
def items_csv(request: HttpRequest) -> Any:
    qs = selectors.published_items(_items_period(request))
    keys = [k for k, _label in ITEM_FIELDS]

    def rows() -> Any:
        for item in qs.iterator(chunk_size=2000):
            data = _item_dict(item)
            yield [("" if data[k] is None else data[k]) for k in keys]

    response = exports.csv_response("y-kien-cong-khai.csv", keys, rows())
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline"
    )
    return _public(response)


@require_GET
def items_json(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("trang", "1")
    page = int(raw) if is_digits(raw) and 0 < len(raw) < 7 else 1
    page = max(page, 1)
    qs = selectors.published_items(_items_period(request))
    chunk = list(qs[(page - 1) * ITEMS_PAGE : page * ITEMS_PAGE + 1])
    more = len(chunk) > ITEMS_PAGE
    params = request.GET.copy()
    params["trang"] = str(page + 1)
    body = {
        "page": page,
        "page_size": ITEMS_PAGE,
        "next": f"{request.path}?{params.urlencode()}" if more else None,
        "items": [_item_dict(i) for i in chunk[:ITEMS_PAGE]],
        "fields": {k: str(label) for k, label in ITEM_FIELDS},
    }
    return _public(
        HttpResponse(
            json.dumps(body, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    )
