from typing import cast

from django.contrib import admin

from .models import DepartmentFlag, RetrospectiveItem, RetrospectiveSample, SelfReview


@admin.register(SelfReview)
class SelfReviewAdmin(admin.ModelAdmin):
    """Read-only: self-reviews are filled in on the case page, by the handler."""

    list_display = ["case", "department", "handler", "concluded_at", "due_at", "status", "overdue", "submitted_at"]
    list_filter = ["status", "overdue", "department"]
    search_fields = ["=case__number"]
    raw_id_fields = ["case", "handler", "submitted_by"]
    ordering = ["-concluded_at"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RetrospectiveItemInline(admin.TabularInline):
    model = RetrospectiveItem
    fields = ["case", "department", "status", "result", "reviewer", "reviewed_at"]
    readonly_fields = cast(list[str], fields)  # plain field names, no groups
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RetrospectiveSample)
class RetrospectiveSampleAdmin(admin.ModelAdmin):
    """Read-only: samples are drawn by the monthly job or `manage.py draw_retrospective_sample`."""

    list_display = ["period", "jurisdiction", "population", "size", "rate_percent", "seed", "drawn_at", "drawn_by"]
    list_filter = ["period"]
    inlines = [RetrospectiveItemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RetrospectiveItem)
class RetrospectiveItemAdmin(admin.ModelAdmin):
    list_display = ["case", "sample", "department", "status", "result", "reviewer", "reviewed_at"]
    list_filter = ["status", "result", "sample__period"]
    search_fields = ["=case__number"]
    raw_id_fields = ["case", "reviewer"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DepartmentFlag)
class DepartmentFlagAdmin(admin.ModelAdmin):
    """Read-only: computed monthly (`manage.py compute_quality_flags`)."""

    list_display = ["period", "department", "concluded", "verification_rate", "rated", "satisfaction_rate",
                    "repeat_rate", "low_verification", "low_satisfaction", "high_repeat", "two_low_one_high"]
    list_filter = ["period", "two_low_one_high"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
