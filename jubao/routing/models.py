"""The dispatch catalogue (派单目录): which department leads on which cases, as data an administrator edits."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DispatchRule(models.Model):
    """Category × sector × region × kind → a lead department and co-handling departments.

    An empty dimension means "any". A rule on a category covers its descendants and a rule on a region covers
    everything below it; among the rules that match, the most specific one wins (see jubao.routing.catalogue).
    """

    category = models.ForeignKey(
        "taxonomy.Category", verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="dispatch_rules", help_text=_("Empty means any category; a category covers its subcategories."),
    )
    sector = models.ForeignKey("taxonomy.Sector", verbose_name=_("sector"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="dispatch_rules",
                               help_text=_("Empty means any sector."))
    region = models.ForeignKey(
        "organisation.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="dispatch_rules",
        help_text=_("Empty means anywhere; a region covers everything below it unless a more local rule exists."),
    )
    kind = models.ForeignKey("taxonomy.Kind", verbose_name=_("kind"), to_field="code", db_column="kind_code",
                             null=True, blank=True, on_delete=models.PROTECT, related_name="dispatch_rules",
                             help_text=_("Empty means any kind."))
    lead_department = models.ForeignKey("organisation.Department", verbose_name=_("lead department"),
                                        on_delete=models.PROTECT, related_name="lead_dispatch_rules")
    co_departments = models.ManyToManyField("organisation.Department", verbose_name=_("co-handling departments"),
                                            blank=True, related_name="co_dispatch_rules")
    priority = models.IntegerField(
        _("priority"), default=0,
        help_text=_("Decides between equally specific rules: the higher number wins."),
    )
    effective_from = models.DateField(_("in force from"), null=True, blank=True,
                                      help_text=_("Empty means since always."))
    effective_to = models.DateField(_("in force until"), null=True, blank=True,
                                    help_text=_("The last day the rule applies; empty means until further notice."))
    is_active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True,
                            help_text=_("Why this rule exists, e.g. the document that assigns the competence."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["category__full_name", "region__path", "-priority", "pk"]
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch catalogue")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(effective_from__isnull=True) | models.Q(effective_to__isnull=True)
                           | models.Q(effective_to__gte=models.F("effective_from"))),
                name="dispatch_rule_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["is_active", "category"], name="dispatch_rule_active_category")]

    def __str__(self) -> str:
        parts = [self.category.full_name if self.category_id and self.category else str(_("any category")),
                 self.region.name if self.region_id and self.region else str(_("anywhere"))]
        return f"#{self.pk} {' · '.join(parts)} → {self.lead_department.name if self.lead_department_id else ''}"
