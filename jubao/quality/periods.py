"""Reporting periods: calendar months (quality flags, retrospective samples) and quarters (department ratings).

A period is named by its first day (a `date`) and runs from local midnight of that day to local midnight of the
first day of the next period, in the deployment's time zone (settings.TIME_ZONE).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(start: date) -> date:
    return date(start.year + (start.month == 12), start.month % 12 + 1, 1)


def previous_month(now: datetime | None = None) -> date:
    """The first day of the calendar month before the one `now` falls in (local time)."""
    today = timezone.localtime(now or timezone.now(), _tz()).date()
    first = today.replace(day=1)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter(start: date) -> date:
    month = start.month + 3
    return date(start.year + (month > 12), (month - 1) % 12 + 1, 1)


def previous_quarter(now: datetime | None = None) -> date:
    today = timezone.localtime(now or timezone.now(), _tz()).date()
    current = quarter_start(today)
    month = current.month - 3
    return date(current.year - (month < 1), (month - 1) % 12 + 1, 1)


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start, end) as aware datetimes at local midnight."""
    tz = _tz()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end, time.min, tzinfo=tz)


def month_bounds(start: date) -> tuple[datetime, datetime]:
    return bounds(start, next_month(start))


def quarter_bounds(start: date) -> tuple[datetime, datetime]:
    return bounds(start, next_quarter(start))


def month_label(start: date) -> str:
    return f"{start.year}-{start.month:02d}"


def quarter_label(start: date) -> str:
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})-?Q([1-4])\s*$", re.IGNORECASE)


def parse_month(value: str) -> date | None:
    """"2026-03" → date(2026, 3, 1); anything else → None."""
    match = _MONTH.match(value or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def parse_quarter(value: str) -> date | None:
    """"2026-Q1" (or "2026Q1") → date(2026, 1, 1); anything else → None."""
    match = _QUARTER.match(value or "")
    if not match:
        return None
    return date(int(match.group(1)), 3 * (int(match.group(2)) - 1) + 1, 1)
