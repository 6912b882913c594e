from django.core.management.base import BaseCommand

from jubao.attachments.services import attachments_rotate


class Command(BaseCommand):
    help = ("Re-wrap attachment data keys under the active vault master key (run with rotate_vault_keys, after "
            "`vault_init_keys --new-active`, before an old master key is removed).")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        count = attachments_rotate(batch_size=options["batch_size"])
        self.stdout.write(self.style.SUCCESS(f"re-wrapped {count} attachment data keys"))
