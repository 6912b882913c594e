"""Moves deadline lights green → yellow → orange → red and marks deadlines overdue.

Only rows whose stored `next_light_at` has passed are read (a partial index over running
rows), so a sweep costs what changed, not what is open. Writes are set-based: the next
light moment is always one of the row's own threshold columns, so each batch needs one
UPDATE per resulting light. Orange, red and overdue write an audit event per deadline and
notify the responsible people through the outbox — one message per audience per batch, so
a backlog does not bury a supervisor's inbox under thousands of messages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.utils import timezone

from jubao.audit.chain import EventDraft, append_events
from jubao.audit.models import ActorKind

from .models import LIGHT_ORDER, CaseDeadline, DeadlineStatus, Light
from .services import light_at

ALERTS = ("orange", "red", "overdue")
# After turning to a light, the next moment to look again is this column (None: nothing more to do).
NEXT_MOMENT: dict[str, str] = {
    Light.GREEN: "yellow_at", Light.YELLOW: "orange_at", Light.ORANGE: "red_at", Light.RED: "due_at",
}
DIGEST_LIST_LIMIT = 20


@dataclass
class SweepResult:
    examined: int = 0
    changed: dict[str, int] = field(default_factory=dict)
    newly_overdue: int = 0
    batches: int = 0


def sweep_lights(*, now: datetime | None = None, batch_size: int = 5000) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    while True:
        examined = _sweep_batch(now, batch_size, result)
        result.batches += 1
        if examined < batch_size:
            return result


@dataclass
class _Row:
    pk: int
    case_id: int
    stage: str
    light: str
    overdue: bool
    due_at: datetime
    yellow_at: datetime
    orange_at: datetime
    red_at: datetime
    number: str
    region_path: str
    lead_department_id: int | None


def _sweep_batch(now: datetime, batch_size: int, result: SweepResult) -> int:
    with transaction.atomic():
        qs = CaseDeadline.objects.filter(status=DeadlineStatus.RUNNING, next_light_at__lte=now)
        if settings.IS_POSTGRES:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = [_Row(*values) for values in qs.order_by("next_light_at").values_list(
            "pk", "case_id", "stage", "light", "overdue", "due_at", "yellow_at", "orange_at", "red_at",
            "case__number", "case__region_path", "case__lead_department_id",
        )[:batch_size]]
        if not rows:
            return 0
        groups: dict[tuple[str, bool], list[int]] = defaultdict(list)
        alerts: list[tuple[_Row, str, str]] = []
        for row in rows:
            light, _next, overdue = light_at(row, now)  # type: ignore[arg-type]
            groups[(light, overdue)].append(row.pk)
            if light != row.light:
                result.changed[light] = result.changed.get(light, 0) + 1
                if light in ALERTS:
                    alerts.append((row, light, light))
            if overdue and not row.overdue:
                result.newly_overdue += 1
                alerts.append((row, "overdue", light))
        for (light, overdue), pks in groups.items():
            moment = None if overdue else NEXT_MOMENT.get(light)
            CaseDeadline.objects.filter(pk__in=pks).update(
                light=light, overdue=overdue, next_light_at=F(moment) if moment else Value(None),
            )
        _refresh_cases({row.case_id for row in rows})
        append_events([_event(row, what, light) for row, what, light in alerts], now=now)
        _notify(alerts)
        result.examined += len(rows)
        return len(rows)


def _refresh_cases(case_ids: set[int]) -> None:
    """Recompute each touched case's worst light and overdue flag; one UPDATE per resulting pair."""
    from jubao.cases.models import Case

    worst: dict[int, tuple[str, bool]] = {pk: (Light.GREEN.value, False) for pk in case_ids}
    for case_id, light, overdue in CaseDeadline.objects.filter(
        case_id__in=case_ids, status__in=(DeadlineStatus.RUNNING, DeadlineStatus.PAUSED)
    ).values_list("case_id", "light", "overdue"):
        current, was_overdue = worst[case_id]
        if LIGHT_ORDER[Light(light)] > LIGHT_ORDER[Light(current)]:
            current = light
        worst[case_id] = (current, was_overdue or overdue)
    by_value: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for case_id, value in worst.items():
        by_value[value].append(case_id)
    for (light, overdue), pks in by_value.items():
        Case.objects.filter(pk__in=pks).exclude(light=light, overdue=overdue).update(light=light, overdue=overdue)


def _event(row: _Row, what: str, light: str) -> EventDraft:
    return EventDraft(
        kind=f"deadline.{what}", case_id=row.case_id, actor_kind=ActorKind.SYSTEM, actor_label="deadline-sweeper",
        payload={"stage": row.stage, "light": light, "due_at": row.due_at.isoformat()},
    )


def _audiences(row: _Row, what: str) -> list[dict[str, Any]]:
    # Orange goes to the department that holds the case; red and overdue go to it and up to supervision.
    department = [{"department_id": row.lead_department_id}] if row.lead_department_id else []
    supervisors = {"role": "supervisor", "covering_path": row.region_path}
    if what == "orange":
        return department or [supervisors]
    return [*department, supervisors]


def _notify(alerts: list[tuple[_Row, str, str]]) -> None:
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from jubao.notifications.models import OutboxMessage
    from jubao.notifications.services import outbox_put_many

    from .models import Stage

    grouped: dict[tuple[str, str], list[_Row]] = defaultdict(list)
    audiences: dict[tuple[str, str], dict[str, Any]] = {}
    for row, what, _light in alerts:
        for audience in _audiences(row, what):
            key = (what, repr(sorted(audience.items())))
            grouped[key].append(row)
            audiences[key] = audience
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        single = {
            "orange": _("Case %(number)s: the %(stage)s deadline is close (orange)"),
            "red": _("Case %(number)s: the %(stage)s deadline is almost over (red)"),
            "overdue": _("Case %(number)s: the %(stage)s deadline has passed"),
        }
        for (what, audience_key), rows in grouped.items():
            numbers = [row.number for row in rows]
            if len(rows) == 1:
                subject = single[what] % {"number": rows[0].number, "stage": Stage(rows[0].stage).label}
                link = reverse("cases:detail", args=[rows[0].number])
            else:
                subject = {
                    "orange": ngettext("%(n)d case turned orange", "%(n)d cases turned orange", len(rows)),
                    "red": ngettext("%(n)d case turned red", "%(n)d cases turned red", len(rows)),
                    "overdue": ngettext("%(n)d case is overdue", "%(n)d cases are overdue", len(rows)),
                }[what] % {"n": len(rows)}
                query = "overdue=on" if what == "overdue" else f"light={what}"
                link = f"{reverse('cases:queue')}?{query}"
            body = subject if len(rows) == 1 else subject + ": " + ", ".join(numbers[:DIGEST_LIST_LIMIT]) + (
                " …" if len(numbers) > DIGEST_LIST_LIMIT else "")
            messages.append(OutboxMessage(
                topic=f"deadline.{what}", channel="inbox", subject=subject, body=body,
                audience=audiences[(what, audience_key)],
                payload={"cases": numbers[:1000], "count": len(numbers), "link": link},
            ))
    outbox_put_many(messages)
