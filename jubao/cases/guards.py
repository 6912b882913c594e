"""Guards (what must hold before a transition) and steps (what it records), named in the workflow table.

A guard raises TransitionRejected with a translated message naming the field at fault;
a step changes the case through ctx.set(...) so the workflow saves exactly those fields.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from jubao.deadlines.models import CaseDeadline, DeadlineStatus, Stage
from jubao.deadlines.services import deadline_can_extend
from jubao.organisation.models import Department
from jubao.taxonomy.models import Category

from . import notify
from .errors import TransitionRejected
from .models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseState,
    Finding,
    Grade,
    RefusalReason,
    Report,
    Satisfaction,
    Urgency,
)
from .numbers import normalise

if TYPE_CHECKING:
    from .workflow import TransitionContext

MIN_CONCLUSION_CHARS = 20
MIN_FEEDBACK_CHARS = 40
MIN_REDIRECT_CHARS = 10
# A bare "transferred" or "handled" is not an answer (BRIEF §7).
BARE_ANSWERS = {"已转办", "已转交", "已交办", "已处理", "已办理", "已办结", "转办", "已受理", "已收到", "收到"}


def _text(ctx: TransitionContext, name: str) -> str:
    return str(ctx.data.get(name) or "").strip()


def _choice(ctx: TransitionContext, name: str, choices: Any, *, required: bool, current: str = "") -> str:
    value = _text(ctx, name) or current
    if not value and required:
        raise TransitionRejected(_("This field is required."), field=name)
    if value and value not in choices.values:
        raise TransitionRejected(_("Choose one of the listed options."), field=name)
    return value


# --- accept ------------------------------------------------------------------------------------
def _category_from(ctx: TransitionContext) -> Category | None:
    raw = ctx.data.get("category")
    if raw in (None, ""):
        return ctx.case.category
    category = Category.objects.filter(pk=raw, is_active=True).first() if str(raw).isdigit() else None
    if category is None:
        raise TransitionRejected(_("Choose a category from the list."), field="category")
    return category


def require_classification(ctx: TransitionContext) -> None:
    if _category_from(ctx) is None:
        raise TransitionRejected(_("Set the category before accepting the case."), field="category")
    _choice(ctx, "grade", Grade, required=True, current=ctx.case.grade)
    _choice(ctx, "urgency", Urgency, required=True, current=ctx.case.urgency)


def apply_classification(ctx: TransitionContext) -> None:
    category = _category_from(ctx)
    grade = _choice(ctx, "grade", Grade, required=True, current=ctx.case.grade)
    urgency = _choice(ctx, "urgency", Urgency, required=True, current=ctx.case.urgency)
    ctx.set(category=category, grade=grade, urgency=urgency)
    ctx.payload.update(category=category.full_name if category else "", grade=grade, urgency=urgency)


# --- refuse / reconsider -------------------------------------------------------------------------
def require_refusal(ctx: TransitionContext) -> None:
    _choice(ctx, "refusal_reason", RefusalReason, required=True)
    if len(_text(ctx, "redirect_notice")) < MIN_REDIRECT_CHARS:
        raise TransitionRejected(
            _("Tell the reporter where to go instead (at least %(n)d characters).") % {"n": MIN_REDIRECT_CHARS},
            field="redirect_notice",
        )


def apply_refusal(ctx: TransitionContext) -> None:
    ctx.set(refusal_reason=_text(ctx, "refusal_reason"), redirect_notice=_text(ctx, "redirect_notice"))
    ctx.payload.update(refusal_reason=ctx.case.refusal_reason, redirect_notice=ctx.case.redirect_notice)


def apply_reconsider(ctx: TransitionContext) -> None:
    ctx.set(refusal_reason="", redirect_notice="")


# --- merge --------------------------------------------------------------------------------------
MERGE_TARGET_STATES = {CaseState.REGISTERED, CaseState.NEEDS_INFO, CaseState.ACCEPTED, CaseState.DISPATCHED,
                       CaseState.IN_PROGRESS, CaseState.EXTENDED, CaseState.RETURNED, CaseState.ESCALATED}


def _merge_target(ctx: TransitionContext) -> Case:
    number = normalise(_text(ctx, "target"))
    if not number:
        raise TransitionRejected(_("Give the number of the case to merge into."), field="target")
    if number == ctx.case.number:
        raise TransitionRejected(_("A case cannot be merged into itself."), field="target")
    target = Case.objects.select_for_update().filter(number=number).first()
    if target is None or not target.region_path.startswith(_scope_prefix(ctx)):
        raise TransitionRejected(_("No case with that number was found."), field="target")
    if target.state not in MERGE_TARGET_STATES:
        raise TransitionRejected(_("That case is no longer open, so nothing can be merged into it."), field="target")
    return target


def _scope_prefix(ctx: TransitionContext) -> str:
    user = ctx.actor.user
    region = user.scope_region if user is not None else None
    return region.path if region is not None else "/"


def require_merge_target(ctx: TransitionContext) -> None:
    _merge_target(ctx)


def apply_merge(ctx: TransitionContext) -> None:
    from jubao.audit.chain import EventDraft, append_event

    target = _merge_target(ctx)
    moved = list(Report.objects.filter(case=ctx.case).values_list("tracking_number", flat=True))
    Report.objects.filter(case=ctx.case).update(case=target)
    ctx.set(merged_into=target)
    ctx.payload.update(merged_into=target.number, reports=moved)
    append_event(EventDraft(
        kind="case.reports_attached", case_id=target.pk, actor_kind=ctx.actor.kind, actor_id=ctx.actor.user_id,
        actor_label=ctx.actor.label, reason=ctx.reason,
        payload={"merged_from": ctx.case.number, "reports": moved},
    ), now=ctx.now)


# --- dispatch / return / start / escalate ----------------------------------------------------------
def _departments(ctx: TransitionContext) -> tuple[Department, list[Department]]:
    lead_code = _text(ctx, "department")
    lead = Department.objects.filter(code=lead_code, is_active=True).first() if lead_code else None
    if lead is None:
        raise TransitionRejected(_("Choose the lead department."), field="department")
    raw_co = ctx.data.get("co_departments") or []
    co_codes = [c.strip() for c in (raw_co.split(",") if isinstance(raw_co, str) else raw_co) if str(c).strip()]
    co = list(Department.objects.filter(code__in=co_codes, is_active=True))
    if len(co) != len(set(co_codes)):
        raise TransitionRejected(_("One of the co-handling departments does not exist."), field="co_departments")
    if lead in co:
        raise TransitionRejected(_("The lead department cannot also be a co-handling department."),
                                 field="co_departments")
    return lead, co


def require_departments(ctx: TransitionContext) -> None:
    _departments(ctx)


def _end_assignments(ctx: TransitionContext) -> None:
    CaseAssignment.objects.filter(case=ctx.case, is_active=True).update(is_active=False, ended_at=ctx.now)


def apply_dispatch(ctx: TransitionContext) -> None:
    lead, co = _departments(ctx)
    _end_assignments(ctx)
    CaseAssignment.objects.bulk_create(
        [CaseAssignment(case=ctx.case, department=lead, role=AssignmentRole.LEAD, assigned_at=ctx.now)]
        + [CaseAssignment(case=ctx.case, department=d, role=AssignmentRole.CO, assigned_at=ctx.now) for d in co]
    )
    ctx.set(lead_department=lead)
    if ctx.case.first_contact_department_id is None:
        ctx.set(first_contact_department_id=ctx.actor.department_id or lead.pk)
    ctx.payload.update(department=lead.code, co_departments=[d.code for d in co])
    for department in [lead, *co]:
        notify.department_assigned(ctx.case, department)


def require_return_window_open(ctx: TransitionContext) -> None:
    window = CaseDeadline.objects.filter(
        case=ctx.case, stage=Stage.RETURN_WINDOW, status=DeadlineStatus.RUNNING
    ).first()
    if window is not None and ctx.now > window.due_at:
        raise TransitionRejected(
            _("The window to return this case closed on %(date)s; escalate it instead.")
            % {"date": f"{window.due_at:%Y-%m-%d}"}
        )


def apply_return(ctx: TransitionContext) -> None:
    department = ctx.case.lead_department
    _end_assignments(ctx)
    ctx.set(bounce_count=ctx.case.bounce_count + 1, lead_department=None)
    ctx.payload.update(department=department.code if department else "", bounce_count=ctx.case.bounce_count)
    notify.case_returned(ctx.case)


def apply_start(ctx: TransitionContext) -> None:
    if ctx.actor.user is not None and ctx.actor.role == "handler" and ctx.actor.department_id is not None:
        CaseAssignment.objects.filter(
            case=ctx.case, department_id=ctx.actor.department_id, is_active=True
        ).update(handler=ctx.actor.user)
        ctx.payload["handler"] = ctx.actor.label


def apply_escalation(ctx: TransitionContext) -> None:
    ctx.set(escalation_count=ctx.case.escalation_count + 1)
    notify.case_escalated(ctx.case)


def require_extension_allowed(ctx: TransitionContext) -> None:
    if not deadline_can_extend(ctx.case, Stage.CONCLUSION):
        raise TransitionRejected(
            _("No extension is possible: the deadline was already extended once, or the policy pack allows none.")
        )


# --- conclude / answer / rate / review / close ------------------------------------------------------
def require_finding(ctx: TransitionContext) -> None:
    _choice(ctx, "finding", Finding, required=True)
    if len(_text(ctx, "conclusion_text")) < MIN_CONCLUSION_CHARS:
        raise TransitionRejected(
            _("Describe the facts established and the measures taken (at least %(n)d characters).")
            % {"n": MIN_CONCLUSION_CHARS},
            field="conclusion_text",
        )


def apply_conclusion(ctx: TransitionContext) -> None:
    ctx.set(finding=_text(ctx, "finding"), conclusion_text=_text(ctx, "conclusion_text"))
    ctx.payload["finding"] = ctx.case.finding


def require_substantive_feedback(ctx: TransitionContext) -> None:
    text = _text(ctx, "feedback_text")
    bare = re.sub(r"[\s\W_]+", "", text)
    if bare in BARE_ANSWERS or len(text) < MIN_FEEDBACK_CHARS:
        raise TransitionRejected(
            _("The answer must tell the reporter what was checked, what was found and what was done "
              "(at least %(n)d characters); a bare “transferred” is not an answer.") % {"n": MIN_FEEDBACK_CHARS},
            field="feedback_text",
        )


def apply_feedback(ctx: TransitionContext) -> None:
    ctx.set(feedback_text=_text(ctx, "feedback_text"))


def require_satisfaction(ctx: TransitionContext) -> None:
    value = _choice(ctx, "satisfaction", Satisfaction, required=True)
    if value == Satisfaction.DISSATISFIED and not ctx.reason:
        raise TransitionRejected(_("Say why the reporter is dissatisfied."), field="reason")


def apply_rating(ctx: TransitionContext) -> None:
    ctx.set(satisfaction=_text(ctx, "satisfaction"))
    ctx.payload["satisfaction"] = ctx.case.satisfaction


DEFAULT_REVIEW_WINDOW_DAYS = 30


def require_review_window_open(ctx: TransitionContext) -> None:
    """A reporter may ask for review only within the pack's window after the answer (信访: 30 days)."""
    if ctx.actor.role != "reporter":
        return
    from jubao.audit.models import AuditEvent
    from jubao.deadlines.calendar import WorkingCalendar
    from jubao.deadlines.services import policy_for

    answered = AuditEvent.objects.filter(case=ctx.case, kind="case.answer").order_by("-seq").first()
    if answered is None:
        return
    policy = policy_for(ctx.case, Stage.REVIEW_APPLICATION, answered.created_at)
    length, unit = (policy.length, policy.unit) if policy else (DEFAULT_REVIEW_WINDOW_DAYS, "calendar_days")
    due = WorkingCalendar.cached().add(answered.created_at, length, unit).due_at
    if ctx.now > due:
        raise TransitionRejected(
            _("The time to ask for a review ended on %(date)s.") % {"date": f"{due:%Y-%m-%d}"}, field="reason"
        )


def apply_review(ctx: TransitionContext) -> None:
    # The reviewed answer gets a rating of its own; the earlier one stays in the audit trail.
    ctx.payload["previous_satisfaction"] = ctx.case.satisfaction
    ctx.set(review_count=ctx.case.review_count + 1, satisfaction="")
    notify.review_opened(ctx.case)


def require_no_unreviewed_dissatisfaction(ctx: TransitionContext) -> None:
    if ctx.case.satisfaction == Satisfaction.DISSATISFIED and ctx.actor.role != "supervisor":
        raise TransitionRejected(
            _("The reporter is dissatisfied: open a review, or ask a supervisor to close the case.")
        )


def apply_close(ctx: TransitionContext) -> None:
    ctx.set(closed_at=ctx.now)


def apply_reopen(ctx: TransitionContext) -> None:
    ctx.set(closed_at=None)
