"""Writes to cases and reports. Views and the API call these and nothing else."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.audit.chain import EventDraft, append_event
from jubao.audit.models import ActorKind
from jubao.deadlines.models import PolicyPack, Stage
from jubao.deadlines.rules import rules
from jubao.deadlines.services import DeadlineEffects, case_light_summary, deadlines_plan
from jubao.fastinsert import insert, insert_one
from jubao.organisation.models import Region

from . import numbers
from .errors import CaseNotFound, TransitionRejected
from .models import Case, Channel, Report
from .selectors import case_get_for
from .workflow import apply_transition


@dataclass
class ReportInput:
    channel: str
    kind: str
    title: str
    body: str
    region: Region
    address: str = ""
    occurred_on: date | None = None
    occurred_text: str = ""
    reported_subject: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    contact_preference: str = ""
    external_id: str = ""
    identity_id: int | None = None
    reporter_pseudonym: str = ""
    policy_pack_code: str = ""


REGISTRATION_EFFECTS = DeadlineEffects(start=(Stage.TRIAGE, Stage.ACCEPTANCE))

# Other apps react to a new report inside the registration transaction (e.g. triage queues its run),
# so that what they start exists exactly when the report does.
RegistrationListener = Callable[[Report], None]
REGISTRATION_LISTENERS: list[RegistrationListener] = []


def _free_numbers(on: date) -> tuple[str, str]:
    """A new case number and tracking number, neither in use yet.

    Ten million numbers a day: at a million reports a day a fresh draw collides often enough that
    probing first is cheaper than failing a whole submission on the unique constraint. Both are
    probed in one statement (registration is the hottest write path).
    """
    connection = connections[router.db_for_write(Case)]
    case_table = connection.ops.quote_name(Case._meta.db_table)
    report_table = connection.ops.quote_name(Report._meta.db_table)
    sql = (f"SELECT (SELECT 1 FROM {case_table} WHERE number = %s), "  # noqa: S608 - table names only
           f"(SELECT 1 FROM {report_table} WHERE tracking_number = %s)")
    case_number = numbers.generate(numbers.CASE_PREFIX, on)
    tracking_number = numbers.generate(numbers.REPORT_PREFIX, on)
    for _attempt in range(20):
        with connection.cursor() as cursor:
            cursor.execute(sql, [case_number, tracking_number])
            case_taken, report_taken = cursor.fetchone()
        if not case_taken and not report_taken:
            return case_number, tracking_number
        if case_taken:
            case_number = numbers.generate(numbers.CASE_PREFIX, on)
        if report_taken:
            tracking_number = numbers.generate(numbers.REPORT_PREFIX, on)
    raise RuntimeError("could not find a free number")  # 20 collisions in a row means something is badly wrong


def _pseudonym(report: ReportInput) -> str:
    """What staff see instead of a name; never derived from the identity, and stored language-neutral."""
    if report.reporter_pseudonym:
        return report.reporter_pseudonym
    if report.identity_id is not None:
        from jubao.protection.models import ReporterIdentity

        return str(ReporterIdentity.objects.values_list("pseudonym", flat=True).get(pk=report.identity_id))
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "匿名-" + "".join(secrets.choice(alphabet) for _ in range(6))


def _policy_pack(code: str) -> PolicyPack:
    snapshot = rules()
    pack = snapshot.packs.get(code) if code else snapshot.default
    if pack is None:
        raise TransitionRejected(_("No policy pack is configured; load the policy packs first."))
    return pack


@transaction.atomic(savepoint=False)
def case_register(*, actor: Actor, report: ReportInput, now: datetime | None = None,
                  complete: Callable[[Report], None] | None = None) -> Report:
    """Register a new report as a new case in state `registered` and start its intake clocks.

    `complete` makes the caller's own writes for the new report (receipt, attachments, notices) in
    the same transaction, before the audit event.
    """
    now = now or timezone.now()
    if report.channel not in Channel.values:
        raise TransitionRejected(_("Unknown channel."), field="channel")
    if not report.title.strip() or not report.body.strip():
        raise TransitionRejected(_("Say what happened."), field="body")
    if report.external_id and Report.objects.filter(channel=report.channel, external_id=report.external_id).exists():
        raise TransitionRejected(_("This report was already imported."), field="external_id")
    case_number, tracking_number = _free_numbers(timezone.localtime(now).date())
    case = Case(
        number=case_number,
        title=report.title.strip()[:200], region=report.region, region_path=report.region.path,
        kind_id=report.kind, policy_pack=_policy_pack(report.policy_pack_code),
        is_real_name=report.identity_id is not None, created_at=now, state_changed_at=now,
    )
    # A new case has no open deadlines yet: plan its intake clocks in memory and write the case
    # with its light summary in one insert (registration is the hottest write path).
    deadlines = deadlines_plan(case, REGISTRATION_EFFECTS.start, now=now)
    case.light, case.next_due_at, case.overdue = case_light_summary(deadlines)
    insert_one(case)
    for deadline in deadlines:
        deadline.case = case
    insert(deadlines)
    changes = [f"started:{d.stage}:{d.due_at.isoformat()}" for d in deadlines]
    created = insert_one(Report(
        tracking_number=tracking_number,
        case=case, channel=report.channel, kind_id=report.kind, title=report.title.strip()[:200],
        body=report.body.strip(), occurred_on=report.occurred_on, occurred_text=report.occurred_text,
        region=report.region, address=report.address, latitude=report.latitude, longitude=report.longitude,
        reported_subject=report.reported_subject, is_anonymous=report.identity_id is None,
        identity_id=report.identity_id, reporter_pseudonym=_pseudonym(report),
        contact_preference=report.contact_preference, external_id=report.external_id, created_at=now,
    ))
    if complete is not None:
        complete(created)
    # Appending locks the audit chain's single head row until commit, serialising every writer: the
    # caller's own writes come first, so that each registration holds that lock as briefly as it can.
    # Listeners come after: they may record events of their own, which follow the registration.
    append_event(EventDraft(
        kind="case.registered", case_id=case.pk, actor_kind=actor.kind, actor_id=actor.user_id,
        actor_label=actor.label, to_state=case.state, reporter_visible=True,
        payload={"report": created.tracking_number, "channel": report.channel, "deadlines": changes},
    ), now=now)
    for listener in REGISTRATION_LISTENERS:
        listener(created)
    return created


def _lock_in_order(number: str, other: Any) -> None:
    """A transition that also changes another case (merge) locks both rows in primary-key order,
    so two merges of A into B and B into A queue instead of deadlocking."""
    if not other:
        return
    numbers_ = {numbers.normalise(number), numbers.normalise(str(other))}
    list(Case.objects.select_for_update().filter(number__in=numbers_).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def case_transition(
    *, actor: Actor, number: str, transition: str, reason: str = "", data: Mapping[str, Any] | None = None,
    expected_version: int | None = None, now: datetime | None = None,
) -> Case:
    """Fire a lifecycle transition on a case the actor can see (staff), locking the case row."""
    _lock_in_order(number, data.get("target") if transition == "merge" and data else None)
    if actor.user is None:
        case = Case.objects.select_for_update().filter(number=numbers.normalise(number)).first()
        # A reporter acts only on the case that holds their own report (the portal checks the receipt first).
        if case is None or (actor.kind == ActorKind.REPORTER
                            and not case.reports.filter(reporter_pseudonym=actor.label).exists()):
            raise CaseNotFound(_("No case with that number was found."))
    else:
        case = case_get_for(actor.user, number, for_update=True)
    return apply_transition(case, transition, actor=actor, reason=reason, data=data,
                            expected_version=expected_version, now=now)
