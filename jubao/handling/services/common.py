"""What every handling service needs: the locked case, the acting department's standing, audit and notices."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import DEPARTMENT_ROLES, Role
from jubao.audit.chain import EventDraft, append_event
from jubao.cases.errors import CaseNotFound, TransitionForbidden, TransitionRejected
from jubao.cases.models import Case, CaseAssignment
from jubao.cases.selectors import case_get_for
from jubao.notifications.services import outbox_put

from ..recusal import recusal_reasons


def locked_case(actor: Actor, number: str) -> Case:
    if actor.user is None:
        raise CaseNotFound(_("No case with that number was found."))
    return case_get_for(actor.user, number, for_update=True)


def require_role(actor: Actor, *roles: str) -> None:
    if actor.role not in roles and actor.role != Role.ADMIN:
        raise TransitionForbidden(_("Your role does not allow this."))


def active_assignment(case: Case, department_id: int | None) -> CaseAssignment | None:
    if department_id is None:
        return None
    return CaseAssignment.objects.filter(case=case, department_id=department_id, is_active=True).first()


def require_not_recused(actor: Actor, case: Case) -> None:
    """Recusal is enforced, not suggested: a recused department user cannot act on the case at all."""
    if actor.user is None or actor.role not in DEPARTMENT_ROLES:
        return
    reasons = recusal_reasons(actor.user, case)
    if reasons:
        raise TransitionForbidden(
            _("You must recuse yourself from this case: %(reasons)s") % {"reasons": " ".join(reasons)}
        )


def require_text(value: str, field: str, minimum: int, message: str) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        raise TransitionRejected(message % {"n": minimum}, field=field)
    return value


def audit(case: Case, actor: Actor, kind: str, *, now: Any, reason: str = "", payload: dict | None = None) -> None:
    append_event(EventDraft(
        kind=kind, case_id=case.pk, actor_kind=actor.kind, actor_id=actor.user_id, actor_label=actor.label,
        reason=reason, payload=payload or {}, reporter_visible=False,
    ), now=now)


def notify(case: Case, topic: str, subject: str, *, audience: dict | None = None, user: Any = None) -> None:
    """An inbox notice written with the change (staff only; no reporter data)."""
    link = reverse("cases:detail", args=[case.number])
    outbox_put(topic=topic, channel="inbox", subject=subject, body=subject, audience=audience or {},
               recipient_user=user, payload={"case": case.number, "link": link})


def in_default_language(make_subject: Any) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(make_subject())
