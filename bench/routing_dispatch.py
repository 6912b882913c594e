"""Dispatch decisions per second on a catalogue of 2,000 rules, built in memory (no database).

The rules are random over a realistic tree: 1 province, 12 cities, 10 districts each, 8 townships each,
10 villages each (~10,000 villages); and a category tree of 8 × 6 × 5. Rules sit at city (50 %), district (35 %)
or township (15 %) level on categories of every depth, a quarter name a sector, a tenth a kind, some are dated.
Each decision is one case: a random leaf category and a random village.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta

RULES = 2000
DECISIONS = 50_000


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jubao.settings")
    import django

    django.setup()
    from jubao.routing.catalogue import Catalogue, CategoryRef, CompiledRule, DepartmentRef, RoutingQuery
    from jubao.routing.explain import explain

    rng = random.Random(2026)
    # --- regions: paths of codes ---
    cities = [f"99{c:02d}00" for c in range(1, 13)]
    districts = {c: [f"{c[:4]}{d:02d}" for d in range(1, 11)] for c in cities}
    townships = {d: [f"{d}{t:03d}" for t in range(1, 9)] for ds in districts.values() for d in ds}
    villages: list[str] = []
    paths: dict[str, str] = {"990000": "/990000/"}
    for c in cities:
        paths[c] = f"/990000/{c}/"
        for d in districts[c]:
            paths[d] = f"{paths[c]}{d}/"
            for t in townships[d]:
                paths[t] = f"{paths[d]}{t}/"
                for v in range(1, 11):
                    code = f"{t}{v:03d}"
                    paths[code] = f"{paths[t]}{code}/"
                    villages.append(code)
    # --- categories ---
    categories: dict[int, CategoryRef] = {}
    leaves: list[int] = []
    next_id = 1
    for _a in range(8):
        top = next_id
        next_id += 1
        categories[top] = CategoryRef(top, f"/{top}/", 1, f"c{top}")
        for _b in range(6):
            mid = next_id
            next_id += 1
            categories[mid] = CategoryRef(mid, f"/{top}/{mid}/", 2, f"c{mid}")
            for _c in range(5):
                leaf = next_id
                next_id += 1
                categories[leaf] = CategoryRef(leaf, f"/{top}/{mid}/{leaf}/", 3, f"c{leaf}")
                leaves.append(leaf)
    departments = [DepartmentRef(i, f"d{i}", f"department {i}") for i in range(1, 301)]
    sectors = ["urban", "rural", "enterprise", "school"]
    kinds = ["accusation", "complaint", "help"]
    all_districts = [d for ds in districts.values() for d in ds]
    all_townships = [t for ts in townships.values() for t in ts]
    today = date(2026, 3, 2)
    rules = []
    for rule_id in range(1, RULES + 1):
        level = rng.random()
        region = rng.choice(cities if level < 0.5 else all_districts if level < 0.85 else all_townships)
        category = rng.choice(list(categories.values()))
        dated = rng.random() < 0.2
        start = today - timedelta(days=rng.randint(-60, 400)) if dated else None
        rules.append(CompiledRule(
            id=rule_id, lead=rng.choice(departments), co=tuple(rng.sample(departments, rng.randint(0, 2))),
            category_id=category.id, category_name=category.name, category_depth=category.depth,
            region_code=region, region_name=region, region_level="city",
            region_depth=paths[region].count("/") - 1,
            sector=rng.choice(sectors) if rng.random() < 0.25 else None,
            kind=rng.choice(kinds) if rng.random() < 0.1 else None,
            priority=rng.randint(0, 5), effective_from=start,
            effective_to=start + timedelta(days=365) if start and rng.random() < 0.5 else None,
        ))
    catalogue = Catalogue(rules, categories)
    queries = [RoutingQuery(category_id=rng.choice(leaves), sector=rng.choice(sectors), kind=rng.choice(kinds),
                            region_path=paths[rng.choice(villages)], on=today) for _ in range(DECISIONS)]

    def run(label: str, with_words: bool) -> None:
        latencies = []
        matched = 0
        started = time.perf_counter()
        for query in queries:
            t0 = time.perf_counter()
            decision = catalogue.decide(query)
            if with_words:
                explain(decision, catalogue)
            latencies.append(time.perf_counter() - t0)
            matched += decision.winner is not None
        elapsed = time.perf_counter() - started
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99)] * 1e6
        print(f"  {label}: {len(queries) / elapsed:,.0f} decisions/s, mean "
              f"{statistics.fmean(latencies) * 1e6:.1f} µs, p99 {p99:.1f} µs ({matched / len(queries):.0%} matched)")

    print(f"dispatch catalogue of {len(catalogue)} rules over {len(villages):,} villages, one process:")
    run("decision only", with_words=False)
    run("decision + explanation", with_words=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
