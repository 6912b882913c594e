"""How feedback plugs into the case workflow.

* Guard on "answer": whatever the path (case page, this app's API, the generic transitions endpoint), the answer
  must have the four sections under their headings, each with substance, none a bare "已转办".
* After "answer": the sections are stored as a new FeedbackAnswer version (with the template used, if any).
* Listener on "answer": follow-ups are created and, for real-name reporters, the reply letter is queued.
* After "request_review": a CaseReview records the first handler and the review deadline.
* Guard on "conclude" during a review: neither the person concluding nor the one who drafted the conclusion may be
  the first handler.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.audit.models import ActorKind
from jubao.cases.errors import TransitionRejected
from jubao.cases.guards import DEFAULT_REVIEW_WINDOW_DAYS
from jubao.cases.models import AssignmentRole, Case, CaseAssignment, CaseState
from jubao.deadlines.models import CaseDeadline, DeadlineStatus, Stage
from jubao.notifications.services import outbox_put

from .models import CaseReview, FeedbackAnswer, FollowUp, FollowUpStatus, Outcome, ResponseTemplate, ReviewStatus
from .sections import missing_headings_message, parse, require_sections

if TYPE_CHECKING:
    from jubao.cases.workflow import TransitionContext


# --- answer ----------------------------------------------------------------------------------------
def require_structured_answer(ctx: TransitionContext) -> None:
    text = str(ctx.data.get("feedback_text") or "").strip()
    sections = parse(text)
    if sections is None:
        raise TransitionRejected(missing_headings_message(), field="feedback_text")
    require_sections(sections)


def review_until(case: Case, answered_at: datetime) -> datetime:
    """Until when the reporter may ask for a review, as the case's policy pack says (default 30 days)."""
    from jubao.deadlines.calendar import WorkingCalendar
    from jubao.deadlines.services import policy_for

    policy = policy_for(case, Stage.REVIEW_APPLICATION, answered_at)
    length, unit = (policy.length, policy.unit) if policy else (DEFAULT_REVIEW_WINDOW_DAYS, "calendar_days")
    try:
        return WorkingCalendar.cached().add(answered_at, length, unit).due_at
    except ValueError:  # pragma: no cover - a unit the calendar does not know
        return answered_at + timedelta(days=DEFAULT_REVIEW_WINDOW_DAYS)


def _template(raw: object) -> ResponseTemplate | None:
    try:
        public_id = uuid.UUID(str(raw))
    except (TypeError, ValueError):
        return None
    return ResponseTemplate.objects.filter(public_id=public_id).first()


def record_answer(ctx: TransitionContext) -> None:
    case = ctx.case
    sections = parse(case.feedback_text) or {}
    latest = FeedbackAnswer.objects.filter(case=case).aggregate(v=Max("version"))["v"] or 0
    template = _template(ctx.data.get("template")) if ctx.data.get("template") else None
    answer = FeedbackAnswer.objects.create(
        case=case, version=latest + 1, text=case.feedback_text, finding=case.finding, template=template,
        answered_by=ctx.actor.user, actor_label=ctx.actor.label[:100], department_id=case.lead_department_id,
        answered_at=ctx.now, review_until=review_until(case, ctx.now),
        **{key: sections.get(key, "") for key in ("checked", "found", "done", "next_steps")},
    )
    ctx.payload["answer_version"] = answer.version
    if template is not None:
        ctx.payload["template"] = template.title


# --- review ----------------------------------------------------------------------------------------
def lead_handler_id(case: Case) -> int | None:
    return (CaseAssignment.objects.filter(case=case, role=AssignmentRole.LEAD, is_active=True)
            .values_list("handler_id", flat=True).first())


def open_review(case: Case) -> CaseReview | None:
    return CaseReview.objects.filter(case=case, status=ReviewStatus.OPEN).select_related("first_handler").first()


def record_review_opened(ctx: TransitionContext) -> None:
    case = ctx.case
    deadline = (CaseDeadline.objects.filter(case=case, stage=Stage.REVIEW, status=DeadlineStatus.RUNNING)
                .order_by("-started_at").first())
    latest = CaseReview.objects.filter(case=case).aggregate(r=Max("round"))["r"] or 0
    review = CaseReview.objects.create(
        case=case, round=latest + 1, reason=ctx.reason, opened_at=ctx.now, opened_by_label=ctx.actor.label[:100],
        due_at=deadline.due_at if deadline else None, first_handler_id=lead_handler_id(case),
    )
    ctx.payload["review_round"] = review.round
    if case.lead_department_id is not None:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Case %(number)s is under review: name a reviewer other than the first handler") % {
                "number": case.number}
        outbox_put(topic="feedback.review_opened", channel="inbox", subject=subject, body=subject,
                   audience={"department_id": case.lead_department_id, "role": "department_head"},
                   payload={"case": case.number, "link": reverse("cases:detail", args=[case.number]) + "#feedback"})


def require_other_than_first_handler(ctx: TransitionContext) -> None:
    """A review is decided by someone other than the first handler — nor may the first handler draft it."""
    if ctx.case.state != CaseState.UNDER_REVIEW:
        return
    review = open_review(ctx.case)
    first = review.first_handler_id if review is not None else lead_handler_id(ctx.case)
    if first is None:
        return
    drafted = ctx.data.get("drafted_by_id")
    try:
        drafted_id = int(drafted) if drafted not in (None, "") else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        drafted_id = None
    if ctx.actor.user_id == first or drafted_id == first:
        raise TransitionRejected(_(
            "The first handler may not decide the review of their own case: the department head or a supervisor "
            "names another handler as reviewer, who drafts and concludes it."))


# --- listener ----------------------------------------------------------------------------------------
def on_transition(case: Case, transition: str, actor: Actor) -> None:
    if transition == "answer":
        from .followups import followups_create
        from .letters import letter_queue

        answer = FeedbackAnswer.objects.filter(case=case).order_by("-version").first()
        if answer is None:  # pragma: no cover - record_answer always runs first
            return
        followups_create(case=case, answer=answer, now=answer.answered_at)
        letter_queue(answer)
    elif transition == "conclude":
        CaseReview.objects.filter(case=case, status=ReviewStatus.OPEN).update(
            status=ReviewStatus.CONCLUDED, concluded_at=case.state_changed_at)
    elif transition == "rate" and actor.kind == ActorKind.REPORTER:
        # The reporter rated on the follow-up page: their follow-up is answered.
        FollowUp.objects.filter(case=case, status=FollowUpStatus.OPEN, report__reporter_pseudonym=actor.label).update(
            status=FollowUpStatus.DONE, outcome=Outcome.RATED_ONLINE, satisfaction=case.satisfaction,
            recorded_at=case.state_changed_at)


def connect() -> None:
    from jubao.cases.workflow import TRANSITION_LISTENERS, register_after_apply, register_guard

    register_guard("answer", require_structured_answer)
    register_after_apply("answer", record_answer)
    register_after_apply("request_review", record_review_opened)
    register_guard("conclude", require_other_than_first_handler)
    if on_transition not in TRANSITION_LISTENERS:
        TRANSITION_LISTENERS.append(on_transition)
