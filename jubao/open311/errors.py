"""The one error the Open311 services raise; the views answer it in the spec's error format."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise


class Open311Error(Exception):
    def __init__(self, status: int, description: str | Promise, *, headers: Mapping[str, str] | None = None):
        super().__init__(str(description))
        self.status = status
        self.description = str(description)
        self.headers = dict(headers or {})


def bad_request(description: str | Promise) -> Open311Error:
    return Open311Error(400, description)


def forbidden(description: str | Promise) -> Open311Error:
    return Open311Error(403, description)


def not_found(description: str | Promise) -> Open311Error:
    return Open311Error(404, description)
