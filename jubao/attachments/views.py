"""The staff download: an adapter that finds the file, checks the case, and lets the service log it."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.attachments.responses import private_download
from jubao.cases.errors import CaseNotFound
from jubao.cases.selectors import case_get_for

from .models import Attachment
from .services import attachment_download


@login_required
@require_GET
def download(request: StaffRequest, public_id: uuid.UUID) -> HttpResponse:
    attachment = Attachment.objects.select_related("report__case").filter(public_id=public_id).first()
    try:
        if attachment is None:
            raise CaseNotFound(_("No attachment with that id was found."))
        case_get_for(request.user, attachment.report.case.number)
    except CaseNotFound:
        # One answer for missing and forbidden, so ids cannot be probed.
        raise Http404(_("No attachment with that id was found.")) from None
    data, content_type, name = attachment_download(actor=Actor.staff(request.user), attachment=attachment)
    return private_download(data, content_type=content_type, filename=name)
