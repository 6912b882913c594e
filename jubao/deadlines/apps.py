from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed(sender, using="default", **kwargs):  # type: ignore[no-untyped-def]
    from .calendar_seed import calendar_seed_all
    from .packs import policy_packs_ensure

    policy_packs_ensure()
    calendar_seed_all()


class DeadlinesConfig(AppConfig):
    name = "jubao.deadlines"
    label = "deadlines"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Shipped packs and the known calendar years appear on first migrate (and after a
        # test flush); existing rows are never overwritten.
        post_migrate.connect(_seed, sender=self)
