"""Open311 GeoReport v2 over HTTP: adapters between the URL (format suffix), the form or query
parameters and the spec's error format on one side, and jubao.open311.services on the other."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import services
from .errors import Open311Error
from .render import FORMATS, error_response, respond

View = Callable[..., HttpResponse]


def endpoint(*methods: str) -> Callable[[View], View]:
    """Check the format suffix and the method, and answer Open311Error in the spec's format.
    CSRF-exempt: POST is authenticated by its api_key, never by a session cookie."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            fmt = fmt.lower()
            if fmt not in FORMATS:
                return error_response("xml", 404, _("Unknown format: use .xml or .json."))
            if request.method not in allowed:
                return error_response(fmt, 405, _("This method is not allowed here."),
                                      headers={"Allow": ", ".join(sorted(allowed))})
            try:
                return view(request, fmt, **kwargs)
            except Open311Error as exc:
                return error_response(fmt, exc.status, exc.description, headers=exc.headers)

        return csrf_exempt(wrapper)

    return decorate


def _query(request: HttpRequest) -> dict[str, Any]:
    return dict(request.GET.items())


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    services_url = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": "xml"}))
    return respond(fmt, "discovery", services.discovery(endpoint_url=services_url.rsplit("/", 1)[0] + "/"))


@endpoint("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    data = services.services_list(jurisdiction_id=request.GET.get("jurisdiction_id", ""))
    return respond(fmt, "services", data)


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    data = services.service_definition(service_code, jurisdiction_id=request.GET.get("jurisdiction_id", ""))
    return respond(fmt, "service_definition", data)


@endpoint("GET", "POST")
def request_collection(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        # Form-encoded as the spec says; the form wins over anything repeated in the query string.
        created = services.request_create(params={**_query(request), **request.POST.dict()})
        return respond(fmt, "service_requests", [created.as_dict()])
    return respond(fmt, "service_requests", services.requests_list(params=_query(request)))


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    data = services.request_detail(service_request_id, params=_query(request))
    return respond(fmt, "service_requests", [data])
