from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from jubao.attachments.services import attachments_gc


class Command(BaseCommand):
    help = ("Delete stored attachment files that no attachment row refers to (left behind by a rolled-back "
            "upload), if older than an hour.")

    def add_arguments(self, parser):
        parser.add_argument("--older-than-minutes", type=int, default=60,
                            help="only files at least this old (default 60): younger ones may belong to an "
                                 "upload still in progress")
        parser.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")

    def handle(self, *args, **options):
        minutes = options["older_than_minutes"]
        if minutes < 1:
            raise CommandError("--older-than-minutes must be at least 1")
        removed = attachments_gc(older_than=timedelta(minutes=minutes), dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        for name in removed:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(removed)} orphaned attachment files"))
