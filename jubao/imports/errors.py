"""Errors the import services raise; views turn each into one clear, translated message."""

from __future__ import annotations

from django.utils.functional import Promise


class ImportProblem(Exception):
    status_code = 400

    def __init__(self, message: str | Promise, *, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class ImportForbidden(ImportProblem):
    status_code = 403


class ImportNotFound(ImportProblem):
    """Another person's import and a missing one look the same from outside."""

    status_code = 404
