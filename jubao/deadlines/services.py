"""Starting, stopping, pausing and extending the deadlines of a case.

Called by the workflow inside the transition's transaction; every function takes the
calendar snapshot it should use so one transition loads the calendar once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from .calendar import WorkingCalendar
from .models import LIGHT_ORDER, CaseDeadline, DeadlinePolicy, DeadlineStatus, Light
from .rules import rules

if TYPE_CHECKING:
    from jubao.cases.models import Case


class DeadlineError(Exception):
    """A deadline operation that the rules forbid (e.g. a second extension)."""


@dataclass
class DeadlineEffects:
    """What a transition does to the clocks; stage names refer to deadlines.models.Stage."""

    start: tuple[str, ...] = ()
    meet: tuple[str, ...] = ()
    cancel: tuple[str, ...] = ()
    pause: tuple[str, ...] = ()
    resume: tuple[str, ...] = ()
    extend: tuple[str, ...] = ()
    cancel_all: bool = False
    changes: list[dict[str, Any]] = field(default_factory=list)


def _matches(policy: DeadlinePolicy, case: Case, on: datetime) -> bool:
    return (
        policy.effective_from <= on.date()
        and policy.kind_code in ("", case.kind_code)
        and policy.grade in ("", case.grade)
        and policy.urgency in ("", case.urgency)
        and (case.is_real_name or not policy.real_name_only)
    )


def _best_policy(policies: Iterable[DeadlinePolicy], case: Case, stage: str, on: datetime) -> DeadlinePolicy | None:
    matching = [p for p in policies if p.stage == stage and _matches(p, case, on)]
    return max(matching, key=lambda p: (p.specificity(), p.effective_from), default=None)


def policy_for(case: Case, stage: str, on: datetime) -> DeadlinePolicy | None:
    """The most specific policy row of the case's pack that matches the case, effective on `on`."""
    return _best_policy(DeadlinePolicy.objects.filter(pack_id=case.policy_pack_id, stage=stage), case, stage, on)


def light_thresholds(started_at: datetime, due_at: datetime) -> tuple[datetime, datetime, datetime]:
    span = max(due_at - started_at, timedelta(0))
    yellow, orange, red = settings.JUBAO_LIGHT_THRESHOLDS
    return started_at + span * yellow, started_at + span * orange, started_at + span * red


def light_at(deadline: CaseDeadline, now: datetime) -> tuple[str, datetime | None, bool]:
    """(light, next moment it changes, overdue) for a running deadline at `now`."""
    steps = [(deadline.yellow_at, Light.YELLOW), (deadline.orange_at, Light.ORANGE), (deadline.red_at, Light.RED)]
    light: str = Light.GREEN
    next_change: datetime | None = None
    for moment, colour in steps:
        if now >= moment:
            light = colour
        elif next_change is None:
            next_change = moment
    overdue = now >= deadline.due_at
    if next_change is None and not overdue:
        next_change = deadline.due_at
    return light, next_change, overdue


def _set_schedule(deadline: CaseDeadline, now: datetime) -> None:
    effective_start = deadline.started_at + timedelta(seconds=deadline.paused_seconds)
    deadline.yellow_at, deadline.orange_at, deadline.red_at = light_thresholds(effective_start, deadline.due_at)
    deadline.light, deadline.next_light_at, deadline.overdue = light_at(deadline, now)


_OPEN = (DeadlineStatus.RUNNING, DeadlineStatus.PAUSED)


def _new_deadline(case: Case, policy: DeadlinePolicy, *, now: datetime, calendar: WorkingCalendar) -> CaseDeadline:
    due = calendar.add(now, policy.length, policy.unit)
    reference = f" — {policy.source_reference}" if policy.source_reference else ""
    deadline = CaseDeadline(
        case=case, stage=policy.stage, policy=policy, started_at=now, due_at=due.due_at,
        provisional=due.provisional, calendar_version=due.calendar_version,
        rule=f"{case.policy_pack.code}/{policy.stage}: {policy.length} {policy.unit} from {policy.start_event}"
             f"{reference}"[:255],
    )
    _set_schedule(deadline, now)
    return deadline


def _resume(deadline: CaseDeadline, *, now: datetime, calendar: WorkingCalendar) -> None:
    assert deadline.paused_at is not None
    due = calendar.extend_for_pause(deadline.due_at, deadline.policy.unit, deadline.paused_at, now)
    deadline.paused_seconds += int((now - deadline.paused_at).total_seconds())
    deadline.due_at, deadline.paused_at, deadline.status = due.due_at, None, DeadlineStatus.RUNNING
    deadline.provisional = deadline.provisional or due.provisional
    _set_schedule(deadline, now)


def _extend(deadline: CaseDeadline, *, actor_id: int | None, reason: str, now: datetime,
            calendar: WorkingCalendar) -> None:
    """Apply the policy's one-shot extension."""
    policy = deadline.policy
    if deadline.extended_at is not None:
        raise DeadlineError(_("This deadline has already been extended once; a second extension is not allowed."))
    if not policy.extension_length:
        raise DeadlineError(_("The policy pack allows no extension for this stage."))
    due = calendar.add(deadline.due_at, policy.extension_length, policy.extension_unit or policy.unit)
    deadline.due_at, deadline.extended_at = due.due_at, now
    deadline.extended_by_id, deadline.extension_reason = actor_id, reason
    deadline.provisional = deadline.provisional or due.provisional
    deadline.calendar_version = due.calendar_version
    if deadline.status == DeadlineStatus.RUNNING:
        _set_schedule(deadline, now)


