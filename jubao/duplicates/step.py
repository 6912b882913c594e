"""The duplicates triage step: merge suggestions for staff, an automatic merge when near-identical,
and the repeat counts per reporter and per subject."""

from __future__ import annotations

from jubao.duplicates.selectors import duplicates_lookup
from jubao.duplicates.signature import SIGNATURE_VERSION
from jubao.triage.steps import Cue, StepEarlier, StepOutcome, TriageInput

STEP = "duplicates"


def duplicates_step(inp: TriageInput, earlier: StepEarlier) -> StepOutcome:
    """Reads the index only; the pipeline indexes the report and performs any merge."""
    lookup = duplicates_lookup(inp)
    auto_merge_into = lookup.auto_merge_into
    cues = [Cue(text=suggestion.case, means=reason, weight=suggestion.score)
            for suggestion in lookup.suggestions for reason in suggestion.reasons]
    return StepOutcome(
        step=STEP,
        proposal={
            "suggestions": [suggestion.as_json() for suggestion in lookup.suggestions],
            "auto_merge_into": auto_merge_into,
            "reporter_repeats": lookup.reporter_repeats,
            "subject_repeats": lookup.subject_repeats,
        },
        confidence=round(lookup.suggestions[0].score, 3) if lookup.suggestions else 1.0,
        version=SIGNATURE_VERSION,
        cues=cues,
        # Whether to merge is a person's call unless the match is near-identical (automatic merge).
        needs_human=bool(lookup.suggestions) and auto_merge_into is None,
    )
