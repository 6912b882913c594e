"""退单: every return is recorded per department; the dispatcher re-dispatches or insists; from the third
return on, only a supervisor decides where the case goes."""

from __future__ import annotations

from django.db.models import Max
from django.utils.translation import gettext as _

from jubao.accounts.models import Role
from jubao.cases.errors import TransitionRejected
from jubao.cases.models import CaseState

from ..models import CaseReturn, ReturnDecision
from .common import in_default_language, notify

# From this many returns on, the next dispatch is a supervisor's decision.
SUPERVISOR_DECIDES_AT = 3


def record_return(ctx) -> None:  # type: ignore[no-untyped-def]
    """After "return": one CaseReturn row for the department that sent it back."""
    department_code = ctx.payload.get("department", "")
    from jubao.organisation.models import Department

    department = Department.objects.filter(code=department_code).first()
    if department is None:
        return
    last = CaseReturn.objects.filter(case=ctx.case).aggregate(n=Max("sequence"))["n"] or 0
    CaseReturn.objects.create(
        case=ctx.case, department=department, sequence=last + 1, reason=ctx.reason, returned_by=ctx.actor.user,
        returned_at=ctx.now,
    )
    ctx.payload["return_sequence"] = last + 1
    if ctx.case.bounce_count >= SUPERVISOR_DECIDES_AT:
        case = ctx.case
        notify(case, "case.returned_supervisor", in_default_language(
            lambda: _("Case %(number)s was returned %(n)d times: a supervisor must decide where it goes")
            % {"number": case.number, "n": case.bounce_count}),
            audience={"role": Role.SUPERVISOR, "covering_path": case.region_path})


def require_supervisor_after_third_return(ctx) -> None:  # type: ignore[no-untyped-def]
    if ctx.case.state != CaseState.RETURNED or ctx.case.bounce_count < SUPERVISOR_DECIDES_AT:
        return
    if ctx.actor.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise TransitionRejected(
            _("This case has been returned %(n)d times: only a supervisor can decide where it goes now.")
            % {"n": ctx.case.bounce_count})


def record_redispatch(ctx) -> None:  # type: ignore[no-untyped-def]
    """After a dispatch: the open return (if any) gets the dispatcher's decision."""
    pending = CaseReturn.objects.filter(case=ctx.case, decision=ReturnDecision.PENDING).order_by("-sequence").first()
    if pending is None:
        return
    if ctx.actor.role == Role.SUPERVISOR and ctx.case.bounce_count >= SUPERVISOR_DECIDES_AT:
        decision = ReturnDecision.SUPERVISOR
    elif ctx.case.lead_department_id == pending.department_id:
        decision = ReturnDecision.INSISTED
    else:
        decision = ReturnDecision.REDISPATCHED
    pending.decision, pending.decided_by, pending.decided_at = decision, ctx.actor.user, ctx.now
    pending.redispatched_to_id = ctx.case.lead_department_id
    pending.save(update_fields=["decision", "decided_by", "decided_at", "redispatched_to"])
    ctx.payload["return_decision"] = decision


def require_no_return_after_insistence(ctx) -> None:  # type: ignore[no-untyped-def]
    """坚持派单: once the dispatcher (or a supervisor) has sent a case back to the department that returned it,
    that department handles it or escalates it; it cannot return it again."""
    last = CaseReturn.objects.filter(case=ctx.case).order_by("-sequence").first()
    if (last is not None and last.decision in (ReturnDecision.INSISTED, ReturnDecision.SUPERVISOR)
            and last.redispatched_to_id == ctx.case.lead_department_id):
        raise TransitionRejected(
            _("The dispatch was confirmed after your department returned this case: handle it, or escalate it "
              "to a supervisor."))
