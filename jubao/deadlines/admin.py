from django.contrib import admin

from .calendar_seed import calendar_set_day
from .models import CalendarDay, CalendarYear, DeadlinePolicy, PolicyPack


class DeadlinePolicyInline(admin.TabularInline):
    model = DeadlinePolicy
    extra = 0
    fields = ("stage", "kind_code", "grade", "urgency", "real_name_only", "length", "unit", "start_event",
              "extension_length", "extension_unit", "pause_conditions", "source_reference", "effective_from")


@admin.register(PolicyPack)
class PolicyPackAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_default")
    inlines = [DeadlinePolicyInline]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "version", "source", "updated_at")
    readonly_fields = ("version", "updated_at")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Holidays off weekdays and 调休 make-up working days; each change bumps its year's version."""

    list_display = ("date", "is_working", "name")
    list_filter = ("is_working",)
    date_hierarchy = "date"
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        calendar_set_day(actor=request.user, day=obj.date, is_working=obj.is_working, name=obj.name)

    def delete_model(self, request, obj):
        calendar_set_day(actor=request.user, day=obj.date, is_working=None)

    def delete_queryset(self, request, queryset):
        for day in queryset:
            calendar_set_day(actor=request.user, day=day.date, is_working=None)
