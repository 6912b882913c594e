"""Errors the registration services raise; views turn each into a clear message next to its field."""

from __future__ import annotations

from django.utils.functional import Promise

from jubao.cases.errors import CaseError


class RegistrationError(CaseError):
    """`errors` maps form field names to messages when several fields are at fault at once."""

    def __init__(self, message: str | Promise, *, field: str | None = None,
                 errors: dict[str, str] | None = None):
        super().__init__(message, field=field)
        self.errors = {name: str(text) for name, text in (errors or {}).items()}
        if field and field not in self.errors:
            self.errors[field] = self.message


class RegistrationRejected(RegistrationError):
    """The input is not acceptable."""

    status_code = 400


class RegistrationForbidden(RegistrationError):
    """This person may not do this to this registration (role, or the two-person rule)."""

    status_code = 403


class RegistrationConflict(RegistrationError):
    """The registration is no longer in a state that allows this (already checked, withdrawn …)."""

    status_code = 409
