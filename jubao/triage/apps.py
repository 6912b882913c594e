from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed(sender, using="default", **kwargs):  # type: ignore[no-untyped-def]
    from .default_rules import keyword_rules_ensure_defaults

    keyword_rules_ensure_defaults()


class TriageConfig(AppConfig):
    name = "jubao.triage"
    label = "triage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Default keyword rules appear on first migrate (and after a test flush) for targets that have none;
        # rule and event edits drop this process's cached snapshots at once.
        from .cues import connect_signals
        from .emergency import connect_signals as connect_event_signals

        post_migrate.connect(_seed, sender=self)
        connect_signals()
        connect_event_signals()
        # Each hook is independent; keep them all (several people add to this method).
        self._run_triage_on_registration()
        self._label_triage_events()

    @staticmethod
    def _run_triage_on_registration() -> None:
        from jubao.cases.services import REGISTRATION_LISTENERS
        from jubao.cases.workflow import TRANSITION_LISTENERS

        from .pipeline import on_report_registered
        from .services import on_case_transition

        if on_report_registered not in REGISTRATION_LISTENERS:
            REGISTRATION_LISTENERS.append(on_report_registered)
        if on_case_transition not in TRANSITION_LISTENERS:
            TRANSITION_LISTENERS.append(on_case_transition)

    @staticmethod
    def _label_triage_events() -> None:
        from jubao.cases.timeline import EVENT_LABELS

        from .services import EVENT_LABELS as TRIAGE_EVENT_LABELS

        EVENT_LABELS.update(TRIAGE_EVENT_LABELS)
