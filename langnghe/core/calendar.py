"""Vietnamese working-day calendar for legal time limits.

The texts distinguish "ngày làm việc" (working days, unit ``"wd"``) from bare "ngày"
(read as calendar days, unit ``"d"``); see domain/RULES.md §0 and §12. A working day is
any Monday to Friday that is not a public holiday. Holidays come from the ``holidays``
library (lunar dates, observed days and the government swaps its maintainers
hard-coded), corrected by an override table for decisions the library does not know
(``data/holiday_overrides.yaml``; facts checked in domain/data/holidays_check.md).

Use ``get_calendar()`` in application code; build ``WorkingCalendar`` directly only in
tests.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import logging
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import holidays
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger(__name__)

DEFAULT_OVERRIDES_FILE = Path(__file__).resolve().parent / "data" / "holiday_overrides.yaml"

WORKING_DAYS = "wd"
CALENDAR_DAYS = "d"

_SATURDAY = 5


class OverrideAction(enum.StrEnum):
    ADD = "add"  # the date is a holiday although the library does not list it
    REMOVE = "remove"  # the date is not a holiday although the library lists it


@dataclass(frozen=True, kw_only=True)
class HolidayOverride:
    """One correction to the library's holiday list, with where it comes from."""

    date: dt.date
    action: OverrideAction
    name_vi: str
    name_en: str = ""
    source: str = ""
    # False = provisional: applied, but someone still has to confirm it against an
    # official text.
    verified: bool = False

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> HolidayOverride:
        day = data.get("date")
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise TypeError(f"holiday override needs a date (YYYY-MM-DD), got {day!r}")
        try:
            action = OverrideAction(str(data.get("action")))
        except ValueError:
            raise ValueError(
                f"holiday override {day}: action must be 'add' or 'remove',"
                f" got {data.get('action')!r}"
            ) from None
        name_vi = data.get("name_vi")
        if not name_vi:
            raise ValueError(f"holiday override {day}: name_vi is required")
        verified = data.get("verified", False)
        if not isinstance(verified, bool):
            raise TypeError(f"holiday override {day}: verified must be true or false")
        return cls(
            date=day,
            action=action,
            name_vi=str(name_vi),
            name_en=str(data.get("name_en") or ""),
            source=str(data.get("source") or ""),
            verified=verified,
        )


