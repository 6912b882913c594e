from django.contrib import admin

from .models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Configuration staff may look cases up here; every change goes through the workflow on the case page."""

    list_display = ("number", "title", "state", "light", "lead_department", "created_at")
    list_filter = ("state", "light", "urgency", "grade")
    search_fields = ("number", "title")
    readonly_fields = [f.name for f in Case._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD")

    def has_delete_permission(self, request, obj=None):
        return False
