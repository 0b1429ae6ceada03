"""Working-day calendar: each deadline test names the domain/RULES.md rule it serves.

Holiday facts come from domain/data/holidays_check.md (holidays==0.109). Every expected
date below was counted by hand; the comments show the count.
"""

import datetime as dt
import random
from types import SimpleNamespace

import pytest

from langnghe.core import calendar as calendar_module
from langnghe.core.calendar import (
    DEFAULT_OVERRIDES_FILE,
    HolidayOverride,
    OverrideAction,
    WorkingCalendar,
    get_calendar,
    load_overrides,
)

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    """The calendar as deployed: library holidays + the shipped override table."""
    return WorkingCalendar(overrides=load_overrides(DEFAULT_OVERRIDES_FILE))


# -- working-day limits ("wd") ---------------------------------------------------------


def test_tcd_11_reply_within_10_wd_skips_tet_2026(cal):
    """TCD-11: reply ≤ 10 WD from receipt; received Fri 13/2/2026, just before Tết."""
    # Sat 14–Sun 15 weekend; Mon 16–Fri 20 Tết; Sat 21–Sun 22 weekend;
    # Mon 23/2 (1) … Fri 27/2 (5); Mon 2/3 (6) … Fri 6/3 (10).
    assert cal.add_working_days(D(2026, 2, 13), 10) == D(2026, 3, 6)
    assert cal.add(D(2026, 2, 13), 10, "wd") == D(2026, 3, 6)
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)


def test_q11_7_written_notice_within_10_wd_across_gio_to_and_30_4(cal):
    """Q11-7: written notice ≤ 10 WD; received Fri 24/4/2026."""
    # Sat 25; Sun 26 Giỗ Tổ; Mon 27 nghỉ bù; Tue 28 (1); Wed 29 (2); Thu 30/4 and Fri
    # 1/5 holidays; Sat 2–Sun 3; Mon 4/5 (3) … Fri 8/5 (7); Mon 11 (8); Tue 12 (9); Wed
    # 13/5 (10).
    assert cal.add(D(2026, 4, 24), 10, "wd") == D(2026, 5, 13)


def test_tc_2_initial_processing_7_wd_extendable_to_10_wd(cal):
    """TC-2: ≤ 07 WD, extendable to ≤ 10 WD; denunciation received Thu 27/8/2026."""
    # Fri 28 (1); Sat 29–Sun 30; Mon 31/8, Tue 1/9, Wed 2/9 Quốc khánh; Thu 3 (2); Fri 4
    # (3); Mon 7 (4); Tue 8 (5); Wed 9 (6); Thu 10/9 (7); Fri 11 (8); Mon 14 (9); Tue
    # 15/9 (10).
    assert cal.add(D(2026, 8, 27), 7, "wd") == D(2026, 9, 10)
    assert cal.add(D(2026, 8, 27), 10, "wd") == D(2026, 9, 15)


def test_tc_3_forward_within_5_wd_across_new_year(cal):
    """TC-3: not competent → forward ≤ 05 WD; received Tue 30/12/2025."""
    # Wed 31/12 (1); Thu 1/1/2026 Tết Dương lịch; Fri 2/1 (2); Sat 3–Sun 4; Mon 5 (3);
    # Tue 6 (4); Wed 7/1/2026 (5).
    assert cal.add(D(2025, 12, 30), 5, "wd") == D(2026, 1, 7)


def test_kn_3b_acceptance_within_7_wd_across_quoc_khanh(cal):
    """KN-3b: acceptance ≤ 07 WD (kn_2026, from 01/7/2026); received Fri 28/8/2026."""
    # Sat 29–Sun 30; Mon 31/8–Wed 2/9 Quốc khánh; Thu 3 (1); Fri 4 (2); Mon 7 (3) … Fri
    # 11/9 (7).
    assert cal.add(D(2026, 8, 28), 7, "wd") == D(2026, 9, 11)


def test_kn_8_send_decision_within_3_wd_across_new_year_2027(cal):
    """KN-8: send the first-instance decision ≤ 03 WD; decided Thu 31/12/2026."""
    # Fri 1/1/2027 Tết Dương lịch; Sat 2–Sun 3; Mon 4 (1); Tue 5 (2); Wed 6/1/2027 (3).
    assert cal.add(D(2026, 12, 31), 3, "wd") == D(2027, 1, 6)


