from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "jubao.supervision"
    label = "supervision"
    default_auto_field = "django.db.models.BigAutoField"
