from jubao.jobs.registry import periodic

from .services import tasks_sweep


@periodic("handling-tasks-sweep", interval_seconds=300)
def sweep_tasks() -> None:
    tasks_sweep()
