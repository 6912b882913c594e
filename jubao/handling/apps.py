from django.apps import AppConfig


class HandlingConfig(AppConfig):
    name = "jubao.handling"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        pass
