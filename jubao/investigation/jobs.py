"""Background work of the investigation app, discovered by the jobs app."""

from __future__ import annotations

from django.conf import settings

from jubao.jobs.registry import periodic


@periodic("investigation-ownership-reminders",
          interval_seconds=getattr(settings, "JUBAO_OWNERSHIP_REMINDER_INTERVAL_SECONDS", 900))
def remind_overdue_ownership() -> None:
    """Remind leaders whose 包案 progress is overdue, once per due date (idempotent across crashes)."""
    from .services.ownership import ownership_remind_overdue

    ownership_remind_overdue()


@periodic("investigation-evidence-gc", interval_seconds=24 * 3600)
def collect_orphaned_evidence_files() -> None:
    """Files whose recording rolled back (the row never committed) are removed after a grace period."""
    from .storage import evidence_files_gc

    evidence_files_gc()
