"""Open311 GeoReport v2 at /open311/v2/: XML and JSON exactly as the specification defines them
(http://wiki.open311.org/GeoReport_v2): element names, W3C dates with their offset, errors as
`[{"code", "description"}]` / `<errors><error>…`, the 90-day window and the 1000-request limit."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from langnghe.core.errors import ApplicationError
from langnghe.core.text import xml_text
from langnghe.handling.selectors import state_label
from langnghe.intake.models import Kind

from . import selectors
from .models import Integration
from .services import Open311Error, RequestInput, integration_for_key, service_request_create
from .throttling import Open311Throttle

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-26T00:00:00+07:00"
FORMATS = {"json": "application/json", "xml": "text/xml"}
MAX_IDS = 1000
GROUP = "Lắng Nghe"


# -- rendering -----------------------------------------------------------------------------------


def w3c(value: dt.datetime | None) -> str | None:
    """A W3C datetime in the deployment's zone with its offset: 2026-03-06T09:30:00+07:00."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _due(day: dt.date | None) -> str | None:
    """A due date as the end of that day, local time (the law counts whole days)."""
    if day is None:
        return None
    end = dt.datetime.combine(day, dt.time(23, 59, 59), timezone.get_current_timezone())
    return end.isoformat()


def _xml_value(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, bool):
        element.text = "true" if value else "false"
    elif isinstance(value, list):
        child_name = {"formats": "format", "values": "value", "attributes": "attribute"}.get(
            name, name.rstrip("s")
        )
        for entry in value:
            if isinstance(entry, dict):
                child = ET.SubElement(element, child_name)
                for key, inner in entry.items():
                    _xml_value(child, key, inner)
            else:
                _xml_value(element, child_name, entry)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(element, key, inner)
    elif value is not None:
        # A sender's text may carry characters XML 1.0 cannot hold; one would make the whole
        # answer unreadable to an XML parser. JSON escapes them; XML drops them.
        element.text = xml_text(value)


def _xml(root: str, child: str | None, payload: Any) -> bytes:
    element = ET.Element(root)
    if child is None:
        for key, value in payload.items():
            _xml_value(element, key, value)
    else:
        for entry in payload:
            node = ET.SubElement(element, child)
            for key, value in entry.items():
                _xml_value(node, key, value)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode()


def _respond(
    fmt: str, payload: Any, root: str, child: str | None, status: int = 200
) -> HttpResponse:
    if fmt == "xml":
        response = HttpResponse(
            _xml(root, child, payload), content_type="text/xml; charset=utf-8", status=status
        )
    else:
        response = JsonResponse(
            payload,
            safe=False,
            status=status,
            json_dumps_params={"ensure_ascii": False},
            content_type="application/json; charset=utf-8",
        )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def spec_error(fmt: str, status: int, description: str) -> HttpResponse:
    """The spec's error body: ``[{"code", "description"}]`` / ``<errors><error>…``."""
    return _respond(
        fmt, [{"code": status, "description": description}], "errors", "error", status=status
    )


def _endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return _endpoint_for(("GET",))(view)


