from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "jubao.registration"
    label = "registration"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system check)
