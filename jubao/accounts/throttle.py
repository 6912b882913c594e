"""Login throttling in the shared (database) cache, so every web process sees the same counts."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.lower()}|{ip}".encode()).hexdigest()[:32]
    return f"login-fail:{digest}"


def login_blocked(username: str, ip: str) -> bool:
    return int(cache.get(_key(username, ip), 0)) >= settings.LOGIN_THROTTLE_FAILURES


def login_failed(username: str, ip: str) -> None:
    key = _key(username, ip)
    if cache.add(key, 1, settings.LOGIN_THROTTLE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.LOGIN_THROTTLE_WINDOW_SECONDS)


def login_succeeded(username: str, ip: str) -> None:
    cache.delete(_key(username, ip))