def test_zero_working_days_returns_start_even_on_a_holiday(cal):
    assert cal.add_working_days(D(2026, 2, 17), 0) == D(2026, 2, 17)


def test_negative_working_days_count_backwards(cal):
    """TCD-8 style "5 WD before": the 5th working day before Mon 23/2/2026 skips Tết."""
    # Fri 13/2 (1), Thu 12 (2), Wed 11 (3), Tue 10 (4), Mon 9/2 (5).
    assert cal.add_working_days(D(2026, 2, 23), -5) == D(2026, 2, 9)


# -- calendar-day limits ("d") ---------------------------------------------------------


def test_kn_4_thirty_days_land_on_the_calendar_date_even_on_a_sunday(cal):
    """KN-4: first-instance limit ≤ 30 ngày from acceptance; accepted Fri 31/7/2026.

    31/7 + 30 days = Sun 30/8/2026. The deadline is not moved (RULES.md §13 item 9: the
    rule on a limit ending on a rest day was not verified).
    """
    assert D(2026, 8, 30).weekday() == 6
    assert cal.add_days(D(2026, 7, 31), 30) == D(2026, 8, 30)
    assert cal.add(D(2026, 7, 31), 30, "d") == D(2026, 8, 30)


def test_kn_4_roll_forward_moves_to_next_working_day_when_switched_on():
    """KN-4 with roll_forward_calendar_deadlines=True: Sun 30/8/2026 → Thu 3/9/2026.

    Mon 31/8, Tue 1/9 and Wed 2/9 are the Quốc khánh break.
    """
    rolling = WorkingCalendar(roll_forward_calendar_deadlines=True)
    assert rolling.add(D(2026, 7, 31), 30, "d") == D(2026, 9, 3)
    # A deadline already on a working day does not move.
    assert rolling.add(D(2026, 7, 29), 30, "d") == D(2026, 8, 28)


def test_unknown_unit_is_rejected(cal):
    with pytest.raises(ValueError):
        cal.add(D(2026, 1, 5), 3, "days")


# -- the holiday list ------------------------------------------------------------------


def test_quoc_khanh_2026_break_is_non_working(cal):
    """Quốc khánh 2026: Mon 31/8 (swapped for 22/8), Tue 1/9, Wed 2/9 + the weekend."""
    for day in (
        D(2026, 8, 29),
        D(2026, 8, 30),
        D(2026, 8, 31),
        D(2026, 9, 1),
        D(2026, 9, 2),
    ):
        assert not cal.is_working_day(day), day
    assert cal.is_working_day(D(2026, 8, 28))
    assert cal.is_working_day(D(2026, 9, 3))
    assert cal.holiday_name(D(2026, 9, 2)) == "Quốc khánh"
    assert cal.holiday_name(D(2026, 8, 29)) is None  # a weekend is not a named holiday


def test_tet_2026_weekdays_are_holidays(cal):
    for day in range(16, 21):
        assert not cal.is_working_day(D(2026, 2, day))
    assert cal.holiday_name(D(2026, 2, 17)) == "Tết Nguyên Đán"


def test_shipped_overrides_keep_24_11_as_a_provisional_working_day(cal):
    """holidays_check.md: 24/11 (Ngày Văn hóa Việt Nam) is not enacted yet."""
    shipped = {o.date: o for o in load_overrides(DEFAULT_OVERRIDES_FILE)}
    entry = shipped[D(2026, 11, 24)]
    assert entry.action is OverrideAction.REMOVE
    assert entry.verified is False
    assert cal.is_working_day(D(2026, 11, 24))
    assert cal.holiday_name(D(2026, 11, 24)) is None
    # The library alone does list it.
    assert not WorkingCalendar().is_working_day(D(2026, 11, 24))


def test_add_override_makes_a_weekday_non_working():
    extra_day = HolidayOverride(
        date=D(2026, 3, 10),
        action=OverrideAction.ADD,
        name_vi="Ngày nghỉ thử",
        verified=True,
    )
    calendar = WorkingCalendar(overrides=[extra_day])
    assert not calendar.is_working_day(D(2026, 3, 10))
    assert calendar.holiday_name(D(2026, 3, 10)) == "Ngày nghỉ thử"
    # Mon 9/3 → Tue 10/3 skipped → Wed 11/3.
    assert calendar.add_working_days(D(2026, 3, 9), 1) == D(2026, 3, 11)


