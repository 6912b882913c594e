"""Matching a case against the dispatch catalogue, on a compiled per-process snapshot.

The catalogue changes rarely and is asked on every triage run and every case page, so the rules are compiled
once into buckets keyed by (category, region): a decision looks up the case's category ancestors × region
ancestors (a few dozen dictionary probes), filters sector, kind and dates, and ranks what is left. With 2,000
rules that is tens of microseconds. An edit reaches this process at once (signals) and every other process
within JUBAO_CONFIG_CACHE_SECONDS (tests set it to 0).

Ranking: the more specific rule wins — deeper category first, then deeper region (region inheritance: a
district rule beats the city rule for a village in that district), then a named sector, then a named kind;
between equally specific rules the higher priority, then the later `effective_from`. Rules equal on all of
that but naming different departments conflict: the decision is then ambiguous and nothing is dispatched
automatically.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class DepartmentRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class CategoryRef:
    id: int
    path: str
    depth: int
    name: str


@dataclass(frozen=True)
class CompiledRule:
    id: int
    lead: DepartmentRef
    co: tuple[DepartmentRef, ...] = ()
    category_id: int | None = None
    category_name: str = ""
    category_depth: int = 0  # 0: any category
    region_code: str | None = None
    region_name: str = ""
    region_level: str = ""
    region_depth: int = 0  # 0: anywhere; otherwise the number of codes in the region's path
    sector: str | None = None
    sector_name: str = ""
    kind: str | None = None
    kind_name: str = ""
    priority: int = 0
    effective_from: date | None = None
    effective_to: date | None = None
    note: str = ""

    def in_force(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to)

    @property
    def specificity(self) -> tuple[int, int, int, int]:
        return (self.category_depth, self.region_depth, int(self.sector is not None), int(self.kind is not None))

    @property
    def tie_key(self) -> tuple[Any, ...]:
        """What decides between two matching rules; equal tie keys with different departments conflict."""
        started = self.effective_from.toordinal() if self.effective_from else 0
        return (*self.specificity, self.priority, started)

    @property
    def rank_key(self) -> tuple[Any, ...]:
        # The newer rule (higher id) breaks a remaining tie, so the order is always the same.
        return (*self.tie_key, self.id)

    @property
    def departments(self) -> tuple[int, frozenset[int]]:
        return (self.lead.id, frozenset(d.id for d in self.co))


@dataclass(frozen=True)
class RoutingQuery:
    """What a case (or a test input) is matched on; empty means unknown."""

    category_id: int | None = None
    sector: str = ""
    region_path: str = ""
    kind: str = ""
    on: date | None = None

    def day(self) -> date:
        return self.on or timezone.localdate()


@dataclass
class RoutingDecision:
    query: RoutingQuery
    on: date
    candidates: list[CompiledRule] = field(default_factory=list)  # best first
    out_of_force: list[CompiledRule] = field(default_factory=list)  # would match on every dimension but the dates

    @property
    def winner(self) -> CompiledRule | None:
        return self.candidates[0] if self.candidates else None

    @property
    def conflicting(self) -> list[CompiledRule]:
        """Rules ranked level with the winner that name other departments."""
        winner = self.winner
        if winner is None:
            return []
        return [r for r in self.candidates[1:]
                if r.tie_key == winner.tie_key and r.departments != winner.departments]

    @property
    def ambiguous(self) -> bool:
        return bool(self.conflicting)

    @property
    def unique_winner(self) -> CompiledRule | None:
        return None if self.ambiguous else self.winner


class Catalogue:
    """The active rules, compiled for matching. Build it from CompiledRule rows (the loader or a benchmark)."""

    def __init__(self, rules: Iterable[CompiledRule], categories: Mapping[int, CategoryRef]):
        self.categories = dict(categories)
        self.buckets: dict[tuple[int | None, str | None], list[CompiledRule]] = {}
        self.rules: dict[int, CompiledRule] = {}
        for rule in rules:
            self.rules[rule.id] = rule
            self.buckets.setdefault((rule.category_id, rule.region_code), []).append(rule)

    def __len__(self) -> int:
        return len(self.rules)

    def category_keys(self, category_id: int | None) -> list[int | None]:
        if category_id is None:
            return [None]
        ref = self.categories.get(category_id)
        if ref is None:
            return [None, category_id]
        return [None, *(int(part) for part in ref.path.strip("/").split("/") if part)]

    @staticmethod
    def region_keys(region_path: str) -> list[str | None]:
        return [None, *(part for part in region_path.strip("/").split("/") if part)]

    def decide(self, query: RoutingQuery) -> RoutingDecision:
        on = query.day()
        decision = RoutingDecision(query=query, on=on)
        region_keys = self.region_keys(query.region_path)
        for category_key in self.category_keys(query.category_id):
            for region_key in region_keys:
                bucket = self.buckets.get((category_key, region_key))
                if not bucket:
                    continue
                for rule in bucket:
                    if rule.sector is not None and rule.sector != query.sector:
                        continue
                    if rule.kind is not None and rule.kind != query.kind:
                        continue
                    (decision.candidates if rule.in_force(on) else decision.out_of_force).append(rule)
        decision.candidates.sort(key=lambda r: r.rank_key, reverse=True)
        return decision


# --- the per-process snapshot ------------------------------------------------------------------------
_snapshot: Catalogue | None = None
_loaded_at = 0.0


def catalogue() -> Catalogue:
    global _snapshot, _loaded_at
    ttl = getattr(settings, "JUBAO_CONFIG_CACHE_SECONDS", 5)
    if _snapshot is not None and ttl and time.monotonic() - _loaded_at < ttl:
        return _snapshot
    snapshot = catalogue_load()
    _snapshot, _loaded_at = snapshot, time.monotonic()
    return snapshot


def catalogue_invalidate(*args: Any, **kwargs: Any) -> None:
    global _snapshot
    _snapshot = None


def _department(d: Any) -> DepartmentRef:
    return DepartmentRef(id=d.pk, code=d.code, name=str(d))


def catalogue_load() -> Catalogue:
    """Compile the active rules: three queries whatever the catalogue's size."""
    from django.db.models import Prefetch

    from jubao.organisation.models import Department
    from jubao.taxonomy.models import Category

    from .models import DispatchRule

    categories = {pk: CategoryRef(id=pk, path=path, depth=depth, name=name)
                  for pk, path, depth, name in Category.objects.values_list("pk", "path", "depth", "full_name")}
    # A rule whose lead department was closed cannot route anything; a closed co-department is left out.
    rows = (DispatchRule.objects.filter(is_active=True, lead_department__is_active=True)
            .select_related("region", "sector", "kind", "lead_department__region")
            .prefetch_related(Prefetch("co_departments",
                                       queryset=Department.objects.filter(is_active=True).select_related("region"))))
    compiled = []
    for rule in rows:
        category = categories.get(rule.category_id) if rule.category_id else None
        region = rule.region
        compiled.append(CompiledRule(
            id=rule.pk, lead=_department(rule.lead_department),
            co=tuple(sorted((_department(d) for d in rule.co_departments.all()), key=lambda d: d.code)),
            category_id=rule.category_id, category_name=category.name if category else "",
            category_depth=category.depth if category else 0,
            region_code=region.code if region else None, region_name=region.name if region else "",
            region_level=region.level if region else "",
            region_depth=len(Catalogue.region_keys(region.path)) - 1 if region else 0,
            sector=rule.sector.code if rule.sector else None, sector_name=rule.sector.name if rule.sector else "",
            kind=rule.kind.code if rule.kind else None, kind_name=rule.kind.name if rule.kind else "",
            priority=rule.priority, effective_from=rule.effective_from, effective_to=rule.effective_to,
            note=rule.note,
        ))
    return Catalogue(compiled, categories)


def connect_signals() -> None:
    """Drop this process's snapshot when a rule, or a name or tree position it shows, changes."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from jubao.organisation.models import Department, Region
    from jubao.taxonomy.models import Category, Kind, Sector

    from .models import DispatchRule

    for sender in (DispatchRule, Category, Department, Region, Kind, Sector):
        post_save.connect(catalogue_invalidate, sender=sender, dispatch_uid=f"routing_saved_{sender.__name__}")
        post_delete.connect(catalogue_invalidate, sender=sender, dispatch_uid=f"routing_deleted_{sender.__name__}")
    m2m_changed.connect(catalogue_invalidate, sender=DispatchRule.co_departments.through,
                        dispatch_uid="routing_co_departments_changed")
