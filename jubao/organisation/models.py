"""The administrative tree and the departments that hang off it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / street")
    VILLAGE = "village", _("Village / community")


LEVEL_ORDER = [level.value for level in RegionLevel]


class Region(models.Model):
    """A node of the administrative-division tree (GB/T 2260 codes, 12 digits below county).

    `path` is a materialised path of codes ("/330000/330100/330102/") so that
    "everything in this jurisdiction" is one indexed prefix query.
    """

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=LEVEL_ORDER), name="region_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else "/"
        return f"{prefix}{self.code}/"

    def full_name(self) -> str:
        names = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


class Department(models.Model):
    """A body that handles cases: 纪委监委, 信访局, 公安, 市场监管 … attached to a region."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    categories = models.ManyToManyField(
        "taxonomy.Category", verbose_name=_("competent for categories"), blank=True, related_name="departments"
    )
    sectors = models.ManyToManyField(
        "taxonomy.Sector", verbose_name=_("competent for sectors"), blank=True, related_name="departments"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["region__path", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.region.name}{self.name}"
