"""The handling section of the staff case page: what each role may do here, with forms ready to fill."""

from __future__ import annotations

from typing import Any

from jubao.accounts.actors import Actor
from jubao.accounts.models import DEPARTMENT_ROLES, Role
from jubao.cases.models import Case, CaseAssignment, CaseState, Grade
from jubao.cases.workflow import TRANSITIONS, actor_may

from . import forms as f
from .models import (
    CaseReturn,
    ConclusionDraft,
    ExtensionRequest,
    HandlingTask,
    MaliciousAccusationFinding,
    RequestStatus,
    TaskStatus,
)
from .recusal import recusal_reasons
from .services.approvals import NEEDS_APPROVAL, extension_approver_role
from .services.assignment import handler_suggestions

CONCLUDABLE = (CaseState.IN_PROGRESS, CaseState.EXTENDED, CaseState.UNDER_REVIEW)
SEES_MALICIOUS = (Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.LEADERSHIP, Role.ADMIN)


def _form(bound: Any, key: str, factory: Any) -> Any:
    if isinstance(bound, dict) and bound.get("key") == key:
        return bound["form"]
    return factory()


def handling_panel(actor: Actor, case: Case, bound: Any) -> dict[str, Any] | None:
    if actor.user is None:
        return None
    role = actor.role
    in_department = role in DEPARTMENT_ROLES
    recused = recusal_reasons(actor.user, case) if in_department else []
    mine = (CaseAssignment.objects.filter(case=case, department_id=actor.department_id, is_active=True)
            .select_related("department", "handler").first()
            if in_department and actor.department_id is not None else None)
    is_lead = mine is not None and case.lead_department_id == actor.department_id
    can_act = in_department and not recused
    context: dict[str, Any] = {
        "case": case, "recused": recused, "assignment": mine, "is_lead": is_lead,
        "bounce_count": case.bounce_count,
        "returns": list(CaseReturn.objects.filter(case=case).select_related("department", "redispatched_to")),
        "tasks": [],
    }
    for task in HandlingTask.objects.filter(case=case).exclude(status=TaskStatus.CANCELLED).select_related(
            "department", "reported_by", "closed_by"):
        context["tasks"].append({
            "task": task,
            "report_form": (_form(bound, f"report:{task.public_id}", f.TaskReportForm)
                            if can_act and task.status == TaskStatus.OPEN and task.department_id == actor.department_id
                            else None),
            "release_form": (_form(bound, f"release:{task.public_id}", f.TaskReleaseForm)
                             if role == Role.SUPERVISOR and task.status == TaskStatus.OPEN
                             and task.kind == "co_handling" else None),
        })
    if mine is not None and role == Role.DEPARTMENT_HEAD and can_act and case.state not in (CaseState.CLOSED,):
        suggestions = handler_suggestions(case, mine.department_id)
        context["suggestions"] = suggestions
        choices = [(s.user.username, str(s.user)) for s in suggestions if s.eligible]
        best = choices[0][0] if choices else None
        context["assign_form"] = _form(bound, "assign", lambda: f.HandlerAssignForm(
            choices=choices, initial={"handler": best}))
        context["assign_form"].fields["handler"].choices = choices
    if mine is not None and can_act:
        context["recuse_form"] = _form(bound, "recuse", f.RecuseForm)
    _approvals(actor, case, bound, context, can_act and is_lead)
    if role in SEES_MALICIOUS:
        context["malicious"] = MaliciousAccusationFinding.objects.filter(case=case).select_related(
            "proposed_by", "approved_by").first()
    return context


def _approvals(actor: Actor, case: Case, bound: Any, context: dict[str, Any], lead_may_act: bool) -> None:
    role = actor.role
    pending_extension = ExtensionRequest.objects.filter(case=case, status=RequestStatus.PENDING).select_related(
        "requested_by").first()
    context["pending_extension"] = pending_extension
    context["extensions"] = list(ExtensionRequest.objects.filter(case=case).exclude(status=RequestStatus.PENDING)
                                 .select_related("requested_by", "decided_by"))
    if pending_extension is None and lead_may_act and case.state == CaseState.IN_PROGRESS:
        context["extension_form"] = _form(bound, "extension", f.ExtensionRequestForm)
    if pending_extension is not None and actor_may(TRANSITIONS["extend"], actor, case) \
            and role == extension_approver_role(case):
        context["extension_decision_form"] = _form(bound, "extension-decide", f.DecisionForm)
    pending = ConclusionDraft.objects.filter(case=case, status=RequestStatus.PENDING).select_related(
        "drafted_by").first()
    context["pending_conclusion"] = pending
    context["needs_approval"] = case.grade in NEEDS_APPROVAL
    context["grade_label"] = Grade(case.grade).label if case.grade else ""
    if pending is None and lead_may_act and case.state in CONCLUDABLE:
        context["conclusion_form"] = _form(bound, "conclusion", f.ConclusionForm)
    if pending is not None and lead_may_act and role == Role.DEPARTMENT_HEAD:
        context["conclusion_decision_form"] = _form(bound, "conclusion-decide", f.DecisionForm)
