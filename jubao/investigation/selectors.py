"""Reads of the investigation app, applying the same access rules as the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from jubao.accounts.models import User
from jubao.cases.errors import CaseNotFound
from jubao.cases.models import Case
from jubao.cases.selectors import case_get_for, cases_visible_to

from .models import (
    CaseOwnership,
    CollectiveReview,
    CustodyEvent,
    EvidenceItem,
    InvestigationNote,
    ReviewParticipant,
    SiteVisit,
    SupplementRequest,
)
from .services.common import forbidden, may_investigate


def reviews_of(case: Case) -> list[CollectiveReview]:
    participants = ReviewParticipant.objects.select_related("user").order_by("pk")
    return list(CollectiveReview.objects.filter(case=case).select_related("chair", "created_by")
                .prefetch_related(Prefetch("participants", queryset=participants)))


def evidence_of(case: Case) -> QuerySet[EvidenceItem]:
    return (EvidenceItem.objects.filter(case=case).select_related("custodian", "collected_by", "site_visit")
            .defer("wrapped_key"))


def custody_chain(item: EvidenceItem) -> QuerySet[CustodyEvent]:
    return item.custody_events.select_related("from_user", "to_user", "recorded_by").order_by("seq")


@dataclass
class InvestigationRecord:
    case: Case
    notes: list[InvestigationNote]
    evidence: list[EvidenceItem]
    site_visits: list[SiteVisit]
    supplements: list[SupplementRequest]


def investigation_record(case: Case) -> InvestigationRecord:
    """Everything recorded on the case; callers have checked `may_investigate` first."""
    visits = (SiteVisit.objects.filter(case=case).select_related("created_by")
              .prefetch_related("participants", Prefetch("evidence_items", queryset=evidence_of(case))))
    return InvestigationRecord(
        case=case,
        notes=list(InvestigationNote.objects.filter(case=case).select_related("author")),
        evidence=list(evidence_of(case)),
        site_visits=list(visits),
        supplements=list(SupplementRequest.objects.filter(case=case).select_related(
            "report", "requested_by", "answer_message", "closed_by")),
    )


def investigation_record_for(user: User, number: str) -> InvestigationRecord:
    case = case_get_for(user, number)
    if not may_investigate(user, case):
        raise forbidden(_("Only the handling departments and the supervisors of this case may do this."))
    return investigation_record(case)


def evidence_item_for(user: User, item_id: Any) -> tuple[EvidenceItem, Case]:
    """An evidence item the user may investigate; CaseNotFound for missing and invisible alike."""
    item = evidence_of_any().filter(public_id=item_id).first()
    if item is None:
        raise CaseNotFound(_("No evidence item with that id was found."))
    case = case_get_for(user, item.case.number)
    if not may_investigate(user, case):
        raise forbidden(_("Only the handling departments and the supervisors of this case may do this."))
    return item, case


def evidence_of_any() -> QuerySet[EvidenceItem]:
    return EvidenceItem.objects.select_related("case", "custodian", "collected_by", "site_visit").defer("wrapped_key")


def ownerships_of(case: Case) -> list[CaseOwnership]:
    return list(CaseOwnership.objects.filter(case=case).select_related("leader", "assigned_by", "ended_by")
                .prefetch_related("progress__author").order_by("-assigned_at"))


def ownerships_for(user: User, *, active: bool = True, mine: bool = False) -> QuerySet[CaseOwnership]:
    """The ownership list: owned cases the user can see (a leader always sees the ones they own)."""
    qs = CaseOwnership.objects.all()
    qs = qs.filter(leader=user) if mine else qs.filter(Q(leader=user) | Q(case__in=cases_visible_to(user)))
    if active:
        qs = qs.filter(ended_at__isnull=True)
    return (qs.select_related("case", "case__lead_department", "case__lead_department__region", "leader")
            .order_by("ended_at", "next_progress_due_at", "pk"))


def reviews_to_sign(user: User) -> QuerySet[ReviewParticipant]:
    """Collective review records waiting for this user's own opinion and signature."""
    return (ReviewParticipant.objects.filter(user=user, signed_at__isnull=True, review__completed_at__isnull=True)
            .select_related("review", "review__case", "review__chair").order_by("review__held_at", "pk"))
