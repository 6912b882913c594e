"""Seeding the official calendar from the chinese-calendar package.

Its data ends with the last year the State Council has announced; later years are added
by administrators (admin pages or `manage.py calendar_year`), without a release.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from .models import CalendarDay, CalendarYear


def package_years() -> list[int]:
    from chinese_calendar import constants

    return sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})


@transaction.atomic
def calendar_seed_year(*, year: int, overwrite: bool = False) -> bool:
    """Load one year from the package. Returns False if the year exists and overwrite is off."""
    from chinese_calendar import constants

    existing = CalendarYear.objects.filter(year=year).first()
    if existing and not overwrite:
        return False
    holidays = {d: name for d, name in constants.holidays.items() if d.year == year}
    workdays = {d: name for d, name in constants.workdays.items() if d.year == year}
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_working=False, name=str(name)) for d, name in holidays.items() if d.weekday() < 5]
        + [CalendarDay(date=d, is_working=True, name=str(name)) for d, name in workdays.items()]
    )
    if existing:
        existing.version += 1
        existing.source = "chinese-calendar"
        existing.save(update_fields=["version", "source", "updated_at"])
    else:
        CalendarYear.objects.create(year=year, source="chinese-calendar")
    return True


def calendar_seed_all() -> list[int]:
    return [year for year in package_years() if calendar_seed_year(year=year)]


@transaction.atomic
def calendar_set_day(*, actor: object, day: date, is_working: bool | None, name: str = "") -> None:
    """Mark one day off or working (None restores the weekend rule) and bump its year's version."""
    if is_working is None:
        CalendarDay.objects.filter(date=day).delete()
    else:
        CalendarDay.objects.update_or_create(date=day, defaults={"is_working": is_working, "name": name})
    year, created = CalendarYear.objects.get_or_create(year=day.year, defaults={"source": "administrator"})
    if not created:
        year.version += 1
        year.save(update_fields=["version", "updated_at"])
