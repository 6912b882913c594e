"""Sections other apps add to the staff case page, and the transitions whose forms they own.

An app registers a `CasePanel` in its AppConfig.ready(). On every case page each panel's
`context(actor, case, bound)` is called; it returns None to stay hidden, or the context its
template renders under the name `panel`. `bound` is whatever the app's own POST view passed
back to `render_case_detail` for that panel (typically a form with errors), so a rejected
form is shown again with everything typed.

A transition listed in `PANEL_OWNED_TRANSITIONS` is fired from a panel's own form (which
collects more than the generic action form can), so the generic action list leaves it out;
the transition itself, its guards and the API stay exactly the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jubao.accounts.actors import Actor

from .models import Case

PanelContext = Callable[[Actor, Case, Any], "dict[str, Any] | None"]


@dataclass(frozen=True)
class CasePanel:
    name: str
    template: str
    context: PanelContext
    # Lower comes first. The page's own sections sit between 0 (after the actions) and 100 (before the reports).
    order: int = 50


CASE_PANELS: dict[str, CasePanel] = {}
PANEL_OWNED_TRANSITIONS: set[str] = set()


def register_panel(panel: CasePanel, *, owns: tuple[str, ...] = ()) -> None:
    CASE_PANELS[panel.name] = panel
    PANEL_OWNED_TRANSITIONS.update(owns)


@dataclass
class RenderedPanel:
    name: str
    template: str
    order: int
    context: dict[str, Any]


def panels_for(actor: Actor, case: Case, bound: dict[str, Any] | None = None) -> list[RenderedPanel]:
    rendered = []
    for panel in sorted(CASE_PANELS.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(actor, case, (bound or {}).get(panel.name))
        if context is not None:
            rendered.append(RenderedPanel(panel.name, panel.template, panel.order, context))
    return rendered
