"""When things happen in the demo: each step of a plan gets a moment, at hours when whoever acts
would be at work, so that the deadline lights at `now` come out as a believable mix."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from jubao.cases.services import REGISTRATION_EFFECTS
from jubao.cases.workflow import TRANSITIONS
from jubao.deadlines.calendar import WorkingCalendar
from jubao.deadlines.models import DeadlinePolicy, PolicyPack

from .plans import CONCLUDE_GAPS, GAPS, LIGHT_MIX, MAX_AGE, Plan, _unit_hours


class Scheduler:
    """The timing half of `DemoCaseBuilder`, which sets these attributes."""

    rng: random.Random
    now: datetime
    calendar: WorkingCalendar
    packs: dict[str, PolicyPack]
    policies: list[DeadlinePolicy]

    def _gap(self, plan: Plan, k: int) -> float:
        name = plan.step(k)
        if name == "conclude":
            low, high = CONCLUDE_GAPS.get(plan.grade, CONCLUDE_GAPS["complex"])
        elif name == "start" and plan.urgency == "critical":
            low, high = 0.2, 1.5
        elif name == "start" and plan.urgency == "urgent":
            low, high = 0.3, 14
        elif name == "close" and plan.variant(k) == "auto":
            low, high = 168, 180
        else:
            low, high = GAPS[name]
        return math.exp(self.rng.uniform(math.log(low), math.log(high)))

    def _policy(self, plan: Plan, stage: str) -> DeadlinePolicy | None:
        """The policy row `deadlines.services.policy_for` would pick for this plan's case."""
        pack = self.packs.get(plan.pack) if plan.pack else next((p for p in self.packs.values() if p.is_default), None)
        if pack is None:
            return None
        best, best_key = None, None
        for policy in self.policies:
            if policy.pack_id != pack.pk or policy.stage != stage:
                continue
            if policy.kind_code not in ("", plan.kind) or policy.grade not in ("", plan.grade):
                continue
            if policy.urgency not in ("", plan.urgency) or (policy.real_name_only and not plan.real_name):
                continue
            key = (policy.specificity(), policy.effective_from)
            if best_key is None or key > best_key:
                best, best_key = policy, key
        return best

    def _open_clocks(self, plan: Plan) -> list[tuple[DeadlinePolicy, int, bool]]:
        """Deadlines still running after the last step: (policy, step that started it, extended)."""
        running: dict[str, tuple[int, bool]] = dict.fromkeys(REGISTRATION_EFFECTS.start, (0, False))
        for k in range(1, len(plan.path) + 1):
            effects = TRANSITIONS[plan.step(k)].effects
            for stage in (*effects.meet, *effects.cancel, *effects.pause):
                running.pop(stage, None)
            if effects.cancel_all:
                running.clear()
            for stage in (*effects.resume, *effects.start):
                running[stage] = (k, False)
            for stage in effects.extend:
                if stage in running:
                    running[stage] = (running[stage][0], True)
        clocks = []
        for stage, (start, extended) in running.items():
            policy = self._policy(plan, stage)
            if policy is not None:
                clocks.append((policy, start, extended and bool(policy.extension_length)))
        return clocks

    def _due(self, policy: DeadlinePolicy, started: datetime, extended: bool) -> datetime:
        due = self.calendar.add(started, policy.length, policy.unit).due_at
        if extended:
            due = self.calendar.add(due, policy.extension_length, policy.extension_unit or policy.unit).due_at
        return due

    def _predicted_light(self, plan: Plan, times: list[datetime]) -> int:
        """0 green … 3 red, 4 overdue: what the sweep will show for this plan's case at `now`."""
        yellow, orange, red = settings.JUBAO_LIGHT_THRESHOLDS
        worst = 0
        for policy, start, extended in self._open_clocks(plan):
            started = times[start]
            span = (self._due(policy, started, extended) - started).total_seconds()
            used = (self.now - started).total_seconds() / span if span > 0 else 2.0
            level = 4 if used >= 1 else 3 if used >= red else 2 if used >= orange else 1 if used >= yellow else 0
            worst = max(worst, level)
        return worst

    def _tail_hours(self, plan: Plan, gaps: list[float], fraction: float) -> float:
        clocks = [(_unit_hours(p.length, p.unit) + (_unit_hours(p.extension_length, p.extension_unit or p.unit)
                                                    if extended else 0), sum(gaps[start + 1:]))
                  for p, start, extended in self._open_clocks(plan)]
        if not clocks:
            age = self.rng.uniform(2 * 24, MAX_AGE.total_seconds() / 3600)
            return max(0.5, age - sum(gaps))
        return max(0.1, min(fraction * hours - elapsed for hours, elapsed in clocks))

    def _window(self, kind: str, day: date) -> tuple[time, time] | None:
        if kind == "office":
            return (time(8, 30), time(17, 40)) if self.calendar.is_working_day(day) else None
        if kind == "hotline":
            return time(7, 30), time(22, 0)
        if kind == "reporter":
            return time(6, 30), time(23, 45)
        if kind == "daytime":
            return time(8, 0), time(18, 30)
        return time(0, 0), time(23, 59, 59)

    def _snap(self, moment: datetime, kind: str, upper: datetime) -> datetime:
        """A moment near `moment` (and not after `upper`) when someone of this kind would act: the
        moment itself if it falls in their hours, else late in the previous or early in the next
        stretch of their hours."""
        local = timezone.localtime(moment)
        window = self._window(kind, local.date())
        if window is not None and window[0] <= local.time() <= window[1]:
            return local
        spread = 150 if self.rng.random() < 0.6 else 480
        offset = timedelta(minutes=self.rng.uniform(0, spread))
        back = forward = None
        day = local.date()
        for _days in range(15):
            window = self._window(kind, day)
            if window is not None and (day < local.date() or local.time() > window[1]):
                start, end = (datetime.combine(day, t, tzinfo=local.tzinfo) for t in window)
                back = max(start, end - offset)
                break
            day -= timedelta(days=1)
        day = local.date()
        for _days in range(15):
            window = self._window(kind, day)
            if window is not None and (day > local.date() or local.time() < window[0]):
                start, end = (datetime.combine(day, t, tzinfo=local.tzinfo) for t in window)
                forward = min(end, start + offset)
                break
            day += timedelta(days=1)
        if forward is not None and forward <= upper and (back is None or self.rng.random() < 0.5):
            return forward
        return back or local

    def _snap_kind(self, plan: Plan, k: int) -> str:
        actor = plan.actors[k]
        if actor.startswith("system:"):
            return "daytime" if actor == "system:grid-platform" else "any"
        if actor == "reporter":
            return "reporter"
        if k == 0 and plan.channel == "hotline":
            return "hotline"
        return "office"

    def _place(self, plan: Plan, gaps: list[float], tail: float, end: datetime, floor: datetime) -> list[datetime]:
        """Moments for registration and each step, working backwards from `end - tail`; [] if they
        cannot all fit after `floor` even with shortened gaps."""
        n = len(plan.path)
        for _attempt in range(8):
            last = end - timedelta(hours=tail)
            times = [self._snap(last, self._snap_kind(plan, n), end)]
            for k in range(n, 0, -1):
                moment = times[0] - timedelta(hours=gaps[k])
                snapped = self._snap(moment, self._snap_kind(plan, k - 1), times[0] - timedelta(minutes=5))
                times.insert(0, snapped if snapped >= floor or moment < floor else moment)
            if times[0] >= floor:
                return times
            gaps = [g * 0.75 for g in gaps]
            tail *= 0.75
        return []

    def schedule(self, plan: Plan, *, end: datetime | None = None, start_after: datetime | None = None) -> bool:
        """Give the plan its moments. Without `end`, the case stops moving at a moment chosen so that
        its deadline light at `now` follows LIGHT_MIX (predicted with the real calendar and policy
        rows, re-drawn until it matches). Returns False if the steps cannot fit."""
        n = len(plan.path)
        floor = start_after or (self.now - MAX_AGE)
        shares, ranges = zip(*LIGHT_MIX, strict=True)
        wanted = self.rng.choices(range(len(ranges)), weights=shares)[0]
        fallback: list[datetime] = []
        fallback_miss = 99
        stretch = 1.0  # how much longer or shorter the idle time should be than the first guess
        for _attempt in range(20):
            gaps = [0.0] + [self._gap(plan, k) for k in range(1, n + 1)]
            if end is not None:
                times = self._place(plan, gaps, 0.0, end, floor)
                if times:
                    plan.times = times
                    return True
                continue
            low, high = ranges[wanted]
            tail = self._tail_hours(plan, gaps, self.rng.uniform(low, high)) * stretch
            times = self._place(plan, gaps, tail, self.now - timedelta(minutes=3), floor)
            if not times:
                stretch *= 0.7
                continue
            if not self._open_clocks(plan):
                plan.times = times
                return True
            predicted = self._predicted_light(plan, times)
            if predicted == wanted:
                plan.times = times
                return True
            stretch *= 0.6 if predicted > wanted else 1.5
            # Some lights are out of reach (a 48-hour clock on a Monday morning cannot be orange when
            # nobody works at weekends): keep the nearest one seen.
            if abs(predicted - wanted) < fallback_miss:
                fallback, fallback_miss = times, abs(predicted - wanted)
        plan.times = fallback
        return bool(fallback)

