"""How the handling rules plug into the case workflow: guards before transitions, steps after them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jubao.accounts.models import DEPARTMENT_ROLES
from jubao.cases.workflow import TRANSITIONS, register_after_apply, register_guard

from .services import approvals, returns, tasks
from .services.common import require_not_recused

EVENT_LABELS = {
    "handling.handler_assigned": lambda: _("Handler assigned"),
    "handling.recused": lambda: _("Recusal recorded"),
    "handling.task_reported": lambda: _("Task reported"),
    "handling.task_released": lambda: _("Co-handling task released by a supervisor"),
    "handling.extension_requested": lambda: _("Extension requested"),
    "handling.extension_refused": lambda: _("Extension refused"),
    "handling.conclusion_submitted": lambda: _("Conclusion submitted for approval"),
    "handling.conclusion_rejected": lambda: _("Conclusion sent back by the department head"),
    "handling.malicious_accusation": lambda: _("Malicious-accusation finding recorded"),
}


def _recusal_guard(ctx) -> None:  # type: ignore[no-untyped-def]
    require_not_recused(ctx.actor, ctx.case)


def connect() -> None:
    for name, transition in TRANSITIONS.items():
        if transition.roles & DEPARTMENT_ROLES:
            register_guard(name, _recusal_guard)
    register_guard("dispatch", returns.require_supervisor_after_third_return)
    register_after_apply("dispatch", returns.record_redispatch)
    register_after_apply("dispatch", tasks.open_dispatch_tasks)
    register_guard("return", returns.require_no_return_after_insistence)
    register_after_apply("return", returns.record_return)
    register_after_apply("return", tasks.cancel_open_tasks)
    register_guard("extend", approvals.require_pack_approver)
    register_after_apply("extend", approvals.record_direct_extension)
    register_guard("conclude", tasks.require_co_tasks_closed)
    register_guard("conclude", approvals.require_approval_for_serious_cases)
