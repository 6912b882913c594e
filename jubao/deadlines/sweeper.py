"""Moves deadline lights green → yellow → orange → red and marks deadlines overdue.

Only rows whose stored `next_light_at` has passed are read (a partial index over running
rows), so a sweep costs what changed, not what is open. Orange, red and overdue write an
audit event and notify the responsible people through the outbox, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jubao.audit.chain import EventDraft, append_events
from jubao.audit.models import ActorKind

from .models import CaseDeadline, DeadlineStatus, Light
from .services import case_light_summary, light_at

ALERT_LIGHTS = {Light.ORANGE, Light.RED}


@dataclass
class SweepResult:
    examined: int = 0
    changed: dict[str, int] = field(default_factory=dict)
    newly_overdue: int = 0
    batches: int = 0


def sweep_lights(*, now: datetime | None = None, batch_size: int = 2000) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    while True:
        done = _sweep_batch(now, batch_size, result)
        result.batches += 1
        if done:
            return result


def _sweep_batch(now: datetime, batch_size: int, result: SweepResult) -> bool:
    from jubao.cases.models import Case
    from jubao.notifications.models import OutboxMessage
    from jubao.notifications.services import outbox_put_many

    with transaction.atomic():
        qs = CaseDeadline.objects.filter(status=DeadlineStatus.RUNNING, next_light_at__lte=now)
        if settings.IS_POSTGRES:
            qs = qs.select_for_update(skip_locked=True)
        deadlines = list(
            qs.order_by("next_light_at").select_related("case").only(
                "id", "stage", "due_at", "yellow_at", "orange_at", "red_at", "light", "overdue", "next_light_at",
                "case__id", "case__number", "case__region_path", "case__lead_department_id",
            )[:batch_size]
        )
        if not deadlines:
            return True
        events: list[EventDraft] = []
        messages: list[OutboxMessage] = []
        for deadline in deadlines:
            light, next_at, overdue = light_at(deadline, now)
            became_overdue = overdue and not deadline.overdue
            if light != deadline.light:
                result.changed[light] = result.changed.get(light, 0) + 1
                if light in ALERT_LIGHTS:
                    events.append(_event(deadline, f"deadline.{light}", light))
                    messages.append(_message(deadline, light))
            if became_overdue:
                result.newly_overdue += 1
                events.append(_event(deadline, "deadline.overdue", light))
                messages.append(_message(deadline, "overdue"))
            deadline.light, deadline.next_light_at, deadline.overdue = light, next_at, overdue
        CaseDeadline.objects.bulk_update(deadlines, ["light", "next_light_at", "overdue"], batch_size=500)
        _refresh_cases(Case, {d.case_id for d in deadlines})
        append_events(events, now=now)
        outbox_put_many(messages)
        result.examined += len(deadlines)
    return len(deadlines) < batch_size


def _refresh_cases(case_model, case_ids: set[int]) -> None:  # type: ignore[no-untyped-def]
    open_rows: dict[int, list[CaseDeadline]] = {pk: [] for pk in case_ids}
    for row in CaseDeadline.objects.filter(
        case_id__in=case_ids, status__in=(DeadlineStatus.RUNNING, DeadlineStatus.PAUSED)
    ).only("case_id", "status", "light", "due_at", "overdue"):
        open_rows[row.case_id].append(row)
    cases = list(case_model.objects.filter(pk__in=case_ids).only("id", "light", "next_due_at", "overdue"))
    changed = []
    for case in cases:
        summary = case_light_summary(open_rows[case.pk])
        if (case.light, case.next_due_at, case.overdue) != summary:
            case.light, case.next_due_at, case.overdue = summary
            changed.append(case)
    case_model.objects.bulk_update(changed, ["light", "next_due_at", "overdue"], batch_size=500)


def _event(deadline: CaseDeadline, kind: str, light: str) -> EventDraft:
    return EventDraft(
        kind=kind, case_id=deadline.case_id, actor_kind=ActorKind.SYSTEM, actor_label="deadline-sweeper",
        payload={"stage": deadline.stage, "light": light, "due_at": deadline.due_at.isoformat()},
    )


def _message(deadline: CaseDeadline, what: str):  # type: ignore[no-untyped-def]
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext as _

    from jubao.notifications.models import OutboxMessage

    case = deadline.case
    # Orange goes to the department that holds the case; red and overdue go up to supervision.
    if what == Light.ORANGE and case.lead_department_id:
        audience = {"department_id": case.lead_department_id}
    else:
        audience = {"role": "supervisor", "covering_path": case.region_path}
    with translation.override(settings.LANGUAGE_CODE):
        texts = {
            "orange": _("Case %(number)s: the %(stage)s deadline is close (orange)"),
            "red": _("Case %(number)s: the %(stage)s deadline is almost over (red)"),
            "overdue": _("Case %(number)s: the %(stage)s deadline has passed"),
        }
        subject = texts[what] % {"number": case.number, "stage": deadline.get_stage_display()}
    return OutboxMessage(
        topic=f"deadline.{what}", channel="inbox", subject=subject, body=subject, audience=audience,
        payload={"case": case.number, "stage": deadline.stage, "link": reverse("cases:detail", args=[case.number])},
    )
