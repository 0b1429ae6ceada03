"""A number past what the database can hold is bad input, not a server error (tests/hostile:
Django's multiple-choice fields query with the raw id, and SQLite overflows past 2**63)."""

from __future__ import annotations

import json

from django.test import RequestFactory

from langnghe.core.middleware import ApplicationErrorMiddleware


def test_an_overflowing_number_answers_400_not_500():
    middleware = ApplicationErrorMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    page = middleware.process_exception(
        RequestFactory().post("/quan-ly/giam-sat/"), OverflowError()
    )
    assert page is not None and page.status_code == 400
    api = middleware.process_exception(RequestFactory().post("/api/v1/items/"), OverflowError())
    assert api is not None and api.status_code == 400 and api["Content-Type"] == "application/json"
    assert json.loads(api.content)["error"]["code"] == "invalid"
    assert middleware.process_exception(RequestFactory().get("/"), KeyError()) is None
