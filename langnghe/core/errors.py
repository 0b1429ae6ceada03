"""One error family with codes, mapped once to HTTP statuses and messages (Zulip JsonableError)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A failure the user can understand: a code, a translated message and an HTTP status."""

    http_status = 400
    default_message: str | Promise = _("Yêu cầu không hợp lệ.")

    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"

    def __init__(self, code: str = INVALID, message: str | Promise | None = None, **params: object):
        self.code = code
        self.message = message if message is not None else self.default_message
        self.params = params
        super().__init__(f"{code}: {self.message}")


class NotFound(ApplicationError):
    """Missing and forbidden look the same to the caller (Zulip access_stream_by_id)."""

    http_status = 404
    default_message = _("Không tìm thấy.")

    def __init__(self, message: str | Promise | None = None):
        super().__init__(ApplicationError.NOT_FOUND, message)


class PermissionDenied(ApplicationError):
    http_status = 403
    default_message = _("Bạn không có quyền thực hiện việc này.")

    def __init__(self, message: str | Promise | None = None):
        super().__init__(ApplicationError.FORBIDDEN, message)


class IntakeError(ApplicationError):
    EMPTY_BODY = "intake.empty_body"
    BODY_TOO_LONG = "intake.body_too_long"
    BAD_ATTACHMENT = "intake.bad_attachment"
    TOO_MANY_ATTACHMENTS = "intake.too_many_attachments"
    BAD_GROUP = "intake.bad_group"
    BAD_RECEIPT = "intake.bad_receipt"


class HandlingError(ApplicationError):
    INVALID_TRANSITION = "handling.invalid_transition"
    CONFLICT_OF_INTEREST = "handling.conflict_of_interest"
    ALREADY_FORWARDED = "handling.already_forwarded"
    NO_ROUTE = "handling.no_route"
    REASON_REQUIRED = "handling.reason_required"
    NOT_ANSWERED = "handling.not_answered"
