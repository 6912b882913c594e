from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "jubao.taxonomy"
    label = "taxonomy"
    default_auto_field = "django.db.models.BigAutoField"
