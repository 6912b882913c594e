from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Job, PeriodicTask
from .services import job_retry


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["public_id", "kind", "status", "run_at", "attempts", "max_attempts", "locked_by", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["=public_id", "=dedupe_key", "kind"]
    ordering = ["-id"]
    actions = ["retry"]
    readonly_fields = [
        "public_id", "kind", "payload", "status", "run_at", "attempts", "locked_by", "locked_until",
        "last_error", "dedupe_key", "created_at", "finished_at", "progress",
    ]
    show_full_result_count = False  # counting millions of done rows on every page view is wasted work

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry selected failed jobs"), permissions=["change"])
    def retry(self, request, queryset):
        retried = sum(1 for job in queryset if job_retry(actor=request.user, job=job))
        skipped = queryset.count() - retried
        self.message_user(
            request,
            ngettext("%(count)d job queued again.", "%(count)d jobs queued again.", retried) % {"count": retried},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                _("%(count)d jobs were skipped: still active, or another active job has the same dedupe key.")
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(admin.ModelAdmin):
    list_display = ["name", "interval_seconds", "next_run_at", "last_started_at", "last_finished_at", "last_worker"]
    readonly_fields = [
        "name", "interval_seconds", "last_started_at", "last_finished_at", "last_error", "last_worker",
    ]
    actions = ["run_soon"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Run at the next worker poll"), permissions=["change"])
    def run_soon(self, request, queryset):
        count = queryset.update(next_run_at=timezone.now())
        self.message_user(request, _("%(count)d tasks scheduled.") % {"count": count}, messages.SUCCESS)
