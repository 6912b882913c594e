from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "jubao.supervision"
    label = "supervision"
    verbose_name = _("Supervision")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jubao.cases.panels import CasePanel, register_panel
        from jubao.cases.timeline import register_event_labels

        from .panel import supervision_panel

        register_event_labels({
            "supervision.notice_issued": lambda: str(_("Supervision notice issued")),
            "supervision.notice_replied": lambda: str(_("Supervision notice answered")),
            "supervision.notice_accepted": lambda: str(_("Reply to the supervision notice accepted")),
            "supervision.notice_rejected": lambda: str(_("Reply to the supervision notice rejected")),
            "supervision.notice_overdue": lambda: str(_("Supervision notice overdue")),
        })
        register_panel(CasePanel("supervision", "supervision/panel.html", supervision_panel, order=20))
