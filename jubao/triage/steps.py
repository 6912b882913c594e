"""What every triage step receives and returns.

A step is a function `(inp: TriageInput, earlier: Mapping[str, StepOutcome]) -> StepOutcome`. It reads
only the report's text and facts (never the reporter's identity: repeat detection gets keyed hashes),
and it says why: the cues that fired, the confidence, and the version of the model or rule set used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Cue:
    """Words in the report that moved a step, and what they were taken to mean.

    `means` is an English message id (translated when shown), e.g. "health", "time-critical".
    """

    text: str
    means: str
    weight: float = 1.0

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "means": self.means, "weight": round(self.weight, 3)}


@dataclass
class StepOutcome:
    step: str
    proposal: dict[str, Any]
    confidence: float
    version: str
    cues: list[Cue] = field(default_factory=list)
    # Low confidence or a proposal only a person may act on (e.g. a refusal) sends the case to the human queue.
    needs_human: bool = False


@dataclass(frozen=True)
class TriageInput:
    title: str
    body: str
    kind_code: str
    region_path: str
    received_at: datetime
    report_id: int | None = None
    case_id: int | None = None
    channel: str = "web"
    category_id: int | None = None
    address: str = ""
    reported_subject: str = ""
    occurred_on: date | None = None
    occurred_text: str = ""
    attachment_count: int = 0
    is_real_name: bool = False
    # Keyed hashes of the reporter's phone / ID number from the vault; never the identity itself.
    reporter_keys: tuple[str, ...] = ()
    policy_pack_code: str = ""
    # Support / like counts of an imported social-media post (public attention).
    support_count: int = 0

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.body}"


StepEarlier = Mapping[str, StepOutcome]
