from django.apps import AppConfig


class InvestigationConfig(AppConfig):
    name = "jubao.investigation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jubao.cases.panels import CasePanel, register_panel
        from jubao.cases.timeline import register_event_labels
        from jubao.cases.workflow import EXTRA_GUARDS, TRANSITION_LISTENERS, register_guard

        from .events import EVENT_LABELS
        from .panels import investigation_context, ownership_context, review_context
        from .services.ownership import on_case_closed
        from .services.review import require_collective_review

        register_panel(CasePanel("collective_review", "investigation/review_panel.html", review_context, order=10))
        register_panel(CasePanel("investigation", "investigation/panel.html", investigation_context, order=20))
        register_panel(CasePanel("ownership", "investigation/ownership_panel.html", ownership_context, order=30))
        if require_collective_review not in EXTRA_GUARDS.get("conclude", []):
            register_guard("conclude", require_collective_review)
        if on_case_closed not in TRANSITION_LISTENERS:
            TRANSITION_LISTENERS.append(on_case_closed)
        register_event_labels(EVENT_LABELS)
        self._connect_reporter_side()

    @staticmethod
    def _connect_reporter_side() -> None:
        """Offer the open supplement list and take the reporter's answer, once jubao.intake has the hooks
        (SUPPLEMENT_SOURCES in intake.public, SUPPLEMENT_ANSWER_HANDLERS in intake.services)."""
        from jubao.intake import public
        from jubao.intake import services as intake_services

        from .services.supplement import supplement_answer_received, supplement_for_report

        for hooks, fn in ((getattr(public, "SUPPLEMENT_SOURCES", None), supplement_for_report),
                          (getattr(intake_services, "SUPPLEMENT_ANSWER_HANDLERS", None), supplement_answer_received)):
            if hooks is not None and fn not in hooks:
                hooks.append(fn)
