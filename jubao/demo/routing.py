"""A demo dispatch catalogue built from the departments' competences (Department.categories).

At city level: one rule per department × competent top-level category; where several departments share a
category the first listed leads at a higher priority. Subcategory rules give each shared category's parts to
the department that actually handles them, and a few district rules hand street-level matters to the district
offices — so the explain tool shows inheritance (东城区 and 西城区 have their own rule; 南湖区 inherits the city's).
"""

from __future__ import annotations

from django.db import transaction

from jubao.organisation.models import Department, Region
from jubao.routing.models import DispatchRule
from jubao.taxonomy.models import Category

from .organisation import CITY_DEPARTMENTS

CITY = "990100"
# (category full name, lead department, co-handling departments, note)
SUBCATEGORY_RULES = [
    ("城乡建设 / 城市建设和市政管理", "chengguan", [], "市政、环卫、城管执法由城市管理局牵头"),
    ("城乡建设 / 住房保障和房地产", "zhujian", [], "物业、房屋质量、拆迁安置由住房和城乡建设局牵头"),
    ("城乡建设 / 城乡规划", "ziranziyuan", ["chengguan"], "规划与违建：自然资源和规划局牵头，城市管理局协办执法"),
    ("城乡建设 / 安全生产", "yingji", ["zhujian"], "安全生产由应急管理局牵头，住建局协办"),
    ("卫生计生 / 医疗服务", "weijian", [], "医疗服务由卫生健康委员会负责"),
    ("卫生计生 / 食品安全", "scjg", [], "食品安全由市场监管局负责"),
    ("公共安全 / 治安管理", "gongan", [], "治安由公安局负责"),
    ("党风廉政 / 基层微腐败", "jiwei", ["xinfang"], "基层微腐败由纪委监委牵头，信访局协助反馈"),
]
# (district code, category full name, lead department, note)
DISTRICT_RULES = [
    ("990102", "城乡建设 / 城市建设和市政管理", "dc-chengguan", "东城区街面事务由区城管局属地办理"),
    ("990103", "城乡建设 / 城市建设和市政管理", "xc-chengguan", "西城区街面事务由区城管局属地办理"),
    ("990102", "城乡建设 / 住房保障和房地产", "dc-zhujian", "东城区物业问题由区住建局属地办理"),
]


def _rule(*, category: Category, region: Region, lead: Department, co: list[Department], priority: int,
          note: str) -> int:
    rule, created = DispatchRule.objects.get_or_create(
        category=category, region=region, sector=None, kind=None, lead_department=lead,
        defaults={"priority": priority, "note": note},
    )
    if created and co:
        rule.co_departments.set(co)
    return int(created)


@transaction.atomic
def demo_catalogue_ensure() -> int:
    """Create the demo catalogue's missing rules; returns how many were added (0 on a second run)."""
    departments = {d.code: d for d in Department.objects.filter(is_active=True)}
    regions = {r.code: r for r in Region.objects.filter(code__in=[CITY, *(d for d, *_ in DISTRICT_RULES)])}
    if CITY not in regions:
        return 0
    by_name = {c.full_name: c for c in Category.objects.filter(is_active=True, depth__lte=2)}
    added = 0
    shared: dict[str, int] = {}
    for code, _name, category_names in CITY_DEPARTMENTS:
        for category_name in category_names:
            category = by_name.get(category_name)
            if category is None or code not in departments:
                continue
            # The first department listed for a shared category leads unless a subcategory rule says otherwise.
            position = shared[category_name] = shared.get(category_name, 0) + 1
            added += _rule(category=category, region=regions[CITY], lead=departments[code], co=[],
                           priority=100 - 10 * position, note=f"{departments[code].name}主管{category_name}")
    for full_name, lead, co, note in SUBCATEGORY_RULES:
        if full_name in by_name and lead in departments:
            added += _rule(category=by_name[full_name], region=regions[CITY], lead=departments[lead],
                           co=[departments[c] for c in co if c in departments], priority=100, note=note)
    for district, full_name, lead, note in DISTRICT_RULES:
        if full_name in by_name and lead in departments and district in regions:
            added += _rule(category=by_name[full_name], region=regions[district], lead=departments[lead], co=[],
                           priority=100, note=note)
    return added
