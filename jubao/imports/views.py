"""Staff pages for bulk imports: adapters that parse, check access, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest

from . import exports
from .errors import ImportForbidden, ImportNotFound, ImportProblem
from .fields import IDENTITY_FIELDS
from .forms import MappingForm, UploadForm
from .models import ImportBatch, ImportStatus
from .readers import ImportFileError, preview
from .services import (
    MAPPABLE,
    can_import,
    import_batch_create,
    import_batch_get_for,
    import_batch_is_stalled,
    import_batch_list_for,
    import_batch_map,
    import_batch_start,
)

PAGE_SIZE = 25
ERRORS_SHOWN = 50
REFRESH_SECONDS = 2
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _forbidden(request: StaffRequest) -> HttpResponse:
    return render(request, "imports/forbidden.html", status=403)


def importer_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Login required; other roles get a 403 page that says who may import; missing = someone else's = 404."""

    @login_required
    @wraps(view)
    def wrapper(request: StaffRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_import(Actor.staff(request.user)):
            return _forbidden(request)
        try:
            return view(request, *args, **kwargs)
        except ImportForbidden:
            return _forbidden(request)
        except ImportNotFound as exc:
            raise Http404(exc.message) from exc

    return wrapper


@importer_view
def batch_list(request: StaffRequest) -> HttpResponse:
    page = Paginator(import_batch_list_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"page": page})


@importer_view
def upload(request: StaffRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = import_batch_create(actor=Actor.staff(request.user), upload=form.cleaned_data["file"],
                                        channel=form.cleaned_data["channel"],
                                        language=getattr(request, "LANGUAGE_CODE", ""))
        except ImportProblem as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if batch.status != ImportStatus.FAILED:
                return redirect("imports:map", public_id=batch.public_id)
            form.add_error("file", batch.error)
    status = 400 if request.method == "POST" else 200
    return render(request, "imports/upload.html", {"form": form}, status=status)


def _mask(value: str) -> str:
    """Staff see reporters only by pseudonym; enough is left to check that the column is the right one."""
    if len(value) <= 2:
        return value[:1] + "*" if value else ""
    keep = max(1, len(value) // 4)
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def _mapping_context(batch: ImportBatch, form: MappingForm) -> dict[str, Any]:
    try:
        rows, preview_error = preview(batch), ""
    except ImportFileError as exc:
        rows, preview_error = [], exc.message
    hidden = {batch.headers.index(col) for name, col in batch.mapping.items()
              if name in IDENTITY_FIELDS and col in batch.headers}
    rows = [(number, [_mask(c) if i in hidden else c for i, c in enumerate(cells)]) for number, cells in rows]
    return {"batch": batch, "form": form, "preview": rows, "preview_error": preview_error}


@importer_view
def mapping(request: StaffRequest, public_id: str) -> HttpResponse:
    batch = import_batch_get_for(request.user, public_id)
    if batch.status not in MAPPABLE:
        return redirect("imports:detail", public_id=batch.public_id)
    if request.method != "POST":
        initial = {**batch.mapping, "default_kind": batch.defaults.get("kind", ""),
                   "default_region": batch.defaults.get("region", "")}
        return render(request, "imports/mapping.html",
                      _mapping_context(batch, MappingForm(initial=initial, headers=batch.headers)))
    form = MappingForm(request.POST, headers=batch.headers)
    if form.is_valid():
        actor = Actor.staff(request.user)
        try:
            batch = import_batch_map(actor=actor, batch=batch, mapping=form.mapping(), defaults=form.defaults())
            batch = import_batch_start(actor=actor, batch=batch)
        except ImportProblem as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("imports:detail", public_id=batch.public_id)
    return render(request, "imports/mapping.html", _mapping_context(batch, form), status=400)


@importer_view
@require_POST
def start(request: StaffRequest, public_id: str) -> HttpResponse:
    batch = import_batch_get_for(request.user, public_id)
    try:
        import_batch_start(actor=Actor.staff(request.user), batch=batch)
    except ImportProblem as exc:
        messages.error(request, exc.message)
    return redirect("imports:detail", public_id=batch.public_id)


@importer_view
def detail(request: StaffRequest, public_id: str) -> HttpResponse:
    batch = import_batch_get_for(request.user, public_id)
    if batch.status in MAPPABLE:
        return redirect("imports:map", public_id=batch.public_id)
    errors = list(batch.row_errors.order_by("row_number")[:ERRORS_SHOWN])
    stalled = import_batch_is_stalled(batch)
    response = render(request, "imports/detail.html", {
        "batch": batch, "errors": errors, "more_errors": max(0, batch.rejected_count - len(errors)),
        "refresh_seconds": REFRESH_SECONDS, "stalled": stalled,
        "restartable": bool(batch.file and batch.mapping) and (stalled or batch.status == ImportStatus.FAILED),
    })
    if batch.is_active and not stalled:
        # Reloads the page without JavaScript: the Refresh header is what <meta http-equiv="refresh"> emulates.
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@importer_view
def rejected_csv(request: StaffRequest, public_id: str) -> HttpResponseBase:
    batch = import_batch_get_for(request.user, public_id)
    response = StreamingHttpResponse(exports.csv_lines(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.download_name(batch, "csv")}"'
    return response


@importer_view
def rejected_xlsx(request: StaffRequest, public_id: str) -> HttpResponse:
    batch = import_batch_get_for(request.user, public_id)
    response = HttpResponse(exports.xlsx_bytes(batch), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.download_name(batch, "xlsx")}"'
    return response
