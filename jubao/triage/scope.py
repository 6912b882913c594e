"""Scope filter: does the matter belong here, or should the reporter be redirected?

It only ever proposes. An out-of-scope proposal carries the refusal reason and the redirect notice of the rule
that fired (the policy pack's own wording wins) and always goes to a person (needs_human): nothing is refused
automatically.

Evidence is the administrators' scope rules (target "scope", value = a RefusalReason) plus one structural
reading: a report written as a question (请问/咨询/是否/能否 …) that complains about nothing is an enquiry.
Complaint words (投诉, 举报, 违法, 乱收费 …) weigh against the enquiry reading, because citizens often ask
"请问有人管吗？" about a real problem.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_noop

from .cues import RuleHit, match_rules, prepare, rules_version
from .steps import Cue, StepEarlier, StepOutcome, TriageInput

# A proposal is made from this much summed evidence; less leaves the report in scope with lower confidence.
OUT_OF_SCOPE_THRESHOLD = 1.0

_QUESTION_OPENERS = re.compile(r"^\s*(咨询|请问|关于.{0,20}的咨询|想问|求问)")
_QUESTION_WORDS = ("请问", "咨询", "是否", "能否", "可否", "能不能", "可不可以", "怎么办理", "如何办理", "如何申请",
                   "怎样申请", "吗？", "吗?")
_COMPLAINT_WORDS = ("投诉", "举报", "检举", "控告", "违法", "违规", "乱收费", "不作为", "乱作为", "污染", "扰民",
                    "噪音", "偷排", "侵占", "贪污", "腐败", "受贿", "索贿", "查处", "严查", "整改", "拖欠", "强拆",
                    "霸占", "欺诈", "诈骗", "克扣", "拒不", "无人管", "没人管", "不管不问", "推诿")

MEANS_BY_REASON = {
    "litigation": gettext_noop("litigation or arbitration"),
    "civil_dispute": gettext_noop("civil dispute"),
    "labour_dispute": gettext_noop("labour dispute"),
    "enquiry": gettext_noop("enquiry"),
    "state_secret": gettext_noop("state secret"),
    "privacy": gettext_noop("others' privacy"),
    "out_of_remit": gettext_noop("outside the remit"),
}


def _rule_score(hit: RuleHit) -> float:
    # Several cue lines of one rule are stronger evidence than one, with diminishing returns.
    return hit.weight * (1.0 + 0.25 * (min(len(hit.cues), 5) - 1))


def _structural_enquiry(inp: TriageInput) -> tuple[float, list[Cue]]:
    """The question form without a grievance: +0.7 for a question-shaped title, +0.3 for question words,
    -0.4 per complaint word (at most -1.2)."""
    prepared = prepare(inp.text)
    title = prepare(inp.title).text if inp.title else ""
    cues: list[Cue] = []
    score = 0.0
    opener = _QUESTION_OPENERS.search(title)
    if opener:
        score += 0.7
        cues.append(Cue(opener.group(1), gettext_noop("written as a question"), 0.7))
    asked = [w for w in _QUESTION_WORDS if prepared.contains(w)]
    if asked:
        score += 0.3
        if not opener:
            cues.append(Cue(asked[0], gettext_noop("written as a question"), 0.3))
    complaints = [w for w in _COMPLAINT_WORDS if prepared.contains(w)]
    if complaints and score > 0:
        penalty = min(0.4 * len(complaints), 1.2)
        score -= penalty
        cues.append(Cue("、".join(complaints[:3]), gettext_noop("complains about something"), -penalty))
    return score, cues


def scope_step(inp: TriageInput, earlier: StepEarlier) -> StepOutcome:
    hits = match_rules("scope", inp.text, policy_pack_code=inp.policy_pack_code)
    scores: dict[str, float] = {}
    notices: dict[str, str] = {}
    cues_by_reason: dict[str, list[Cue]] = {}
    for hit in hits:
        scores[hit.value] = scores.get(hit.value, 0.0) + _rule_score(hit)
        # Hits come with the policy pack's own rules first: its notice wins.
        if hit.notice and hit.value not in notices:
            notices[hit.value] = hit.notice
        means = MEANS_BY_REASON.get(hit.value, gettext_noop("outside the remit"))
        cues_by_reason.setdefault(hit.value, []).extend(Cue(c, means, hit.weight) for c in hit.cues)

    enquiry_score, enquiry_cues = _structural_enquiry(inp)
    if enquiry_score or "enquiry" in scores:
        scores["enquiry"] = scores.get("enquiry", 0.0) + enquiry_score
        cues_by_reason.setdefault("enquiry", []).extend(enquiry_cues)

    version = rules_version()
    best = max(scores, key=lambda reason: scores[reason], default="")
    best_score = scores.get(best, 0.0)
    if best and best_score >= OUT_OF_SCOPE_THRESHOLD:
        notice = notices.get(best) or _enquiry_notice_fallback(best)
        runner_up = max((s for r, s in scores.items() if r != best), default=0.0)
        # Sure when the evidence is strong and one reason clearly leads.
        confidence = min(0.95, 0.55 + 0.15 * best_score) - (0.15 if runner_up >= OUT_OF_SCOPE_THRESHOLD else 0.0)
        return StepOutcome(
            step="scope",
            proposal={"in_scope": False, "refusal_reason": best, "redirect_notice": notice},
            confidence=round(max(confidence, 0.3), 3), version=version,
            cues=cues_by_reason.get(best, []), needs_human=True,
        )
    # In scope; partial evidence for a refusal lowers the confidence and is shown to staff.
    shown = [cue for reason in scores for cue in cues_by_reason.get(reason, []) if scores[reason] > 0]
    confidence = 0.9 - 0.3 * max(best_score, 0.0)
    return StepOutcome(
        step="scope",
        proposal={"in_scope": True, "refusal_reason": "", "redirect_notice": ""},
        confidence=round(max(confidence, 0.5), 3), version=version, cues=shown, needs_human=False,
    )


def _enquiry_notice_fallback(reason: str) -> str:
    """A structural enquiry proposal can fire with no enquiry rule (e.g. an administrator deleted them)."""
    if reason != "enquiry":
        return ""
    from .default_rules import ENQUIRY_NOTICE

    return ENQUIRY_NOTICE
