from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "jubao.feedback"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        pass
