from django.contrib import admin

from .models import CaseReturn, ConflictDeclaration, ExtensionRequest, HandlerProfile, HandlingTask


@admin.register(HandlerProfile)
class HandlerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "person_name", "capability_tags")
    search_fields = ("user__username", "person_name", "capability_tags")


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    list_display = ("user", "subject", "relation", "is_active", "declared_at")
    list_filter = ("is_active",)
    # Declarations are the staff member's own statement: the admin may read them, not rewrite them.
    readonly_fields = ("user", "subject", "relation", "is_active", "declared_at", "withdrawn_at")


@admin.register(CaseReturn)
class CaseReturnAdmin(admin.ModelAdmin):
    list_display = ("case", "sequence", "department", "returned_at", "decision")
    list_filter = ("decision", "department")

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(HandlingTask)
class HandlingTaskAdmin(admin.ModelAdmin):
    list_display = ("case", "department", "kind", "status", "due_at", "overdue")
    list_filter = ("kind", "status", "overdue")

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ("case", "department", "status", "requested_at", "decided_at")
    list_filter = ("status", "department")

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
