from datetime import date

from django.core.management.base import BaseCommand, CommandError

from jubao.deadlines.calendar_seed import calendar_seed_year, calendar_set_day, package_years
from jubao.deadlines.models import CalendarYear


def _parse(value: str) -> tuple[date, str]:
    day, _, name = value.partition(":")
    try:
        return date.fromisoformat(day), name
    except ValueError as exc:
        raise CommandError(f"not a date: {day!r} (use YYYY-MM-DD[:name])") from exc


class Command(BaseCommand):
    help = ("Add or update a year of the official working-day calendar: holidays off weekdays and "
            "调休 make-up working days, e.g. calendar_year 2027 --off 2027-01-01:元旦 --work 2027-02-07:春节调休")

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--off", action="append", default=[], help="YYYY-MM-DD[:name], a day off")
        parser.add_argument("--work", action="append", default=[], help="YYYY-MM-DD[:name], a make-up working day")
        parser.add_argument("--from-package", action="store_true",
                            help="(re)load the year from the installed chinese-calendar package")

    def handle(self, *args, year, off, work, from_package, **options):
        if from_package:
            if year not in package_years():
                raise CommandError(f"the installed chinese-calendar package does not know {year}")
            calendar_seed_year(year=year, overwrite=True)
        days = [(*_parse(v), False) for v in off] + [(*_parse(v), True) for v in work]
        for day, name, is_working in days:
            if day.year != year:
                raise CommandError(f"{day} is not in {year}")
            calendar_set_day(actor=None, day=day, is_working=is_working, name=name)
        if not from_package and not days:
            CalendarYear.objects.get_or_create(year=year, defaults={"source": "administrator"})
        entry = CalendarYear.objects.get(year=year)
        self.stdout.write(f"calendar {year} is known, version {entry.version}")
