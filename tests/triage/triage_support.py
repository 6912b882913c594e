"""Shared pieces for the pipeline, decision, emergency, view and API tests of triage.

`fake_steps` swaps the pipeline's step table for steps whose proposals a test chooses, so that a test of the
pipeline's effects (pre-filling, raising, merging) does not depend on what the real models guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from jubao.accounts.actors import Actor
from jubao.cases.models import Case
from jubao.cases.services import ReportInput, case_register
from jubao.demo.organisation import DemoOrganisation
from jubao.triage import pipeline
from jubao.triage.steps import Cue, StepEarlier, StepOutcome, TriageInput
from tests.helpers import EAST_VILLAGE, FAST_HASHERS, T0, module_org  # noqa: F401  (module_org is a fixture)

# What each fake step proposes; tests change entries through the `fake_steps` fixture.
PROPOSALS: dict[str, tuple[dict[str, Any], float, bool, list[Cue]]] = {}


def defaults() -> dict[str, tuple[dict[str, Any], float, bool, list[Cue]]]:
    return {
        "scope": ({"in_scope": True, "refusal_reason": "", "redirect_notice": ""}, 0.9, False, []),
        "classification": ({"kind": "complaint", "category_id": None, "category_levels": [], "sector": None,
                            "alternatives": []}, 0.95, False, []),
        "urgency": ({"urgency": "normal", "impact": "small", "grade": "simple", "people": None,
                     "money_yuan": None, "sensitive": False}, 0.8, False, []),
        "emergency": ({"event": None, "event_name": ""}, 0.95, False, []),
        "duplicates": ({"suggestions": [], "auto_merge_into": None, "reporter_repeats": 0,
                        "subject_repeats": 0}, 0.9, False, []),
        "verifiability": ({"class": "A", "missing": [], "supplement_request": ""}, 0.8, False, []),
        "collective_review": ({"required": False, "reasons": []}, 0.9, False, []),
    }


def _fake(step: str):  # type: ignore[no-untyped-def]
    def run(inp: TriageInput, earlier: StepEarlier) -> StepOutcome:
        proposal, confidence, needs_human, cues = PROPOSALS[step]
        return StepOutcome(step=step, proposal=dict(proposal), confidence=confidence, version="fake-1",
                           cues=list(cues), needs_human=needs_human)

    return run


FAKES = {step: _fake(step) for step in defaults()}


def fake_scope(inp, earlier):  # type: ignore[no-untyped-def]
    return FAKES["scope"](inp, earlier)


def fake_classification(inp, earlier):  # type: ignore[no-untyped-def]
    return FAKES["classification"](inp, earlier)


def fake_urgency(inp, earlier):  # type: ignore[no-untyped-def]
    return FAKES["urgency"](inp, earlier)


def fake_emergency(inp, earlier):  # type: ignore[no-untyped-def]
    return FAKES["emergency"](inp, earlier)


def fake_duplicates(inp, earlier):  # type: ignore[no-untyped-def]
    return FAKES["duplicates"](inp, earlier)


def fake_verifiability(inp, earlier):  # type: ignore[no-untyped-def]
    return FAKES["verifiability"](inp, earlier)


def fake_collective_review(inp, earlier):  # type: ignore[no-untyped-def]
    return FAKES["collective_review"](inp, earlier)


INDEXED: list[int | None] = []


def fake_index(inp: TriageInput) -> None:
    INDEXED.append(inp.report_id)


@pytest.fixture
def fake_steps(monkeypatch) -> Iterator[dict[str, tuple[dict[str, Any], float, bool, list[Cue]]]]:
    """Every step replaced by a fake; set PROPOSALS[step] = (proposal, confidence, needs_human, cues)."""
    PROPOSALS.clear()
    PROPOSALS.update(defaults())
    INDEXED.clear()
    module = __name__
    monkeypatch.setattr(pipeline, "STEPS", tuple((step, f"{module}:fake_{step}") for step, _ref in pipeline.STEPS))
    monkeypatch.setattr(pipeline, "DUPLICATES_INDEX", f"{module}:fake_index")
    yield PROPOSALS


@pytest.fixture
def inline(settings) -> None:
    settings.JUBAO_TRIAGE_INLINE = True


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def org(module_org, db):  # type: ignore[no-untyped-def]  # noqa: F811
    return module_org


def report(org: DemoOrganisation, title: str, body: str, *, region: str = EAST_VILLAGE, kind: str = "complaint",
           who: str = "clerk", now=T0, subject: str = "") -> Case:  # type: ignore[no-untyped-def]
    created = case_register(actor=org.actor(who) if who != "system" else Actor.system("tests"), report=ReportInput(
        channel="hotline", kind=kind, title=title, body=body, region=org.regions[region],
        reporter_pseudonym="匿名-TEST01", reported_subject=subject,
    ), now=now)
    return Case.objects.get(pk=created.case_id)
