"""Errors of party discipline: codes in the ApplicationError family."""

from __future__ import annotations

from langnghe.core.errors import ApplicationError


class DisciplineError(ApplicationError):
    FORM_NOT_ALLOWED = "discipline.form_not_allowed"  # KT-8
    NOT_A_MEMBER = "discipline.not_a_member"
    NO_POST = "discipline.no_post"
    BAD_SUBJECT = "discipline.bad_subject"
    BAD_BODY = "discipline.bad_body"
    COMPETENCE = "discipline.competence"  # KT-11, when configured locally
    KT4 = "discipline.kt4"
    INVALID_TRANSITION = "discipline.invalid_transition"
    BAD_DATE = "discipline.bad_date"
    REQUIRED = "discipline.required"
    TOO_LONG = "discipline.too_long"
    NOTICE_NOT_NEEDED = "discipline.notice_not_needed"  # KT-3: not a party member
    NO_PARTY_ORG = "discipline.no_party_org"
    BAD_ISSUER = "discipline.bad_issuer"
    BAD_MEASURE = "discipline.bad_measure"
