"""Demo cases: about two hundred believable reports driven through the real workflow.

Every case is registered with `case_register` and moved with `case_transition`, by the
demo user whose role would do it in real life, at moments spread over the last ~45 days
(office hours for staff, any waking hour for reporters). All cases are planned first and
then replayed in one global time order, with a light sweep every few simulated hours, so
the audit chain and the deadline history read like a real working month and a half.

Texts come from templates (one per kind of problem) with slots for places, firms, people,
amounts and dates. Names, ID numbers and phone numbers are invented: ID numbers carry the
demo region prefix 99, which no real province uses.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from jubao.accounts.actors import Actor
from jubao.cases.models import Case, Finding, RefusalReason, Satisfaction
from jubao.cases.services import ReportInput, case_register, case_transition
from jubao.deadlines.sweeper import sweep_lights
from jubao.feedback.sections import compose
from jubao.handling.models import HandlingTask, TaskKind, TaskStatus
from jubao.handling.services import task_report
from jubao.investigation.demo import collective_review_demo_sign
from jubao.protection.vault import identity_store

from .builder import DemoCaseBuilder
from .organisation import DemoOrganisation
from .plans import REASONS, SWEEP_EVERY, Plan
from .slots import DISTRICT_SHORT, _md, fill

# --------------------------------------------------------------------------------------------
# Execution
# --------------------------------------------------------------------------------------------


class _Runner:
    def __init__(self, builder: DemoCaseBuilder):
        self.b = builder
        self.org = builder.org
        self.rng = builder.rng

    def actor(self, plan: Plan, spec: str) -> Actor:
        if spec == "reporter":
            return Actor.reporter(plan.pseudonym)
        if spec.startswith("system:"):
            return Actor.system(spec.partition(":")[2])
        return self.org.actor(spec)

    def register(self, plan: Plan, at: datetime) -> None:
        title, body, slots = self.b.make_texts(plan)
        actor_spec = plan.actors[0]
        identity_id = None
        if plan.real_name and plan.person is not None:
            identity = identity_store(
                actor=self.actor(plan, actor_spec) if actor_spec != "reporter" else Actor.system("web-intake"),
                name=plan.person.name, id_number=plan.person.id_number, phone=plan.person.phone,
                address=plan.person.address,
            )
            identity_id, plan.pseudonym = identity.pk, identity.pseudonym
        tpl = plan.template
        region = plan.require_region()
        address = f"{slots['district']}{slots['town']}{slots['village']}"
        if tpl.where == "urban" and "{community}" in "".join(tpl.body):
            address += f"{slots['community']}"
        elif tpl.where == "rural":
            address += f"{slots['group']}组"
        report = case_register(actor=self.actor(plan, actor_spec), now=at, report=ReportInput(
            channel=plan.channel, kind=plan.kind, title=title, body=body, region=region, address=address,
            occurred_on=slots["occurred_on"], occurred_text=self.rng.choice(["", "最近一段时间", slots["date"]]),
            reported_subject=fill(tpl.subject, slots)[:200], identity_id=identity_id,
            reporter_pseudonym=plan.pseudonym, policy_pack_code=plan.pack,
            contact_preference="phone" if plan.real_name else "",
            external_id=f"DEMO-{plan.channel}-{at:%y%m%d}-{plan.index:04d}"
            if plan.channel in ("hotline", "grid_worker") else "",
        ))
        plan.number = report.case.number

    def transition(self, plan: Plan, k: int, at: datetime) -> None:
        name, variant = plan.step(k), plan.variant(k)
        reason, data = self.params(plan, k, at, name, variant)
        if name == "conclude":
            self._co_handlers_report(plan, at)
            collective_review_demo_sign(self.org, plan.number, at=at)
        case_transition(actor=self.actor(plan, plan.actors[k]), number=plan.number, transition=name,
                        reason=reason, data=data, now=at)

    def _co_handlers_report(self, plan: Plan, at: datetime) -> None:
        """Joint handling: each co-handling department reports to the lead before the lead concludes."""
        open_tasks = HandlingTask.objects.filter(case__number=plan.number, kind=TaskKind.CO_HANDLING,
                                                 status=TaskStatus.OPEN).select_related("department")
        for task in open_tasks:
            name = task.department.name
            task_report(actor=self.org.actor(self.b.handler(task.department.code)), number=plan.number,
                        task_id=str(task.public_id), now=at - timedelta(hours=2),
                        text=f"{name}已按职责完成相关核查，情况已书面反馈主办单位。")

    def params(self, plan: Plan, k: int, at: datetime, name: str, variant: str) -> tuple[str, dict[str, Any]]:
        rng, tpl, slots = self.rng, plan.template, plan.slots
        dept = plan.departments[k - 1]
        generic = name in REASONS and name not in ("escalate", "request_review")
        reason = rng.choice(REASONS[name]) if generic else ""
        if name == "accept":
            category = self.b.categories[tpl.leaf]
            return reason, {"category": str(category.pk), "grade": plan.grade, "urgency": plan.urgency}
        if name == "refuse":
            if plan.wrong_refusal:
                return "经初步审查，认为不属于本机关受理范围。", {
                    "refusal_reason": RefusalReason.OUT_OF_REMIT, "redirect_notice": REASONS["wrong_refusal"]}
            return fill(tpl.refusal_reason_text, slots), {
                "refusal_reason": tpl.refusal, "redirect_notice": fill(tpl.redirect, slots)}
        if name == "merge":
            assert plan.merge_into is not None
            return f"与{plan.merge_into.number}反映的是同一事项，合并办理。", {"target": plan.merge_into.number}
        if name == "dispatch":
            co = [c for c in tpl.co if c != dept] if rng.random() < 0.6 and not dept.startswith(
                tuple(DISTRICT_SHORT.values())) else []
            note = "请按时限办理并及时反馈。" if rng.random() < 0.4 else ""
            return note, {"department": dept, "co_departments": co}
        if name == "return":
            correct = self.org.departments[tpl.dept].name
            return f"经研判，该事项主要涉及{correct}职责，不属于本部门职责范围，请重新分办。", {}
        if name == "escalate":
            key = "escalate_supervisor" if variant == "supervisor" else "escalate"
            return rng.choice(REASONS[key]), {}
        if name == "conclude":
            finding = self._finding(plan)
            plan.findings.append(finding)
            plan.conclusion = self._conclusion(plan, finding, self._checked_on(plan, k, at))
            return "", {"finding": finding, "conclusion_text": plan.conclusion}
        if name == "answer":
            return "", {"feedback_text": self._feedback(plan)}
        if name == "rate":
            if variant == "dissatisfied":
                return rng.choice(REASONS["dissatisfied"]), {"satisfaction": Satisfaction.DISSATISFIED}
            value = rng.choices([Satisfaction.SATISFIED, Satisfaction.BASICALLY], weights=[65, 35])[0]
            return "", {"satisfaction": value}
        if name == "request_review":
            key = "request_review_supervisor" if variant == "supervisor" else "request_review"
            return rng.choice(REASONS[key]), {}
        if name == "close" and variant == "auto":
            return "答复后7日内反映人未评价，系统自动办结。", {}
        if name == "close" and variant == "supervisor":
            return "经督办复核，处理结果符合政策规定，反映人的其余诉求已作解释说明，予以办结。", {}
        if name == "archive":
            return "办结归档。", {}
        return reason, {}

    def _finding(self, plan: Plan) -> str:
        if plan.kind in ("enquiry", "suggestion"):
            return Finding.SUBSTANTIATED
        if plan.findings:  # a review tends to confirm at least part of what the reporter said
            return Finding.PARTLY
        return self.rng.choices(
            [Finding.SUBSTANTIATED, Finding.PARTLY, Finding.UNSUBSTANTIATED, Finding.UNVERIFIABLE],
            weights=[50, 25, 18, 7])[0]

    def _dept_name(self, plan: Plan) -> str:
        return self.org.departments[plan.template.dept].name

    def _checked_on(self, plan: Plan, k: int, at: datetime) -> date:
        """A day between the start of the current round of handling and the conclusion."""
        began = next(plan.times[j] for j in range(k - 1, -1, -1)
                     if j == 0 or plan.step(j) in ("start", "resume", "request_review"))
        first = timezone.localtime(began).date()
        day = timezone.localtime(at).date() - timedelta(days=self.rng.randint(0, 4))
        return max(first, day)

    def _conclusion(self, plan: Plan, finding: str, checked_on: date) -> str:
        tpl, slots, rng = plan.template, plan.slots, self.rng
        checked = _md(checked_on)
        measures = fill(tpl.measures, slots)
        short = tpl.short
        if plan.kind in ("enquiry", "suggestion"):
            return measures
        if finding == Finding.SUBSTANTIATED:
            return f"经{self._dept_name(plan)}工作人员于{checked}现场核查，反映的{short}问题属实。{measures}"
        if finding == Finding.PARTLY:
            return (f"经核查，反映的{short}问题部分属实。{measures}"
                    f"其余反映内容经走访{rng.randint(4, 12)}名群众、调阅相关资料，未能查实。")
        if finding == Finding.UNSUBSTANTIATED:
            return (f"{self._dept_name(plan)}于{checked}调阅相关资料并实地走访{rng.randint(5, 15)}名群众，"
                    f"未发现所反映的{short}问题。已向{slots['village']}做好解释说明，并要求加强日常巡查。")
        return (f"因反映内容缺少具体时间和当事人信息，且现场未发现相关痕迹，所反映的{short}问题无法查证。"
                f"已要求{slots['village']}加强日常巡查，发现问题及时上报。")

    def _feedback(self, plan: Plan) -> str:
        registered = _md(timezone.localtime(plan.times[0]).date())
        closing = ("如对处理意见不服，可自收到本意见之日起30日内向上一级机关请求复查。" if plan.pack == "xinfang-2022"
                   else "如仍有问题，可通过原渠道或拨打12345热线继续反映。感谢您对我们工作的支持与监督！")
        department = self._dept_name(plan)
        finding = plan.findings[-1] if plan.findings else ""
        done = (fill(plan.template.measures, plan.slots)
                if finding in (Finding.SUBSTANTIATED, Finding.PARTLY) or plan.kind in ("enquiry", "suggestion")
                else "已向相关单位和群众做好解释说明，并要求加强日常巡查，发现问题及时处理。")
        return compose({
            "checked": (f"您于{registered}反映的{plan.template.short}问题，"
                        f"由{department}安排工作人员调阅资料、实地核查。"),
            "found": plan.conclusion, "done": done, "next_steps": closing,
        })


@transaction.atomic
def build_demo_cases(org: DemoOrganisation, *, count: int = 200, seed: int = 2026,
                     now: datetime | None = None) -> list[Case]:
    """Create `count` demo cases spread over every state, replayed in time order up to `now`."""
    now = now or timezone.now()
    builder = DemoCaseBuilder(org, seed=seed, now=now)
    plans = builder.build_plans(count)
    runner = _Runner(builder)
    events = sorted((moment, plan.index, k) for plan in plans for k, moment in enumerate(plan.times))
    by_index = {plan.index: plan for plan in plans}
    next_sweep = events[0][0] + SWEEP_EVERY if events else now
    for moment, index, k in events:
        while next_sweep <= moment:
            sweep_lights(now=next_sweep)
            next_sweep += SWEEP_EVERY
        plan = by_index[index]
        if k == 0:
            runner.register(plan, moment)
        else:
            runner.transition(plan, k, moment)
    while next_sweep <= now:
        sweep_lights(now=next_sweep)
        next_sweep += SWEEP_EVERY
    sweep_lights(now=now)
    numbers = [plan.number for plan in plans]
    return list(Case.objects.filter(number__in=numbers).order_by("created_at"))
