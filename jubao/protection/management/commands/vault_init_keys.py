from pathlib import Path

from django.core.management.base import BaseCommand

from jubao.protection import keys


class Command(BaseCommand):
    help = "Create the vault key file (mode 0600) if it is missing. Prints the path, never a key."

    def add_arguments(self, parser):
        parser.add_argument("--path", help="key file to use (default: JUBAO_VAULT_KEY_FILE)")
        parser.add_argument(
            "--new-active",
            action="store_true",
            help="add a fresh master key and make it active; then run rotate_vault_keys",
        )

    def handle(self, *args, **options):
        path = Path(options["path"]) if options["path"] else keys.key_file_path()
        created = keys.ensure_key_file(path)
        if created:
            self.stdout.write(f"vault key file created: {path}")
        elif options["new_active"]:
            kid = keys.add_master_key(path)
            self.stdout.write(f"vault key file {path}: new active master key {kid}; run rotate_vault_keys next")
        else:
            self.stdout.write(f"vault key file exists: {path}")
        if keys.env_configured():
            self.stderr.write("note: JUBAO_VAULT_KEYS is set, so the environment's keys are used instead of this file")
