"""Writes of the handling app. Every function takes the acting user as `actor` and checks access itself."""

from .approvals import conclusion_decide, conclusion_submit, extension_decide, extension_request
from .assignment import (
    case_recuse,
    conflict_declare,
    conflict_withdraw,
    handler_assign,
    handler_profile_update,
    handler_suggestions,
)
from .tasks import task_release, task_report, tasks_sweep

__all__ = [
    "case_recuse", "conclusion_decide", "conclusion_submit", "conflict_declare", "conflict_withdraw",
    "extension_decide", "extension_request", "handler_assign", "handler_profile_update", "handler_suggestions",
    "task_release", "task_report", "tasks_sweep",
]
