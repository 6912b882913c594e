"""Checking uploaded files before anything is written, so a refused file refuses the whole submission."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jubao.cases.errors import CaseError


class UploadRejected(CaseError):
    pass


def check_uploads(files: list[Any]) -> list[Any]:
    if not files:
        return []
    from jubao.attachments.checks import AttachmentRejected, attachment_check

    checked = []
    for upload in files:
        try:
            checked.append(attachment_check(upload))
        except AttachmentRejected as exc:
            name = getattr(upload, "name", "")
            raise UploadRejected(_("%(name)s: %(problem)s") % {"name": name, "problem": exc.message},
                                 field="attachments") from exc
    return checked
