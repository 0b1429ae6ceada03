"""Errors of meetings with the people: codes in the ApplicationError family."""

from __future__ import annotations

from langnghe.core.errors import ApplicationError


class MeetingsError(ApplicationError):
    INVALID_TRANSITION = "meetings.invalid_transition"
    BAD_DATE = "meetings.bad_date"
    DUPLICATE_PLAN = "meetings.duplicate_plan"
    CLOSED = "meetings.closed"
    BAD_VOTER_KEY = "meetings.bad_voter_key"
    ALREADY_SUPPORTED = "meetings.already_supported"
    REQUIRED = "meetings.required"
    TOO_LONG = "meetings.too_long"
