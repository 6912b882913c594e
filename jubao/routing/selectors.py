"""Reads for the routing pages: the catalogue list, the explain tool and the case-page suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from jubao.accounts.actors import Actor
from jubao.accounts.models import User
from jubao.cases.errors import TransitionRejected
from jubao.cases.models import Case, CaseState
from jubao.cases.selectors import case_get_for
from jubao.cases.workflow import TRANSITIONS, actor_may
from jubao.organisation.models import Region
from jubao.taxonomy.models import Category

from .catalogue import RoutingQuery
from .explain import Explanation
from .models import DispatchRule
from .services import AutoDispatchCheck, auto_dispatch_check, may_use_routing, require_routing, routing_decide

# Before dispatch, and whenever the case waits to be dispatched (again), the case page suggests departments.
SUGGESTION_STATES = frozenset({CaseState.REGISTERED, CaseState.NEEDS_INFO, *TRANSITIONS["dispatch"].sources})


# --- the explain tool --------------------------------------------------------------------------------
def region_find(text: str) -> Region | None:
    """A region by its division code or its exact name; None when unknown. Raises when a name is ambiguous."""
    text = text.strip()
    if not text:
        return None
    from django.utils.translation import gettext as _

    found = Region.objects.filter(code=text).first()
    if found is not None:
        return found
    named = list(Region.objects.filter(name=text)[:2])
    if len(named) > 1:
        raise TransitionRejected(_("Several regions have this name; give the division code."), field="region")
    if not named:
        raise TransitionRejected(_("No region with this code or name was found."), field="region")
    return named[0]


def routing_explain_input(*, actor: Actor, category_id: int | None = None, sector: str = "", region: str = "",
                          kind: str = "", on: date | None = None) -> Explanation:
    """Who would get a case with these facts, and why."""
    require_routing(actor)
    found = region_find(region)
    query = RoutingQuery(category_id=category_id, sector=sector, region_path=found.path if found else "",
                         kind=kind, on=on)
    return routing_decide(query)[1]


@dataclass
class CaseRouting:
    case: Case
    check: AutoDispatchCheck

    @property
    def explanation(self) -> Explanation:
        return self.check.explanation


def routing_explain_case(*, actor: Actor, number: str, on: date | None = None) -> CaseRouting:
    """The routing of a case the actor can see (missing and forbidden both raise CaseNotFound)."""
    require_routing(actor)
    assert actor.user is not None
    case = case_get_for(actor.user, number)
    return CaseRouting(case=case, check=auto_dispatch_check(case, on=on))


# --- the case page -----------------------------------------------------------------------------------
@dataclass
class RoutingPanel:
    explanation: Explanation
    check: AutoDispatchCheck | None
    may_dispatch: bool
    initial: dict[str, Any] = field(default_factory=dict)


def routing_panel(actor: Actor, case: Case) -> RoutingPanel | None:
    """Suggested departments for a case waiting to be dispatched, with the starting values of the dispatch form."""
    if not may_use_routing(actor) or case.state not in SUGGESTION_STATES:
        return None
    check = auto_dispatch_check(case)
    explanation = check.explanation
    winner = explanation.winner
    initial = ({"department": winner.rule.lead.code, "co_departments": [d.code for d in winner.rule.co]}
               if winner is not None else {})
    return RoutingPanel(explanation=explanation, check=check if case.state == CaseState.REGISTERED else None,
                        may_dispatch=actor_may(TRANSITIONS["dispatch"], actor, case) and winner is not None,
                        initial=initial)


# --- the catalogue list ------------------------------------------------------------------------------
@dataclass
class RuleFilters:
    q: str = ""
    category: int | None = None
    region: str = ""
    department: str = ""
    kind: str = ""
    sector: str = ""
    status: str = ""  # in_force | expired | future | inactive; empty: all


def dispatch_rules(user: User, filters: RuleFilters) -> QuerySet[DispatchRule]:
    require_routing(Actor.staff(user))
    qs = DispatchRule.objects.all()
    if filters.q:
        qs = qs.filter(Q(note__icontains=filters.q) | Q(lead_department__name__icontains=filters.q)
                       | Q(category__full_name__icontains=filters.q))
    if filters.category:
        category = Category.objects.filter(pk=filters.category).first()
        qs = qs.filter(category__path__startswith=category.path) if category else qs.none()
    if filters.region:
        region = Region.objects.filter(code=filters.region).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if filters.department:
        qs = qs.filter(Q(lead_department__code=filters.department)
                       | Q(co_departments__code=filters.department)).distinct()
    if filters.kind:
        qs = qs.filter(kind_id=filters.kind)
    if filters.sector:
        qs = qs.filter(sector__code=filters.sector)
    today = timezone.localdate()
    started = Q(effective_from__isnull=True) | Q(effective_from__lte=today)
    not_ended = Q(effective_to__isnull=True) | Q(effective_to__gte=today)
    if filters.status == "in_force":
        qs = qs.filter(started, not_ended, is_active=True)
    elif filters.status == "expired":
        qs = qs.filter(effective_to__lt=today)
    elif filters.status == "future":
        qs = qs.filter(effective_from__gt=today)
    elif filters.status == "inactive":
        qs = qs.filter(is_active=False)
    return (qs.select_related("category", "region", "sector", "kind", "lead_department__region")
            .prefetch_related("co_departments__region")
            .order_by("category__full_name", "region__path", "-priority", "pk"))
