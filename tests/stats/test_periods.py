"""Q11-8: the report cadence (month, Q1, 6 months, 9 months, year, ad hoc) as periods."""

from __future__ import annotations

import datetime as dt

import pytest

from langnghe.stats.selectors import PERIOD_KINDS, parse_period, period_choices, period_of


def test_q11_8_cadence_is_month_q1_h1_9m_year_adhoc():
    assert PERIOD_KINDS == ("M", "Q1", "H1", "9M", "Y", "adhoc")


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [
        ("M", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        ("Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("H1", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
        ("9M", dt.date(2026, 1, 1), dt.date(2026, 9, 30)),
        ("Y", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_q11_8_period_bounds(kind, start, end):
    period = period_of(kind, 2026, 2)
    assert (period.start, period.end) == (start, end)
    assert parse_period(period.code) == period


def test_q11_8_adhoc_period_spans_whole_months():
    period = parse_period("2026-03..2026-05")
    assert (period.start, period.end, period.kind) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 5, 31),
        "adhoc",
    )
    assert len(period.months) == 3


def test_period_bounds_are_local_midnights():
    period = period_of("M", 2026, 3)
    assert period.start_at.isoformat() == "2026-03-01T00:00:00+07:00"
    assert period.end_before.isoformat() == "2026-04-01T00:00:00+07:00"


@pytest.mark.parametrize(
    "bad", ["2026-13", "20x6", "2026-q5", "2026-05..2026-03", "2025-11..2026-02", "1899", "x..y"]
)
def test_bad_period_codes_are_refused(bad):
    with pytest.raises(ValueError):
        parse_period(bad)


def test_empty_code_is_this_year():
    today = dt.date(2026, 11, 26)
    assert parse_period("", today).code == "2026"


def test_choices_offer_the_q11_8_periods_of_this_year():
    codes = [code for code, _label in period_choices(dt.date(2026, 11, 26))]
    assert codes[:5] == ["2026", "2026-9m", "2026-h1", "2026-q1", "2025"]
    assert "2026-11" in codes and "2025-12" in codes
