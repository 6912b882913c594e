"""What a reporter may see of a case: the reporter-visible timeline and deadlines in plain words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from jubao.audit.models import AuditEvent
from jubao.cases.models import Case, CaseState, Report
from jubao.deadlines.models import CaseDeadline, DeadlineStatus, Stage

from .models import MessageDirection, ReporterMessage


@dataclass
class PublicEvent:
    at: datetime
    text: str
    detail: str = ""


def _event_text(event: AuditEvent) -> tuple[str, str]:
    kind, payload = event.kind.removeprefix("case."), event.payload or {}
    texts = {
        "registered": (_("We received your report."), ""),
        "request_info": (_("We asked you for more information."), event.reason),
        "receive_info": (_("Your additional information was received."), ""),
        "accept": (_("Your report was accepted for handling."), ""),
        "refuse": (_("Your report cannot be handled here."), str(payload.get("redirect_notice", ""))),
        "merge": (_("Your report was joined with other reports about the same matter, which are handled together."),
                  ""),
        "dispatch": (_("Your report was sent to the department responsible."), ""),
        "start": (_("The department started handling your report."), ""),
        "extend": (_("The time for handling was extended, as the rules allow."), event.reason),
        "conclude": (_("Handling of your report was concluded."), ""),
        "answer": (_("An answer was sent to you."), ""),
        "rate": (_("You rated the answer."), ""),
        "request_review": (_("A review of the answer was opened."), ""),
        "close": (_("The case was closed."), ""),
        "reopen": (_("The case was reopened."), ""),
        "reconsider": (_("The decision not to handle your report is being reconsidered."), ""),
        "reports_attached": (_("Other reports about the same matter were joined to this one."), ""),
    }
    return texts.get(kind, ("", ""))


def public_timeline(case: Case) -> list[PublicEvent]:
    events = AuditEvent.objects.filter(case=case, reporter_visible=True).order_by("seq")
    timeline = []
    for event in events:
        text, detail = _event_text(event)
        if text:
            timeline.append(PublicEvent(at=event.created_at, text=text, detail=detail))
    return timeline


def _deadline_sentence(deadline: CaseDeadline) -> str:
    sentences = {
        Stage.ACCEPTANCE: _("We will decide whether to accept your report by %(date)s."),
        Stage.SUPPLEMENT: _("Please send the information we asked for by %(date)s."),
        Stage.RESPONSE: _("The department is due to start handling by %(date)s."),
        Stage.CONCLUSION: _("Handling is due to be concluded by %(date)s."),
        Stage.FEEDBACK: _("You are due to receive the answer by %(date)s."),
        Stage.RESULT_NOTICE: _("You are due to be told the result by %(date)s."),
        Stage.REVIEW: _("The review is due to be decided by %(date)s."),
        Stage.ACKNOWLEDGE: _("We will acknowledge your report by %(date)s."),
    }
    template = sentences.get(deadline.stage)  # type: ignore[call-overload]
    if template is None:
        return ""
    sentence = template % {"date": deadline.due_at.strftime("%Y-%m-%d")}
    if deadline.provisional:
        sentence += " " + _("(provisional: the official holiday calendar for that year is not published yet)")
    return sentence


def public_deadlines(case: Case) -> list[str]:
    open_deadlines = case.deadlines.filter(status__in=(DeadlineStatus.RUNNING, DeadlineStatus.PAUSED))
    return [s for s in (_deadline_sentence(d) for d in open_deadlines.order_by("due_at")) if s]


# Other apps that ask a reporter for more while the case is handled (jubao.investigation): report → the open
# consolidated list, or None.
SUPPLEMENT_SOURCES: list[Callable[[Report], str | None]] = []


def open_supplement_request(case: Case, report: Report | None = None) -> str | None:
    """The consolidated list of what is missing, while the case (or, during handling, this reporter) owes it."""
    if case.state == CaseState.NEEDS_INFO:
        event = AuditEvent.objects.filter(case=case, kind="case.request_info").order_by("-seq").first()
        return event.reason if event else ""
    if report is not None:
        for source in SUPPLEMENT_SOURCES:
            text = source(report)
            if text is not None:
                return text
    return None


def public_messages(report: Report, open_request: str | None) -> list[ReporterMessage]:
    """The reporter's message thread, without the open request for more information: that list has its own
    section with the answer form on the same page, and reading it twice makes it look like two requests."""
    messages = list(report.messages.order_by("created_at"))
    if not open_request:
        return messages
    return [m for m in messages if not (m.direction == MessageDirection.TO_REPORTER and m.body == open_request)]


def public_status(case: Case) -> str:
    return str(CaseState(case.state).label)
