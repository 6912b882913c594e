from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "jubao.quality"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        pass
