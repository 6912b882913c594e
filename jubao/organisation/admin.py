from django.contrib import admin

from .models import Department, Region
from .services import region_save


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    readonly_fields = ("path",)
    autocomplete_fields = ("parent",)

    def save_model(self, request, obj, form, change):
        region_save(actor=request.user, region=obj)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region", "parent", "is_active")
    list_filter = ("is_active", "region__level")
    search_fields = ("code", "name")
    autocomplete_fields = ("region", "parent")
    filter_horizontal = ("categories", "sectors")
