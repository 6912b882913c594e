from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jubao.accounts.actors import Actor

from .models import ClassifierModel, EmergencyEvent, KeywordRule, TrainingExample, TriageResult


class ReadOnlyAdmin(admin.ModelAdmin):
    """Looked up here, changed only through the services (so that every change is logged)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method in ("GET", "HEAD")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(KeywordRule)
class KeywordRuleAdmin(admin.ModelAdmin):
    list_display = ("target", "value", "short_words", "weight", "policy_pack", "is_active", "position")
    list_filter = ("target", "is_active", "policy_pack")
    list_editable = ("is_active", "position")
    search_fields = ("value", "words", "notice")

    @admin.display(description=_("cue words"))
    def short_words(self, obj: KeywordRule) -> str:
        lines = obj.cue_lines()
        return ", ".join(lines[:6]) + (" …" if len(lines) > 6 else "")


@admin.register(EmergencyEvent)
class EmergencyEventAdmin(ReadOnlyAdmin):
    """Declared and ended on /staff/triage/emergencies/, which also raises the open cases that match."""

    list_display = ("name", "starts_at", "ends_at", "ended_at", "declared_by")
    list_filter = ("ended_at",)
    search_fields = ("name",)


@admin.register(ClassifierModel)
class ClassifierModelAdmin(ReadOnlyAdmin):
    list_display = ("version", "target", "training_size", "trained_at", "is_active", "activated_at")
    list_filter = ("target", "is_active")
    actions = ["activate"]
    exclude = ("blob",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields if f.name != "blob"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClassifierModel]:
        return super().get_queryset(request).defer("blob")

    @admin.action(description=_("Activate the selected model"), permissions=["view"])
    def activate(self, request: HttpRequest, queryset: QuerySet[ClassifierModel]) -> None:
        from jubao.triage.classify import classifier_activate

        chosen = list(queryset[:2])
        if len(chosen) != 1:
            self.message_user(request, _("Choose exactly one model to activate."), messages.ERROR)
            return
        classifier_activate(actor=Actor.staff(request.user), model=chosen[0])  # type: ignore[arg-type]
        self.message_user(request, _("Model %(version)s is now active.") % {"version": chosen[0].version},
                          messages.SUCCESS)


@admin.register(TrainingExample)
class TrainingExampleAdmin(ReadOnlyAdmin):
    list_display = ("target", "label", "title", "source", "created_by", "created_at")
    list_filter = ("target", "source")
    search_fields = ("label", "title")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A wrong label can be dropped before the next training run.
        return bool(getattr(request.user, "is_superuser", False) or getattr(request.user, "role", "") == "admin")


@admin.register(TriageResult)
class TriageResultAdmin(ReadOnlyAdmin):
    list_display = ("report", "step", "confidence", "version", "needs_human", "decision", "decided_by", "updated_at")
    list_filter = ("step", "decision", "needs_human")
    list_select_related = ("report", "decided_by")
    search_fields = ("=report__tracking_number", "=case__number")
