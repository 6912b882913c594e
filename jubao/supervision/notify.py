"""Staff notices of the supervision app, through the outbox in the caller's transaction (the inbox delivery copies
each one by e-mail to recipients who have an address, see jubao.notifications.services)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jubao.notifications.services import outbox_put

if TYPE_CHECKING:
    from jubao.organisation.models import Department

    from .models import DepartmentRating, SupervisionNotice


def _put(topic: str, subject: str, *, link: str, body: str = "", case: str = "",
         audience: dict[str, Any] | None = None, recipient=None) -> None:  # type: ignore[no-untyped-def]
    payload: dict[str, Any] = {"link": link}
    if case:
        payload["case"] = case
    outbox_put(topic=topic, channel="inbox", subject=subject[:200], body=body or subject, audience=audience,
               recipient_user=recipient, payload=payload)


def _link(notice: SupervisionNotice) -> str:
    return reverse("cases:detail", args=[notice.case.number]) + "#supervision"


def _day(moment) -> str:  # type: ignore[no-untyped-def]
    return f"{timezone.localtime(moment):%Y-%m-%d}"


def notice_issued(notice: SupervisionNotice) -> None:
    number = notice.case.number
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Supervision notice on case %(number)s: reply by %(date)s") % {
            "number": number, "date": _day(notice.due_at)}
        _put("supervision.notice", subject, body=f"{subject}\n\n{notice.reason}\n\n{notice.demands}",
             link=_link(notice), case=number, audience={"department_id": notice.department_id})


def notice_replied(notice: SupervisionNotice) -> None:
    number = notice.case.number
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("The department replied to the supervision notice on case %(number)s") % {"number": number}
        _put("supervision.notice_reply", subject, link=_link(notice), case=number, recipient=notice.issued_by)


def notice_decided(notice: SupervisionNotice) -> None:
    number = notice.case.number
    with translation.override(settings.LANGUAGE_CODE):
        if notice.status == "accepted":
            subject = _("Supervision notice on case %(number)s: reply accepted") % {"number": number}
        else:
            subject = _("Supervision notice on case %(number)s: reply rejected, reply again by %(date)s") % {
                "number": number, "date": _day(notice.due_at)}
        _put("supervision.notice_decision", subject, body=f"{subject}\n\n{notice.decision_note}".strip(),
             link=_link(notice), case=number, audience={"department_id": notice.department_id})


def notice_overdue(notice: SupervisionNotice) -> None:
    number = notice.case.number
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Supervision notice on case %(number)s is overdue") % {"number": number}
        _put("supervision.notice_overdue", subject, link=_link(notice), case=number, recipient=notice.issued_by,
             audience={"department_id": notice.department_id})


def department_rated(rating: DepartmentRating, department: Department, label: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(department)s is flagged red for %(quarter)s") % {"department": department.name,
                                                                         "quarter": label}
        link = reverse("supervision:ranking") + f"?quarter={label}"
        _put("supervision.rating", subject, link=link,
             audience={"department_id": department.pk, "role": "department_head"})
        _put("supervision.rating", subject, link=link,
             audience={"role": ["supervisor", "leadership"], "covering_path": department.region.path})
