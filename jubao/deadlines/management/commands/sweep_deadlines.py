from django.core.management.base import BaseCommand

from jubao.deadlines.sweeper import sweep_lights


class Command(BaseCommand):
    help = "Run one deadline-light sweep now (the worker does this periodically)."

    def handle(self, *args, **options):
        result = sweep_lights()
        self.stdout.write(f"examined {result.examined}, changed {result.changed}, newly overdue {result.newly_overdue}")
