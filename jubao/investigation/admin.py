"""Read-only admin views: the investigation record is written through the services (and audited) only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    CaseOwnership,
    CollectiveReview,
    CustodyEvent,
    EvidenceItem,
    InvestigationNote,
    OwnershipProgress,
    ReviewParticipant,
    SiteVisit,
    SupplementRequest,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ParticipantInline(ReadOnlyInline):
    model = ReviewParticipant
    fields = ("user", "opinion", "signed_at", "signed_digest")


@admin.register(CollectiveReview)
class CollectiveReviewAdmin(ReadOnly):
    list_display = ("case", "held_at", "meeting_format", "chair", "completed_at")
    list_filter = ("meeting_format",)
    search_fields = ("case__number",)
    list_select_related = ("case", "chair")
    inlines = [ParticipantInline]


@admin.register(InvestigationNote)
class InvestigationNoteAdmin(ReadOnly):
    list_display = ("case", "author", "created_at")
    search_fields = ("case__number",)
    list_select_related = ("case", "author")


class CustodyInline(ReadOnlyInline):
    model = CustodyEvent
    fields = ("seq", "action", "from_user", "to_user", "recorded_by", "at", "note", "hash")


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ReadOnly):
    list_display = ("public_id", "case", "kind", "status", "custodian", "collected_at", "sha256")
    list_filter = ("kind", "status")
    search_fields = ("case__number", "sha256")
    list_select_related = ("case", "custodian")
    exclude = ("wrapped_key",)
    inlines = [CustodyInline]


@admin.register(SiteVisit)
class SiteVisitAdmin(ReadOnly):
    list_display = ("case", "visited_at", "place", "created_by")
    search_fields = ("case__number", "place")
    list_select_related = ("case", "created_by")


@admin.register(SupplementRequest)
class SupplementRequestAdmin(ReadOnly):
    list_display = ("case", "report", "status", "requested_at", "closed_at")
    list_filter = ("status",)
    search_fields = ("case__number", "report__tracking_number")
    list_select_related = ("case", "report")


class ProgressInline(ReadOnlyInline):
    model = OwnershipProgress
    fields = ("created_at", "author", "body")


@admin.register(CaseOwnership)
class CaseOwnershipAdmin(ReadOnly):
    list_display = ("case", "leader", "reason", "next_progress_due_at", "overdue_reminded_at", "ended_at")
    list_filter = ("reason",)
    search_fields = ("case__number", "leader__username", "leader__display_name")
    list_select_related = ("case", "leader")
    inlines = [ProgressInline]
