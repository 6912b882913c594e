"""The quality app's reaction to case transitions (inside the transition's transaction)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jubao.accounts.actors import Actor
from jubao.cases.models import Case

EVENT_LABELS = {
    "quality.self_review_submitted": lambda: str(_("Self-review filled in")),
    "quality.self_review_overdue": lambda: str(_("Self-review overdue")),
    "quality.retrospective_reviewed": lambda: str(_("Retrospective review")),
}


def on_transition(case: Case, transition: str, actor: Actor) -> None:
    if transition == "conclude":
        from .services import self_review_open

        self_review_open(actor=actor, case=case, now=case.state_changed_at)
