"""Shared pieces for the routing tests: a rule builder over the demo organisation's tree."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jubao.demo.organisation import DemoOrganisation
from jubao.organisation.models import Department
from jubao.routing.models import DispatchRule
from jubao.taxonomy.models import Category
from tests.helpers import FAST_HASHERS, module_org  # noqa: F401  (module_org is a fixture)

CITY = "990100"
EAST = "990102"  # 东城区
WEST = "990103"  # 西城区
MUNICIPAL = "城乡建设 / 城市建设和市政管理"


def cat(full_name: str) -> Category:
    return Category.objects.get(full_name=full_name)


def leaf(name: str) -> Category:
    return Category.objects.get(name=name)


def rule(org: DemoOrganisation, lead: str, *, category: str | None = None, region: str | None = None,
         co: tuple[str, ...] = (), sector: str | None = None, kind: str | None = None, priority: int = 0,
         starts: date | None = None, ends: date | None = None, active: bool = True, note: str = "") -> DispatchRule:
    from jubao.taxonomy.models import Sector

    created = DispatchRule.objects.create(
        category=cat(category) if category else None, region=org.regions[region] if region else None,
        sector=Sector.objects.get(code=sector) if sector else None, kind_id=kind,
        lead_department=Department.objects.get(code=lead), priority=priority, effective_from=starts,
        effective_to=ends, is_active=active, note=note,
    )
    if co:
        created.co_departments.set(Department.objects.filter(code__in=co))
    return created


@pytest.fixture
def org(module_org, db, settings) -> Any:  # type: ignore[no-untyped-def]  # noqa: F811
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return module_org
