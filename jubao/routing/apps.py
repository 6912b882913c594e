from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "jubao.routing"
    label = "routing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # An edit to the catalogue (or to the names and trees it refers to) drops this process's snapshot at once;
        # other processes pick it up within JUBAO_CONFIG_CACHE_SECONDS.
        from jubao.cases.timeline import EVENT_LABELS

        from .catalogue import connect_signals
        from .services import EVENT_LABELS as ROUTING_EVENT_LABELS

        connect_signals()
        EVENT_LABELS.update(ROUTING_EVENT_LABELS)
