"""The demo planner: draws a template, a reporter and a path through the workflow for every case,
and (through `Scheduler`) believable moments, before anything is written to the database."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from jubao.accounts.models import Role
from jubao.cases.models import RefusalReason
from jubao.deadlines.calendar import WorkingCalendar
from jubao.deadlines.models import DeadlinePolicy, PolicyPack
from jubao.handling.services.approvals import EXTENSION_APPROVER, NEEDS_APPROVAL
from jubao.organisation.models import Region, RegionLevel
from jubao.taxonomy.models import Category

from .organisation import DemoOrganisation
from .people import Person, fake_person, fake_pseudonym
from .plans import (
    CHANNEL_WEIGHTS,
    ONLINE,
    REAL_NAME_CHANCE,
    Plan,
    S,
    _exit_time,
    _fallback_misroute,
    allocate_states,
)
from .schedule import Scheduler
from .slots import CHANNEL_PREFIX, DISTRICT_SHORT, fill, make_slots
from .texts import LEAF_PARENTS, TEMPLATES, Template
from .texts_refusals import REFUSALS


class DemoCaseBuilder(Scheduler):
    def __init__(self, org: DemoOrganisation, *, seed: int, now: datetime):
        self.org = org
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.now = now
        self.calendar = WorkingCalendar.load()
        self.packs = {p.code: p for p in PolicyPack.objects.all()}
        self.policies = list(DeadlinePolicy.objects.select_related("pack"))
        self.categories = self._resolve_categories()
        villages = [r for r in org.regions.values() if r.level == RegionLevel.VILLAGE]
        self.urban = [r for r in villages if r.name.endswith("社区")]
        self.rural = [r for r in villages if not r.name.endswith("社区")]
        self.townships = [r for r in org.regions.values() if r.level == RegionLevel.TOWNSHIP]
        self.people: list[tuple[Person, Region]] = []
        self._decks: dict[str, list[Template]] = {}
        self.plans: list[Plan] = []

    # --- lookups ------------------------------------------------------------------------------
    def _resolve_categories(self) -> dict[str, Category]:
        found: dict[str, Category] = {}
        rows = Category.objects.filter(depth=3, is_active=True).select_related("parent__parent")
        for category in rows:
            parents = LEAF_PARENTS.get(category.name)
            if parents and category.parent and category.parent.parent and (
                (category.parent.parent.name, category.parent.name) == parents
            ):
                found[category.name] = category
        missing = {t.leaf for t in TEMPLATES} - set(found)
        if missing:
            raise RuntimeError(f"demo categories missing: {sorted(missing)}; run build_demo_organisation first")
        return found

    def _draw(self, deck: str, templates: list[Template], accept: Any = None) -> Template:
        pile = self._decks.setdefault(deck, [])
        for _attempt in range(3 * len(templates)):
            if not pile:
                pile.extend(templates)
                self.rng.shuffle(pile)
            candidate = pile.pop()
            if accept is None or accept(candidate):
                return candidate
        return self.rng.choice(templates)

    def handler(self, dept: str, alt: bool = False) -> str:
        if dept == "chengguan":
            return "handler2" if alt else "handler"
        if dept == "zhujian":
            return "handler_zj"
        return f"handler_{dept}"

    def head(self, dept: str) -> str:
        return {"chengguan": "head", "zhujian": "head_zj"}.get(dept, f"head_{dept}")

    # --- paths --------------------------------------------------------------------------------
    def _prefix(self) -> list[str]:
        roll = self.rng.random()
        if roll < 0.10:
            return ["request_info", "receive_info", "accept", "dispatch"]
        if roll < 0.22:
            return ["accept", "dispatch", "return", "dispatch"]
        return ["accept", "dispatch"]

    def _handling(self, grade: str, *, may_extend: bool = True) -> list[str]:
        steps = ["start"]
        roll = self.rng.random()
        if may_extend and grade != "simple" and roll < 0.15:
            steps.append("extend")
        elif roll > 0.92:
            steps += ["escalate", "resume"]
        return steps

    def _answered(self, grade: str) -> list[str]:
        return [*self._prefix(), *self._handling(grade), "conclude", "answer"]

    def _closed(self, grade: str) -> list[str]:
        roll = self.rng.random()
        if roll < 0.55:
            return [*self._answered(grade), "rate", "close"]
        if roll < 0.75:
            return [*self._answered(grade), "close:auto"]
        if roll < 0.9:
            return [*self._answered(grade), "rate:dissatisfied", "request_review", "conclude", "answer", "rate",
                    "close"]
        return [*self._answered(grade), "rate:dissatisfied", "close:supervisor"]

    def path_for(self, state: str, grade: str, variant_no: int) -> list[str]:
        rng = self.rng
        pick = rng.random()
        if state == S.REGISTERED:
            if pick < 0.10:
                return ["request_info", "receive_info"]
            return ["refuse", "reconsider"] if pick < 0.17 else []
        if state == S.NEEDS_INFO:
            return ["request_info"]
        if state == S.ACCEPTED:
            return ["request_info", "receive_info", "accept"] if pick < 0.12 else ["accept"]
        if state == S.REFUSED:
            return ["request_info", "refuse"] if pick < 0.2 else ["refuse"]
        if state == S.MERGED:
            return ["accept", "merge"] if pick < 0.3 else ["merge"]
        if state == S.DISPATCHED:
            return self._prefix()
        if state == S.RETURNED:
            return ["accept", "dispatch", "return"]
        if state == S.IN_PROGRESS:
            if pick < 0.1:
                return [*self._answered(grade), "rate:dissatisfied", "close:supervisor", "reopen", "start"]
            if pick < 0.22:
                return [*self._prefix(), "start", "escalate", "resume"]
            return [*self._prefix(), "start"]
        if state == S.EXTENDED:
            return [*self._prefix(), "start", "extend"]
        if state == S.ESCALATED:
            return [*self._prefix(), "start", "extend", "escalate"] if pick < 0.25 else [
                *self._prefix(), "start", "escalate:supervisor" if pick > 0.7 else "escalate"]
        if state == S.CONCLUDED:
            return [*self._prefix(), *self._handling(grade), "conclude"]
        if state == S.ANSWERED:
            return self._answered(grade)
        if state == S.RATED:
            return [*self._answered(grade), "rate:dissatisfied" if pick < 0.15 else "rate"]
        if state == S.UNDER_REVIEW:
            if pick < 0.3:
                return [*self._answered(grade), "request_review:supervisor"]
            return [*self._answered(grade), "rate:dissatisfied", "request_review"]
        if state == S.REOPENED:
            return [*self._answered(grade), "rate", "close", "reopen"]
        if state == S.CLOSED:
            return self._closed(grade)
        if state == S.ARCHIVED:
            kind = ("closed", "refused", "merged")[variant_no] if variant_no < 3 else rng.choices(
                ("closed", "refused", "merged"), weights=(6, 3, 1))[0]
            if kind == "refused":
                return ["refuse", "archive"]
            if kind == "merged":
                return ["merge", "archive"]
            return [*self._closed(grade), "archive"]
        raise ValueError(state)

    # --- one plan -----------------------------------------------------------------------------
    def plan(self, index: int, state: str, variant_no: int) -> Plan:
        rng = self.rng
        grade_hint = rng.choice(["simple", "complex", "complex", "major"])
        path = self.path_for(state, grade_hint, variant_no)
        names = [p.split(":")[0] for p in path]
        plan = Plan(index=index, target=state, path=path)
        refused = "refuse" in names and "reconsider" not in names
        plan.duplicate = "merge" in names
        if refused:
            if "request_info" in names:
                plan.template = next(t for t in REFUSALS if t.refusal == RefusalReason.NO_SUBSTANCE)
            else:
                plan.template = self._draw("refusal", REFUSALS)
        else:
            # Accusations go nowhere near a grid worker; grid channel only for what is seen on patrol.
            plan.template = self._draw("normal", TEMPLATES)
        plan.wrong_refusal = "reconsider" in names
        tpl = plan.template
        plan.kind = rng.choice(tpl.kinds)
        plan.grade = rng.choice(tpl.grades)
        plan.urgency = rng.choice(tpl.urgencies)
        if grade_hint == "major" and "major" in tpl.grades:
            plan.grade = "major"
        plan.channel = self._channel(tpl, plan.kind)
        plan.region = self._region(tpl)
        plan.pack = self._pack(plan)
        plan.real_name = rng.random() < REAL_NAME_CHANCE[plan.channel]
        if plan.real_name:
            if self.people and rng.random() < 0.15:
                person, home = rng.choice(self.people)
            else:
                person, home = fake_person(rng, plan.region), plan.region
                self.people.append((person, home))
            plan.person = person
        else:
            plan.pseudonym = self._anonymous_name(plan)
        if "990102" in plan.region.path and rng.random() < 0.5:
            plan.supervisor = "supervisor_east"
        self._assign_departments(plan)
        self._assign_actors(plan)
        return plan

    def _anonymous_name(self, plan: Plan) -> str:
        return fake_pseudonym(self.rng, plan.channel, plan.require_region())

    def _channel(self, tpl: Template, kind: str) -> str:
        channels = list(CHANNEL_WEIGHTS)
        weights = [CHANNEL_WEIGHTS[c] * (3 if c == "grid_worker" and tpl.grid else 1) for c in channels]
        for _attempt in range(10):
            channel = self.rng.choices(channels, weights=weights)[0]
            if channel == "grid_worker" and (not tpl.grid or kind in ("accusation", "enquiry", "appeal")):
                continue
            return channel
        return "web"

    def _region(self, tpl: Template) -> Region:
        pool = {"urban": self.urban, "rural": self.rural}.get(tpl.where, self.urban + self.rural)
        return self.rng.choice(pool)

    def _pack(self, plan: Plan) -> str:
        roll = self.rng.random()
        if plan.channel in ("letter", "visit") and roll < 0.7 and "xinfang-2022" in self.packs:
            return "xinfang-2022"
        if plan.template.dept == "jiwei" and plan.kind == "accusation" and roll < 0.4 and "jijian-2020" in self.packs:
            return "jijian-2020"
        return ""

    def _assign_departments(self, plan: Plan) -> None:
        tpl = plan.template
        depts: list[str] = []
        n = len(plan.path)
        last_dispatch = ""
        for k in range(1, n + 1):
            name = plan.step(k)
            dept = ""
            if name == "dispatch":
                nxt = plan.step(k + 1) if k < n else ""
                if nxt == "return":
                    dept = tpl.misroute or _fallback_misroute(tpl.dept)
                elif k == n and tpl.dept in ("chengguan", "zhujian") and self.rng.random() < 0.4:
                    dept = f"{DISTRICT_SHORT[plan.require_region().code[:6]]}-{tpl.dept}"
                else:
                    dept = tpl.dept
                last_dispatch = dept
            elif name in ("return", "start", "escalate", "extend", "conclude", "answer"):
                dept = last_dispatch
            depts.append(dept)
        plan.departments = depts

    def _assign_actors(self, plan: Plan) -> None:
        rng = self.rng
        online = plan.channel in ONLINE
        clerk = rng.choice(["clerk", "clerk2"])
        if plan.channel in ("hotline", "letter", "visit"):
            actors = [clerk]
        elif plan.channel == "grid_worker":
            actors = ["system:grid-platform"]
        else:
            actors = ["reporter"]
        for k in range(1, len(plan.path) + 1):
            name, variant, dept = plan.step(k), plan.variant(k), plan.departments[k - 1]
            if name in ("request_info", "accept", "refuse", "merge", "dispatch"):
                actor = "dispatcher"
            elif name == "receive_info":
                actor = "reporter" if online else clerk
            elif name == "return":
                actor = self.head(dept)
            elif name == "extend":
                # The policy pack names who approves an extension.
                actor = plan.supervisor if EXTENSION_APPROVER.get(plan.pack) == Role.SUPERVISOR else self.head(dept)
            elif name in ("start", "conclude"):
                actor = self.handler(dept, alt=rng.random() < 0.3)
                # Complex and major cases are concluded with the department head's approval, and a review by
                # someone other than the first handler: the head.
                reviewed = any(step.startswith("request_review") for step in plan.path[:k - 1])
                if name == "conclude" and (plan.grade in NEEDS_APPROVAL or reviewed):
                    actor = self.head(dept)
            elif name == "answer":
                actor = self.handler(dept) if rng.random() < 0.7 else self.head(dept)
            elif name == "escalate":
                actor = plan.supervisor if variant == "supervisor" else self.head(dept)
            elif name in ("resume", "reopen"):
                actor = plan.supervisor if rng.random() < 0.75 else "leader"
            elif name == "reconsider":
                actor = plan.supervisor
            elif name == "rate":
                actor = "reporter" if online else clerk
            elif name == "request_review":
                actor = plan.supervisor if variant == "supervisor" else ("reporter" if online else clerk)
            elif name == "close":
                actor = {"auto": "system:auto-close", "supervisor": plan.supervisor}.get(variant, "dispatcher")
            elif name == "archive":
                actor = "admin" if rng.random() < 0.5 else "system:archiver"
            else:
                raise ValueError(name)
            actors.append(actor)
        plan.actors = actors

    # --- building -----------------------------------------------------------------------------
    def build_plans(self, count: int) -> list[Plan]:
        states = allocate_states(count)
        self.rng.shuffle(states)
        archived_seen = 0
        plans: list[Plan] = []
        for index, state in enumerate(states):
            variant_no = 0
            if state == S.ARCHIVED:
                variant_no, archived_seen = archived_seen, archived_seen + 1
            plans.append(self.plan(index, state, variant_no))
        for plan in plans:
            if not plan.duplicate:
                self.schedule(plan)
        for plan in plans:
            if plan.duplicate:
                self._schedule_duplicate(plan, [p for p in plans if not p.duplicate])
        self.plans = [p for p in plans if p.times]
        return self.plans

    def _schedule_duplicate(self, plan: Plan, candidates: list[Plan]) -> None:
        """A second report of an open case, registered while that case was open and merged into it."""
        rng = self.rng
        pool = [c for c in candidates if c.times and not c.template.refusal]
        rng.shuffle(pool)
        merge_k = next(k for k in range(1, len(plan.path) + 1) if plan.step(k) == "merge")
        for target in pool:
            opened, closed = target.times[0], _exit_time(target, self.now)
            if closed - opened < timedelta(hours=30):
                continue
            merge_at = opened + (closed - opened) * rng.uniform(0.35, 0.95)
            self._adopt(plan, target)
            original_path, original_actors = plan.path, plan.actors
            plan.path, plan.actors = original_path[:merge_k], original_actors[: merge_k + 1]
            ok = self.schedule(plan, end=merge_at, start_after=opened + timedelta(minutes=30))
            plan.path, plan.actors = original_path, original_actors
            if not ok:
                continue
            for k in range(merge_k + 1, len(plan.path) + 1):  # archiving, after the merge
                previous = plan.times[-1]
                moment = min(previous + timedelta(hours=self._gap(plan, k)),
                             previous + (self.now - previous) * rng.uniform(0.3, 0.9))
                plan.times.append(moment)
            plan.merge_into = target
            return
        plan.times = []

    def _adopt(self, plan: Plan, target: Plan) -> None:
        """Make a duplicate report about the same matter as `target`, through another channel."""
        tpl = plan.template = target.template
        plan.region, plan.grade, plan.urgency = target.region, target.grade, target.urgency
        plan.kind = self.rng.choice(tpl.kinds)
        for _attempt in range(5):
            plan.channel = self._channel(tpl, plan.kind)
            if plan.channel != target.channel:
                break
        if plan.channel == "grid_worker":
            plan.real_name, plan.person = False, None
        if not plan.real_name:
            plan.pseudonym = self._anonymous_name(plan)
        plan.pack = self._pack(plan)
        self._assign_departments(plan)
        self._assign_actors(plan)

    # --- texts --------------------------------------------------------------------------------
    def make_texts(self, plan: Plan) -> tuple[str, str, dict[str, Any]]:
        rng = self.rng
        if plan.merge_into is not None:
            slots = plan.merge_into.slots
        else:
            slots = make_slots(rng, plan.require_region(), timezone.localtime(plan.times[0]).date())
        plan.slots = slots
        tpl = plan.template
        body = list(tpl.body)
        middle = body[1:-1]
        keep = rng.randint(max(0, min(1, len(middle))), min(3, len(middle)))
        chosen = sorted(rng.sample(range(len(middle)), keep))
        sentences = [body[0], *(middle[i] for i in chosen), body[-1]] if len(body) > 1 else body
        text = "".join(fill(s, slots) for s in sentences)
        if plan.merge_into is not None and rng.random() < 0.5:
            text += "听说之前已经有人反映过，但问题到现在还没有解决。"
        text = CHANNEL_PREFIX.get(plan.channel, "") + text
        return fill(tpl.title, slots), text, slots
