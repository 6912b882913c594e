from django.apps import AppConfig


class HandlingConfig(AppConfig):
    name = "jubao.handling"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jubao.cases.panels import CasePanel, register_panel
        from jubao.cases.timeline import register_event_labels

        from . import hooks
        from .panel import handling_panel

        hooks.connect()
        register_event_labels(hooks.EVENT_LABELS)
        register_panel(CasePanel("handling", "handling/panel.html", handling_panel, order=10),
                       owns=("conclude", "extend"))
