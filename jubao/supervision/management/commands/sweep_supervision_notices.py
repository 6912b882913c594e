from django.core.management.base import BaseCommand

from jubao.supervision.services import notices_sweep_overdue


class Command(BaseCommand):
    help = "Flag supervision notices not replied to by their due time (the worker does this periodically)."

    def handle(self, *args, **options):
        self.stdout.write(f"{notices_sweep_overdue()} notice(s) newly overdue")
