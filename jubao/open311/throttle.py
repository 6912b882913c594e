"""A sliding-window limit on POST requests per API key, kept in this process's memory.

Each web process counts on its own, so with N processes a key gets at most N times the limit;
that is enough to stop a runaway client without a shared store."""

from __future__ import annotations

import threading
import time
from collections import deque

from django.conf import settings

DEFAULT_POSTS_PER_MINUTE = 600
WINDOW_SECONDS = 60.0

_lock = threading.Lock()
_hits: dict[int, deque[float]] = {}


def posts_per_minute() -> int:
    """JUBAO_OPEN311_POSTS_PER_MINUTE (optional setting); 0 switches the limit off."""
    return int(getattr(settings, "JUBAO_OPEN311_POSTS_PER_MINUTE", DEFAULT_POSTS_PER_MINUTE))


def throttle_hit(key_id: int, *, now: float | None = None) -> int | None:
    """Count one POST for this key. None when allowed, else the seconds to wait before the next one."""
    limit = posts_per_minute()
    if limit <= 0:  # 0 switches the limit off
        return None
    now = time.monotonic() if now is None else now
    with _lock:
        hits = _hits.setdefault(key_id, deque())
        while hits and hits[0] <= now - WINDOW_SECONDS:
            hits.popleft()
        if len(hits) >= limit:
            return max(1, int(hits[0] + WINDOW_SECONDS - now + 0.999))
        hits.append(now)
        return None


def throttle_reset() -> None:
    with _lock:
        _hits.clear()
