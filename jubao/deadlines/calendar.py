"""China's official working-day calendar and the arithmetic of deadline lengths.

Periods follow the usual legal reading: the day of the start event is not counted; a
period ends at the end of its last day; a calendar-day or month period whose last day is
a day off ends at the end of the next working day. Years the State Council has not yet
announced fall back to the weekend rule and make the result provisional.
"""

from __future__ import annotations

import calendar as pycalendar
import time as clock
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Sum

from .models import CalendarDay, CalendarYear, Unit

END_OF_DAY = time(23, 59, 59)
_cached: tuple[tuple, WorkingCalendar] | None = None
_checked_at = 0.0


@dataclass(frozen=True)
class DueDate:
    due_at: datetime
    provisional: bool
    calendar_version: str


class WorkingCalendar:
    """An in-memory snapshot of the calendar tables; load once per operation."""

    def __init__(self, known_years: dict[int, int], exceptions: dict[date, bool], tz: ZoneInfo | None = None):
        self.known_years = known_years
        self.exceptions = exceptions
        self.tz = tz or ZoneInfo(settings.TIME_ZONE)

    @classmethod
    def load(cls) -> WorkingCalendar:
        known = dict(CalendarYear.objects.values_list("year", "version"))
        exceptions = dict(CalendarDay.objects.values_list("date", "is_working"))
        return cls(known, exceptions)

    @classmethod
    def cached(cls) -> WorkingCalendar:
        """The calendar, reloaded only when its signature in the database changed (any process's edit,
        or a rolled-back test) — one small aggregate query instead of reading every exception day."""
        global _cached, _checked_at
        # Re-checking the signature at most every few seconds keeps it off the hot path; an edit made
        # in another process is seen within that time (and a deadline computed meanwhile records the
        # calendar version it used).
        interval = getattr(settings, "JUBAO_CONFIG_CACHE_SECONDS", 5)
        if _cached is not None and interval and clock.monotonic() - _checked_at < interval:
            return _cached[1]
        signature = tuple(CalendarYear.objects.aggregate(n=Count("year"), v=Sum("version"), t=Max("updated_at"))
                          .values())
        if _cached is None or _cached[0] != signature:
            _cached = (signature, cls.load())
        _checked_at = clock.monotonic()
        return _cached[1]

    def is_known(self, day: date) -> bool:
        return day.year in self.known_years

    def is_working_day(self, day: date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def version_for(self, first: date, last: date) -> str:
        parts = []
        for year in range(first.year, last.year + 1):
            version = self.known_years.get(year)
            parts.append(f"{year}.v{version}" if version else f"{year}.unknown")
        return ",".join(parts)

    # --- arithmetic -------------------------------------------------------------------------
    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def end_of(self, day: date) -> datetime:
        return datetime.combine(day, END_OF_DAY, tzinfo=self.tz)

    def add_working_days(self, start: date, count: int) -> tuple[date, bool]:
        """The `count`-th working day after `start` (start itself not counted)."""
        day, provisional, remaining = start, False, count
        while remaining > 0:
            day += timedelta(days=1)
            provisional = provisional or not self.is_known(day)
            if self.is_working_day(day):
                remaining -= 1
        return day, provisional

    def working_days_between(self, after: date, up_to: date) -> int:
        """Working days d with after < d <= up_to."""
        count, day = 0, after
        while day < up_to:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def roll_to_working_day(self, day: date) -> tuple[date, bool]:
        provisional = not self.is_known(day)
        while not self.is_working_day(day):
            day += timedelta(days=1)
            provisional = provisional or not self.is_known(day)
        return day, provisional

    def add(self, start: datetime, length: int, unit: str) -> DueDate:
        """The moment a period of `length` `unit`s that starts at `start` runs out."""
        start_day = self.local_date(start)
        if unit == Unit.HOURS:
            # Hours run round the clock: the official calendar plays no part, so never provisional.
            return DueDate(start + timedelta(hours=length), False, self.version_for(start_day, start_day))
        if unit == Unit.WORKING_DAYS:
            last, provisional = self.add_working_days(start_day, length)
        elif unit == Unit.CALENDAR_DAYS:
            last, provisional = self.roll_to_working_day(start_day + timedelta(days=length))
        elif unit == Unit.CALENDAR_MONTHS:
            last, provisional = self.roll_to_working_day(add_months(start_day, length))
        else:
            raise ValueError(f"unknown unit {unit!r}")
        return DueDate(self.end_of(last), provisional, self.version_for(start_day, last))

    def extend_for_pause(self, due_at: datetime, unit: str, paused_at: datetime, resumed_at: datetime) -> DueDate:
        """Push a deadline out by the time its clock was stopped, in the deadline's own unit."""
        if unit == Unit.WORKING_DAYS:
            stopped = self.working_days_between(self.local_date(paused_at), self.local_date(resumed_at))
            return self.add(due_at, stopped, Unit.WORKING_DAYS) if stopped else self._same(due_at)
        return self._same(due_at + (resumed_at - paused_at))

    def _same(self, due_at: datetime) -> DueDate:
        day = self.local_date(due_at)
        return DueDate(due_at, not self.is_known(day), self.version_for(day, day))


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, pycalendar.monthrange(year, month)[1]))
