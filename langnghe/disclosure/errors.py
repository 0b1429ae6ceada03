from __future__ import annotations

from langnghe.core.errors import ApplicationError


class DisclosureError(ApplicationError):
    INVALID_STATE = "disclosure.invalid_state"
    BAD_DATE = "disclosure.bad_date"
    TOO_SHORT = "disclosure.too_short"
    WINDOW_CLOSED = "disclosure.window_closed"
    NO_RECEIVER = "disclosure.no_receiver"
    DUPLICATE = "disclosure.duplicate"
