"""Writes of the quality app. Views, the API, jobs and commands call these and nothing else.

The monthly draws and computations live in their own modules and are re-exported here:
`retrospective_samples_draw` (jubao.quality.sampling) and `department_flags_compute` (jubao.quality.flags).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role
from jubao.audit.chain import EventDraft, append_event, append_events
from jubao.audit.models import ActorKind
from jubao.cases.errors import CaseNotFound, TransitionForbidden, TransitionRejected
from jubao.cases.models import Case, CaseAssignment
from jubao.cases.selectors import cases_visible_to
from jubao.deadlines.calendar import WorkingCalendar
from jubao.deadlines.models import Unit

from . import notify
from .flags import department_flags_compute
from .models import (
    SCORE_FIELDS,
    SCORE_MAX,
    SCORE_MIN,
    RetrospectiveItem,
    RetrospectiveResult,
    RetrospectiveStatus,
    SelfReview,
    SelfReviewStatus,
)
from .sampling import retrospective_samples_draw

__all__ = [
    "department_flags_compute", "retrospective_review_submit", "retrospective_samples_draw", "self_review_open",
    "self_review_submit", "self_reviews_sweep_overdue",
]

SELF_REVIEW_WORKING_DAYS = 5  # "办结后5日内" (speech-quality-intake-seven-steps, step 7)
MIN_IMPROVEMENT_CHARS = 10
REVIEWER_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def _event(kind: str, actor: Actor, case_id: int, payload: dict, now: datetime, reason: str = "") -> None:
    append_event(EventDraft(kind=kind, case_id=case_id, actor_kind=actor.kind, actor_id=actor.user_id,
                            actor_label=actor.label, reason=reason, payload=payload, reporter_visible=False), now=now)


# --- self-review --------------------------------------------------------------------------------------------------
def self_review_open(*, actor: Actor, case: Case, now: datetime | None = None) -> SelfReview | None:
    """Open the handler's self-review of a conclusion just made (called inside the "conclude" transaction).

    Due 5 working days after the conclusion. A case concluded again while its earlier self-review is still open
    keeps that one. Returns None when nothing was opened.
    """
    now = now or case.state_changed_at or timezone.now()
    if case.lead_department_id is None or SelfReview.objects.filter(case=case, status=SelfReviewStatus.OPEN).exists():
        return None
    if actor.role == Role.HANDLER and actor.department_id == case.lead_department_id:
        handler = actor.user
    else:
        assignment = (CaseAssignment.objects.filter(case=case, department_id=case.lead_department_id,
                                                    is_active=True).select_related("handler").first())
        handler = assignment.handler if assignment is not None else None
    due_at = WorkingCalendar.cached().add(now, SELF_REVIEW_WORKING_DAYS, Unit.WORKING_DAYS).due_at
    # No audit event of its own: a transition writes exactly one, and the conclusion's event already records the
    # moment the self-review runs from (its due time follows from it and the calendar).
    review = SelfReview.objects.create(case=case, department_id=case.lead_department_id, handler=handler,
                                       concluded_at=now, due_at=due_at, created_at=now)
    notify.self_review_opened(review)
    return review


def may_fill_self_review(user, review: SelfReview) -> bool:  # type: ignore[no-untyped-def]
    if review.status != SelfReviewStatus.OPEN or not user.is_active or user.department_id != review.department_id:
        return False
    if review.handler_id is not None:
        return user.pk == review.handler_id
    return user.role in (Role.HANDLER, Role.DEPARTMENT_HEAD)


@transaction.atomic
def self_review_submit(
    *, actor: Actor, public_id: str, facts_complete: bool | None, legal_basis_correct: bool | None,
    demands_answered: bool | None, improvements: str, now: datetime | None = None,
) -> SelfReview:
    now = now or timezone.now()
    review = (SelfReview.objects.select_for_update(of=("self",)).select_related("case")
              .filter(public_id=public_id).first())
    if review is None or actor.user is None or not cases_visible_to(actor.user).filter(pk=review.case_id).exists():
        raise CaseNotFound(_("No such self-review."))
    if review.status != SelfReviewStatus.OPEN:
        raise TransitionRejected(_("This self-review was already filled in."))
    if not may_fill_self_review(actor.user, review):
        raise TransitionForbidden(_("Only the handler of the case fills in its self-review."))
    answers = {"facts_complete": facts_complete, "legal_basis_correct": legal_basis_correct,
               "demands_answered": demands_answered}
    for name, value in answers.items():
        if value is None:
            raise TransitionRejected(_("Answer yes or no."), field=name)
    improvements = (improvements or "").strip()
    if not all(answers.values()) and len(improvements) < MIN_IMPROVEMENT_CHARS:
        raise TransitionRejected(
            _("You answered “no” at least once: say what should be improved (at least %(n)d characters).")
            % {"n": MIN_IMPROVEMENT_CHARS}, field="improvements")
    for name, value in answers.items():
        setattr(review, name, value)
    review.improvements, review.status = improvements, SelfReviewStatus.DONE
    review.submitted_by, review.submitted_at = actor.user, now
    review.save(update_fields=[*answers, "improvements", "status", "submitted_by", "submitted_at"])
    _event("quality.self_review_submitted", actor, review.case_id,
           {**answers, "late": now > review.due_at}, now)
    return review


def self_reviews_sweep_overdue(*, now: datetime | None = None, batch_size: int = 2000) -> int:
    """Flag open self-reviews past their due time, once each; tell each department head in one message."""
    now = now or timezone.now()
    flagged = 0
    while True:
        with transaction.atomic():
            rows = list(SelfReview.objects.filter(status=SelfReviewStatus.OPEN, overdue=False, due_at__lte=now)
                        .order_by("due_at").values_list("pk", "case_id", "case__number", "department_id")
                        [:batch_size])
            if not rows:
                return flagged
            SelfReview.objects.filter(pk__in=[row[0] for row in rows]).update(overdue=True, overdue_at=now)
            append_events([EventDraft(kind="quality.self_review_overdue", case_id=case_id,
                                      actor_kind=ActorKind.SYSTEM, actor_label="quality-sweeper")
                           for _pk, case_id, _number, _department in rows], now=now)
            by_department: dict[int, list[str]] = defaultdict(list)
            for _pk, _case_id, number, department_id in rows:
                by_department[department_id].append(number)
            for department_id, numbers in by_department.items():
                notify.self_reviews_overdue(department_id, numbers)
        flagged += len(rows)
        if len(rows) < batch_size:
            return flagged


# --- retrospective review --------------------------------------------------------------------------------------------
def may_review_retrospective(user) -> bool:  # type: ignore[no-untyped-def]
    return bool(user.is_active and (user.is_superuser or user.role in REVIEWER_ROLES))


@transaction.atomic
def retrospective_review_submit(
    *, actor: Actor, public_id: str, scores: dict[str, int | None], comments: str, result: str,
    now: datetime | None = None,
) -> RetrospectiveItem:
    """A supervisor's review of one sampled case: four scores of 1–5, comments and a result."""
    now = now or timezone.now()
    item = (RetrospectiveItem.objects.select_for_update(of=("self",)).select_related("case")
            .filter(public_id=public_id).first())
    if item is None or actor.user is None or not cases_visible_to(actor.user).filter(pk=item.case_id).exists():
        raise CaseNotFound(_("No such retrospective review."))
    if not may_review_retrospective(actor.user):
        raise TransitionForbidden(_("Only a supervisor reviews sampled cases."))
    if item.status != RetrospectiveStatus.PENDING:
        raise TransitionRejected(_("This case was already reviewed."))
    for name in SCORE_FIELDS:
        value = scores.get(name)
        if value is None or not SCORE_MIN <= int(value) <= SCORE_MAX:
            raise TransitionRejected(_("Give a score from %(low)d to %(high)d.") % {"low": SCORE_MIN,
                                                                                    "high": SCORE_MAX}, field=name)
    if result not in RetrospectiveResult.values:
        raise TransitionRejected(_("Choose a result."), field="result")
    comments = (comments or "").strip()
    if result != RetrospectiveResult.PASS and len(comments) < MIN_IMPROVEMENT_CHARS:
        raise TransitionRejected(_("Say what went wrong (at least %(n)d characters).") % {"n": MIN_IMPROVEMENT_CHARS},
                                 field="comments")
    for name in SCORE_FIELDS:
        setattr(item, name, int(scores[name]))  # type: ignore[arg-type]
    item.comments, item.result, item.status = comments, result, RetrospectiveStatus.REVIEWED
    item.reviewer, item.reviewed_at = actor.user, now
    item.save(update_fields=[*SCORE_FIELDS, "comments", "result", "status", "reviewer", "reviewed_at"])
    _event("quality.retrospective_reviewed", actor, item.case_id,
           {"result": result, **{name: getattr(item, name) for name in SCORE_FIELDS}}, now)
    if result != RetrospectiveResult.PASS:
        notify.retrospective_reviewed(item)
    return item
