"""The supervisor's view (issue 5, part 14): how fast the late/escalated/bouncing overview opens on a big database.

Fills a fresh database with JUBAO_BENCH_SUPERVISION_CASES cases (default 1,000,000) in one INSERT … SELECT over a
generated series, spread over a region tree of a few hundred villages and the twelve city departments; about 4 %
are late (orange, red, overdue), escalated or bouncing, and some closed cases keep an old red light (they must not
show). Then times, p50/p95/p99 over repeated runs: the selector alone (counts + one page) for a city-wide and a
district supervisor, filtered and deep pages, and the whole HTTP page through the Django test client.
Target: < 300 ms on PostgreSQL.
"""

from __future__ import annotations

import os
import time

from bench.setup_db import fresh_database

if not __import__("django.apps").apps.apps.ready:
    fresh_database()

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jubao.accounts.models import User
from jubao.demo.organisation import DemoOrganisation, build_demo_organisation
from jubao.organisation.models import Region, RegionLevel
from jubao.supervision.selectors import OverviewFilters, supervision_overview

CASES = int(os.environ.get("JUBAO_BENCH_SUPERVISION_CASES", "1000000"))
RUNS = int(os.environ.get("JUBAO_BENCH_SUPERVISION_RUNS", "50"))
VILLAGES_PER_TOWNSHIP = 40
# (share of cases in per mille, what they look like) for bucket h = (g * 7919) % 1000 of case number g.
# 0–7 overdue+red, 8–19 red, 20–34 orange, 35–39 escalated, 40–44 bouncing: 4.5 % need a supervisor;
# 45–54 closed with a stale red light and two returns (must not show); the rest green/yellow, some returned once.
COLUMNS = ("number, state, version, title, region_id, region_path, kind_code, urgency, impact, grade, verifiability, "
           "policy_pack_id, is_real_name, lead_department_id, refusal_reason, redirect_notice, finding, "
           "conclusion_text, feedback_text, satisfaction, bounce_count, escalation_count, review_count, light, "
           "next_due_at, overdue, created_at, state_changed_at")


def grow_region_tree(org: DemoOrganisation) -> None:
    """Forty more villages under every township: a few hundred leaves for the cases to spread over."""
    townships = [region for region in org.regions.values() if region.level == RegionLevel.TOWNSHIP]
    Region.objects.bulk_create([
        Region(code=f"{township.code}{300 + i:03d}", name=f"{township.name}第{i + 1}村", level=RegionLevel.VILLAGE,
               parent=township, path=f"{township.path}{township.code}{300 + i:03d}/")
        for township in townships for i in range(VILLAGES_PER_TOWNSHIP)
    ])


def _dialect() -> dict[str, str]:
    if connection.vendor == "postgresql":
        return {
            "series": "generate_series(0::bigint, %(last)s::bigint) AS s(g)",  # bigint: g * 7919 passes 2^31
            "number": "'BS' || lpad(g::text, 14, '0')",
            "due": "now() + ((g %% 43200) - 21600) * interval '1 minute'",
            "created": "now() - (g %% 525600) * interval '1 minute'",
            "true": "true", "false": "false",
        }
    return {
        "series": "seq",
        "number": "printf('BS%%014d', g)",
        "due": "datetime('now', printf('%%+d minutes', (g %% 43200) - 21600))",
        "created": "datetime('now', printf('-%%d minutes', g %% 525600))",
        "true": "1", "false": "0",
    }


