"""Staff JSON API for investigation: the same selectors and services as the case page, with the same access."""

from __future__ import annotations

import uuid
from typing import Any

from ninja import File, Form, Router
from ninja.files import UploadedFile

from jubao.accounts.actors import Actor
from jubao.accounts.http import StaffRequest
from jubao.attachments.responses import private_download
from jubao.cases.selectors import case_get_for

from . import services as s
from .schemas import (
    CustodyIn,
    ErrorOut,
    EvidenceDetailOut,
    EvidenceIn,
    EvidenceOut,
    NoteIn,
    NoteOut,
    OwnershipDetailOut,
    OwnershipIn,
    OwnershipOut,
    RecordOut,
    ReviewIn,
    ReviewsOut,
    SignIn,
    SiteVisitIn,
    SiteVisitOut,
    SupplementCloseIn,
    SupplementIn,
    SupplementOut,
    TextIn,
    ToSignOut,
    TransferIn,
)
from .selectors import (
    custody_chain,
    evidence_item_for,
    investigation_record_for,
    ownerships_for,
    ownerships_of,
    reviews_of,
    reviews_to_sign,
)
from .storage import evidence_file_from_upload

router = Router(tags=["investigation"])
def _actor(request: StaffRequest) -> Actor:
    return Actor.staff(request.user)


