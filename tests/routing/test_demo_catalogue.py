# ruff: noqa: F811  (pytest fixtures imported from the support modules are redefined as parameters)
"""The demo catalogue: built from the departments' competences, idempotent, and showing region inheritance."""

from __future__ import annotations

import pytest

from jubao.demo.routing import demo_catalogue_ensure
from jubao.routing.catalogue import RoutingQuery
from jubao.routing.models import DispatchRule
from jubao.routing.services import routing_decide

from .routing_support import leaf, module_org, org  # noqa: F401

pytestmark = pytest.mark.django_db


def lead(org, category: str, region: str) -> str | None:  # type: ignore[no-untyped-def]
    winner = routing_decide(RoutingQuery(category_id=leaf(category).pk,
                                         region_path=org.regions[region].path))[0].unique_winner
    return winner.lead.code if winner else None


def test_the_demo_catalogue_is_built_once_and_routes_sensibly(org):
    added = demo_catalogue_ensure()
    assert added == DispatchRule.objects.count() > 20
    assert demo_catalogue_ensure() == 0
    assert lead(org, "城管执法", "990102001001") == "dc-chengguan"  # 东城区 has its own rule
    assert lead(org, "城管执法", "990104001001") == "chengguan"  # 南湖区 inherits the city's
    assert lead(org, "物业管理", "990102001001") == "dc-zhujian"
    assert lead(org, "物业管理", "990103001001") == "zhujian"
    assert lead(org, "收受礼金", "990103101201") == "jiwei"
    assert lead(org, "电信诈骗", "990104201201") == "gongan"  # 公共安全: 公安局 before 应急管理局
    assert lead(org, "餐饮卫生", "990104201201") == "scjg"