def fill_cases(org: DemoOrganisation) -> None:
    d = _dialect()
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE).values_list("id", "path"))
    departments = list(org.departments.values())
    pack_id = __import__("jubao.deadlines.models", fromlist=["PolicyPack"]).PolicyPack.objects.get(is_default=True).pk
    h = "((g * 7919) %% 1000)"
    state = (f"CASE WHEN {h} BETWEEN 35 AND 39 THEN 'escalated' WHEN {h} BETWEEN 45 AND 54 THEN 'closed' "
             f"WHEN {h} BETWEEN 55 AND 80 THEN 'registered' WHEN {h} BETWEEN 81 AND 120 THEN 'returned' "
             "ELSE 'in_progress' END")
    light = (f"CASE WHEN {h} < 20 OR {h} BETWEEN 45 AND 54 THEN 'red' WHEN {h} < 35 THEN 'orange' "
             f"WHEN {h} BETWEEN 100 AND 300 THEN 'yellow' ELSE 'green' END")
    bounces = f"CASE WHEN {h} BETWEEN 40 AND 54 THEN 2 WHEN {h} BETWEEN 81 AND 120 THEN 1 ELSE 0 END"
    escalations = f"CASE WHEN {h} BETWEEN 35 AND 39 THEN 1 ELSE 0 END"
    overdue = f"CASE WHEN {h} < 8 OR {h} BETWEEN 45 AND 54 THEN {d['true']} ELSE {d['false']} END"
    department = f"CASE WHEN {h} BETWEEN 55 AND 80 THEN NULL ELSE dept.id END"
    select = (
        f"SELECT {d['number']}, {state}, 1, '基准测试：小区垃圾无人清运', r.id, r.path, 'complaint', 'normal', "
        f"'small', '', '', {pack_id}, {d['false']}, {department}, '', '', '', '', '', '', {bounces}, {escalations}, 0, "
        f"{light}, {d['due']}, {overdue}, {d['created']}, {d['created']} "
        f"FROM {d['series']} JOIN bench_village r ON r.idx = g %% {len(villages)} "
        f"JOIN bench_department dept ON dept.idx = (g / 7) %% {len(departments)}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_village (idx integer PRIMARY KEY, id bigint, path varchar(255))")
        cursor.execute("CREATE TEMPORARY TABLE bench_department (idx integer PRIMARY KEY, id bigint)")
        cursor.executemany("INSERT INTO bench_village VALUES (%s, %s, %s)",
                           [(i, pk, path) for i, (pk, path) in enumerate(villages)])
        cursor.executemany("INSERT INTO bench_department VALUES (%s, %s)",
                           [(i, department.pk) for i, department in enumerate(departments)])
        prefix = ("WITH RECURSIVE seq(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM seq WHERE g < %(last)s) "
                  if connection.vendor != "postgresql" else "")
        cursor.execute(f"{prefix}INSERT INTO cases_case ({COLUMNS}) {select}", {"last": CASES - 1})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_case" if connection.vendor == "postgresql" else "ANALYZE")


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return f"p50 {at(0.5):.1f} ms, p95 {at(0.95):.1f} ms, p99 {at(0.99):.1f} ms, max {ordered[-1]:.1f} ms"


def timed(fn, runs: int = RUNS) -> list[float]:  # type: ignore[no-untyped-def]
    fn()  # warm: plans, translations, templates
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def explain(user: User, filters: OverviewFilters) -> None:
    """Show the plans of the selector's own queries over cases_case: both should read the partial index."""
    with CaptureQueriesContext(connection) as captured:
        supervision_overview(user, filters=filters)
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if "cases_case" not in query["sql"]:
                continue
            cursor.execute("EXPLAIN " + query["sql"])
            plan = "\n    ".join(row[0] for row in cursor.fetchall())
            uses = "uses" if "case_needs_supervision" in plan else "does NOT use"
            print(f"this query {uses} the partial index:\n    {plan}")


def main() -> None:
    org = build_demo_organisation(extra_staff=False)
    grow_region_tree(org)
    start = time.perf_counter()
    fill_cases(org)
    problems = supervision_overview(org.users["admin"], filters=OverviewFilters()).total
    print(f"filled {CASES:,} cases ({problems:,} late, escalated or bouncing = {problems * 100 / CASES:.1f} %) "
          f"on {connection.vendor} in {time.perf_counter() - start:.1f} s", flush=True)
    city, east = org.users["supervisor"], org.users["supervisor_east"]
    if connection.vendor == "postgresql":
        explain(city, OverviewFilters())
    scenarios = [
        ("city supervisor, first page", city, OverviewFilters()),
        ("district supervisor, first page", east, OverviewFilters()),
        ("city supervisor, red in one district, one department", city,
         OverviewFilters(problem="red", region="990103", department="chengguan")),
        ("city supervisor, page 40", city, OverviewFilters(page=40)),
    ]
    for label, user, filters in scenarios:
        times = timed(lambda user=user, filters=filters: supervision_overview(user, filters=filters))
        print(f"selector + counts, {label}: {percentiles(times)}", flush=True)

    client = Client()
    url = reverse("supervision:overview")
    for label, user, params in [("city supervisor", city, {}), ("district supervisor", east, {}),
                                ("city supervisor, bouncing in 南湖区", city, {"problem": "bouncing",
                                                                             "region": "990104"})]:
        client.force_login(user)

        def get(params: dict[str, str] = params) -> None:
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code

        print(f"HTTP page (test client), {label}: {percentiles(timed(get))} (target < 300 ms)", flush=True)


if __name__ == "__main__":
    main()