def _replies(ok: Any) -> dict[int, Any]:
    return {200: ok, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# --- collective review --------------------------------------------------------------------------------------------
def _reviews(request: StaffRequest, number: str) -> dict[str, Any]:
    case = case_get_for(request.user, number)
    reviews = reviews_of(case)
    return {"required": bool(s.review_reasons(case)), "reasons": s.review_reasons(case),
            "signed": any(r.is_complete for r in reviews), "reviews": reviews}


@router.get("/cases/{number}/reviews", response=_replies(ReviewsOut))
def list_reviews(request: StaffRequest, number: str):  # type: ignore[no-untyped-def]
    return _reviews(request, number)


def _review_input(body: ReviewIn) -> s.ReviewInput:
    return s.ReviewInput(held_at=body.held_at, meeting_format=body.meeting_format, location=body.location,
                         chair=body.chair, participants=body.participants, decision=body.decision)


@router.post("/cases/{number}/reviews", response=_replies(ReviewsOut))
def create_review(request: StaffRequest, number: str, body: ReviewIn):  # type: ignore[no-untyped-def]
    s.collective_review_create(actor=_actor(request), number=number, data=_review_input(body))
    return _reviews(request, number)


@router.put("/reviews/{review_id}", response=_replies(ReviewsOut))
def update_review(request: StaffRequest, review_id: uuid.UUID, body: ReviewIn):  # type: ignore[no-untyped-def]
    review = s.collective_review_update(actor=_actor(request), review_id=str(review_id), data=_review_input(body))
    return _reviews(request, review.case.number)


@router.post("/reviews/{review_id}/sign", response=_replies(ReviewsOut))
def sign_review(request: StaffRequest, review_id: uuid.UUID, body: SignIn):  # type: ignore[no-untyped-def]
    review = s.collective_review_sign(actor=_actor(request), review_id=str(review_id), opinion=body.opinion)
    return _reviews(request, review.case.number)


@router.get("/reviews/to-sign", response=list[ToSignOut])
def to_sign(request: StaffRequest):  # type: ignore[no-untyped-def]
    return list(reviews_to_sign(request.user)[:200])


# --- investigation record ------------------------------------------------------------------------------------------
@router.get("/cases/{number}/record", response=_replies(RecordOut))
def record(request: StaffRequest, number: str):  # type: ignore[no-untyped-def]
    return investigation_record_for(request.user, number)


@router.post("/cases/{number}/notes", response=_replies(NoteOut))
def add_note(request: StaffRequest, number: str, body: NoteIn):  # type: ignore[no-untyped-def]
    return s.note_add(actor=_actor(request), number=number, body=body.body)


@router.post("/cases/{number}/evidence", response=_replies(EvidenceOut))
def add_evidence(request: StaffRequest, number: str, data: Form[EvidenceIn],  # type: ignore[no-untyped-def]
                 file: UploadedFile | None = File(None)):  # noqa: B008  (django-ninja parameter marker)
    """multipart/form-data: the fields, and optionally `file`, stored exactly as uploaded with its SHA-256."""
    return s.evidence_add(actor=_actor(request), number=number, kind=data.kind, description=data.description,
                          collected_at=data.collected_at, custodian=data.custodian or None,
                          site_visit_id=data.site_visit or None,
                          file=evidence_file_from_upload(file) if file is not None else None)


def _evidence_detail(request: StaffRequest, item_id: uuid.UUID) -> Any:
    item, _case = evidence_item_for(request.user, item_id)
    item.custody = list(custody_chain(item))  # type: ignore[attr-defined]
    item.chain_intact = s.custody_verify(item)  # type: ignore[attr-defined]
    return item


@router.get("/evidence/{item_id}", response=_replies(EvidenceDetailOut))
def get_evidence(request: StaffRequest, item_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return _evidence_detail(request, item_id)


@router.post("/evidence/{item_id}/custody", response=_replies(EvidenceDetailOut))
def record_custody(request: StaffRequest, item_id: uuid.UUID, body: CustodyIn):  # type: ignore[no-untyped-def]
    s.evidence_custody_record(actor=_actor(request), item_id=str(item_id), action=body.action,
                              to_user=body.to_user or None, note=body.note)
    return _evidence_detail(request, item_id)


@router.get("/evidence/{item_id}/file", response={200: None, 403: ErrorOut, 404: ErrorOut})
def download_evidence(request: StaffRequest, item_id: uuid.UUID):  # type: ignore[no-untyped-def]
    """The file exactly as collected (its SHA-256 is the item's `sha256`); each download is audited."""
    data, content_type, name = s.evidence_download(actor=_actor(request), item_id=str(item_id))
    return private_download(data, content_type=content_type, filename=name)


@router.post("/cases/{number}/site-visits", response=_replies(SiteVisitOut))
def add_site_visit(request: StaffRequest, number: str, body: SiteVisitIn):  # type: ignore[no-untyped-def]
    """Photos are added afterwards as evidence items naming this visit (`site_visit`)."""
    return s.site_visit_record(actor=_actor(request), number=number, visited_at=body.visited_at, place=body.place,
                               participants=body.participants, others_present=body.others_present,
                               findings=body.findings)


@router.post("/cases/{number}/supplements", response=_replies(SupplementOut))
def request_supplement(request: StaffRequest, number: str, body: SupplementIn):  # type: ignore[no-untyped-def]
    return s.supplement_request_send(actor=_actor(request), number=number, items=body.items,
                                     tracking_number=body.report)


@router.post("/supplements/{request_id}/close", response=_replies(SupplementOut))
def close_supplement(request: StaffRequest, request_id: uuid.UUID,  # type: ignore[no-untyped-def]
                     body: SupplementCloseIn):
    return s.supplement_request_close(actor=_actor(request), request_id=str(request_id), status=body.status)


# --- case ownership (包案) -------------------------------------------------------------------------------------------
@router.get("/ownerships", response=list[OwnershipOut])
def list_ownerships(request: StaffRequest, mine: bool = False, ended: bool = False):  # type: ignore[no-untyped-def]
    return list(ownerships_for(request.user, active=not ended, mine=mine)[:500])


@router.get("/cases/{number}/ownership", response=_replies(list[OwnershipDetailOut]))
def case_ownership(request: StaffRequest, number: str):  # type: ignore[no-untyped-def]
    return ownerships_of(case_get_for(request.user, number))


@router.post("/cases/{number}/ownership", response=_replies(OwnershipDetailOut))
def assign_ownership(request: StaffRequest, number: str, body: OwnershipIn):  # type: ignore[no-untyped-def]
    return s.ownership_assign(actor=_actor(request), number=number, leader=body.leader, reason=body.reason,
                              plan=body.plan, interval_days=body.interval_days)


@router.post("/ownerships/{ownership_id}/progress", response=_replies(OwnershipDetailOut))
def add_progress(request: StaffRequest, ownership_id: uuid.UUID, body: TextIn):  # type: ignore[no-untyped-def]
    return s.ownership_progress_add(actor=_actor(request), ownership_id=str(ownership_id), body=body.body).ownership


@router.post("/ownerships/{ownership_id}/transfer", response=_replies(OwnershipDetailOut))
def transfer_ownership(request: StaffRequest, ownership_id: uuid.UUID,  # type: ignore[no-untyped-def]
                       body: TransferIn):
    return s.ownership_transfer(actor=_actor(request), ownership_id=str(ownership_id), leader=body.leader,
                                reason=body.reason)


@router.post("/ownerships/{ownership_id}/end", response=_replies(OwnershipDetailOut))
def end_ownership(request: StaffRequest, ownership_id: uuid.UUID, body: TextIn):  # type: ignore[no-untyped-def]
    return s.ownership_end(actor=_actor(request), ownership_id=str(ownership_id), result=body.body)
