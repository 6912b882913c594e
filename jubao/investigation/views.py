"""Staff pages and form posts of the investigation app: adapters that parse, check access, call one service, and
either redirect to the case page or show it again with the rejected form (render_case_detail)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.attachments.responses import private_download
from jubao.cases.errors import CaseError, CaseNotFound, TransitionForbidden
from jubao.cases.selectors import case_get_for
from jubao.cases.views import render_case_detail

from . import services as s
from .forms import (
    CustodyForm,
    EvidenceForm,
    NoteForm,
    OwnershipForm,
    ReviewForm,
    SignForm,
    SiteVisitForm,
    SupplementCloseForm,
    SupplementForm,
    TextForm,
    TransferForm,
)
from .models import CaseOwnership, CollectiveReview, SupplementRequest
from .selectors import custody_chain, evidence_item_for, ownerships_for, reviews_to_sign
from .storage import evidence_file_from_upload

PAGE_SIZE = 25
ANCHORS = {"collective_review": "collective-review", "investigation": "investigation", "ownership": "ownership"}


def _case_number(request: StaffRequest, model: type[Model], public_id: Any) -> str:
    """The number of the case an object belongs to, if the user can see that case (else 404)."""
    number = model.objects.filter(public_id=public_id).values_list("case__number", flat=True).first()  # type: ignore[attr-defined]
    try:
        if number is None:
            raise CaseNotFound(_("No case with that number was found."))
        return case_get_for(request.user, number).number
    except CaseNotFound as exc:
        raise Http404(exc.message) from exc


def _handle(request: StaffRequest, number: str, *, panel: str, key: str, form: Any,
            call: Callable[[dict[str, Any]], Any], done: str) -> HttpResponse:
    status = 400
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except CaseNotFound as exc:
            raise Http404(exc.message) from exc
        except CaseError as exc:
            status = exc.status_code
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, done)
            return redirect(reverse("cases:detail", args=[number]) + f"#{ANCHORS[panel]}")
    return render_case_detail(request, number, panel=panel, bound={key: form}, status=status)


def _actor(request: StaffRequest) -> Actor:
    return Actor.staff(request.user)


def _case_or_404(request: StaffRequest, number: str):  # type: ignore[no-untyped-def]
    try:
        return case_get_for(request.user, number)
    except CaseNotFound as exc:
        raise Http404(exc.message) from exc


def _review_input(data: dict[str, Any]) -> s.ReviewInput:
    return s.ReviewInput(held_at=data["held_at"], meeting_format=data["meeting_format"], location=data["location"],
                         chair=data["chair"], participants=data["participants"], decision=data["decision"])


# --- collective review -----------------------------------------------------------------------------------------
@login_required
@require_POST
def review_create(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_or_404(request, number)
    return _handle(request, case.number, panel="collective_review", key="review", form=ReviewForm(case, request.POST),
                   call=lambda d: s.collective_review_create(actor=_actor(request), number=case.number,
                                                             data=_review_input(d)),
                   done=_("The collective review record was saved; each participant now signs it."))


@login_required
@require_POST
def review_update(request: StaffRequest, review_id: Any) -> HttpResponse:
    number = _case_number(request, CollectiveReview, review_id)
    case = _case_or_404(request, number)
    return _handle(request, number, panel="collective_review", key="review", form=ReviewForm(case, request.POST),
                   call=lambda d: s.collective_review_update(actor=_actor(request), review_id=str(review_id),
                                                             data=_review_input(d)),
                   done=_("The record was changed; signatures given so far must be given again."))


@login_required
@require_POST
def review_sign(request: StaffRequest, review_id: Any) -> HttpResponse:
    number = _case_number(request, CollectiveReview, review_id)
    return _handle(request, number, panel="collective_review", key="sign", form=SignForm(request.POST),
                   call=lambda d: s.collective_review_sign(actor=_actor(request), review_id=str(review_id),
                                                           opinion=d["opinion"]),
                   done=_("You signed the collective review record."))


@login_required
@require_GET
def to_sign(request: StaffRequest) -> HttpResponse:
    page = Paginator(reviews_to_sign(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "investigation/to_sign.html", {"page": page})


# --- investigation record ---------------------------------------------------------------------------------------
@login_required
@require_POST
def note_add(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_or_404(request, number)
    return _handle(request, case.number, panel="investigation", key="note", form=NoteForm(request.POST),
                   call=lambda d: s.note_add(actor=_actor(request), number=case.number, body=d["body"]),
                   done=_("The internal note was saved."))


def _evidence(actor: Actor, number: str, data: dict[str, Any]) -> Any:
    upload = data.get("file")
    return s.evidence_add(actor=actor, number=number, kind=data["kind"], description=data["description"],
                          collected_at=data["collected_at"], custodian=data["custodian"] or None,
                          file=evidence_file_from_upload(upload) if upload else None)


@login_required
@require_POST
def evidence_add(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_or_404(request, number)
    return _handle(request, case.number, panel="investigation", key="evidence",
                   form=EvidenceForm(case, request.POST, request.FILES),
                   call=lambda d: _evidence(_actor(request), case.number, d),
                   done=_("The evidence item was recorded."))


def _visit(actor: Actor, number: str, data: dict[str, Any]) -> Any:
    photos = [evidence_file_from_upload(p, field_name="photos") for p in data.get("photos") or []]
    return s.site_visit_record(actor=actor, number=number, visited_at=data["visited_at"], place=data["place"],
                               participants=data["participants"], others_present=data["others_present"],
                               findings=data["findings"], photos=photos)


@login_required
@require_POST
def site_visit_add(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_or_404(request, number)
    return _handle(request, case.number, panel="investigation", key="visit",
                   form=SiteVisitForm(case, request.POST, request.FILES),
                   call=lambda d: _visit(_actor(request), case.number, d), done=_("The site visit was recorded."))


@login_required
@require_POST
def supplement_send(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_or_404(request, number)
    return _handle(request, case.number, panel="investigation", key="supplement",
                   form=SupplementForm(case, request.POST),
                   call=lambda d: s.supplement_request_send(actor=_actor(request), number=case.number,
                                                            items=d["items"], tracking_number=d["report"]),
                   done=_("The request was sent to the reporter's follow-up page."))


@login_required
@require_POST
def supplement_close(request: StaffRequest, request_id: Any) -> HttpResponse:
    number = _case_number(request, SupplementRequest, request_id)
    form = SupplementCloseForm(request.POST)
    return _handle(request, number, panel="investigation", key="supplement_close", form=form,
                   call=lambda d: s.supplement_request_close(actor=_actor(request), request_id=str(request_id),
                                                             status=d["status"]),
                   done=_("The request was closed."))


# --- evidence page: the chain of custody and the file ------------------------------------------------------------
def _item(request: StaffRequest, item_id: Any):  # type: ignore[no-untyped-def]
    try:
        return evidence_item_for(request.user, item_id)
    except CaseNotFound as exc:
        raise Http404(exc.message) from exc
    except TransitionForbidden as exc:
        raise PermissionDenied(exc.message) from exc


@login_required
def evidence_detail(request: StaffRequest, item_id: Any) -> HttpResponse:
    item, case = _item(request, item_id)
    form = CustodyForm(case, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                s.evidence_custody_record(actor=_actor(request), item_id=str(item.public_id), action=data["action"],
                                          to_user=data["to_user"] or None, note=data["note"])
            except CaseNotFound as exc:
                raise Http404(exc.message) from exc
            except CaseError as exc:
                status = exc.status_code
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The change of custody was recorded."))
                return redirect("investigation:evidence", item_id=item.public_id)
        item, case = _item(request, item_id)
    return render(request, "investigation/evidence.html", {
        "item": item, "case": case, "chain": custody_chain(item), "form": form,
        "chain_intact": s.custody_verify(item)}, status=status)


@login_required
@require_GET
def evidence_file(request: StaffRequest, item_id: Any) -> HttpResponse:
    try:
        data, content_type, name = s.evidence_download(actor=_actor(request), item_id=str(item_id))
    except CaseNotFound as exc:
        raise Http404(exc.message) from exc
    except TransitionForbidden as exc:
        raise PermissionDenied(exc.message) from exc
    return private_download(data, content_type=content_type, filename=name)


# --- case ownership (包案) -----------------------------------------------------------------------------------------
@login_required
@require_POST
def ownership_assign(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_or_404(request, number)
    return _handle(request, case.number, panel="ownership", key="ownership", form=OwnershipForm(case, request.POST),
                   call=lambda d: s.ownership_assign(actor=_actor(request), number=case.number, leader=d["leader"],
                                                     reason=d["reason"], plan=d["plan"],
                                                     interval_days=d["interval_days"]),
                   done=_("Case ownership was assigned."))


@login_required
@require_POST
def ownership_progress(request: StaffRequest, ownership_id: Any) -> HttpResponse:
    number = _case_number(request, CaseOwnership, ownership_id)
    return _handle(request, number, panel="ownership", key="progress",
                   form=TextForm(request.POST, prefix="progress", label=_("Progress")),
                   call=lambda d: s.ownership_progress_add(actor=_actor(request), ownership_id=str(ownership_id),
                                                           body=d["body"]),
                   done=_("The progress entry was saved."))


@login_required
@require_POST
def ownership_transfer(request: StaffRequest, ownership_id: Any) -> HttpResponse:
    number = _case_number(request, CaseOwnership, ownership_id)
    case = _case_or_404(request, number)
    return _handle(request, number, panel="ownership", key="transfer", form=TransferForm(case, request.POST),
                   call=lambda d: s.ownership_transfer(actor=_actor(request), ownership_id=str(ownership_id),
                                                       leader=d["leader"], reason=d["reason"]),
                   done=_("The case has a new leader."))


@login_required
@require_POST
def ownership_end(request: StaffRequest, ownership_id: Any) -> HttpResponse:
    number = _case_number(request, CaseOwnership, ownership_id)
    return _handle(request, number, panel="ownership", key="end",
                   form=TextForm(request.POST, prefix="end", label=_("Result")),
                   call=lambda d: s.ownership_end(actor=_actor(request), ownership_id=str(ownership_id),
                                                  result=d["body"]),
                   done=_("The ownership ended with its result."))


@login_required
@require_GET
def ownerships(request: StaffRequest) -> HttpResponse:
    mine = request.GET.get("mine") == "1"
    ended = request.GET.get("ended") == "1"
    page = Paginator(ownerships_for(request.user, active=not ended, mine=mine), PAGE_SIZE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "investigation/ownerships.html", {"page": page, "mine": mine, "ended": ended,
                                                             "query": query.urlencode()})
