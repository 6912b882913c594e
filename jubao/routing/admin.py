from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from jubao.accounts.actors import Actor
from jubao.accounts.models import User

from .models import DispatchRule
from .services import dispatch_rule_record


class CoDepartmentInline(admin.TabularInline):
    model = DispatchRule.co_departments.through
    extra = 1
    autocomplete_fields = ("department",)
    verbose_name = _("co-handling department")
    verbose_name_plural = _("co-handling departments")


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)  # the admin is only reachable when logged in
    return Actor.staff(user)


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

    # Every change to the catalogue is audited, with the rule as it stands afterwards (deletions: as it stood).
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        dispatch_rule_record(actor=_actor(request), rule=form.instance,
                             action="changed" if change else "created")

    def delete_model(self, request: HttpRequest, obj: DispatchRule) -> None:
        dispatch_rule_record(actor=_actor(request), rule=obj, action="deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for rule in queryset:
            dispatch_rule_record(actor=_actor(request), rule=rule, action="deleted")
        super().delete_queryset(request, queryset)

    @admin.display(description=_("co-handling departments"))
    def co_list(self, obj: DispatchRule) -> str:
        return pgettext("list separator", ", ").join(d.name for d in obj.co_departments.all()) or "—"
