from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "jubao.quality"
    verbose_name = _("Quality")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jubao.cases.panels import CasePanel, register_panel
        from jubao.cases.timeline import register_event_labels
        from jubao.cases.workflow import TRANSITION_LISTENERS

        from . import hooks
        from .panel import quality_panel

        if hooks.on_transition not in TRANSITION_LISTENERS:
            TRANSITION_LISTENERS.append(hooks.on_transition)
        register_event_labels(hooks.EVENT_LABELS)
        register_panel(CasePanel("quality", "quality/panel.html", quality_panel, order=120))