def test_remove_override_makes_a_library_holiday_a_working_day():
    not_a_holiday = HolidayOverride(
        date=D(2026, 4, 30), action=OverrideAction.REMOVE, name_vi="Ngày Chiến thắng"
    )
    calendar = WorkingCalendar(overrides=[not_a_holiday])
    assert calendar.is_working_day(D(2026, 4, 30))
    assert calendar.holiday_name(D(2026, 4, 30)) is None
    assert not calendar.is_working_day(D(2026, 5, 1))


def test_later_override_wins():
    calendar = WorkingCalendar(
        overrides=[
            HolidayOverride(
                date=D(2026, 11, 24),
                action=OverrideAction.REMOVE,
                name_vi="Ngày Văn hóa Việt Nam",
            ),
            HolidayOverride(
                date=D(2026, 11, 24),
                action=OverrideAction.ADD,
                name_vi="Ngày Văn hóa Việt Nam",
            ),
        ]
    )
    assert not calendar.is_working_day(D(2026, 11, 24))


def test_bad_override_file_is_rejected(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "overrides:\n  - {date: 2026-03-10, action: skip, name_vi: X}\n",
        encoding="utf-8",
    )
    with pytest.raises(Exception, match="action"):
        load_overrides(bad)


def test_get_calendar_appends_the_deployment_override_file(tmp_path, monkeypatch):
    deployment_file = tmp_path / "overrides.yaml"
    deployment_file.write_text(
        "overrides:\n"
        "  - {date: 2026-11-24, action: add, name_vi: Ngày Văn hóa Việt Nam}\n"
        "  - {date: 2026-03-10, action: add, name_vi: Ngày nghỉ địa phương,"
        " source: test, verified: true}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(
        calendar_module,
        "settings",
        SimpleNamespace(LANGNGHE={"HOLIDAY_OVERRIDES_FILE": str(deployment_file)}),
    )
    get_calendar.cache_clear()
    try:
        calendar = get_calendar()
        assert get_calendar() is calendar
        # Re-added over the shipped "remove".
        assert not calendar.is_working_day(D(2026, 11, 24))
        assert not calendar.is_working_day(D(2026, 3, 10))
        assert not calendar.roll_forward_calendar_deadlines
    finally:
        get_calendar.cache_clear()


def test_get_calendar_without_deployment_file_uses_shipped_overrides(tmp_path, monkeypatch):
    missing = tmp_path / "missing.yaml"
    monkeypatch.setattr(
        calendar_module,
        "settings",
        SimpleNamespace(LANGNGHE={"HOLIDAY_OVERRIDES_FILE": missing}),
    )
    get_calendar.cache_clear()
    try:
        assert get_calendar().is_working_day(D(2026, 11, 24))
    finally:
        get_calendar.cache_clear()


# -- consistency -----------------------------------------------------------------------


def _naive_add(calendar: WorkingCalendar, start: dt.date, n: int) -> dt.date:
    day, step, left = start, (1 if n > 0 else -1), abs(n)
    while left:
        day += dt.timedelta(days=step)
        if calendar.is_working_day(day):
            left -= 1
    return day


def test_working_days_between_inverts_add_working_days(cal):
    rng = random.Random(20260213)
    first, span = D(2025, 1, 1), (D(2027, 12, 31) - D(2025, 1, 1)).days
    for _ in range(2000):
        start = first + dt.timedelta(days=rng.randint(0, span))
        n = rng.randint(0, 60)
        end = cal.add_working_days(start, n)
        assert cal.working_days_between(start, end) == n, (start, n)
        assert end == _naive_add(cal, start, n), (start, n)
        back = cal.add_working_days(start, -n)
        assert cal.working_days_between(start, back) == -n, (start, -n)
        assert back == _naive_add(cal, start, -n), (start, -n)


def test_working_days_between_counts_start_excluded_end_included(cal):
    # (Fri 13/2, Mon 23/2] holds only Mon 23/2.
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 13)) == 0
    # Across three years: the count equals a day-by-day count.
    start, end = D(2025, 6, 15), D(2027, 3, 1)
    expected = sum(
        cal.is_working_day(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1)
    )
    assert cal.working_days_between(start, end) == expected
