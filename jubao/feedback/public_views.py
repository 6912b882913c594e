"""The reporter's side: a real-name reporter signed in on the follow-up page downloads their reply letter.

Mounted by the lead next to the follow-up page (see the report): this app does not own the portal's URLs.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from jubao.attachments.responses import private_download

from .letters import letter_reporter_download


@never_cache
def reporter_letter(request: HttpRequest) -> HttpResponse:
    from jubao.intake.services import report_for_session
    from jubao.intake.views import SESSION_REPORT

    report = report_for_session(request.session.get(SESSION_REPORT))
    if report is None:
        return redirect("intake:login")
    letter = letter_reporter_download(report=report)
    if letter is None:
        raise Http404
    return private_download(bytes(letter.pdf), content_type="application/pdf",
                            filename=f"答复函-{letter.reference}.pdf")
