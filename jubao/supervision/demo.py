"""Demo data for the supervision app (idempotent): `supervision_demo_ensure(org)`.

Two supervision notices on late demo cases — one issued ten days ago and now overdue, one answered by the
department and waiting for the supervisor's decision — and the department ratings of last quarter (final) and of
the quarter so far (left open for the quarterly job).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role, User
from jubao.cases.models import Case, CaseState
from jubao.quality.periods import previous_quarter, quarter_start

from .models import SupervisionNotice
from .services import department_ratings_compute, notice_issue, notice_reply, notices_sweep_overdue

SYSTEM = Actor.system("load_demo")
REASON = "该件办理期限临近或已超期，群众多次来电催办，承办部门未按要求报告办理进展。"
DEMANDS = "请在期限内查清事实、依法处理，向举报人作出实质性答复，并书面报告办理情况和整改结果。"
REPLY = "已成立专班现场核查，对存在的问题责令限期整改，整改情况已拍照留存；办理结果将于本周内答复举报人。"


def supervision_demo_ensure(org: Any) -> None:
    now = timezone.now()
    supervisor = org.users.get("supervisor")
    if supervisor is not None and not SupervisionNotice.objects.exists():
        late = list(Case.objects.filter(state=CaseState.IN_PROGRESS, lead_department__isnull=False)
                    .filter(Q(overdue=True) | Q(light__in=("red", "orange")))
                    .filter(region_path__startswith=supervisor.scope_region.path).order_by("next_due_at")[:2])
        actor = Actor.staff(supervisor)
        if late:
            notice_issue(actor=actor, number=late[0].number, reason=REASON, demands=DEMANDS, due_in_days=5,
                         now=now - timedelta(days=10))
        if len(late) > 1:
            notice = notice_issue(actor=actor, number=late[1].number, reason=REASON, demands=DEMANDS,
                                  due_in_days=5, now=now - timedelta(days=1))
            department_id = late[1].lead_department_id
            handler = (User.objects.filter(role=Role.HANDLER, department_id=department_id,
                                           is_active=True).order_by("username").first()
                       if department_id is not None else None)
            if handler is not None:
                notice_reply(actor=Actor.staff(handler), public_id=str(notice.public_id), reply_text=REPLY, now=now)
    notices_sweep_overdue(now=now)
    department_ratings_compute(actor=SYSTEM, quarter=previous_quarter(now), now=now)
    department_ratings_compute(actor=SYSTEM, quarter=quarter_start(timezone.localtime(now).date()), recompute=True,
                               final=False, now=now)
