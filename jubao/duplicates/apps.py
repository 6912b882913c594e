from django.apps import AppConfig


class DuplicatesConfig(AppConfig):
    name = "jubao.duplicates"
    label = "duplicates"
    default_auto_field = "django.db.models.BigAutoField"
