"""Errors the case services raise; views and the API turn each into one clear, translated message."""

from __future__ import annotations

from django.utils.functional import Promise


class CaseError(Exception):
    status_code = 400

    def __init__(self, message: str | Promise, *, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class CaseNotFound(CaseError):
    """Missing and forbidden look the same from outside (house rule 2)."""

    status_code = 404


class InvalidTransition(CaseError):
    status_code = 409


class TransitionForbidden(CaseError):
    status_code = 403


class StaleCase(CaseError):
    status_code = 409


class TransitionRejected(CaseError):
    """A guard failed: the input or the case's situation does not allow the transition."""

    status_code = 400
