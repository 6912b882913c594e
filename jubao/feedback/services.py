"""Writes of the feedback app: the template knowledge base, answering a case, naming a reviewer.

Follow-ups are in followups.py, reply letters in letters.py; both are services in the same sense.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import DEPARTMENT_ROLES, Role, User
from jubao.audit.chain import EventDraft, append_event
from jubao.cases.errors import CaseNotFound, TransitionForbidden, TransitionRejected
from jubao.cases.models import CaseState, Finding
from jubao.cases.selectors import case_get_for
from jubao.cases.services import case_transition
from jubao.notifications.services import outbox_put
from jubao.taxonomy.models import Category

from .hooks import open_review
from .models import CaseReview, FeedbackAnswer, ResponseTemplate
from .sections import SECTION_KEYS, compose, problems

TEMPLATE_ROLES = frozenset({Role.ADMIN})
ASSIGN_REVIEWER_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.SUPERVISOR})


def may_edit_templates(actor: Actor) -> bool:
    return actor.role in TEMPLATE_ROLES


# --- templates ---------------------------------------------------------------------------------------
@dataclass
class TemplateInput:
    title: str
    checked: str
    found: str
    done: str
    next_steps: str
    category_id: int | None = None
    finding: str = ""
    is_active: bool = True


@transaction.atomic
def template_save(*, actor: Actor, data: TemplateInput, template_id: str | None = None,
                  now: datetime | None = None) -> ResponseTemplate:
    """Create a response template, or change one (by public id). Administrators only."""
    now = now or timezone.now()
    if not may_edit_templates(actor):
        raise TransitionForbidden(_("Only administrators edit the response templates."))
    if not data.title.strip():
        raise TransitionRejected(_("Give the template a title."), field="title")
    for key in SECTION_KEYS:
        if not str(getattr(data, key)).strip():
            raise TransitionRejected(_("Every template fills all four sections."), field=key)
    if data.finding and data.finding not in Finding.values:
        raise TransitionRejected(_("Choose one of the listed options."), field="finding")
    if data.category_id is not None and not Category.objects.filter(pk=data.category_id).exists():
        raise TransitionRejected(_("Choose a category from the list."), field="category")
    if template_id is None:
        template = ResponseTemplate()
    else:
        found = ResponseTemplate.objects.select_for_update().filter(public_id=template_id).first()
        if found is None:
            raise CaseNotFound(_("No template with that id was found."))
        template = found
    template.title, template.category_id, template.finding = data.title.strip(), data.category_id, data.finding
    for key in SECTION_KEYS:
        setattr(template, key, str(getattr(data, key)).strip())
    template.is_active, template.updated_at, template.updated_by = data.is_active, now, actor.user
    template.save()
    append_event(EventDraft(
        kind="feedback.template_saved", actor_kind=actor.kind, actor_id=actor.user_id, actor_label=actor.label,
        payload={"template": str(template.public_id), "title": template.title, "active": template.is_active,
                 "created": template_id is None},
    ), now=now)
    return template


# --- answering ----------------------------------------------------------------------------------------
@transaction.atomic
def answer_send(*, actor: Actor, number: str, sections: Mapping[str, str], template_id: str | None = None,
                expected_version: int | None = None, now: datetime | None = None) -> FeedbackAnswer:
    """Compose the four sections and fire "answer" (the guard checks the same sections on every path)."""
    cleaned = {key: str(sections.get(key) or "").strip() for key in SECTION_KEYS}
    found = problems(cleaned)
    if found:
        raise TransitionRejected(found[0].message, field=found[0].field or None)
    template = None
    if template_id:
        template = _template(template_id)
    data = {"feedback_text": compose(cleaned), "sections": cleaned,
            "template": str(template.public_id) if template else ""}
    case = case_transition(actor=actor, number=number, transition="answer", data=data,
                           expected_version=expected_version, now=now)
    return FeedbackAnswer.objects.filter(case=case).order_by("-version").first()  # type: ignore[return-value]


def _template(template_id: str) -> ResponseTemplate:
    try:
        public_id = uuid.UUID(str(template_id))
    except ValueError:
        public_id = None
    template = ResponseTemplate.objects.filter(public_id=public_id).first() if public_id else None
    if template is None:
        raise TransitionRejected(_("Choose a template from the list."), field="template")
    return template


# --- review --------------------------------------------------------------------------------------------
def reviewer_candidates(review: CaseReview) -> list[User]:
    """Who may review: the lead department's handlers and heads, except the first handler."""
    department_id = review.case.lead_department_id
    if department_id is None:
        return []
    qs = User.objects.filter(is_active=True, department_id=department_id, role__in=DEPARTMENT_ROLES)
    if review.first_handler_id is not None:
        qs = qs.exclude(pk=review.first_handler_id)
    return list(qs.order_by("role", "display_name", "username"))


def may_assign_reviewer(actor: Actor, case_lead_department_id: int | None) -> bool:
    if actor.role == Role.SUPERVISOR:
        return True
    return (actor.role == Role.DEPARTMENT_HEAD and actor.department_id is not None
            and actor.department_id == case_lead_department_id)


@transaction.atomic
def review_assign(*, actor: Actor, number: str, reviewer_id: str, now: datetime | None = None) -> CaseReview:
    """The lead department's head (or a supervisor) names the reviewer: not the first handler."""
    now = now or timezone.now()
    if actor.user is None:
        raise CaseNotFound(_("No case with that number was found."))
    case = case_get_for(actor.user, number, for_update=True)
    if not may_assign_reviewer(actor, case.lead_department_id):
        raise TransitionForbidden(_("Only the lead department's head or a supervisor names the reviewer."))
    review = open_review(case) if case.state == CaseState.UNDER_REVIEW else None
    if review is None:
        raise TransitionRejected(_("This case is not under review."))
    try:
        reviewer_uuid = uuid.UUID(str(reviewer_id))
    except ValueError:
        reviewer_uuid = None
    reviewer = next((u for u in reviewer_candidates(review) if u.public_id == reviewer_uuid), None)
    if reviewer is None:
        first = review.first_handler
        if first is not None and reviewer_uuid == first.public_id:
            raise TransitionRejected(_("%(name)s handled the case the first time and cannot review it.")
                                     % {"name": first}, field="reviewer")
        raise TransitionRejected(_("Choose a handler of the lead department."), field="reviewer")
    previous = review.reviewer
    review.reviewer, review.assigned_by, review.assigned_at = reviewer, actor.user, now
    review.save(update_fields=["reviewer", "assigned_by", "assigned_at"])
    append_event(EventDraft(
        kind="feedback.reviewer_assigned", case_id=case.pk, actor_kind=actor.kind, actor_id=actor.user_id,
        actor_label=actor.label, payload={"round": review.round, "reviewer": reviewer.username,
                                          "previous": previous.username if previous else ""},
    ), now=now)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("You review case %(number)s (due %(due)s)") % {
            "number": case.number, "due": f"{timezone.localtime(review.due_at):%Y-%m-%d}" if review.due_at else "—"}
    outbox_put(topic="feedback.reviewer_assigned", channel="inbox", subject=subject, body=subject,
               recipient_user=reviewer,
               payload={"case": case.number, "link": reverse("cases:detail", args=[case.number]) + "#feedback"})
    return review
