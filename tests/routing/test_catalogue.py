# ruff: noqa: F811  (pytest fixtures imported from the support modules are redefined as parameters)
"""Matching against the dispatch catalogue: region inheritance, category descendants, dates, ranking, words."""

from __future__ import annotations

import re
from datetime import date

import pytest

from jubao.routing.catalogue import RoutingQuery, catalogue
from jubao.routing.services import routing_decide
from tests.helpers import EAST_VILLAGE, WEST_VILLAGE

from .routing_support import CITY, EAST, MUNICIPAL, WEST, leaf, module_org, org, rule  # noqa: F401

pytestmark = pytest.mark.django_db
ON = date(2026, 3, 2)


def query(org, category: str = "城管执法", region: str = EAST_VILLAGE, **kw):  # type: ignore[no-untyped-def]
    return RoutingQuery(category_id=leaf(category).pk, region_path=org.regions[region].path, on=ON, **kw)


def decide(q: RoutingQuery):  # type: ignore[no-untyped-def]
    return routing_decide(q)


def test_a_district_rule_beats_the_city_rule_in_its_district_and_only_there(org):
    city = rule(org, "chengguan", category=MUNICIPAL, region=CITY)
    east = rule(org, "dc-chengguan", category=MUNICIPAL, region=EAST)

    decision, explanation = decide(query(org, region=EAST_VILLAGE))
    assert decision.unique_winner.id == east.pk
    assert [r.id for r in decision.candidates] == [east.pk, city.pk]
    assert "东城区" in explanation.shadowed[0].reason and "示范市" in explanation.shadowed[0].reason

    decision, explanation = decide(query(org, region=WEST_VILLAGE))
    assert decision.unique_winner.id == city.pk  # 西城区 has no rule of its own: the city's is inherited
    assert [r.id for r in decision.candidates] == [city.pk]
    region = next(d for d in explanation.winner.dimensions if d.code == "region")
    assert "示范市" in region.value and region.level == 2


def test_a_rule_on_a_category_covers_its_descendants_and_the_deeper_category_wins(org):
    top = rule(org, "zhujian", category="城乡建设", region=CITY, priority=50)
    middle = rule(org, "chengguan", category=MUNICIPAL, region=CITY)

    decision, explanation = decide(query(org, category="城管执法"))
    assert [r.id for r in decision.candidates] == [middle.pk, top.pk]  # deeper category wins despite priority
    assert "城乡建设" in explanation.shadowed[0].reason
    decision, _ = decide(query(org, category="物业管理"))  # 住房保障和房地产: only the top-level rule covers it
    assert decision.unique_winner.id == top.pk
    decision, _ = decide(query(org, category="拖欠工资"))
    assert decision.winner is None


def test_category_depth_outranks_region_depth(org):
    district_broad = rule(org, "dc-zhujian", category="城乡建设", region=EAST)
    city_narrow = rule(org, "chengguan", category=MUNICIPAL, region=CITY)
    decision, _ = decide(query(org))
    assert [r.id for r in decision.candidates] == [city_narrow.pk, district_broad.pk]


def test_expired_and_future_rules_never_match_and_are_named_as_not_in_force(org):
    expired = rule(org, "zhujian", category=MUNICIPAL, region=EAST, ends=date(2026, 3, 1))
    future = rule(org, "yingji", category=MUNICIPAL, region=EAST, starts=date(2026, 3, 3))
    current = rule(org, "chengguan", category=MUNICIPAL, region=CITY, starts=date(2026, 3, 2),
                   ends=date(2026, 3, 2))
    decision, explanation = decide(query(org))
    assert [r.id for r in decision.candidates] == [current.pk]
    assert {r.id for r in decision.out_of_force} == {expired.pk, future.pk}
    reasons = dict((r.id, text) for r, text in explanation.out_of_force)
    assert "2026-03-01" in reasons[expired.pk] and "2026-03-03" in reasons[future.pk]
    assert decide(RoutingQuery(category_id=leaf("城管执法").pk, region_path=org.regions[EAST_VILLAGE].path,
                               on=date(2026, 3, 3)))[0].unique_winner.id == future.pk


