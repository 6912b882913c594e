"""`manage.py serve`: the web server and one worker together, for the embedded setup.

Production runs `gunicorn jubao.wsgi` and `manage.py worker` as separate services, as
many of each as needed, on as many machines as needed.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server (gunicorn) and a background worker until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args, bind, web_workers, threads, **options):
        web = subprocess.Popen([  # noqa: S603 — fixed argv, no shell
            sys.executable, "-m", "gunicorn", "jubao.wsgi:application", "--bind", bind,
            "--workers", str(web_workers), "--threads", str(threads), "--access-logfile", "-",
            "--access-logformat", '%(t)s "%(m)s %(U)s" %(s)s %(L)ss',  # path only: no query strings in logs
        ])
        worker = subprocess.Popen([sys.executable, "manage.py", "worker"])
        children = [web, worker]
        self.stdout.write(self.style.SUCCESS(f"Jubao is running on http://{bind}/staff/ — press Ctrl+C to stop"))

        def stop(*_args):  # type: ignore[no-untyped-def]
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
