"""Errors of the attachments app; views and the API turn each into one clear, translated message."""

from __future__ import annotations

from typing import Any

from jubao.cases.errors import CaseError


class AttachmentRejected(CaseError):
    """An upload we do not accept; `message` is one translated sentence the reporter can act on."""

    status_code = 400

    def __init__(self, message: Any, *, field: str | None = "attachments"):
        super().__init__(message, field=field)


class AttachmentUnavailable(Exception):
    """A stored file is missing, cannot be decrypted or does not match its hash. Messages name the
    attachment's public id and key id only."""