def deadline_can_extend(case: Case, stage: str) -> bool:
    deadline = CaseDeadline.objects.filter(case=case, stage=stage, status__in=_OPEN).select_related("policy").first()
    return bool(deadline and deadline.extended_at is None and deadline.policy.extension_length)


_SAVED_FIELDS = ["status", "completed_at", "next_light_at", "paused_at", "paused_seconds", "due_at", "yellow_at",
                 "orange_at", "red_at", "light", "overdue", "provisional", "calendar_version", "extended_at",
                 "extended_by", "extension_reason"]


def apply_effects(
    case: Case, effects: DeadlineEffects, *, now: datetime, actor_id: int | None, reason: str
) -> list[str]:
    """Apply a transition's deadline effects; returns a short description of each change for the audit payload.

    The case's open deadlines are read once (locked) and written back once, so a transition
    costs a handful of queries whatever its effects.
    """
    if not any((effects.start, effects.meet, effects.cancel, effects.pause, effects.resume, effects.extend,
                effects.cancel_all)):
        return []
    open_by_stage = {
        d.stage: d for d in CaseDeadline.objects.select_for_update(of=("self",)).select_related("policy")
        .filter(case=case, status__in=_OPEN)
    }
    needs_calendar = effects.start or effects.resume or effects.extend
    calendar = WorkingCalendar.cached() if needs_calendar else None
    changed: dict[str, CaseDeadline] = {}
    changes: list[str] = []

    def close(stages: Iterable[str], status: str, word: str) -> None:
        for stage in list(stages):
            deadline = open_by_stage.pop(stage, None)
            if deadline is not None:
                deadline.status, deadline.completed_at, deadline.next_light_at = status, now, None
                changed[f"{stage}:{deadline.pk}"] = deadline
                changes.append(f"{word}:{stage}")

    close(effects.meet, DeadlineStatus.MET, "met")
    close(list(open_by_stage) if effects.cancel_all else effects.cancel, DeadlineStatus.CANCELLED, "cancelled")
    for stage in effects.pause:
        deadline = open_by_stage.get(stage)
        if deadline is not None and deadline.status == DeadlineStatus.RUNNING:
            deadline.status, deadline.paused_at, deadline.next_light_at = DeadlineStatus.PAUSED, now, None
            changed[f"{stage}:{deadline.pk}"] = deadline
            changes.append(f"paused:{stage}")
    for stage in effects.resume:
        deadline = open_by_stage.get(stage)
        if deadline is not None and deadline.status == DeadlineStatus.PAUSED:
            assert calendar is not None
            _resume(deadline, now=now, calendar=calendar)
            changed[f"{stage}:{deadline.pk}"] = deadline
            changes.append(f"resumed:{stage}")
    for stage in effects.extend:
        deadline = open_by_stage.get(stage)
        if deadline is None:
            raise DeadlineError(_("There is no open deadline to extend."))
        assert calendar is not None
        _extend(deadline, actor_id=actor_id, reason=reason, now=now, calendar=calendar)
        changed[f"{stage}:{deadline.pk}"] = deadline
        changes.append(f"extended:{stage}:{deadline.due_at.isoformat()}")
    if effects.start:
        # A restarted stage replaces its open deadline, which is cancelled first.
        close([s for s in effects.start if s in open_by_stage], DeadlineStatus.CANCELLED, "cancelled")
    for deadline in changed.values():
        # A transition touches one to three deadlines: plain UPDATEs beat bulk_update's CASE expressions.
        deadline.save(update_fields=_SAVED_FIELDS)
    if effects.start:
        created = deadlines_plan(case, effects.start, now=now, calendar=calendar)
        CaseDeadline.objects.bulk_create(created)
        changes += [f"started:{d.stage}:{d.due_at.isoformat()}" for d in created]
    return changes


def deadlines_plan(case: Case, stages: Iterable[str], *, now: datetime,
                   calendar: WorkingCalendar | None = None) -> list[CaseDeadline]:
    """Unsaved deadlines for `stages` under the case's pack (stages without a rule get none)."""
    stages = list(stages)
    calendar = calendar or WorkingCalendar.cached()
    policies = [p for p in rules().policies.get(case.policy_pack_id, []) if p.stage in stages]
    planned = []
    for stage in stages:
        policy = _best_policy(policies, case, stage, now)
        if policy is not None:
            planned.append(_new_deadline(case, policy, now=now, calendar=calendar))
    return planned


def case_light_summary(deadlines: Iterable[CaseDeadline]) -> tuple[str, datetime | None, bool]:
    """(worst light, earliest due, any overdue) over a case's open deadlines."""
    light, next_due, overdue = Light.GREEN.value, None, False
    for deadline in deadlines:
        if deadline.status not in _OPEN:
            continue
        if LIGHT_ORDER[Light(deadline.light)] > LIGHT_ORDER[Light(light)]:
            light = deadline.light
        if next_due is None or deadline.due_at < next_due:
            next_due = deadline.due_at
        overdue = overdue or deadline.overdue
    return light, next_due, overdue
