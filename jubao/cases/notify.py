"""Staff notifications caused by case changes. They go through the outbox in the same
transaction as the change, so a rolled-back change notifies nobody."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from jubao.notifications.services import outbox_put

if TYPE_CHECKING:
    from jubao.organisation.models import Department

    from .models import Case


def _put(case: Case, topic: str, subject: str, audience: dict, body: str = "") -> None:
    outbox_put(
        topic=topic, channel="inbox", subject=subject, body=body or subject, audience=audience,
        payload={"case": case.number, "link": reverse("cases:detail", args=[case.number])},
    )


def _region_path(case: Case) -> str:
    return case.region_path


def department_assigned(case: Case, department: Department) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _put(case, "case.assigned", _("New case %(number)s for your department") % {"number": case.number},
             {"department_id": department.pk})


def case_returned(case: Case) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _put(case, "case.returned", _("Case %(number)s was returned and needs re-dispatch") % {"number": case.number},
             {"role": "dispatcher", "covering_path": _region_path(case)})


def case_escalated(case: Case) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _put(case, "case.escalated", _("Case %(number)s was escalated") % {"number": case.number},
             {"role": "supervisor", "covering_path": _region_path(case)})


def review_opened(case: Case) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _put(case, "case.review", _("A review was opened on case %(number)s") % {"number": case.number},
             {"role": "supervisor", "covering_path": _region_path(case)})
