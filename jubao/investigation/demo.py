"""Demo data for the investigation app (idempotent).

`collective_review_demo_sign(org, number, at=…)` must run before the demo concludes a major or must-review case
(the conclusion guard refuses otherwise): it records a meeting an hour earlier and has every participant sign.
`investigation_demo_ensure(org)` adds an investigation record and a 包案 to a few open demo cases.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role, User
from jubao.cases.models import Case, CaseState

from .models import CaseOwnership, InvestigationNote
from .services import (
    ReviewInput,
    collective_review_create,
    collective_review_sign,
    eligible_participants,
    has_signed_review,
    note_add,
    ownership_assign,
    ownership_progress_add,
    review_reasons,
    site_visit_record,
)
from .services.evidence import evidence_add

DECISION = ("经集体研判，认为反映问题线索具体、可查性强，由主办部门牵头依法调查核实，相关部门配合，"
            "在规定时限内办结，并按规定答复举报人；办理中注意保护举报人信息。")
OPINIONS = ["同意研判意见，建议尽快组织现场核查。", "同意，请主办部门按期办结并报送结果。",
            "同意，要求依法依规处理，注意保护举报人。", "同意，建议同步排查同类问题。"]


def _participants(case: Case) -> list[User]:
    """Who convenes first (the lead department's head, else a supervisor or leadership), then the others who
    decide, filled up with the lead department's handlers and dispatchers to at least three."""
    rank = {Role.DEPARTMENT_HEAD: 0, Role.SUPERVISOR: 1, Role.LEADERSHIP: 2, Role.HANDLER: 3, Role.DISPATCHER: 4}
    people = sorted((u for u in eligible_participants(case)
                     if u.role not in (Role.DEPARTMENT_HEAD, Role.HANDLER)
                     or u.department_id == case.lead_department_id), key=lambda u: (rank[u.role], u.username))
    chosen = [u for u in people if u.role in (Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.LEADERSHIP)][:4]
    chosen += [u for u in people if u not in chosen][:max(0, 3 - len(chosen))]
    return chosen


@transaction.atomic
def collective_review_demo_sign(org: Any, number: str, *, at: datetime) -> None:
    case = Case.objects.get(number=number)
    if not review_reasons(case) or has_signed_review(case):
        return
    people = _participants(case)
    if len(people) < 3:
        return
    convener = people[0]
    held_at = at - timedelta(hours=3)
    review = collective_review_create(actor=Actor.staff(convener), number=number, now=at - timedelta(hours=2),
                                      data=ReviewInput(held_at=held_at, meeting_format="in_person",
                                                       location="市信访局三楼会议室", chair=people[-1].username,
                                                       participants=[u.username for u in people], decision=DECISION))
    for index, user in enumerate(people):
        collective_review_sign(actor=Actor.staff(user), review_id=str(review.public_id), opinion=OPINIONS[index],
                               now=at - timedelta(hours=1, minutes=50 - index))


def _handler(case: Case) -> User | None:
    if case.lead_department_id is None:
        return None
    return (User.objects.filter(role=Role.HANDLER, department_id=case.lead_department_id, is_active=True)
            .order_by("username").first())


def investigation_demo_ensure(org: Any) -> None:
    """Notes, an evidence item, a site visit and a 包案 on up to three open cases; nothing twice."""
    now = timezone.now()
    cases = (Case.objects.filter(state=CaseState.IN_PROGRESS, lead_department__isnull=False)
             .order_by("created_at")[:3])
    for index, case in enumerate(cases):
        handler = _handler(case)
        if handler is None or InvestigationNote.objects.filter(case=case).exists():
            continue
        actor = Actor.staff(handler)
        with transaction.atomic():
            note_add(actor=actor, number=case.number, now=now,
                     body="内部备注：已调取辖区巡查记录，被反映单位此前有两次同类整改记录，核查时重点比对。")
            site_visit_record(actor=actor, number=case.number, visited_at=now - timedelta(hours=3),
                              place=f"{case.region.name}现场", participants=[handler.username],
                              others_present="社区网格员", now=now,
                              findings="现场查看：反映的情况基本存在，已拍照留存并向现场负责人宣讲相关规定，要求限期整改。")
            evidence_add(actor=actor, number=case.number, kind="testimony", now=now,
                         description="现场负责人询问笔录（纸质，一式两份）", collected_at=now - timedelta(hours=2))
            if index == 0 and not CaseOwnership.objects.filter(case=case).exists():
                ownership = ownership_assign(
                    actor=org.actor("leader"), number=case.number, leader="leader", reason="repeated", now=now,
                    plan="领导包案：每两周听取一次主办部门汇报，协调相关部门联合整治，确保问题不反弹。")
                ownership_progress_add(actor=org.actor("leader"), ownership_id=str(ownership.public_id), now=now,
                                       body="已召开协调会，明确城管、住建分工，本周内完成第一轮联合整治。")
