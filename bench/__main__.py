"""`make bench`: every benchmark, on SQLite and (when reachable) on PostgreSQL. Prints figures, asserts nothing."""

from __future__ import annotations

import os
import subprocess
import sys

BENCHMARKS = ["bench.case_core", "bench.intake_http", "bench.triage_duplicates", "bench.triage_classify",
              "bench.routing_dispatch", "bench.supervision_view"]
# These touch no database: run once, not once per database.
DATABASE_FREE = {"bench.triage_classify", "bench.routing_dispatch"}
PG_URL = os.environ.get("JUBAO_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/jubao_bench")


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", connect_timeout=3) as conn:
            conn.execute("select 1")
        return True
    except Exception as exc:
        print(f"PostgreSQL not reachable ({exc.__class__.__name__}); PostgreSQL figures skipped")
        return False


def main() -> int:
    selected = sys.argv[1:] or BENCHMARKS
    targets = [("sqlite", {})]
    if postgres_reachable():
        targets.append(("postgresql", {"DATABASE_URL": PG_URL}))
    status = 0
    for module in selected:
        for label, extra in targets[:1] if module in DATABASE_FREE else targets:
            env = {**os.environ, **extra, "JUBAO_BENCH_DB": label}
            print(f"\n=== {module} on {label}", flush=True)
            status |= subprocess.call([sys.executable, "-m", module], env=env)
    return status


if __name__ == "__main__":
    sys.exit(main())
