from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import DispatchRule


class CoDepartmentInline(admin.TabularInline):
    model = DispatchRule.co_departments.through
    extra = 1
    autocomplete_fields = ("department",)
    verbose_name = _("co-handling department")
    verbose_name_plural = _("co-handling departments")


@admin.register(DispatchRule)
class DispatchRuleAdmin(admin.ModelAdmin):
    list_display = ("id", "category", "region", "sector", "kind", "lead_department", "co_list", "priority",
                    "effective_from", "effective_to", "is_active")
    list_filter = ("is_active", "kind", "sector", "region__level", "lead_department", "category__depth")
    list_editable = ("priority", "is_active")
    search_fields = ("note", "category__full_name", "region__name", "region__code", "lead_department__name",
                     "lead_department__code")
    autocomplete_fields = ("category", "region", "lead_department")
    exclude = ("co_departments",)
    inlines = [CoDepartmentInline]
    date_hierarchy = "effective_from"

    def get_queryset(self, request: HttpRequest) -> Any:
        return (super().get_queryset(request)
                .select_related("category", "region", "sector", "kind", "lead_department__region")
                .prefetch_related("co_departments"))

    @admin.display(description=_("co-handling departments"))
    def co_list(self, obj: DispatchRule) -> str:
        return ", ".join(d.name for d in obj.co_departments.all()) or "—"
