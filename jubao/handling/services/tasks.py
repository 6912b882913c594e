"""Joint handling (co-handling departments' own tasks) and report-back tasks for cases assigned down a level."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role
from jubao.cases.errors import TransitionForbidden, TransitionRejected
from jubao.cases.models import AssignmentRole, CaseAssignment
from jubao.deadlines.calendar import WorkingCalendar
from jubao.deadlines.models import CaseDeadline, DeadlineStatus, Stage

from ..models import HandlingTask, TaskKind, TaskStatus
from .common import (
    audit,
    in_default_language,
    locked_case,
    notify,
    require_not_recused,
    require_role,
    require_text,
)

# A co-handler's part is due this many working days after dispatch, and never after the lead's own deadline.
CO_TASK_WORKING_DAYS = 10
MIN_REPORT_CHARS = 15


def _co_task_due(case, now: datetime) -> datetime:  # type: ignore[no-untyped-def]
    due = WorkingCalendar.cached().add(now, CO_TASK_WORKING_DAYS, "working_days").due_at
    conclusion = CaseDeadline.objects.filter(
        case=case, stage=Stage.CONCLUSION, status__in=(DeadlineStatus.RUNNING, DeadlineStatus.PAUSED)
    ).values_list("due_at", flat=True).first()
    if conclusion is not None and conclusion - timedelta(days=1) > now:
        due = min(due, conclusion - timedelta(days=1))
    return due


def open_dispatch_tasks(ctx) -> None:  # type: ignore[no-untyped-def]
    """After a dispatch: earlier tasks end; each co-handling department gets its own task; a report-back
    deadline, when the dispatcher set one, becomes the lead department's report-back task."""
    case, now = ctx.case, ctx.now
    HandlingTask.objects.filter(case=case, status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED, close_reason="re-dispatched")
    co = list(CaseAssignment.objects.filter(case=case, is_active=True, role=AssignmentRole.CO)
              .values_list("department_id", flat=True))
    tasks = [HandlingTask(case=case, department_id=d, kind=TaskKind.CO_HANDLING, due_at=_co_task_due(case, now),
                          instructions=ctx.reason, created_at=now) for d in co]
    raw_days = ctx.data.get("report_back_days")
    if raw_days not in (None, ""):
        try:
            days = int(raw_days)
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= 60:
            raise TransitionRejected(_("Give the report-back time in working days (1 to 60)."),
                                     field="report_back_days")
        due = WorkingCalendar.cached().add(now, days, "working_days").due_at
        tasks.append(HandlingTask(case=case, department_id=case.lead_department_id, kind=TaskKind.REPORT_BACK,
                                  due_at=due, instructions=ctx.reason, created_at=now))
        ctx.payload["report_back_due"] = due.isoformat()
    HandlingTask.objects.bulk_create(tasks)


def cancel_open_tasks(ctx) -> None:  # type: ignore[no-untyped-def]
    """After a return: the returned dispatch's tasks end with it."""
    HandlingTask.objects.filter(case=ctx.case, status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED, close_reason="returned")


def require_co_tasks_closed(ctx) -> None:  # type: ignore[no-untyped-def]
    open_co = list(HandlingTask.objects.filter(case=ctx.case, kind=TaskKind.CO_HANDLING, status=TaskStatus.OPEN)
                   .select_related("department").order_by("id"))
    if open_co:
        raise TransitionRejected(
            _("A co-handling department has not reported yet (%(departments)s): wait for its report, or ask a "
              "supervisor to release its task.") % {"departments": "、".join(t.department.name for t in open_co)})


def _task(case, public_id: str) -> HandlingTask:  # type: ignore[no-untyped-def]
    task = HandlingTask.objects.select_for_update().filter(case=case, public_id=public_id).first()
    if task is None:
        raise TransitionRejected(_("That task was not found."))
    if task.status != TaskStatus.OPEN:
        raise TransitionRejected(_("That task is already closed."))
    return task


@transaction.atomic
def task_report(*, actor: Actor, number: str, task_id: str, text: str, now: datetime | None = None) -> HandlingTask:
    """The department that holds a task reports on it: a co-handler to the lead, or the lead back up a level."""
    now = now or timezone.now()
    require_role(actor, Role.HANDLER, Role.DEPARTMENT_HEAD)
    case = locked_case(actor, number)
    require_not_recused(actor, case)
    task = _task(case, task_id)
    if task.department_id != actor.department_id:
        raise TransitionForbidden(_("Only the department that holds this task can report on it."))
    text = require_text(text, "text", MIN_REPORT_CHARS,
                        _("Report what your department checked and did (at least %(n)d characters)."))
    task.status, task.report_text, task.reported_by, task.reported_at = TaskStatus.REPORTED, text, actor.user, now
    task.save(update_fields=["status", "report_text", "reported_by", "reported_at"])
    audit(case, actor, "handling.task_reported", now=now, reason=text,
          payload={"task": str(task.public_id), "kind": task.kind, "department": task.department.code})
    if task.kind == TaskKind.CO_HANDLING and case.lead_department_id:
        notify(case, "case.co_report", in_default_language(
            lambda: _("A co-handling department reported on case %(number)s") % {"number": case.number}),
            audience={"department_id": case.lead_department_id})
    return task


@transaction.atomic
def task_release(*, actor: Actor, number: str, task_id: str, reason: str, now: datetime | None = None) -> HandlingTask:
    """A supervisor releases an open co-handling task so that the lead may conclude without it."""
    now = now or timezone.now()
    require_role(actor, Role.SUPERVISOR)
    case = locked_case(actor, number)
    task = _task(case, task_id)
    reason = require_text(reason, "reason", 4, _("Say why the task is released (at least %(n)d characters)."))
    task.status, task.closed_by, task.close_reason = TaskStatus.RELEASED, actor.user, reason
    task.save(update_fields=["status", "closed_by", "close_reason"])
    audit(case, actor, "handling.task_released", now=now, reason=reason,
          payload={"task": str(task.public_id), "department": task.department.code})
    return task


def tasks_sweep(now: datetime | None = None, batch: int = 500) -> int:
    """Flag open tasks that passed their deadline, once each, and tell the holding department and the lead."""
    now = now or timezone.now()
    flagged = 0
    while True:
        with transaction.atomic():
            late = list(HandlingTask.objects.select_for_update(skip_locked=True, of=("self",))
                        .filter(status=TaskStatus.OPEN, overdue=False, due_at__lte=now)
                        .select_related("case").order_by("due_at")[:batch])
            for task in late:
                task.overdue = True
                task.save(update_fields=["overdue"])
                case = task.case
                notify(case, "case.task_overdue", in_default_language(
                    lambda case=case: _("A task on case %(number)s is overdue") % {"number": case.number}),
                    audience={"department_id": task.department_id})
            flagged += len(late)
        if len(late) < batch:
            return flagged
