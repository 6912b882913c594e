"""The JSON API root: /api/v1/…, OpenAPI at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from jubao.accounts.services import api_token_authenticate
from jubao.cases.api import router as cases_router
from jubao.cases.errors import CaseError
from jubao.feedback.api import router as feedback_router
from jubao.handling.api import router as handling_router
from jubao.intake.api import router as reporter_router
from jubao.investigation.api import router as investigation_router
from jubao.quality.api import router as quality_router
from jubao.routing.api import cases_router as routing_cases_router
from jubao.routing.api import router as routing_router
from jubao.supervision.api import router as supervision_router
from jubao.triage.api import router as triage_router


class StaffToken(HttpBearer):
    """`Authorization: Bearer jbk_…` — a staff integration token (see /staff/account/tokens/)."""

    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[no-untyped-def]
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class StaffTokenHeader(APIKeyHeader):
    param_name = "X-Api-Token"

    def authenticate(self, request: HttpRequest, key: str | None):  # type: ignore[no-untyped-def]
        user = api_token_authenticate(key or "")
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Jubao API",
    version="1",
    description="Everything the staff UI does, with exactly the same permissions.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=[StaffToken(), StaffTokenHeader(), django_auth],
)


@api.exception_handler(CaseError)
def case_error(request: HttpRequest, exc: CaseError):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=exc.status_code)


api.add_router("/v1/cases", cases_router)
api.add_router("/v1/cases", triage_router)
api.add_router("/v1/cases", routing_cases_router)
api.add_router("/v1/routing", routing_router)
api.add_router("/v1/handling", handling_router)
api.add_router("/v1/investigation", investigation_router)
api.add_router("/v1/feedback", feedback_router)
api.add_router("/v1/quality", quality_router)
api.add_router("/v1/supervision", supervision_router)
api.add_router("/v1", reporter_router)
