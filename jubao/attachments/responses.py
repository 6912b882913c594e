"""The one way files leave the system: always a download, never rendered, never cached, never referred."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def private_download(data: bytes, *, content_type: str, filename: str) -> HttpResponse:
    # Evidence may be hostile (a PDF with scripts, an HTML page saved as text): nosniff and the sandboxing policy
    # stop the browser from rendering or guessing; no-store keeps copies out of shared caches.
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "no-referrer"
    return response
