import pytest

from jubao.jobs import registry

# Handlers used by the tests record their calls here; the kinds are registered once at import.
handled_jobs: list[tuple[str, str]] = []


@registry.job("tests.record")
def record(job):
    handled_jobs.append((job.kind, str(job.public_id)))


@registry.job("tests.explode")
def explode(job):
    handled_jobs.append((job.kind, str(job.public_id)))
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _reset_calls():
    handled_jobs.clear()
    yield
    handled_jobs.clear()


@pytest.fixture
def isolated_periodic(monkeypatch):
    """A private periodic registry, so tests neither see nor leak periodic tasks."""
    monkeypatch.setattr(registry, "PERIODIC_TASKS", {})
    return registry.PERIODIC_TASKS
