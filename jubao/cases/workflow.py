"""The case lifecycle: one table of transitions and the one function that applies them.

Nothing else changes `Case.state`. Each row says where a transition may start, where it
ends, which roles may fire it, what must be true first (guards), what it records, and
what it does to the deadline clocks. Applying a row writes exactly one audit event in the
same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jubao.accounts.actors import REPORTER_ROLE, SYSTEM_ROLE, Actor
from jubao.accounts.models import DEPARTMENT_ROLES, Role
from jubao.audit.chain import EventDraft, append_event
from jubao.deadlines.models import Stage
from jubao.deadlines.services import DeadlineEffects, apply_effects

from . import guards as g
from .errors import InvalidTransition, StaleCase, TransitionForbidden, TransitionRejected
from .models import Case, CaseState

S = CaseState
Guard = Callable[["TransitionContext"], None]
Apply = Callable[["TransitionContext"], None]


@dataclass
class TransitionContext:
    case: Case
    actor: Actor
    reason: str
    data: Mapping[str, Any]
    now: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    changed_fields: set[str] = field(default_factory=set)
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def set(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self.case, name, value)
            self.changed_fields.add(name)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    reason_required: bool = False
    # Transitions a department fires may only be fired by the case's lead department.
    lead_department_only: bool = False
    fields: tuple[str, ...] = ()
    guards: tuple[Guard, ...] = ()
    apply: tuple[Apply, ...] = ()
    effects: DeadlineEffects = field(default_factory=DeadlineEffects)
    reporter_visible: bool = False
    style: str = "secondary"


def _t(name: str, label: str | Promise, sources: Iterable[str], target: str, roles: Iterable[str],
       **kw: Any) -> Transition:
    return Transition(name, label, frozenset(sources), target, frozenset(roles), **kw)


DEPARTMENT = {Role.HANDLER, Role.DEPARTMENT_HEAD}
HANDLING = {S.DISPATCHED, S.IN_PROGRESS, S.EXTENDED}

TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    _t("request_info", _("Ask the reporter for more information"), {S.REGISTERED}, S.NEEDS_INFO,
       {Role.CLERK, Role.DISPATCHER}, reason_required=True, reporter_visible=True,
       effects=DeadlineEffects(pause=(Stage.TRIAGE, Stage.ACCEPTANCE), start=(Stage.SUPPLEMENT,))),
    _t("receive_info", _("Information received"), {S.NEEDS_INFO}, S.REGISTERED,
       {Role.CLERK, Role.DISPATCHER, REPORTER_ROLE, SYSTEM_ROLE}, reporter_visible=True,
       effects=DeadlineEffects(meet=(Stage.SUPPLEMENT,), resume=(Stage.TRIAGE, Stage.ACCEPTANCE))),
    _t("accept", _("Accept"), {S.REGISTERED}, S.ACCEPTED, {Role.DISPATCHER, SYSTEM_ROLE},
       fields=("category", "grade", "urgency"), apply=(g.apply_classification,), guards=(g.require_classification,),
       reporter_visible=True, style="primary",
       effects=DeadlineEffects(meet=(Stage.TRIAGE, Stage.ACCEPTANCE), start=(Stage.DISPATCH, Stage.CONCLUSION))),
    _t("refuse", _("Refuse with a redirect notice"), {S.REGISTERED, S.NEEDS_INFO}, S.REFUSED, {Role.DISPATCHER},
       reason_required=True, fields=("refusal_reason", "redirect_notice"), guards=(g.require_refusal,),
       apply=(g.apply_refusal,), reporter_visible=True, style="danger",
       effects=DeadlineEffects(meet=(Stage.TRIAGE, Stage.ACCEPTANCE), cancel_all=True)),
    _t("merge", _("Merge into another case"), {S.REGISTERED, S.NEEDS_INFO, S.ACCEPTED}, S.MERGED,
       {Role.DISPATCHER, SYSTEM_ROLE}, fields=("target",), guards=(g.require_merge_target,),
       apply=(g.apply_merge,), reporter_visible=True, effects=DeadlineEffects(cancel_all=True)),
    _t("dispatch", _("Dispatch to a department"), {S.ACCEPTED, S.RETURNED, S.ESCALATED, S.REOPENED}, S.DISPATCHED,
       {Role.DISPATCHER, Role.SUPERVISOR, SYSTEM_ROLE}, fields=("department", "co_departments", "report_back_days"),
       guards=(g.require_departments,), apply=(g.apply_dispatch,), reporter_visible=True, style="primary",
       effects=DeadlineEffects(meet=(Stage.DISPATCH,), start=(Stage.RESPONSE, Stage.RETURN_WINDOW))),
    _t("return", _("Return to the dispatcher"), {S.DISPATCHED}, S.RETURNED, DEPARTMENT, reason_required=True,
       lead_department_only=True, guards=(g.require_return_window_open,), apply=(g.apply_return,), style="danger",
       effects=DeadlineEffects(cancel=(Stage.RESPONSE, Stage.RETURN_WINDOW), start=(Stage.DISPATCH,))),
    _t("start", _("Sign for it and start handling"), {S.DISPATCHED, S.REOPENED}, S.IN_PROGRESS, DEPARTMENT,
       lead_department_only=True, apply=(g.apply_start,), reporter_visible=True, style="primary",
       effects=DeadlineEffects(meet=(Stage.RESPONSE,), cancel=(Stage.RETURN_WINDOW,))),
    _t("escalate", _("Escalate to a higher level"), HANDLING, S.ESCALATED,
       {*DEPARTMENT, Role.SUPERVISOR}, reason_required=True, lead_department_only=True,
       apply=(g.apply_escalation,), style="danger",
       effects=DeadlineEffects(cancel=(Stage.RESPONSE, Stage.RETURN_WINDOW))),
    _t("resume", _("Send back to handling"), {S.ESCALATED}, S.IN_PROGRESS, {Role.SUPERVISOR, Role.LEADERSHIP},
       reason_required=True),
    _t("extend", _("Approve an extension"), {S.IN_PROGRESS}, S.EXTENDED, {Role.DEPARTMENT_HEAD, Role.SUPERVISOR},
       reason_required=True, lead_department_only=True, guards=(g.require_extension_allowed,),
       reporter_visible=True, effects=DeadlineEffects(extend=(Stage.CONCLUSION,))),
    _t("conclude", _("Conclude with a finding"), {S.IN_PROGRESS, S.EXTENDED, S.UNDER_REVIEW}, S.CONCLUDED,
       DEPARTMENT, lead_department_only=True, fields=("finding", "conclusion_text"),
       guards=(g.require_finding,), apply=(g.apply_conclusion,), reporter_visible=True, style="primary",
       effects=DeadlineEffects(meet=(Stage.CONCLUSION, Stage.REVIEW), start=(Stage.FEEDBACK, Stage.RESULT_NOTICE))),
    _t("answer", _("Send the answer to the reporter"), {S.CONCLUDED}, S.ANSWERED, DEPARTMENT,
       lead_department_only=True, fields=("feedback_text",), guards=(g.require_substantive_feedback,),
       apply=(g.apply_feedback,), reporter_visible=True, style="primary",
       effects=DeadlineEffects(meet=(Stage.FEEDBACK, Stage.RESULT_NOTICE))),
    _t("rate", _("Record the reporter's rating"), {S.ANSWERED}, S.RATED,
       {Role.CLERK, REPORTER_ROLE, SYSTEM_ROLE}, fields=("satisfaction",), guards=(g.require_satisfaction,),
       apply=(g.apply_rating,), reporter_visible=True),
    _t("request_review", _("Open a review"), {S.ANSWERED, S.RATED}, S.UNDER_REVIEW,
       {Role.CLERK, Role.SUPERVISOR, REPORTER_ROLE}, reason_required=True,
       guards=(g.require_review_window_open,), apply=(g.apply_review,),
       reporter_visible=True, effects=DeadlineEffects(start=(Stage.REVIEW,))),
    _t("close", _("Close"), {S.ANSWERED, S.RATED}, S.CLOSED, {Role.DISPATCHER, Role.SUPERVISOR, SYSTEM_ROLE},
       guards=(g.require_no_unreviewed_dissatisfaction,), apply=(g.apply_close,), reporter_visible=True,
       effects=DeadlineEffects(cancel_all=True)),
    _t("reopen", _("Reopen"), {S.CLOSED}, S.REOPENED, {Role.SUPERVISOR, Role.LEADERSHIP}, reason_required=True,
       apply=(g.apply_reopen,), reporter_visible=True, effects=DeadlineEffects(start=(Stage.CONCLUSION,))),
    _t("reconsider", _("Reconsider the refusal"), {S.REFUSED}, S.REGISTERED, {Role.SUPERVISOR, Role.LEADERSHIP},
       reason_required=True, apply=(g.apply_reconsider,), reporter_visible=True,
       effects=DeadlineEffects(start=(Stage.TRIAGE, Stage.ACCEPTANCE))),
    _t("archive", _("Archive"), {S.CLOSED, S.REFUSED, S.MERGED}, S.ARCHIVED, {Role.ADMIN, SYSTEM_ROLE},
       effects=DeadlineEffects(cancel_all=True)),
)}


# Other apps add guards to a transition (e.g. no conclusion while a co-handling task is open). They run after
# the table's own guards, in registration order, with the same context.
EXTRA_GUARDS: dict[str, list[Guard]] = {}


def register_guard(transition_name: str, guard: Guard) -> None:
    if transition_name not in TRANSITIONS:
        raise KeyError(transition_name)
    EXTRA_GUARDS.setdefault(transition_name, []).append(guard)


# Other apps' steps that run after the state change and the deadline effects, before the audit event is written,
# with the transition's context (so they can read the submitted data and add to the event's payload).
AFTER_APPLY: dict[str, list[Apply]] = {}


def register_after_apply(transition_name: str, step: Apply) -> None:
    if transition_name not in TRANSITIONS:
        raise KeyError(transition_name)
    AFTER_APPLY.setdefault(transition_name, []).append(step)


# Other apps react to transitions inside the same transaction (e.g. reporter milestone notices).
TransitionListener = Callable[[Case, str, Actor], None]
TRANSITION_LISTENERS: list[TransitionListener] = []


def actor_may(transition: Transition, actor: Actor, case: Case) -> bool:
    """Whether this actor may fire this transition on this case now (state, role and department)."""
    if case.state not in transition.sources or actor.role not in transition.roles:
        return False
    if transition.lead_department_only and actor.role in DEPARTMENT_ROLES:
        return actor.department_id is not None and actor.department_id == case.lead_department_id
    return True


def transitions_available(actor: Actor, case: Case) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if actor_may(t, actor, case)]


def apply_transition(
    case: Case, name: str, *, actor: Actor, reason: str = "", data: Mapping[str, Any] | None = None,
    expected_version: int | None = None, now: datetime | None = None,
) -> Case:
    """Fire transition `name` on `case`, which the caller has loaded with select_for_update
    inside the current transaction (services.case_transition does both)."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise InvalidTransition(_("Unknown action “%(name)s”.") % {"name": name})
    if case.state not in transition.sources:
        raise InvalidTransition(
            _("“%(action)s” is not possible while the case is %(state)s.")
            % {"action": transition.label, "state": case.get_state_display()}
        )
    if not actor_may(transition, actor, case):
        raise TransitionForbidden(_("You are not allowed to “%(action)s” on this case.") % {"action": transition.label})
    if expected_version is not None and expected_version != case.version:
        raise StaleCase(_("Someone else changed this case while you were looking at it. Reload and try again."))
    reason = (reason or "").strip()
    if transition.reason_required and not reason:
        raise TransitionRejected(_("A reason is required."), field="reason")

    ctx = TransitionContext(case=case, actor=actor, reason=reason, data=data or {}, now=now or timezone.now())
    for guard in (*transition.guards, *EXTRA_GUARDS.get(name, ())):
        guard(ctx)
    for step in transition.apply:
        step(ctx)

    from_state, old_version = case.state, case.version
    updated = Case.objects.filter(pk=case.pk, version=old_version, state=from_state).update(
        state=transition.target, version=old_version + 1, state_changed_at=ctx.now
    )
    if updated != 1:
        raise StaleCase(_("Someone else changed this case while you were looking at it. Reload and try again."))
    case.state, case.version, case.state_changed_at = transition.target, old_version + 1, ctx.now
    if ctx.changed_fields:
        case.save(update_fields=sorted(ctx.changed_fields))

    changes = apply_effects(case, transition.effects, now=ctx.now, actor_id=actor.user_id, reason=reason)
    for after in AFTER_APPLY.get(name, ()):
        after(ctx)
    refresh_deadline_summary(case)
    append_event(EventDraft(
        kind=f"case.{transition.name}", case_id=case.pk, actor_kind=actor.kind, actor_id=actor.user_id,
        actor_label=actor.label, from_state=from_state, to_state=transition.target, reason=reason,
        payload={**ctx.payload, "deadlines": changes} if changes else ctx.payload,
        reporter_visible=transition.reporter_visible,
    ), now=ctx.now)
    for listener in TRANSITION_LISTENERS:
        listener(case, transition.name, actor)
    for callback in ctx.after_commit:
        transaction.on_commit(callback)
    return case


def refresh_deadline_summary(case: Case) -> None:
    from jubao.deadlines.services import case_light_summary

    light, next_due, overdue = case_light_summary(case.deadlines.all())
    if (case.light, case.next_due_at, case.overdue) != (light, next_due, overdue):
        case.light, case.next_due_at, case.overdue = light, next_due, overdue
        case.save(update_fields=["light", "next_due_at", "overdue"])
