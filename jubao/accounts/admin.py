from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "role", "department", "jurisdiction", "is_active")
    list_filter = ("role", "is_active", "department")
    search_fields = ("username", "display_name")
    autocomplete_fields = ("department", "jurisdiction")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Role and scope"), {"fields": ("display_name", "role", "department", "jurisdiction", "language")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("display_name", "role", "department", "jurisdiction")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False  # tokens are created by their owner, who sees the secret once
