"""Case core: transitions per second through the service layer, and the deadline sweeper over 100,000 open cases.

Target (issue 2): a sweep over 100,000 open cases in under 10 s on a 2-core machine.
"""

from __future__ import annotations

import time
from datetime import timedelta

from bench.setup_db import fresh_database

if not __import__("django.apps").apps.apps.ready:
    fresh_database()

from django.db import connection, transaction
from django.utils import timezone

from jubao.cases.models import Case, CaseState
from jubao.cases.services import ReportInput, case_register, case_transition
from jubao.deadlines.models import CaseDeadline, DeadlinePolicy, PolicyPack, Stage
from jubao.deadlines.services import light_thresholds
from jubao.deadlines.sweeper import sweep_lights
from jubao.demo.organisation import build_demo_organisation
from jubao.taxonomy.models import Category

TRANSITION_CASES = 300
SWEEP_CASES = 100_000


def bench_transitions(org) -> None:  # type: ignore[no-untyped-def]
    region = org.regions["990102001001"]
    category = Category.objects.get(name="环境卫生")
    clerk, dispatcher, handler = org.actor("clerk"), org.actor("dispatcher"), org.actor("handler")
    start = time.perf_counter()
    numbers = [
        case_register(actor=clerk, report=ReportInput(
            channel="hotline", kind="complaint", title=f"小区垃圾无人清运 {i}",
            body="东华社区南门垃圾堆放三天无人清运，夏天气味很大，居民反映多次未解决。" * 3, region=region,
        )).case.number
        for i in range(TRANSITION_CASES)
    ]
    registered = time.perf_counter() - start
    steps = [
        (dispatcher, "accept", {"category": category.pk, "grade": "simple", "urgency": "normal"}),
        (dispatcher, "dispatch", {"department": "chengguan"}),
        (handler, "start", {}),
        (handler, "conclude", {"finding": "substantiated", "conclusion_text": "经现场核实，垃圾确实堆放三天，已督促环卫公司清运完毕。"}),
        (handler, "answer", {"feedback_text": "您反映的东华社区南门垃圾堆放问题，经城管局现场核实属实，已于当日清运完毕，并要求环卫公司每日巡查，今后如再发生请随时反映。"}),
    ]
    start = time.perf_counter()
    count = 0
    for number in numbers:
        for actor, name, data in steps:
            case_transition(actor=actor, number=number, transition=name, data=data)
            count += 1
    elapsed = time.perf_counter() - start
    print(f"registrations: {TRANSITION_CASES / registered:,.0f} cases/s ({registered * 1000 / TRANSITION_CASES:.1f} ms each)")
    print(f"transitions through the service layer: {count / elapsed:,.0f} transitions/s "
          f"({elapsed * 1000 / count:.2f} ms each, {count} transitions, audit chain and deadlines included)")


def seed_open_cases(org) -> None:  # type: ignore[no-untyped-def]
    """100,000 in-progress cases, each with a running conclusion deadline, inserted in bulk."""
    pack = PolicyPack.objects.get(is_default=True)
    policy = DeadlinePolicy.objects.filter(pack=pack, stage=Stage.CONCLUSION).first()
    region = org.regions["990102001001"]
    department = org.departments["chengguan"]
    now = timezone.now()
    started = now - timedelta(days=10)
    batch = 5000
    for offset in range(0, SWEEP_CASES, batch):
        with transaction.atomic():
            cases = Case.objects.bulk_create([
                Case(number=f"BM{offset + i:014d}", state=CaseState.IN_PROGRESS, title="基准测试案件",
                     region=region, region_path=region.path, kind_id="complaint", policy_pack=pack,
                     lead_department=department, created_at=started, state_changed_at=started)
                for i in range(batch)
            ])
            deadlines = []
            for i, case in enumerate(cases):
                # Due dates spread over the next 20 days: a sweep 'now' finds every light to (re)compute.
                due = now + timedelta(minutes=(offset + i) % (20 * 24 * 60)) - timedelta(days=6)
                yellow, orange, red = light_thresholds(started, due)
                deadlines.append(CaseDeadline(
                    case=case, stage=Stage.CONCLUSION, policy=policy, started_at=started, due_at=due,
                    yellow_at=yellow, orange_at=orange, red_at=red, next_light_at=yellow, rule="bench",
                ))
            CaseDeadline.objects.bulk_create(deadlines)


def bench_sweeper(org) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    seed_open_cases(org)
    print(f"seeded {SWEEP_CASES:,} open cases with running deadlines in {time.perf_counter() - start:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    now = timezone.now()
    start = time.perf_counter()
    result = sweep_lights(now=now)
    first = time.perf_counter() - start
    print(f"sweeper, first sweep over {SWEEP_CASES:,} open cases: {first:.2f} s "
          f"(examined {result.examined:,}, light changes {result.changed}, newly overdue {result.newly_overdue:,}, "
          f"target < 10 s)")
    start = time.perf_counter()
    result = sweep_lights(now=now + timedelta(minutes=1))
    steady = time.perf_counter() - start
    print(f"sweeper, steady-state sweep one minute later: {steady * 1000:.0f} ms (examined {result.examined:,})")


def main() -> None:
    org = build_demo_organisation(extra_staff=False)
    bench_transitions(org)
    bench_sweeper(org)


if __name__ == "__main__":
    main()
