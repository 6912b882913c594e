from django.contrib import admin

from .models import Open311ApiKey, Open311Request


@admin.register(Open311ApiKey)
class Open311ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "is_active", "default_region", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "prefix")
    fields = ("name", "prefix", "is_active", "default_region", "created_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    raw_id_fields = ("default_region",)

    def has_add_permission(self, request):
        return False  # `manage.py open311_key NAME` creates keys and shows the secret once

    def has_delete_permission(self, request, obj=None):
        return False  # a used key stays for the record; switch it off instead


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    list_display = ("report", "service_code", "api_key", "created_at")
    list_filter = ("api_key",)
    search_fields = ("report__tracking_number",)
    fields = ("report", "api_key", "category", "jurisdiction_id", "address_id", "media_url", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
