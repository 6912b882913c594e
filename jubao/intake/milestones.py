"""Notifications caused by the reporter's side, written to the outbox in the same transaction.

Reporter texts never contain identity or case details: only the tracking number, the
milestone and where to look. Real-name reporters who chose SMS or e-mail get them; the
address is decrypted from the vault only when the message is sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from jubao.notifications.services import outbox_put

if TYPE_CHECKING:
    from jubao.accounts.actors import Actor
    from jubao.cases.models import Case, Report

# transition name → milestone shown to the reporter
MILESTONE_TRANSITIONS = {
    "accept": "accepted", "dispatch": "dispatched", "conclude": "concluded", "answer": "answered",
    "refuse": "refused", "request_info": "needs_info",
}
CHANNEL_FOR_PREFERENCE = {"sms": "sms", "email": "email"}


def _texts() -> dict[str, str]:
    return {
        "received": _("Your report %(number)s has been received."),
        "accepted": _("Your report %(number)s has been accepted."),
        "dispatched": _("Your report %(number)s has been sent to the department responsible."),
        "concluded": _("Handling of your report %(number)s is concluded; the answer follows."),
        "answered": _("There is an answer to your report %(number)s."),
        "refused": _("Your report %(number)s cannot be handled here; the notice tells you where to go."),
        "needs_info": _("We need more information about your report %(number)s."),
        "message": _("There is a new message about your report %(number)s."),
    }


def _notify_reporter(report: Report, milestone: str) -> None:
    channel = CHANNEL_FOR_PREFERENCE.get(report.contact_preference)
    if report.identity_id is None or channel is None:
        return  # anonymous reporters follow their report on the portal
    access = getattr(report, "access", None)
    language = (access.language if access is not None and access.language else settings.LANGUAGE_CODE)
    with translation.override(language):
        text = _texts()[milestone] % {"number": report.tracking_number}
        body = text + " " + _("Follow it at %(url)s") % {"url": settings.JUBAO_PUBLIC_URL + reverse("intake:login")}
        outbox_put(topic=f"reporter.{milestone}", channel=channel, subject=text, body=body,
                   audience={"reporter_identity": str(report.identity.public_id)},  # type: ignore[union-attr]
                   payload={"report": report.tracking_number})


def report_received(report: Report) -> None:
    _notify_reporter(report, "received")


def reporter_message_waiting(report: Report) -> None:
    _notify_reporter(report, "message")


def on_transition(case: Case, transition: str, actor: Actor) -> None:
    milestone = MILESTONE_TRANSITIONS.get(transition)
    if milestone is None:
        return
    for report in case.reports.select_related("identity", "access"):
        _notify_reporter(report, milestone)


def staff_message_received(report: Report) -> None:
    case = report.case
    audience: dict = ({"department_id": case.lead_department_id} if case.lead_department_id
                      else {"role": "dispatcher", "covering_path": case.region_path})
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("The reporter wrote about case %(number)s") % {"number": case.number}
    outbox_put(topic="reporter.message", channel="inbox", subject=subject, body=subject, audience=audience,
               payload={"case": case.number, "link": reverse("cases:detail", args=[case.number])})
