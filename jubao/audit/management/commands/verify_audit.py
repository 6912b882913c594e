from django.core.management.base import BaseCommand, CommandError

from jubao.audit.chain import iter_breaks
from jubao.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Walk the audit hash chain; print the first broken link and exit non-zero if any event was tampered with."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="list every broken link, not only the first")

    def handle(self, *args, **options):
        breaks = iter_breaks()
        first = next(breaks, None)
        if first is None:
            count = AuditEvent.objects.count()
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {count} events verified"))
            return
        self.stderr.write(f"first broken link: {first.problem}")
        if options["all"]:
            for other in breaks:
                self.stderr.write(f"broken link: {other.problem}")
        raise CommandError("audit chain is broken")
