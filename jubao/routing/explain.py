""""Who gets this and why": a routing decision in words, for the explain tool, the case page and the API.

Built in the reader's language at the moment it is shown; what is stored (the audit payload) is only rule ids and
dimension codes (`decision_record`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .catalogue import Catalogue, CompiledRule, DepartmentRef, RoutingDecision


@dataclass
class Dimension:
    code: str  # category | region | sector | kind
    label: str
    value: str
    level: int  # 0 = any


@dataclass
class RankedRule:
    rule: CompiledRule
    rank: int
    dimensions: list[Dimension]
    reason: str
    winner: bool = False

    @property
    def departments(self) -> list[DepartmentRef]:
        return [self.rule.lead, *self.rule.co]


@dataclass
class Explanation:
    decision: RoutingDecision
    summary: str
    ranked: list[RankedRule] = field(default_factory=list)
    out_of_force: list[tuple[CompiledRule, str]] = field(default_factory=list)

    @property
    def winner(self) -> RankedRule | None:
        return self.ranked[0] if self.ranked and not self.decision.ambiguous else None

    @property
    def ambiguous(self) -> bool:
        return self.decision.ambiguous

    @property
    def shadowed(self) -> list[RankedRule]:
        return self.ranked[1:]

    def as_json(self) -> dict[str, Any]:
        def department(d: DepartmentRef) -> dict[str, Any]:
            return {"code": d.code, "name": d.name}

        def ranked(r: RankedRule) -> dict[str, Any]:
            return {
                "rule": r.rule.id, "rank": r.rank, "winner": r.winner, "reason": r.reason,
                "lead_department": department(r.rule.lead), "co_departments": [department(d) for d in r.rule.co],
                "priority": r.rule.priority, "effective_from": r.rule.effective_from,
                "effective_to": r.rule.effective_to, "note": r.rule.note,
                "matched": [{"dimension": d.code, "label": d.label, "value": d.value, "level": d.level}
                            for d in r.dimensions],
            }

        winner = self.winner
        return {
            "date": self.decision.on, "summary": self.summary, "ambiguous": self.ambiguous,
            "rule": winner.rule.id if winner else None,
            "lead_department": department(winner.rule.lead) if winner else None,
            "co_departments": [department(d) for d in winner.rule.co] if winner else [],
            "candidates": [ranked(r) for r in self.ranked],
            "not_in_force": [{"rule": rule.id, "reason": reason} for rule, reason in self.out_of_force],
        }


def _region_level_label(level: str) -> str:
    from jubao.organisation.models import RegionLevel

    try:
        return str(RegionLevel(level).label)
    except ValueError:
        return level


def dimensions(rule: CompiledRule, decision: RoutingDecision, catalogue: Catalogue) -> list[Dimension]:
    """How each dimension of `rule` matched the query, and at which level."""
    query = decision.query
    result = []
    if rule.category_id is None:
        result.append(Dimension("category", _("Category"), _("any category"), 0))
    elif rule.category_id == query.category_id:
        result.append(Dimension("category", _("Category"), _("%(name)s (exactly this category, level %(level)d)")
                                % {"name": rule.category_name, "level": rule.category_depth}, rule.category_depth))
    else:
        asked = catalogue.categories.get(query.category_id) if query.category_id else None
        result.append(Dimension(
            "category", _("Category"),
            _("%(name)s (level %(level)d; covers %(asked)s)")
            % {"name": rule.category_name, "level": rule.category_depth, "asked": asked.name if asked else "—"},
            rule.category_depth))
    if rule.region_code is None:
        result.append(Dimension("region", _("Region"), _("anywhere"), 0))
    else:
        level = _region_level_label(rule.region_level)
        exact = query.region_path.rstrip("/").endswith("/" + rule.region_code)
        text = (_("%(name)s (%(level)s; exactly this region)") if exact
                else _("%(name)s (%(level)s; the case's region lies within it)"))
        result.append(Dimension("region", _("Region"), text % {"name": rule.region_name, "level": level},
                                rule.region_depth))
    result.append(Dimension("sector", _("Sector"), rule.sector_name or _("any sector"), int(rule.sector is not None)))
    result.append(Dimension("kind", _("Kind"), rule.kind_name or _("any kind"), int(rule.kind is not None)))
    return result


def _broader(mine: str, theirs: str) -> dict[str, str]:
    return {"its": mine, "winner": theirs}


def shadowed_reason(rule: CompiledRule, winner: CompiledRule, *, conflicting: bool) -> str:
    """Why `rule` lost to `winner`: the first ranking criterion on which it comes second."""
    if conflicting:
        return _("As specific as the first rule, with the same priority and start date, but it names other "
                 "departments: the catalogue contradicts itself here, so a person must choose.")
    if rule.category_depth != winner.category_depth:
        return _("Its category is broader (%(its)s instead of %(winner)s).") % _broader(
            rule.category_name or _("any category"), winner.category_name or _("any category"))
    if rule.region_depth != winner.region_depth:
        return _("Its region is broader (%(its)s instead of %(winner)s): the more local rule wins.") % _broader(
            rule.region_name or _("anywhere"), winner.region_name or _("anywhere"))
    if (rule.sector is None) != (winner.sector is None):
        return _("It names no sector; the winning rule names %(sector)s.") % {"sector": winner.sector_name}
    if (rule.kind is None) != (winner.kind is None):
        return _("It names no kind; the winning rule names %(kind)s.") % {"kind": winner.kind_name}
    if rule.priority != winner.priority:
        return _("Equally specific, but a lower priority (%(its)d against %(winner)d).") % {
            "its": rule.priority, "winner": winner.priority}
    if rule.effective_from != winner.effective_from:
        return _("Equally specific and the same priority, but older (in force since %(its)s; the winning rule "
                 "since %(winner)s).") % _broader(_day(rule.effective_from), _day(winner.effective_from))
    return _("Ranked level with the winning rule and naming the same departments; the newer rule is shown first.")


def _day(value: date | None) -> str:
    return value.isoformat() if value else _("always")


def out_of_force_reason(rule: CompiledRule, on: date) -> str:
    if rule.effective_to is not None and rule.effective_to < on:
        return _("Not in force on %(date)s: it ended on %(end)s.") % {"date": on.isoformat(),
                                                                     "end": rule.effective_to.isoformat()}
    start = rule.effective_from.isoformat() if rule.effective_from else ""
    return _("Not in force on %(date)s: it starts on %(start)s.") % {"date": on.isoformat(), "start": start}


def explain(decision: RoutingDecision, catalogue: Catalogue) -> Explanation:
    winner = decision.winner
    conflicting = {r.id for r in decision.conflicting}
    ranked = []
    for position, rule in enumerate(decision.candidates, start=1):
        if winner is None or rule is winner:
            reason = (_("Conflicts with the rule ranked next; a person must choose.") if conflicting
                      else _("The most specific rule in force that matches."))
        else:
            reason = shadowed_reason(rule, winner, conflicting=rule.id in conflicting)
        ranked.append(RankedRule(rule=rule, rank=position, dimensions=dimensions(rule, decision, catalogue),
                                 reason=reason, winner=rule is winner and not conflicting))
    if winner is None:
        summary = _("No rule of the dispatch catalogue matches: a dispatcher chooses the department.")
    elif conflicting:
        summary = _("%(count)d rules rank equally and name different departments: a dispatcher chooses.") % {
            "count": len(conflicting) + 1}
    else:
        co = pgettext("list separator", ", ").join(d.name for d in winner.co)
        summary = (_("Rule #%(rule)d applies: %(lead)s leads, with %(co)s.") if co
                   else _("Rule #%(rule)d applies: %(lead)s leads.")) % {"rule": winner.id, "lead": winner.lead.name,
                                                                         "co": co}
    return Explanation(decision=decision, summary=summary, ranked=ranked,
                       out_of_force=[(rule, out_of_force_reason(rule, decision.on)) for rule in decision.out_of_force])


def decision_record(decision: RoutingDecision) -> dict[str, Any]:
    """The language-neutral record of a decision, for the audit trail."""
    winner = decision.winner
    return {
        "rule": winner.id if winner else None,
        "date": decision.on.isoformat(),
        "matched": {"category": winner.category_depth, "region": winner.region_code, "sector": winner.sector,
                    "kind": winner.kind} if winner else {},
        "lead_department": winner.lead.code if winner else None,
        "co_departments": [d.code for d in winner.co] if winner else [],
        "candidates": [r.id for r in decision.candidates],
        "ambiguous": decision.ambiguous,
    }
