"""One exception handler: every failure becomes `{"error": {"code", "message", "fields"?}}`.

ApplicationError (langnghe.core.errors) keeps its code and status; DRF's own exceptions get
stable codes; validation errors list each field's messages with their codes. Messages are in the
request's language (Vietnamese unless the client asks for English)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from langnghe.core.errors import ApplicationError

DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ParseError: "parse_error",
}


def _drf_messages() -> dict[str, str]:
    """Our messages for DRF's own exceptions (DRF has no Vietnamese catalogue)."""
    return {
        "not_authenticated": _(
            "Cần xác thực: gửi kèm tiêu đề Authorization: Token <token> hoặc Api-Key <khóa>."
        ),
        "authentication_failed": _("Thông tin xác thực không hợp lệ hoặc đã bị thu hồi."),
        "not_found": _("Không tìm thấy."),
        "method_not_allowed": _("Phương thức không được hỗ trợ."),
        "not_acceptable": _("Không có định dạng trả về phù hợp (chỉ JSON)."),
        "unsupported_media_type": _("Chỉ nhận dữ liệu JSON (application/json)."),
        "throttled": _("Quá nhiều yêu cầu; vui lòng thử lại sau."),
        "parse_error": _("Dữ liệu JSON không đọc được."),
    }


def _field_messages() -> dict[str, str]:
    """Our messages for DRF's field validation codes."""
    return {
        "required": _("Trường này là bắt buộc."),
        "blank": _("Không được để trống."),
        "null": _("Không được để trống."),
        "max_length": _("Quá dài so với giới hạn cho phép."),
        "min_length": _("Quá ngắn."),
        "max_value": _("Giá trị quá lớn."),
        "min_value": _("Giá trị quá nhỏ."),
        "invalid_choice": _("Giá trị không nằm trong danh sách cho phép."),
        "not_a_list": _("Cần một danh sách."),
        "empty": _("Danh sách không được rỗng."),
        "max_string_length": _("Giá trị quá lớn."),
        "date": _("Cần ngày theo dạng YYYY-MM-DD."),
        "datetime": _("Cần thời điểm theo dạng ISO 8601."),
        "incorrect_type": _("Sai kiểu dữ liệu."),
        "does_not_exist": _("Không tồn tại."),
        "null_characters_not_allowed": _("Có ký tự không hợp lệ (ký tự rỗng)."),
        "surrogate_characters_not_allowed": _("Có ký tự không hợp lệ (mã Unicode lẻ)."),
    }


def _message(code: str, message: str, known: dict[str, str]) -> str:
    if code in known:
        return known[code]
    if code == "invalid" and message.isascii():
        # DRF's English default ("Enter a valid email address."); ours are Vietnamese.
        return _("Giá trị không hợp lệ.")
    return message


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _field_errors(detail: Any) -> dict[str, Any]:
    """DRF's nested ErrorDetail structure as {field: [{"code", "message"}]} (dotted for nesting)."""
    out: dict[str, Any] = {}
    known = _field_messages()

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif (
            isinstance(value, list)
            and value
            and not all(isinstance(v, exceptions.ErrorDetail) for v in value)
        ):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), inner)
        else:
            items = value if isinstance(value, list) else [value]
            for v in items:
                code = getattr(v, "code", "invalid") or "invalid"
                out.setdefault(prefix or "non_field_errors", []).append(
                    {"code": code, "message": _message(code, str(v), known)}
                )

    walk("", detail)
    return out


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    headers: dict[str, str] = {}
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, str(exc.message)), status=exc.http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, OverflowError):
        # A date or number past what Python or the database holds (published_to=9999-12-31 is
        # read as "before 10000-01-01"): bad input, answered in the API's own error shape.
        return Response(
            error_body("invalid", _("Giá trị vượt quá giới hạn cho phép.")),
            status=status.HTTP_400_BAD_REQUEST,
        )
    elif isinstance(exc, RecursionError):
        # Deeply nested JSON ([[[[…]]]] 10 000 levels): json.loads gives up with RecursionError,
        # which DRF's JSONParser does not turn into a ParseError (it catches ValueError only).
        exc = exceptions.ParseError()
    if isinstance(exc, exceptions.ValidationError):
        fields = _field_errors(exc.detail)
        return Response(
            error_body("invalid", _("Dữ liệu không hợp lệ: vui lòng kiểm tra các trường."), fields),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = f"{int(exc.wait)}"
        code = next((c for cls, c in DRF_CODES.items() if isinstance(exc, cls)), "error")
        detail = exc.detail
        message = _drf_messages().get(code) or (
            str(detail) if not isinstance(detail, (dict, list)) else _("Yêu cầu không hợp lệ.")
        )
        return Response(error_body(code, message), status=exc.status_code, headers=headers)
    return None
