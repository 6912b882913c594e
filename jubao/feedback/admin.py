from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from .models import CaseReview, FeedbackAnswer, FollowUp, ReplyLetter, ResponseTemplate


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    """The knowledge base of answers; also editable at /staff/feedback/templates/."""

    list_display = ("title", "category", "finding", "is_active", "updated_at", "updated_by")
    list_filter = ("is_active", "finding", "category__depth")
    list_editable = ("is_active",)
    search_fields = ("title", "checked", "found", "done", "next_steps", "category__full_name")
    autocomplete_fields = ("category",)
    fields = ("title", "category", "finding", "checked", "found", "done", "next_steps", "is_active")

    def save_model(self, request: HttpRequest, obj: ResponseTemplate, form: Any, change: bool) -> None:
        obj.updated_at, obj.updated_by = timezone.now(), request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


class _ReadOnly(admin.ModelAdmin):
    """Records written by the workflow: shown, never edited here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FeedbackAnswer)
class FeedbackAnswerAdmin(_ReadOnly):
    list_display = ("case", "version", "finding", "template", "actor_label", "answered_at")
    list_select_related = ("case", "template")
    search_fields = ("case__number",)
    date_hierarchy = "answered_at"


@admin.register(ReplyLetter)
class ReplyLetterAdmin(_ReadOnly):
    list_display = ("reference", "case", "size", "font", "generated_at")
    list_select_related = ("case",)
    search_fields = ("reference", "case__number")
    exclude = ("pdf",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("pdf")


@admin.register(FollowUp)
class FollowUpAdmin(_ReadOnly):
    list_display = ("case", "report", "selection", "channel", "status", "due_at", "overdue", "attempts", "outcome",
                    "satisfaction")
    list_filter = ("status", "selection", "channel", "overdue", "satisfaction")
    list_select_related = ("case", "report")
    search_fields = ("case__number", "report__tracking_number")
    date_hierarchy = "due_at"


@admin.register(CaseReview)
class CaseReviewAdmin(_ReadOnly):
    list_display = ("case", "round", "status", "opened_at", "due_at", "first_handler", "reviewer")
    list_filter = ("status",)
    list_select_related = ("case", "first_handler", "reviewer")
    search_fields = ("case__number",)
