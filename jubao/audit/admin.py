from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is changed by nobody, and `verify_audit` would notice."""

    list_display = ("seq", "created_at", "kind", "case", "actor_kind", "actor_label", "from_state", "to_state")
    list_filter = ("kind", "actor_kind")
    search_fields = ("case__number", "actor_label")
    list_select_related = ("case",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
