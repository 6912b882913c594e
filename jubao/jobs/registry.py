"""Which function handles which job kind, and which functions run periodically.

Apps declare handlers in their own `jobs.py` module; the jobs app imports every such
module in `ready()`, so web processes (which enqueue) and workers (which run) see the
same registry.

    from jubao.jobs.registry import job, periodic

    @job("cases.reindex")
    def reindex(job):            # job: jubao.jobs.models.Job
        ...

    @periodic("deadlines-sweep", interval_seconds=60)
    def sweep():
        ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Job

JobHandler = Callable[["Job"], None]
PeriodicFunction = Callable[[], None]


@dataclass(frozen=True)
class PeriodicSpec:
    name: str
    fn: PeriodicFunction
    interval_seconds: int


JOB_HANDLERS: dict[str, JobHandler] = {}
PERIODIC_TASKS: dict[str, PeriodicSpec] = {}


def _same_function(a: Callable, b: Callable) -> bool:
    # A module imported twice (e.g. under two names) yields distinct but equivalent functions.
    return (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__)


def job(kind: str) -> Callable[[JobHandler], JobHandler]:
    """Register `fn(job) -> None` as the handler for jobs of `kind`."""
    if not kind or len(kind) > 100:
        raise ValueError("a job kind must be 1-100 characters")

    def decorator(fn: JobHandler) -> JobHandler:
        existing = JOB_HANDLERS.get(kind)
        if existing is not None and not _same_function(existing, fn):
            raise ValueError(f"job kind {kind!r} is already handled by {existing.__module__}.{existing.__qualname__}")
        JOB_HANDLERS[kind] = fn
        return fn

    return decorator


def periodic(name: str, *, interval_seconds: int) -> Callable[[PeriodicFunction], PeriodicFunction]:
    """Register `fn() -> None` to run once every `interval_seconds` across all workers."""
    if not name or len(name) > 100:
        raise ValueError("a periodic task name must be 1-100 characters")
    if int(interval_seconds) < 1:
        raise ValueError("interval_seconds must be at least 1")

    def decorator(fn: PeriodicFunction) -> PeriodicFunction:
        existing = PERIODIC_TASKS.get(name)
        if existing is not None and not _same_function(existing.fn, fn):
            raise ValueError(f"periodic task {name!r} is already registered")
        PERIODIC_TASKS[name] = PeriodicSpec(name=name, fn=fn, interval_seconds=int(interval_seconds))
        return fn

    return decorator


def get_handler(kind: str) -> JobHandler | None:
    return JOB_HANDLERS.get(kind)


def get_periodic_tasks() -> list[PeriodicSpec]:
    return sorted(PERIODIC_TASKS.values(), key=lambda spec: spec.name)
