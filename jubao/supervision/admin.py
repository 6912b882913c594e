from django.contrib import admin

from .models import DepartmentRating, SupervisionNotice


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(admin.ModelAdmin):
    """Read-only: notices are issued, answered and decided on the case page (or through the API)."""

    list_display = ["case", "department", "issued_by", "issued_at", "due_at", "status", "overdue", "rejections"]
    list_filter = ["status", "overdue", "department"]
    search_fields = ["=case__number", "=public_id"]
    raw_id_fields = ["case", "issued_by", "replied_by", "decided_by"]
    ordering = ["-issued_at"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DepartmentRating)
class DepartmentRatingAdmin(admin.ModelAdmin):
    """Read-only: computed each quarter (`manage.py compute_department_ratings`)."""

    list_display = ["period", "rank", "department", "colour", "on_time_rate", "satisfaction_rate", "repeat_rate"]
    list_filter = ["period", "colour"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
