"""The supervision section of the case page: the case's supervision notices, the form to issue one (supervisors),
the reply form (the lead department) and the accept / reject form (supervisors)."""

from __future__ import annotations

from typing import Any

from jubao.accounts.actors import Actor
from jubao.cases.models import CLOSED_STATES, Case

from .forms import NoticeDecisionForm, NoticeIssueForm, NoticeReplyForm
from .models import NoticeStatus
from .selectors import case_notices
from .services import may_issue_notices, may_reply


def supervision_panel(actor: Actor, case: Case, bound: Any) -> dict[str, Any] | None:
    """`bound` is {"issue": form} or {"reply": form} or {"decision": form} from a rejected POST."""
    user = actor.user
    if user is None:
        return None
    notices = case_notices(case)
    supervisor = may_issue_notices(user)
    running = next((n for n in notices if n.is_running), None)
    can_issue = (supervisor and running is None and case.state not in CLOSED_STATES
                 and case.lead_department_id is not None)
    if not notices and not can_issue:
        return None
    bound = bound or {}
    reply_form = decision_form = None
    if running is not None and running.status == NoticeStatus.OPEN and may_reply(user, running):
        reply_form = bound.get("reply") or NoticeReplyForm()
    if running is not None and running.status == NoticeStatus.REPLIED and supervisor:
        decision_form = bound.get("decision") or NoticeDecisionForm()
    return {
        "notices": notices, "running": running,
        "issue_form": (bound.get("issue") or NoticeIssueForm()) if can_issue else None,
        "reply_form": reply_form, "decision_form": decision_form, "open": bool(bound),
    }
