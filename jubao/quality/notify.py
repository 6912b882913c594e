"""Staff notices of the quality app, through the outbox in the caller's transaction (the inbox delivery copies each
one by e-mail to recipients who have an address, see jubao.notifications.services)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jubao.notifications.services import outbox_put

if TYPE_CHECKING:
    from jubao.organisation.models import Department

    from .models import DepartmentFlag, RetrospectiveItem, SelfReview


def _put(topic: str, subject: str, *, link: str, audience: dict[str, Any] | None = None, recipient=None,  # type: ignore[no-untyped-def]
         body: str = "", case: str = "") -> None:
    payload: dict[str, Any] = {"link": link}
    if case:
        payload["case"] = case
    outbox_put(topic=topic, channel="inbox", subject=subject[:200], body=body or subject, audience=audience,
               recipient_user=recipient, payload=payload)


def _day(moment) -> str:  # type: ignore[no-untyped-def]
    return f"{timezone.localtime(moment):%Y-%m-%d}"


def self_review_opened(review: SelfReview) -> None:
    number = review.case.number
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Self-review of case %(number)s due by %(date)s") % {"number": number,
                                                                           "date": _day(review.due_at)}
        link = reverse("cases:detail", args=[number]) + "#quality"
        if review.handler_id:
            _put("quality.self_review", subject, link=link, recipient=review.handler, case=number)
        else:
            _put("quality.self_review", subject, link=link, case=number,
                 audience={"department_id": review.department_id, "role": "handler"})


def self_reviews_overdue(department_id: int, numbers: list[str]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        if len(numbers) == 1:
            subject = _("The self-review of case %(number)s is overdue") % {"number": numbers[0]}
        else:
            subject = _("%(n)d self-reviews of your department are overdue") % {"n": len(numbers)}
        _put("quality.self_review_overdue", subject, body=subject + ": " + ", ".join(numbers[:20]),
             link=reverse("quality:self_reviews") + "?status=overdue",
             audience={"department_id": department_id, "role": "department_head"})


def retrospective_reviewed(item: RetrospectiveItem) -> None:
    if item.department_id is None:
        return
    number = item.case.number
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Retrospective review of case %(number)s: %(result)s") % {
            "number": number, "result": item.get_result_display()}
        _put("quality.retrospective", subject, body=subject + "\n" + item.comments, case=number,
             link=reverse("cases:detail", args=[number]) + "#quality",
             audience={"department_id": item.department_id})


def department_flagged(flag: DepartmentFlag, department: Department, label: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(department)s: low verification, low satisfaction and high repeat rates in %(month)s") % {
            "department": department.name, "month": label}
        link = reverse("quality:flags") + f"?month={label}"
        _put("quality.flag", subject, link=link, audience={"department_id": department.pk,
                                                           "role": "department_head"})
        _put("quality.flag", subject, link=link, audience={"role": ["supervisor", "leadership"],
                                                           "covering_path": department.region.path})
