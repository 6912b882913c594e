"""`manage.py worker`: run periodic tasks and queued jobs until told to stop.

Start as many as you like, on as many machines as you like: claiming and periodic
scheduling are coordinated through the database.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, close_old_connections, connection

from jubao.jobs.services import job_claim, job_release, job_run_one, run_due_periodic_tasks

logger = logging.getLogger("jubao.jobs")


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Command(BaseCommand):
    help = "Run background jobs and periodic tasks. SIGTERM/SIGINT finish the current job, then exit."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="do one round (periodic tasks, one batch) and exit")
        parser.add_argument("--burst", action="store_true", help="exit as soon as no work is due")
        parser.add_argument("--worker-id", default="", help="identifier stored in the lease (default host:pid:rand)")
        parser.add_argument("--batch", type=int, default=10, help="jobs claimed per round")
        parser.add_argument("--lease", type=int, default=300, help="seconds a claimed job stays leased")

    def handle(self, *args, **options):
        self.stop = threading.Event()
        worker_id = options["worker_id"] or default_worker_id()
        previous = self._install_signal_handlers()
        logger.info("worker %s started", worker_id)
        try:
            while not self.stop.is_set():
                try:
                    did_work = self._round(worker_id, batch=options["batch"], lease=options["lease"])
                except (OperationalError, InterfaceError) as exc:
                    if options["once"] or options["burst"]:
                        raise
                    # A database restart or failover should pause the worker, not kill it.
                    logger.warning("worker %s: database unavailable (%s), retrying", worker_id, type(exc).__name__)
                    connection.close()
                    did_work = False
                if options["once"] or (options["burst"] and not did_work):
                    break
                if not did_work:
                    self.stop.wait(settings.JUBAO_WORKER_POLL_SECONDS)
        finally:
            self._restore_signal_handlers(previous)
            logger.info("worker %s stopped", worker_id)

    def _round(self, worker_id: str, *, batch: int, lease: int) -> bool:
        # A worker lives for days: drop connections the server closed or that outlived
        # CONN_MAX_AGE, as Django does per request. Never inside a caller's transaction.
        if not connection.in_atomic_block:
            close_old_connections()
        ran = run_due_periodic_tasks(worker_id=worker_id)
        if self.stop.is_set():
            return bool(ran)
        jobs = job_claim(worker_id=worker_id, limit=batch, lease_seconds=lease)
        for index, job in enumerate(jobs):
            if self.stop.is_set():
                # Hand back what we will not start, rather than leave it leased until expiry.
                for pending in jobs[index:]:
                    job_release(pending)
                break
            job_run_one(job)
        return bool(ran or jobs)

    def _install_signal_handlers(self) -> dict[int, object]:
        if threading.current_thread() is not threading.main_thread():
            return {}

        def request_stop(signum, frame):
            logger.info("worker received signal %s, stopping after the current job", signum)
            self.stop.set()

        previous: dict[int, object] = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, request_stop)
        return previous

    def _restore_signal_handlers(self, previous: dict[int, object]) -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
