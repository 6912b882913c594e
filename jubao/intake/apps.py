from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "jubao.intake"
    label = "intake"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jubao.cases.workflow import TRANSITION_LISTENERS

        from .milestones import on_transition

        if on_transition not in TRANSITION_LISTENERS:
            TRANSITION_LISTENERS.append(on_transition)
