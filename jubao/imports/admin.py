from django.contrib import admin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Read-only: imports are started and run from the staff pages; this is for looking things up."""

    list_display = ("original_name", "created_at", "created_by", "channel", "status", "total_rows",
                    "created_count", "duplicate_count", "rejected_count")
    list_filter = ("status", "channel", "format")
    search_fields = ("original_name", "public_id")
    exclude = ("file",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
