"""Deadline arithmetic on China's official working-day calendar (times in Asia/Shanghai).

Expected dates are written out by hand and cross-checked against the chinese-calendar package,
so a wrong seed and a wrong hand calculation cannot agree by accident.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import chinese_calendar
import pytest
from django.core.management import call_command

from jubao.deadlines.calendar import WorkingCalendar
from jubao.deadlines.models import CalendarYear, Unit
from tests.helpers import SHANGHAI, end_of, nth_workday_after

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    y, m, d = map(int, day.split("-"))
    return datetime(y, m, d, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar.load()


# --- working days --------------------------------------------------------------------------------
def test_the_official_calendar_is_seeded_for_every_year_the_package_knows(cal):
    assert set(range(2004, 2027)) <= set(CalendarYear.objects.values_list("year", flat=True))
    assert not cal.is_working_day(date(2026, 10, 1))  # National Day
    assert cal.is_working_day(date(2026, 10, 10))  # Saturday make-up working day
    assert cal.is_working_day(date(2026, 9, 20))  # Sunday make-up working day


def test_working_days_skip_national_day_and_count_the_make_up_saturday(cal):
    # 2026-09-30 is a Wednesday; 10-01..10-07 are off; Saturday 10-10 is a make-up working day.
    assert [chinese_calendar.is_workday(date(2026, 10, d)) for d in (1, 7, 8, 9, 10)] == [
        False, False, True, True, True]
    assert nth_workday_after(date(2026, 9, 30), 3) == date(2026, 10, 10)

    due = cal.add(at("2026-09-30"), 3, Unit.WORKING_DAYS)

    assert due.due_at == datetime(2026, 10, 10, 23, 59, 59, tzinfo=SHANGHAI)
    assert due.due_at.isoformat() == "2026-10-10T23:59:59+08:00"
    assert not due.provisional
    assert due.calendar_version == "2026.v1"


def test_working_days_skip_the_spring_festival_and_count_its_make_up_saturday(cal):
    # Holidays 02-15..02-23; Saturdays 02-14 and 02-28 are make-up working days.
    assert chinese_calendar.is_workday(date(2026, 2, 14)) and chinese_calendar.is_workday(date(2026, 2, 28))
    assert not any(chinese_calendar.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert nth_workday_after(date(2026, 2, 12), 5) == date(2026, 2, 26)

    due = cal.add(at("2026-02-12"), 5, Unit.WORKING_DAYS)

    assert due.due_at == end_of(date(2026, 2, 26))
    assert not due.provisional


@pytest.mark.parametrize(("start", "count"), [
    ("2026-01-01", 1), ("2026-04-03", 2), ("2026-04-30", 4), ("2026-06-18", 3), ("2026-09-24", 10),
    ("2025-12-30", 20), ("2026-02-13", 1), ("2026-02-27", 1),
])
def test_working_days_agree_with_the_official_calendar(cal, start, count):
    expected = nth_workday_after(date.fromisoformat(start), count)
    assert cal.add(at(start), count, Unit.WORKING_DAYS).due_at == end_of(expected)


def test_the_start_day_is_the_local_day_in_shanghai(cal):
    # 17:00 UTC on Monday 03-02 is already Tuesday 01:00 in Shanghai: the first working day is Wednesday.
    start = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    assert cal.add(start, 1, Unit.WORKING_DAYS).due_at == end_of(date(2026, 3, 4))


# --- unknown years -------------------------------------------------------------------------------
def test_a_deadline_running_into_an_unannounced_year_is_provisional_until_the_year_is_added():
    assert not CalendarYear.objects.filter(year=2027).exists()
    start = at("2026-12-29")

    first = WorkingCalendar.load().add(start, 5, Unit.WORKING_DAYS)
    assert first.provisional
    assert "2027.unknown" in first.calendar_version
    assert first.calendar_version.startswith("2026.v")
    # Weekend rule only: 12-30, 12-31, Fri 01-01, Mon 01-04, Tue 01-05.
    assert first.due_at == end_of(date(2027, 1, 5))

    out = StringIO()
    call_command("calendar_year", "2027", "--off", "2027-01-01:元旦", stdout=out)
    assert "2027" in out.getvalue()

    second = WorkingCalendar.load().add(start, 5, Unit.WORKING_DAYS)
    assert not second.provisional
    assert "2027.unknown" not in second.calendar_version
    assert "2027.v1" in second.calendar_version
    assert second.due_at == end_of(date(2027, 1, 6))  # New Year's Day is now a day off


def test_editing_a_known_year_bumps_its_version():
    call_command("calendar_year", "2026", "--work", "2026-12-26:调休", stdout=StringIO())
    cal = WorkingCalendar.load()
    assert cal.is_working_day(date(2026, 12, 26))
    assert cal.add(at("2026-12-24"), 2, Unit.WORKING_DAYS).due_at == end_of(date(2026, 12, 26))
    assert cal.add(at("2026-12-24"), 1, Unit.WORKING_DAYS).calendar_version == "2026.v2"


def test_hours_run_round_the_clock_so_they_are_never_provisional(cal):
    due = cal.add(at("2026-12-31", 20), 24, Unit.HOURS)
    assert due.due_at == at("2027-01-01", 20)
    assert not due.provisional


# --- calendar days, hours, months --------------------------------------------------------------------
def test_a_calendar_day_period_ending_on_a_holiday_rolls_to_the_next_working_day(cal):
    # 2026-09-20 + 15 days = 10-05, inside the National Day holiday; the next working day is 10-08.
    assert not chinese_calendar.is_workday(date(2026, 10, 5))
    assert cal.add(at("2026-09-20"), 15, Unit.CALENDAR_DAYS).due_at == end_of(date(2026, 10, 8))


def test_a_calendar_day_period_ending_on_a_weekend_rolls_to_monday(cal):
    assert cal.add(at("2026-03-02"), 5, Unit.CALENDAR_DAYS).due_at == end_of(date(2026, 3, 9))


def test_a_calendar_day_period_ending_on_a_make_up_working_day_does_not_roll(cal):
    assert cal.add(at("2026-09-30"), 10, Unit.CALENDAR_DAYS).due_at == end_of(date(2026, 10, 10))


def test_a_calendar_day_period_ending_on_a_working_day_ends_that_day(cal):
    assert cal.add(at("2026-03-02"), 3, Unit.CALENDAR_DAYS).due_at == end_of(date(2026, 3, 5))


@pytest.mark.parametrize(("start", "hours"), [
    (datetime(2026, 9, 30, 18, 30, tzinfo=SHANGHAI), 24),  # into the holiday: hours do not care
    (datetime(2026, 3, 2, 9, 15, 30, tzinfo=SHANGHAI), 2),
    (datetime(2026, 2, 13, 23, 0, tzinfo=SHANGHAI), 48),
])
def test_hours_are_exact(cal, start, hours):
    due = cal.add(start, hours, Unit.HOURS)
    assert due.due_at == start + timedelta(hours=hours)
    assert not due.provisional


@pytest.mark.parametrize(("start", "months", "expected"), [
    # Jan 31 + 1 month clamps to Feb 28; in 2026 that Saturday is a make-up working day.
    ("2026-01-31", 1, "2026-02-28"),
    # In 2021 Feb 28 is an ordinary Sunday: clamp, then roll to Monday Mar 1.
    ("2021-01-31", 1, "2021-03-01"),
    # Leap year: clamps to Feb 29.
    ("2024-01-31", 1, "2024-02-29"),
    # Three months from Jul 5 is Oct 5, in the National Day holiday: roll to Oct 8.
    ("2026-07-05", 3, "2026-10-08"),
    ("2026-08-31", 1, "2026-09-30"),
])
def test_months_clamp_to_the_end_of_a_shorter_month_then_roll(cal, start, months, expected):
    expected_day = date.fromisoformat(expected)
    assert chinese_calendar.is_workday(expected_day)
    assert cal.add(at(start), months, Unit.CALENDAR_MONTHS).due_at == end_of(expected_day)


def test_an_unknown_unit_is_an_error(cal):
    with pytest.raises(ValueError, match="unknown unit"):
        cal.add(at("2026-03-02"), 1, "fortnights")


def test_a_pause_pushes_a_working_day_deadline_by_the_working_days_stopped(cal):
    # Paused Wed 09-30, resumed Fri 10-09: two working days stopped (10-08, 10-09).
    due = cal.extend_for_pause(end_of(date(2026, 10, 9)), Unit.WORKING_DAYS, at("2026-09-30"), at("2026-10-09"))
    assert due.due_at == end_of(date(2026, 10, 12))  # 10-10 (make-up Saturday), then Monday 10-12


def test_a_pause_pushes_an_hour_deadline_by_the_time_stopped(cal):
    due_at = at("2026-03-03", 9)
    due = cal.extend_for_pause(due_at, Unit.HOURS, at("2026-03-02", 10), at("2026-03-02", 13, 30))
    assert due.due_at == due_at + timedelta(hours=3, minutes=30)


# --- editing the calendar in the admin -----------------------------------------------------------------
def test_deleting_calendar_days_in_the_admin_takes_effect_and_bumps_the_years_version(org, client):
    from jubao.deadlines.models import CalendarDay

    national_day = CalendarDay.objects.get(date=date(2026, 10, 1))
    version = CalendarYear.objects.get(year=2026).version
    assert not WorkingCalendar.cached().is_working_day(date(2026, 10, 1))  # warm any per-process cache

    client.force_login(org.users["admin"])
    response = client.post("/admin/deadlines/calendarday/", {
        "action": "delete_selected", "post": "yes", "_selected_action": [national_day.pk],
    })
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=national_day.pk).exists()

    assert WorkingCalendar.cached().is_working_day(date(2026, 10, 1))  # no longer a holiday
    assert CalendarYear.objects.get(year=2026).version == version + 1


def test_changing_a_calendar_day_in_the_admin_bumps_the_years_version(org, client):
    version = CalendarYear.objects.get(year=2026).version
    client.force_login(org.users["admin"])
    response = client.post("/admin/deadlines/calendarday/add/", {
        "date": "2026-12-25", "is_working": "", "name": "测试假日",
    })
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2026).version == version + 1
    assert not WorkingCalendar.cached().is_working_day(date(2026, 12, 25))
