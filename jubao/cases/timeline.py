"""The case timeline as staff see it, built from the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from jubao.audit.models import AuditEvent

from .models import Case, CaseState
from .workflow import TRANSITIONS

EVENT_LABELS = {
    "case.registered": lambda: _("Registered"),
    "case.reports_attached": lambda: _("Reports merged in from another case"),
    "deadline.orange": lambda: _("Deadline light turned orange"),
    "deadline.red": lambda: _("Deadline light turned red"),
    "deadline.overdue": lambda: _("Deadline passed"),
    "attachment.added": lambda: _("File attached"),
    "registration.confirmed": lambda: _("Registration confirmed by a second clerk"),
    "registration.resolved": lambda: _("Registration confirmed after resolving differences"),
}


def register_event_labels(labels: dict[str, Any]) -> None:
    """Other apps name their own audit event kinds: {"handling.task_opened": lambda: _("…")}."""
    EVENT_LABELS.update(labels)


# Reads are in the audit trail for auditors; on the working timeline they would drown the story.
HIDDEN_KINDS = {"attachment.downloaded"}


@dataclass
class TimelineEntry:
    at: datetime
    label: str
    actor: str
    from_state: str
    to_state: str
    reason: str
    payload: dict[str, Any]
    reporter_visible: bool


def _label(kind: str) -> str:
    name = kind.removeprefix("case.")
    if name in TRANSITIONS:
        return str(TRANSITIONS[name].label)
    maker = EVENT_LABELS.get(kind)
    return maker() if maker else kind


def _state_label(value: str) -> str:
    return str(CaseState(value).label) if value in CaseState.values else value


def case_timeline(case: Case) -> list[TimelineEntry]:
    events = (AuditEvent.objects.filter(case=case).exclude(kind__in=HIDDEN_KINDS)
              .select_related("actor").order_by("seq"))
    return [
        TimelineEntry(
            at=e.created_at, label=_label(e.kind),
            actor=(str(e.actor) if e.actor else (e.actor_label or e.get_actor_kind_display())),
            from_state=_state_label(e.from_state), to_state=_state_label(e.to_state), reason=e.reason,
            payload=e.payload, reporter_visible=e.reporter_visible,
        )
        for e in events
    ]
