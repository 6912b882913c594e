"""Parsing the dates and times found in exports: 2026-03-02, 2026/3/2, 2026年3月2日 10时30分, Excel cells."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

_DATE_TIME = re.compile(
    r"^(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})|年(?P<cm>\d{1,2})月(?P<cd>\d{1,2})日?)"
    r"(?:\s*T?\s*(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})\s*分?"
    r"(?:\s*[:]?\s*(?P<S>\d{1,2})(?:\.\d+)?\s*秒?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
# Excel's day numbers for 1950-01-01 … 2099-12-31: a bare number outside this is not a date.
_EXCEL_SERIALS = (18264, 73050)
_EXCEL_EPOCH = datetime(1899, 12, 30)


def _from_excel_serial(value: float) -> datetime | None:
    if not _EXCEL_SERIALS[0] <= value <= _EXCEL_SERIALS[1]:
        return None
    return _EXCEL_EPOCH + timedelta(days=float(value))


def _parse_naive(value: Any) -> datetime | None:
    """A naive (or, for ISO text with an offset, aware) datetime, or None if `value` is not a date."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_excel_serial(float(value))
    text = str(value or "").strip()
    if not text:
        return None
    match = _DATE_TIME.match(text) or _COMPACT_DATE.match(text)
    if match:
        parts = match.groupdict()
        month, day = parts.get("m") or parts.get("cm"), parts.get("d") or parts.get("cd")
        hour, minute, second = parts.get("H"), parts.get("M"), parts.get("S")
        try:
            parsed = datetime(int(parts["y"]), int(month or 0), int(day or 0),
                              int(hour or 0), int(minute or 0), int(second or 0))
        except ValueError:
            return None
        return parsed
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def parse_date(value: Any) -> date | None:
    moment = _parse_naive(value)
    if moment is None:
        return None
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def parse_datetime(value: Any) -> datetime | None:
    """An aware datetime; a naive one is read in the site's time zone, a bare date as its midnight."""
    moment = _parse_naive(value)
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
