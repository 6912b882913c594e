from django.contrib import admin

from .models import ReporterIdentity

_VISIBLE = ("pseudonym", "algorithm", "key_id", "created_at", "rotated_at")


@admin.register(ReporterIdentity)
class ReporterIdentityAdmin(admin.ModelAdmin):
    """Metadata only: ciphertext stays out of the page, and identities are revealed only by
    code that calls vault.identity_reveal after authorising and auditing the reveal."""

    list_display = _VISIBLE
    fields = _VISIBLE
    readonly_fields = _VISIBLE
    list_filter = ("algorithm", "key_id")
    search_fields = ("pseudonym",)
    ordering = ("-created_at",)

    def get_queryset(self, request):
        # Keep the encrypted columns out of admin queries altogether.
        return super().get_queryset(request).only("pk", *_VISIBLE)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
