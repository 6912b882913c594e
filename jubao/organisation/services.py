"""Writes to the organisation tree. Region paths are kept right here and nowhere else."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .models import LEVEL_ORDER, Department, Region


class OrganisationError(ValueError):
    pass


def _check_level(level: str, parent: Region | None) -> None:
    if parent is not None and LEVEL_ORDER.index(level) <= LEVEL_ORDER.index(parent.level):
        raise OrganisationError(_("A region must be at a lower level than its parent."))


@transaction.atomic
def region_save(*, actor: Any, region: Region) -> Region:
    """Create or update a region; moving or recoding it rewrites the paths of its subtree."""
    _check_level(region.level, region.parent)
    old_path = Region.objects.filter(pk=region.pk).values_list("path", flat=True).first() if region.pk else None
    region.path = region.compute_path()
    if old_path and region.path.startswith(old_path) and region.path != old_path:
        raise OrganisationError(_("A region cannot be moved below itself."))
    region.save()
    if old_path and old_path != region.path:
        for child in Region.objects.filter(path__startswith=old_path).exclude(pk=region.pk).order_by("path"):
            child.path = region.path + child.path[len(old_path):]
            child.save(update_fields=["path"])
        from jubao.cases.models import Case

        for case in Case.objects.filter(region_path__startswith=old_path).only("id", "region_path"):
            case.region_path = region.path + case.region_path[len(old_path):]
            case.save(update_fields=["region_path"])
    return region


def region_upsert(*, actor: Any, code: str, name: str, level: str, parent: Region | None) -> Region:
    region = Region.objects.filter(code=code).first() or Region(code=code)
    region.name, region.level, region.parent = name, level, parent
    return region_save(actor=actor, region=region)


def department_upsert(*, actor: Any, code: str, name: str, region: Region,
                      parent: Department | None = None) -> Department:
    department, _created = Department.objects.update_or_create(
        code=code, defaults={"name": name, "region": region, "parent": parent}
    )
    return department