def test_switched_off_rules_do_not_match(org):
    rule(org, "zhujian", category=MUNICIPAL, region=CITY, active=False)
    decision, _ = decide(query(org))
    assert decision.winner is None


def test_priority_then_the_later_start_decides_between_equally_specific_rules(org):
    low = rule(org, "zhujian", category=MUNICIPAL, region=CITY, priority=1)
    high = rule(org, "chengguan", category=MUNICIPAL, region=CITY, priority=5)
    decision, explanation = decide(query(org))
    assert [r.id for r in decision.candidates] == [high.pk, low.pk]
    reason = explanation.shadowed[0].reason  # in the active language: both priorities are named in it
    assert re.search(r"\b1\b", reason) and re.search(r"\b5\b", reason)

    newer = rule(org, "yingji", category=MUNICIPAL, region=CITY, priority=5, starts=date(2026, 1, 1))
    decision, explanation = decide(query(org))
    assert decision.unique_winner.id == newer.pk
    assert "2026-01-01" in explanation.shadowed[0].reason


def test_equal_rules_naming_different_departments_conflict_and_nobody_wins(org):
    a = rule(org, "zhujian", category=MUNICIPAL, region=CITY)
    b = rule(org, "chengguan", category=MUNICIPAL, region=CITY)
    decision, explanation = decide(query(org))
    assert decision.ambiguous and decision.unique_winner is None
    assert {r.id for r in decision.conflicting} | {decision.winner.id} == {a.pk, b.pk}
    assert explanation.winner is None and "2" in explanation.summary


def test_sector_and_kind_make_a_rule_more_specific_and_must_match(org):
    plain = rule(org, "chengguan", category=MUNICIPAL, region=CITY)
    rural = rule(org, "zhujian", category=MUNICIPAL, region=CITY, sector="rural")
    complaint = rule(org, "yingji", category=MUNICIPAL, region=CITY, kind="complaint")
    decision, _ = decide(query(org, sector="rural", kind="complaint"))
    assert [r.id for r in decision.candidates] == [rural.pk, complaint.pk, plain.pk]
    decision, explanation = decide(query(org, sector="urban", kind="help"))
    assert [r.id for r in decision.candidates] == [plain.pk]
    assert {d.code: d.value for d in explanation.winner.dimensions}["sector"]


def test_the_explanation_names_the_rule_departments_and_every_dimension(org):
    winner = rule(org, "chengguan", category=MUNICIPAL, region=EAST, co=("zhujian", "yingji"),
                  note="市政管理属地办理")
    rule(org, "xinfang", region=CITY)  # a catch-all at city level
    _, explanation = decide(query(org))
    data = explanation.as_json()
    assert data["rule"] == winner.pk
    assert data["lead_department"]["code"] == "chengguan"
    assert [d["code"] for d in data["co_departments"]] == ["yingji", "zhujian"]
    assert f"#{winner.pk}" in explanation.summary
    dims = {m["dimension"]: m for m in data["candidates"][0]["matched"]}
    assert dims["category"]["level"] == 2 and "城管执法" in dims["category"]["value"]
    assert dims["region"]["level"] == 3 and "东城区" in dims["region"]["value"]
    assert dims["sector"]["level"] == 0 and dims["kind"]["level"] == 0
    assert data["candidates"][1]["winner"] is False and data["candidates"][1]["reason"]


def test_an_edit_reaches_the_snapshot_at_once_even_with_a_cache(org, settings):
    settings.JUBAO_CONFIG_CACHE_SECONDS = 3600
    first = rule(org, "chengguan", category=MUNICIPAL, region=CITY)
    assert catalogue().decide(query(org)).unique_winner.id == first.pk
    first.priority = -1
    first.save()
    second = rule(org, "zhujian", category=MUNICIPAL, region=CITY)
    assert catalogue().decide(query(org)).unique_winner.id == second.pk
    second.co_departments.add(org.departments["yingji"])
    assert [d.code for d in catalogue().decide(query(org)).unique_winner.co] == ["yingji"]