def load_overrides(path: Path | str) -> list[HolidayOverride]:
    """Read an override file: a mapping with an ``overrides`` list (see the YAML)."""
    path = Path(path)
    with path.open(encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    entries = data.get("overrides") if isinstance(data, dict) else None
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise ImproperlyConfigured(f"{path}: 'overrides' must be a list")
    try:
        return [HolidayOverride.from_mapping(entry) for entry in entries]
    except (TypeError, ValueError, AttributeError) as exc:
        raise ImproperlyConfigured(f"{path}: {exc}") from exc


@dataclass(frozen=True)
class _Year:
    # Non-working holidays of the year, after overrides.
    holiday_names: dict[dt.date, str]
    # Sorted date.toordinal() of every working day of the year.
    working_ordinals: list[int]


class WorkingCalendar:
    """Answers "is this a working day?" and computes deadlines in ``wd`` or ``d``.

    Each year is computed once, on first use, into a sorted list of working days, so
    adding or counting working days is a couple of binary searches, not a daily walk.
    """

    def __init__(
        self,
        *,
        overrides: Iterable[HolidayOverride] | None = None,
        roll_forward_calendar_deadlines: bool = False,
    ) -> None:
        self._overrides_by_year: dict[int, list[HolidayOverride]] = {}
        for override in overrides or ():
            self._overrides_by_year.setdefault(override.date.year, []).append(override)
        # Whether a calendar-day ("d") deadline that ends on a non-working day moves to
        # the next working day. Off by default: the rule on computing time limits in the
        # Luật Khiếu nại / Tố cáo was not verified (RULES.md §13 item 9), and keeping
        # the plain date can only make a deadline earlier than the law's, never later. A
        # deployment may switch it on.
        self.roll_forward_calendar_deadlines = roll_forward_calendar_deadlines
        self._years: dict[int, _Year] = {}
        self._lock = threading.Lock()

    # -- per-year data -----------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        with self._lock:
            cached = self._years.get(year)
            if cached is None:
                cached = self._years[year] = self._build_year(year)
            return cached

    def _build_year(self, year: int) -> _Year:
        # Neighbouring years too, so an observed day that the library files under an
        # adjacent year is not lost; only this year's dates are kept.
        years = [y for y in (year - 1, year, year + 1) if dt.MINYEAR <= y <= dt.MAXYEAR]
        library = holidays.country_holidays("VN", years=years, language="vi")
        names = {day: str(name) for day, name in library.items() if day.year == year}
        # In file order, so a later entry for the same date wins.
        for override in self._overrides_by_year.get(year, ()):
            if override.action is OverrideAction.ADD:
                names[override.date] = override.name_vi
            else:
                names.pop(override.date, None)

        first = dt.date(year, 1, 1)
        all_days = (
            first + dt.timedelta(days=i) for i in range((dt.date(year, 12, 31) - first).days + 1)
        )
        working = [
            day.toordinal() for day in all_days if day.weekday() < _SATURDAY and day not in names
        ]
        return _Year(holiday_names=names, working_ordinals=working)

    # -- queries -----------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < _SATURDAY and day not in self._year(day.year).holiday_names

    def holiday_name(self, day: dt.date) -> str | None:
        """Vietnamese name of the public holiday on ``day``; None on other days."""
        return self._year(day.year).holiday_names.get(day)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (``start`` itself is not counted).

        ``n == 0`` returns ``start`` unchanged, even if it is not a working day. A
        negative ``n`` counts backwards: the |n|-th working day before ``start``.
        """
        if n == 0:
            return start
        year = start.year
        days = self._year(year).working_ordinals
        if n > 0:
            # Index of the first working day after start.
            index = bisect_right(days, start.toordinal())
            remaining = n
            while index + remaining > len(days):
                remaining -= len(days) - index
                year += 1
                days = self._year(year).working_ordinals
                index = 0
            return dt.date.fromordinal(days[index + remaining - 1])
        # Number of working days before start in its year.
        index = bisect_left(days, start.toordinal())
        remaining = -n
        while remaining > index:
            remaining -= index
            year -= 1
            days = self._year(year).working_ordinals
            index = len(days)
        return dt.date.fromordinal(days[index - remaining])

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: ``start`` excluded, ``end`` included.

        If ``end`` is before ``start`` the count runs backwards over [end, start) and is
        negative, so ``working_days_between(s, add_working_days(s, n)) == n`` for any n.
        """
        if end < start:
            return -self._count_in_closed_range(end, start - dt.timedelta(days=1))
        if end == start:
            return 0
        return self._count_in_closed_range(start + dt.timedelta(days=1), end)

    def _count_in_closed_range(self, first: dt.date, last: dt.date) -> int:
        if last < first:
            return 0
        total = 0
        for year in range(first.year, last.year + 1):
            days = self._year(year).working_ordinals
            lo = bisect_left(days, first.toordinal()) if year == first.year else 0
            hi = bisect_right(days, last.toordinal()) if year == last.year else len(days)
            total += hi - lo
        return total

    def add_days(self, start: dt.date, n: int) -> dt.date:
        """Calendar-day limit ("ngày"): ``start + n`` days.

        The last day stays where it falls, weekend or holiday included, unless the
        calendar has ``roll_forward_calendar_deadlines=True``; then a deadline after
        ``start`` that lands on a non-working day moves to the next working day.
        """
        end = start + dt.timedelta(days=n)
        if self.roll_forward_calendar_deadlines and n > 0 and not self.is_working_day(end):
            end = self.add_working_days(end, 1)
        return end

    def add(self, start: dt.date, value: int, unit: str) -> dt.date:
        """Deadline from rule data: ``unit`` is ``"wd"`` or ``"d"`` (RULES.md §12)."""
        if unit == WORKING_DAYS:
            return self.add_working_days(start, value)
        if unit == CALENDAR_DAYS:
            return self.add_days(start, value)
        raise ValueError(f"unknown time-limit unit {unit!r}; expected 'wd' or 'd'")


def calendar_from_settings(options: Mapping[str, Any]) -> WorkingCalendar:
    """Calendar from the shipped overrides plus the deployment's LANGNGHE options."""
    overrides = load_overrides(DEFAULT_OVERRIDES_FILE)
    extra = options.get("HOLIDAY_OVERRIDES_FILE")
    if extra:
        extra_path = Path(extra)
        if extra_path.exists():
            overrides += load_overrides(extra_path)
        else:
            logger.warning(
                "LANGNGHE['HOLIDAY_OVERRIDES_FILE'] %s does not exist; ignored",
                extra_path,
            )
    return WorkingCalendar(
        overrides=overrides,
        roll_forward_calendar_deadlines=bool(options.get("ROLL_FORWARD_CALENDAR_DEADLINES", False)),
    )


@functools.cache
def get_calendar() -> WorkingCalendar:
    """The process-wide calendar. Settings are read on first call, not at import."""
    return calendar_from_settings(getattr(settings, "LANGNGHE", None) or {})


@receiver(setting_changed)
def _reset_calendar(*, setting: str, **kwargs: Any) -> None:
    # Tests that override LANGNGHE must not see a calendar built from the old settings.
    if setting == "LANGNGHE":
        get_calendar.cache_clear()