def _endpoint_for(
    allowed: tuple[str, ...],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Language from Accept-Language (Vietnamese by default); known failures in the spec's error
    format with their status; never a 500 for bad input."""
    return lambda view: _wrap(view, allowed)


def _wrap(
    view: Callable[..., HttpResponse], allowed: tuple[str, ...]
) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, fmt: str, *args: Any, **kwargs: Any) -> HttpResponse:
        accept = request.META.get("HTTP_ACCEPT_LANGUAGE", "").strip().lower()
        if accept:
            translation.activate("en" if accept.startswith("en") else "vi")
        # HEAD is answered as GET; the HTTP server sends the headers only.
        head = request.method == "HEAD" and "GET" in allowed
        if request.method not in allowed and not head:
            response = spec_error(fmt, 405, _("Phương thức không được hỗ trợ."))
            response["Allow"] = ", ".join((*allowed, "HEAD") if "GET" in allowed else allowed)
            return response
        try:
            throttle = Open311Throttle(
                write=request.method == "POST", integration=_key_integration(request)
            )
            if not throttle.allow_request(request, None):
                response = spec_error(fmt, 429, _("Quá nhiều yêu cầu; vui lòng thử lại sau."))
                response["Retry-After"] = str(math.ceil(throttle.wait() or 1))
                return response
            response = view(request, fmt, *args, **kwargs)
        except ApplicationError as exc:
            return spec_error(fmt, exc.http_status, str(exc.message))
        except OverflowError:
            # A date or number past what Python or the database holds (start_date=9999-12-31…).
            return spec_error(fmt, 400, _("Giá trị vượt quá giới hạn cho phép."))
        except (SuspiciousOperation, MultiPartParserError, BadRequest):
            # A body Django cannot read (multipart without its boundary, too many fields).
            return spec_error(fmt, 400, _("Không đọc được dữ liệu gửi lên."))
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(wrapped)


def _param(request: HttpRequest, name: str) -> str:
    source = request.POST if request.method == "POST" else request.GET
    value = source.get(name, "")
    value = value if isinstance(value, str) else ""
    if "\x00" in value:  # PostgreSQL text cannot hold NUL: the query would fail (a 500)
        raise Open311Error(
            Open311Error.INVALID, _("Tham số %(name)s có ký tự không hợp lệ.") % {"name": name}
        )
    return value


_KEY_LOOKUP = "_open311_integration"


def _raw_key(request: HttpRequest) -> str:
    return _param(request, "api_key") or request.headers.get("X-Api-Key", "")


def _key_integration(request: HttpRequest) -> Integration | None:
    """The integration whose key the request carries (None without a key or with a wrong one),
    looked up once per request: by the limits first, then by the view."""
    if not hasattr(request, _KEY_LOOKUP):
        raw = _raw_key(request)
        setattr(request, _KEY_LOOKUP, integration_for_key(raw) if raw else None)
    found: Integration | None = getattr(request, _KEY_LOOKUP)
    return found


def _integration(request: HttpRequest, *, required: bool) -> Integration | None:
    if not _raw_key(request):
        if required:
            raise Open311Error(Open311Error.API_KEY, _("Cần api_key để gửi yêu cầu."), status=403)
        return None
    integration = _key_integration(request)
    if integration is None:
        raise Open311Error(
            Open311Error.API_KEY, _("api_key không hợp lệ hoặc đã bị thu hồi."), status=403
        )
    return integration


def _jurisdiction(request: HttpRequest) -> str | None:
    """jurisdiction_id is optional: one endpoint serves every unit of the deployment. Given, it
    must be a unit's slug, and the requests read are those received or handled within that unit
    (its materialised path, so a province's id covers its communes). Returns that path."""
    from langnghe.orgs.models import Organisation

    value = _param(request, "jurisdiction_id")
    if not value:
        return None
    path = Organisation.objects.filter(slug=value[:80]).values_list("path", flat=True).first()
    if path is None:
        raise Open311Error(
            Open311Error.JURISDICTION, _("jurisdiction_id không tồn tại."), status=404
        )
    return path


# -- discovery and services ----------------------------------------------------------------------


@_endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    payload = {
        "changeset": CHANGESET,
        "contact": _("Liên hệ văn phòng của đơn vị tiếp nhận ý kiến."),
        "key_service": _(
            "Khóa api_key do quản trị hệ thống của đơn vị tiếp nhận cấp cho từng hệ thống kết nối."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": list(FORMATS.values()),
            }
        ],
    }
    return _respond(fmt, payload, "discovery", None)


def _service(topic: Any) -> dict[str, Any]:
    return {
        "service_code": topic.code,
        "service_name": str(topic),
        "description": _("Phản ánh, kiến nghị về lĩnh vực: %(name)s") % {"name": str(topic)},
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys([topic.name_vi, topic.name_en])),
        "group": GROUP,
    }


@_endpoint
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    _jurisdiction(request)
    return _respond(fmt, [_service(t) for t in selectors.services()], "services", "service")


@_endpoint
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    _jurisdiction(request)
    topic = selectors.service_by_code(code)
    if topic is None:
        raise Open311Error(Open311Error.SERVICE, _("service_code không tồn tại."), status=404)
    labels = dict(Kind.choices)
    payload = {
        "service_code": topic.code,
        "attributes": [
            {
                "variable": True,
                "code": "kind",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("Loại ý kiến; mặc định: %(kind)s.")
                % {"kind": labels[selectors.offered_kinds()[0]]},
                "order": 1,
                "description": _("Loại ý kiến"),
                "values": [
                    {"key": kind, "name": str(labels[kind])} for kind in selectors.offered_kinds()
                ],
            }
        ],
    }
    return _respond(fmt, payload, "service_definition", None)


# -- requests ------------------------------------------------------------------------------------


def _request(row: selectors.RequestRow, integration: Integration | None) -> dict[str, Any]:
    own = selectors.is_own(row, integration)
    detail = (row.channel_detail or {}).get("open311", {}) if own else {}
    if not row.is_open:
        notes = (row.answer_sent or row.public_answer) if own else row.public_answer
    else:
        notes = ""
    notes = notes or state_label(row.workflow, row.status)
    english = (translation.get_language() or "vi").startswith("en")
    return {
        "service_request_id": row.code,
        "status": "open" if row.is_open else "closed",
        "status_notes": notes,
        "service_name": (row.topic_name_en if english else row.topic_name_vi) or "",
        "service_code": row.topic_code or "",
        "description": row.body if own else row.public_summary,
        "agency_responsible": row.handling_org_name or "",
        "service_notice": "",
        "requested_datetime": w3c(row.received_at),
        "updated_datetime": w3c(row.updated_at or row.received_at),
        "expected_datetime": _due(row.resolution_deadline or row.due_on) if row.is_open else None,
        "address": row.location_text if own else "",
        "address_id": detail.get("address_id", ""),
        "zipcode": "",
        "lat": detail.get("lat"),
        "long": detail.get("long"),
        "media_url": detail.get("media_url", ""),
    }


