from __future__ import annotations

from langnghe.core.errors import ApplicationError


class InspectionError(ApplicationError):
    INVALID_TRANSITION = "inspections.invalid_transition"
    CONFLICT_OF_INTEREST = "inspections.conflict_of_interest"
    BAD_DATE = "inspections.bad_date"
    NOT_READY = "inspections.not_ready"
