from django.contrib import admin

from .models import Notification, NotificationPreference, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: the outbox is a delivery log, edited only by the delivery code."""

    list_display = ["public_id", "topic", "channel", "status", "attempts", "next_attempt_at", "sent_at", "created_at"]
    list_filter = ["status", "channel", "topic"]
    search_fields = ["=public_id", "topic"]
    ordering = ["-id"]
    raw_id_fields = ["recipient_user"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["public_id", "user", "topic", "subject", "created_at", "read_at"]
    list_filter = ["topic", "read_at"]
    search_fields = ["=public_id", "user__username", "subject"]
    ordering = ["-id"]
    raw_id_fields = ["user", "source"]
    readonly_fields = ["public_id", "source", "created_at"]
    show_full_result_count = False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_copies", "updated_at"]
    list_filter = ["email_copies"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]
