from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "jubao.feedback"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from jubao.cases.panels import CasePanel, register_panel
        from jubao.cases.timeline import HIDDEN_KINDS, register_event_labels

        from . import hooks
        from .selectors import feedback_panel

        hooks.connect()
        register_panel(CasePanel("feedback", "feedback/panel.html", feedback_panel, order=20), owns=("answer",))
        register_event_labels({
            "feedback.followups_created": lambda: _("Follow-ups scheduled"),
            "feedback.followup_recorded": lambda: _("Follow-up recorded"),
            "feedback.followup_attempt": lambda: _("Follow-up attempt: reporter not reached"),
            "feedback.followup_contacted": lambda: _("Follow-up question sent to the reporter"),
            "feedback.letter_generated": lambda: _("Reply letter written"),
            "feedback.letter_downloaded": lambda: _("Reply letter downloaded"),
            "feedback.reviewer_assigned": lambda: _("Reviewer named"),
        })
        # Downloads are reads: in the audit trail for auditors, not on the working timeline.
        HIDDEN_KINDS.add("feedback.letter_downloaded")
