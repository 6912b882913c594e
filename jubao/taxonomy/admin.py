from django.contrib import admin

from .models import Category, Kind, Sector
from .services import category_save


@admin.register(Kind)
class KindAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "position", "is_active")
    list_editable = ("name", "position", "is_active")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("full_name", "depth", "is_active")
    list_filter = ("depth", "is_active")
    search_fields = ("name", "full_name")
    readonly_fields = ("full_name", "depth", "path")
    autocomplete_fields = ("parent",)

    def save_model(self, request, obj, form, change):
        category_save(actor=request.user, category=obj)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_active")
    search_fields = ("code", "name")