def _when(value: str, name: str) -> dt.datetime:
    value = value.strip()[:40]
    parsed: dt.datetime | None = None
    try:
        if "T" in value:
            # A "+" in a query string arrives as a space.
            parsed = parse_datetime(value.replace(" ", "+"))
        elif len(value) == 10:
            day = parse_date(value)
            parsed = dt.datetime.combine(day, dt.time.min) if day else None
    except ValueError:  # well-formed but impossible: month 13
        parsed = None
    if parsed is None:
        raise Open311Error(
            Open311Error.INVALID,
            _("%(name)s phải theo định dạng W3C, ví dụ 2026-03-06T00:00:00+07:00.")
            % {"name": name},
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    # A time whose UTC falls outside years 1–9999 (0001-01-01T00:00:00+07:00) cannot be stored or
    # compared by either database: OverflowError, answered by _wrap, on both engines alike.
    parsed.astimezone(dt.UTC)
    return parsed


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _window(raw_start: str, raw_end: str, window: dt.timedelta) -> tuple[dt.datetime, dt.datetime]:
    """The spec's date range: the last `window` by default; one end given, the other follows;
    never longer than `window`."""
    start = _when(raw_start, "start_date") if raw_start else None
    end = _when(raw_end, "end_date") if raw_end else None
    if start is None and end is None:
        end = timezone.now()
        start = end - window
    elif start is None:
        assert end is not None
        start = end - window
    elif end is None:
        end = start + window
    if start > end:
        raise Open311Error(Open311Error.INVALID, _("start_date phải trước end_date."))
    if end - start > window:
        raise Open311Error(
            Open311Error.INVALID,
            _("Khoảng thời gian không được quá %(n)d ngày.") % {"n": window.days},
        )
    return start, end


def _requests_get(request: HttpRequest, fmt: str) -> HttpResponse:
    within = _jurisdiction(request)
    integration = _integration(request, required=False)
    book = selectors.rulebook()
    window = dt.timedelta(days=int(book.rule("request_window").value or 90))
    limit = int(book.rule("max_requests").value or 1000)
    ids = _list(_param(request, "service_request_id"))
    if ids:
        # The spec: service_request_id overrides every other parameter.
        items = selectors.requests_by_ids(integration, ids[:MAX_IDS], within=within)
    else:
        statuses = _list(_param(request, "status").lower())
        if any(s not in ("open", "closed") for s in statuses):
            raise Open311Error(Open311Error.INVALID, _("status chỉ nhận open hoặc closed."))
        start, end = _window(_param(request, "start_date"), _param(request, "end_date"), window)
        items = selectors.requests_filtered(
            integration,
            service_codes=_list(_param(request, "service_code")),
            statuses=statuses,
            start=start,
            end=end,
            limit=limit,
            within=within,
        )
    return _respond(fmt, [_request(i, integration) for i in items], "service_requests", "request")


def _requests_post(request: HttpRequest, fmt: str) -> HttpResponse:
    integration = _integration(request, required=True)
    assert integration is not None
    attributes = {}
    for key in request.POST:
        if key.startswith("attribute[") and key.endswith("]"):
            attributes[key[10:-1]] = _param(request, key)
            if "\x00" in key:  # PostgreSQL's JSON cannot hold NUL (the insert would fail)
                raise Open311Error(Open311Error.INVALID, _("Tên thuộc tính có ký tự không hợp lệ."))
    fields = {
        name: _param(request, name)
        for name in RequestInput.__dataclass_fields__
        if name != "attributes"
    }
    created = service_request_create(
        integration=integration, data=RequestInput(**fields, attributes=attributes)
    )
    payload = [
        {
            "service_request_id": created.item.code,
            "token": created.token,
            "service_notice": _(
                "Đã tiếp nhận. Mã tra cứu %(code)s; đơn vị xử lý sẽ trả lời trong thời hạn luật định."
            )
            % {"code": created.item.code},
            "account_id": _param(request, "account_id") or None,
        }
    ]
    return _respond(fmt, payload, "service_requests", "request", status=201)


@_endpoint_for(("GET", "POST"))
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _requests_post(request, fmt)
    return _requests_get(request, fmt)


@_endpoint
def request_detail(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    within = _jurisdiction(request)
    integration = _integration(request, required=False)
    found = selectors.requests_by_ids(integration, [code[:20]], within=within)
    item = found[0] if found else None
    if item is None:
        raise Open311Error(Open311Error.NOT_FOUND, _("Không tìm thấy yêu cầu."), status=404)
    return _respond(fmt, [_request(item, integration)], "service_requests", "request")


@_endpoint
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    _jurisdiction(request)
    from .models import ServiceRequest

    found = (
        ServiceRequest.objects.select_related("item")
        .filter(token=token[:40])
        .exclude(item__kind__in=list(selectors.sealed_kinds()))
        .first()
    )
    if found is None:
        raise Open311Error(Open311Error.NOT_FOUND, _("Không tìm thấy token."), status=404)
    return _respond(
        fmt,
        [{"service_request_id": found.item.code, "token": found.token}],
        "service_requests",
        "request",
    )
