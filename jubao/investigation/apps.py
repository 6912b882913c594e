from django.apps import AppConfig


class InvestigationConfig(AppConfig):
    name = "jubao.investigation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        pass
