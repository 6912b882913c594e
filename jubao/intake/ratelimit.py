"""Submission rate limiting in process memory only: nothing about who submitted is ever written down.

The key is a salted hash of the connection's address that lives only in this process and
is forgotten when the window passes; with several processes each limits on its own, which
is enough to stop floods without keeping any record of reporters.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque

from django.conf import settings
from django.http import HttpRequest

_SALT = secrets.token_bytes(16)
_LOCK = threading.Lock()
_HITS: dict[str, deque[float]] = {}


def _key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(_SALT + address.encode()).hexdigest()[:16]


def allow_submission(request: HttpRequest) -> bool:
    limit = getattr(settings, "JUBAO_SUBMISSIONS_PER_WINDOW", 20)
    window = getattr(settings, "JUBAO_SUBMISSION_WINDOW_SECONDS", 600)
    now = time.monotonic()
    key = _key(request)
    with _LOCK:
        hits = _HITS.setdefault(key, deque())
        while hits and now - hits[0] > window:
            hits.popleft()
        if len(hits) >= limit:
            return False
        hits.append(now)
        if len(_HITS) > 100_000:  # bound memory under a flood of distinct addresses
            for stale in [k for k, v in _HITS.items() if not v or now - v[-1] > window]:
                _HITS.pop(stale, None)
        return True


def reset() -> None:
    with _LOCK:
        _HITS.clear()
