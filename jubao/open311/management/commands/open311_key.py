from django.core.management.base import BaseCommand, CommandError

from jubao.open311.services import api_key_create


class Command(BaseCommand):
    help = "Create an Open311 API key for a client application and print its secret (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="who uses the key, e.g. the name of the app")
        parser.add_argument("--region", default="", metavar="CODE",
                            help="division code of the region its reports are filed under by default")

    def handle(self, *args, **options):
        try:
            key, secret = api_key_create(name=options["name"], region_code=options["region"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        region = f" (default region {key.default_region.code} {key.default_region.name})" if key.default_region else ""
        self.stdout.write(f"Open311 API key “{key.name}”{region} created. Its secret is shown only now:")
        self.stdout.write(secret)
