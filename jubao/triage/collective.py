"""Mandatory collective review (必研): reports about a unit's top leader, collective assets (三资) or elections.

The 检举控告 intake rules require a signed collective assessment (《集体研判纪要》) for the “十必研” matters, among
them 反映“一把手”问题、集体“三资”问题、换届选举问题. Rules of target "collective_review" (values top_leader,
collective_assets, election) decide; this step only flags, a person confirms.

Letters are often addressed to an official ("尊敬的李书记：", "局长您好", "请问书记"); such salutations name the
reader, not the subject, so they are removed before the top-leader rules look at the text.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_noop

from .cues import match_rules, normalise, rules_version
from .steps import Cue, StepEarlier, StepOutcome, TriageInput

REASONS = ("top_leader", "collective_assets", "election")
MEANS_BY_REASON = {
    "top_leader": gettext_noop("about a unit's top leader"),
    "collective_assets": gettext_noop("collective assets (三资)"),
    "election": gettext_noop("elections"),
}

_LEADER_TITLES = r"(书记|局长|厅长|县长|区长|市长|省长|镇长|乡长|主任|部长|领导|校长|院长)"
_SALUTATIONS = re.compile(
    rf"((尊敬的|敬爱的|亲爱的)[\u4e00-\u9fff]{{0,6}}?{_LEADER_TITLES}[们]?"
    rf"|[\u4e00-\u9fff]{{0,3}}{_LEADER_TITLES}[们]?(您好|你好|好)"
    rf"|(请问|恳请|恳求|希望|致|报告|感谢)[\u4e00-\u9fff]{{0,4}}?{_LEADER_TITLES}"
    rf"|{_LEADER_TITLES}(信箱|热线|留言|专线)"
    # A title opening a line and followed by a pause ("胡书记、李市长：", "王局长，") addresses the reader.
    rf"|^[^\n]{{0,10}}?{_LEADER_TITLES}[们]?[，,：:、!！])", re.MULTILINE)


def strip_salutations(text: str) -> str:
    """Blank out salutations to the reader so that "书记您好" does not count as a report about a 书记."""
    return _SALUTATIONS.sub("，", normalise(text))


def collective_review_step(inp: TriageInput, earlier: StepEarlier) -> StepOutcome:
    pack = inp.policy_pack_code
    reasons: list[str] = []
    cues: list[Cue] = []
    hits = match_rules("collective_review", inp.text, policy_pack_code=pack)
    leader_hits = []
    if any(hit.value == "top_leader" for hit in hits):
        # Only what remains after salutations are removed can make the report about a leader.
        leader_hits = [hit for hit in match_rules("collective_review", strip_salutations(inp.text),
                                                  policy_pack_code=pack) if hit.value == "top_leader"]
    for hit in [hit for hit in hits if hit.value != "top_leader"] + leader_hits:
        if hit.value not in REASONS:
            continue
        if hit.value not in reasons:
            reasons.append(hit.value)
        cues.extend(Cue(c, MEANS_BY_REASON[hit.value], hit.weight) for c in hit.cues)
    reasons.sort(key=REASONS.index)
    confidence = min(0.95, 0.7 + 0.05 * len(cues)) if reasons else 0.85
    return StepOutcome(
        step="collective_review",
        proposal={"required": bool(reasons), "reasons": reasons},
        confidence=round(confidence, 3), version=rules_version(), cues=cues, needs_human=False,
    )
