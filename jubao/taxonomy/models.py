"""Kinds, the category tree and sectors: data an administrator edits, never code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The six kinds every deployment has get translated labels on the public portal; kinds an
# administrator adds show their own name.
STANDARD_KIND_LABELS = {
    "accusation": _("Accusation of misconduct (检举控告)"),
    "complaint": _("Complaint (投诉)"),
    "help": _("Request for help (求助)"),
    "suggestion": _("Suggestion (建议)"),
    "enquiry": _("Enquiry (咨询)"),
    "appeal": _("Appeal against a decision (申诉)"),
}


class Kind(models.Model):
    """检举控告 / 投诉 / 求助 / 建议 / 咨询 / 申诉 — policy packs refer to kinds by code."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("kind")
        verbose_name_plural = _("kinds")

    def __str__(self) -> str:
        return self.name

    def public_label(self) -> str:
        label = STANDARD_KIND_LABELS.get(self.code)
        return str(label) if label else self.name


class Category(models.Model):
    """A node of the category tree (问题性质), any depth; names are unique among siblings."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    depth = models.PositiveSmallIntegerField(editable=False, default=1)
    # ids of the ancestors and self ("/3/17/42/"): subtree = one prefix query
    path = models.CharField(max_length=255, editable=False, db_index=True)
    full_name = models.CharField(_("full name"), max_length=500, editable=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_sibling_name"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent__isnull=True), name="category_unique_root_name"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.name


class Sector(models.Model):
    """领域: a flat list (e.g. 农村, 城区, 学校, 企业) crossing the category tree."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name
