from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jubao.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Imports `<app>.jobs` for every installed app. For this app that would be
        # `jubao.jobs.jobs`, which deliberately does not exist: the package `jubao.jobs`
        # is the queue itself, and its handler registry lives in `registry.py`, so the
        # discovery never re-enters this package.
        autodiscover_modules("jobs")
