from django.core.management.base import BaseCommand

from jubao.protection.vault import vault_rotate, vault_rotation_pending


class Command(BaseCommand):
    help = "Re-wrap every vault data key that is not wrapped by the active master key."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count the data keys that need re-wrapping")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        if options["dry_run"]:
            self.stdout.write(f"{vault_rotation_pending()} data keys would be re-wrapped")
            return
        count = vault_rotate(actor=None, batch_size=options["batch_size"])
        self.stdout.write(self.style.SUCCESS(f"{count} data keys re-wrapped"))
