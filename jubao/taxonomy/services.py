"""Writes to the taxonomy: every category save keeps path, depth and full name right."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from .models import Category, Kind, Sector


def _refresh_tree_fields(category: Category) -> None:
    parent = category.parent
    category.depth = (parent.depth + 1) if parent else 1
    category.full_name = f"{parent.full_name} / {category.name}" if parent else category.name
    category.path = f"{parent.path if parent else '/'}{category.pk}/"


@transaction.atomic
def category_save(*, actor: Any, category: Category) -> Category:
    """Create or update a category and cascade path/full-name changes to its subtree."""
    is_new = category.pk is None
    if is_new:
        category.path = ""
        category.full_name = category.name
        category.save()
    _refresh_tree_fields(category)
    category.save()
    if not is_new:
        for child in category.children.all():
            category_save(actor=actor, category=child)
    return category


@transaction.atomic
def category_get_or_create(
    *, actor: Any, name: str, parent: Category | None, position: int = 0
) -> tuple[Category, bool]:
    existing = Category.objects.filter(parent=parent, name=name).first()
    if existing:
        return existing, False
    return category_save(actor=actor, category=Category(name=name, parent=parent, position=position)), True


def category_import_tree(*, actor: Any, nodes: Iterable[dict[str, Any]], parent: Category | None = None) -> int:
    """Import a JSON tree of {"name": …, "children": […]} nodes; existing nodes are kept. Returns nodes created."""
    created = 0
    for position, node in enumerate(nodes):
        name = str(node.get("name", "")).strip()
        if not name:
            raise ValueError("every node needs a non-empty name")
        category, was_created = category_get_or_create(actor=actor, name=name, parent=parent, position=position)
        created += int(was_created)
        created += category_import_tree(actor=actor, nodes=node.get("children") or [], parent=category)
    return created


def category_import_rows(*, actor: Any, rows: Iterable[Iterable[Any]]) -> int:
    """Import rows of level names (level 1, level 2, level 3 …), as in an XLSX sheet. Returns nodes created."""
    created = 0
    for row in rows:
        parent: Category | None = None
        for position, cell in enumerate(row):
            name = str(cell).strip() if cell is not None else ""
            if not name:
                break
            parent, was_created = category_get_or_create(actor=actor, name=name, parent=parent, position=position)
            created += int(was_created)
    return created


def kind_upsert(*, actor: Any, code: str, name: str, position: int = 0) -> Kind:
    kind, _ = Kind.objects.update_or_create(code=code, defaults={"name": name, "position": position})
    return kind


def sector_upsert(*, actor: Any, code: str, name: str) -> Sector:
    sector, _ = Sector.objects.update_or_create(code=code, defaults={"name": name})
    return sector
