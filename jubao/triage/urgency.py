"""Urgency, impact and grade, with the cues that explain them to staff.

Levels follow the 群众举报工作方案: 紧急程度 一般/紧急/特急 (normal/urgent/critical: 48 h / 24 h / 即收即办) and
影响范围 小型/中型/大型/特大型 (small/medium/large/very_large) by 涉及人数、社会关注度、经济损失. The grade decides
who handles it: 小型 by the grass-roots station (simple), 中型 by a county department (complex), 大型以上 by the
leading group (major).

- urgency: life-safety rules (target "urgency", value "critical") → critical; time-critical rules (value "urgent",
  summed weight of the cue lines ≥ 1) → urgent; urgent and also sensitive or very large → critical.
- impact: the largest of impact rules (target "impact"), the people affected parsed from the text ("300多户",
  "几十名工人"; a household counts as three people), the money involved ("27000元", "3万元", "1.2亿") and public
  attention (support count of an imported post).
- sensitive: any rule of target "sensitive" (群体性, 上访, 自杀, 媒体曝光, 疫情 …).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_noop

from .cues import match_rules, normalise, rules_version
from .steps import Cue, StepEarlier, StepOutcome, TriageInput

URGENCY_ORDER = ("normal", "urgent", "critical")
IMPACT_ORDER = ("small", "medium", "large", "very_large")

MEANS_LIFE_SAFETY = gettext_noop("life-safety")
MEANS_TIME_CRITICAL = gettext_noop("time-critical")
MEANS_PEOPLE = gettext_noop("people affected")
MEANS_MONEY = gettext_noop("money involved")
MEANS_ATTENTION = gettext_noop("public attention")
MEANS_SENSITIVE = gettext_noop("sensitive subject")

PEOPLE_PER_HOUSEHOLD = 3
# Upper bounds (exclusive) of small, medium and large; anything above is very large.
PEOPLE_BOUNDS = (10, 100, 1000)
MONEY_BOUNDS = (100_000.0, 1_000_000.0, 10_000_000.0)
ATTENTION_BOUNDS = (10, 100, 1000)

# Words that name a whole community: a rough head count when no number is given.
COMMUNITY_ESTIMATES = {"全镇": 10000, "全乡": 10000, "全村": 1000, "整个村": 1000, "全小区": 1000, "整个小区": 1000,
                       "全校": 1000, "全体村民": 1000, "全体业主": 500, "整栋楼": 100, "全组": 100}

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "几": 3, "数": 3}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
# A number starts with a digit or a Chinese digit/十/百 (never 千/万/亿: "千家万户" is an idiom, not a count).
# 数 counts only before a unit (数十, 数百): "多数业主" is not three owners.
_NUMBER = (r"(?:(?:[上近约][千万]|[上近约]?(?:\d+(?:,\d{3})*(?:\.\d+)?"
           r"|[零〇一二两三四五六七八九十百几]|数(?=[十百千万])))"
           r"[\d.零〇一二两三四五六七八九十百千万亿几]*)")
_PEOPLE_RE = re.compile(
    rf"(?P<n>{_NUMBER})(?P<approx>多|余|来)?(?:个|名|位)?"
    r"(?P<unit>户|人(?!民)|名|位|工人|农民工|民工|村民|居民|业主|学生|员工|职工|老人|孩子|儿童|教师|老师|群众|家长|住户|商户)")
_MONEY_RE = re.compile(rf"(?P<n>{_NUMBER})(?P<approx>多|余)?(?P<unit>元|块钱|块(?![\u4e00-\u9fff])|圆|人民币)?")
_MONEY_CONTEXT = re.compile(r"资金|款|钱|工资|费|损失|金额|投资|贪污|挪用|骗|欠|共计|合计|补贴|补偿|赔偿|价|收入|"
                            r"营业额")
_NOT_MONEY_AFTER = re.compile(r"^(多|余)?(人|户|名|位|平|米|亩|吨|公里|千米|字|次|辆|株|棵|头|只|张|份|件|个|套|条|斤|"
                              r"公斤|千克|立方|方|度|伏|年|天|小时|分钟|元素|倍|%)")


def parse_chinese_number(token: str) -> float | None:
    """ "27000" → 27000, "3万" → 30000, "1.2亿" → 1.2e8, "三万" → 30000, "几十" → 30, "十几" → 13, "上百" → 100.

    几/数 ("a few") count as three: a cautious middle for estimating impact.
    """
    token = token.replace(",", "").lstrip("上近约")
    total = section = 0.0
    number = 0.0
    seen = False
    i = 0
    while i < len(token):
        char = token[i]
        if char.isdigit() or char == ".":
            j = i
            while j < len(token) and (token[j].isdigit() or token[j] == "."):
                j += 1
            try:
                number = float(token[i:j])
            except ValueError:
                return None
            seen = True
            i = j
            continue
        if char in _CN_DIGITS:
            number, seen = float(_CN_DIGITS[char]), True
        elif char in _CN_UNITS:
            section += (number or 1.0) * _CN_UNITS[char]
            number, seen = 0.0, True
        elif char == "万":
            total += (section + number or 1.0) * 10_000
            section = number = 0.0
            seen = True
        elif char == "亿":
            total = (total + section + number or 1.0) * 100_000_000
            section = number = 0.0
            seen = True
        else:
            return None
        i += 1
    return total + section + number if seen else None


def parse_people(text: str) -> tuple[int | None, list[str]]:
    """The largest head count named in the text and the phrases it came from."""
    norm = normalise(text)
    best: int | None = None
    phrases: list[str] = []
    for match in _PEOPLE_RE.finditer(norm):
        value = parse_chinese_number(match.group("n"))
        if value is None or value <= 0:
            continue
        people = int(value * (PEOPLE_PER_HOUSEHOLD if match.group("unit") in ("户", "住户", "商户") else 1))
        phrases.append(match.group(0))
        best = people if best is None else max(best, people)
    for word, estimate in COMMUNITY_ESTIMATES.items():
        if word in norm:
            phrases.append(word)
            best = estimate if best is None else max(best, estimate)
    return best, phrases


def parse_money(text: str) -> tuple[float | None, list[str]]:
    """The largest amount of money in yuan and the phrases it came from.

    An amount counts when it carries a currency unit (元/块/人民币) or, for 万/亿 amounts, when money words
    (资金, 工资, 补偿 …) stand within a few characters and no other unit (人, 平方, 亩 …) follows.
    """
    norm = normalise(text)
    best: float | None = None
    phrases: list[str] = []
    for match in _MONEY_RE.finditer(norm):
        token = match.group("n")
        if not match.group("unit"):
            if not re.search(r"[万亿]$", token) or _NOT_MONEY_AFTER.match(norm[match.end():]):
                continue
            window = norm[max(0, match.start() - 8):match.start()] + norm[match.end():match.end() + 4]
            if not _MONEY_CONTEXT.search(window):
                continue
        value = parse_chinese_number(token)
        if value is None or value <= 0:
            continue
        phrases.append(match.group(0))
        best = value if best is None else max(best, value)
    return best, phrases


def _level(value: float | None, bounds: tuple[float, float, float]) -> str:
    if value is None:
        return "small"
    for level, bound in zip(IMPACT_ORDER, bounds, strict=False):
        if value < bound:
            return level
    return "very_large"


def _higher(a: str, b: str, order: tuple[str, ...]) -> str:
    return a if order.index(a) >= order.index(b) else b


def urgency_step(inp: TriageInput, earlier: StepEarlier) -> StepOutcome:
    text = inp.text
    pack = inp.policy_pack_code
    cues: list[Cue] = []

    urgency = "normal"
    time_score = 0.0
    for hit in match_rules("urgency", text, policy_pack_code=pack):
        if hit.value == "critical":
            urgency = "critical"
            cues.extend(Cue(c, MEANS_LIFE_SAFETY, hit.weight) for c in hit.cues)
        elif hit.value == "urgent":
            time_score += hit.weight * len(hit.cues)
            cues.extend(Cue(c, MEANS_TIME_CRITICAL, hit.weight) for c in hit.cues)
    if urgency == "normal" and time_score >= 1.0:
        urgency = "urgent"

    impact = "small"
    for hit in match_rules("impact", text, policy_pack_code=pack):
        if hit.value in IMPACT_ORDER:
            impact = _higher(hit.value, impact, IMPACT_ORDER)
            cues.extend(Cue(c, MEANS_PEOPLE, hit.weight) for c in hit.cues)
    people, people_phrases = parse_people(text)
    if people is not None:
        impact = _higher(_level(people, PEOPLE_BOUNDS), impact, IMPACT_ORDER)
        cues.extend(Cue(p, MEANS_PEOPLE) for p in people_phrases if not any(c.text == p for c in cues))
    money, money_phrases = parse_money(text)
    if money is not None:
        impact = _higher(_level(money, MONEY_BOUNDS), impact, IMPACT_ORDER)
        cues.extend(Cue(p, MEANS_MONEY) for p in money_phrases)
    if inp.support_count >= ATTENTION_BOUNDS[0]:
        impact = _higher(_level(inp.support_count, ATTENTION_BOUNDS), impact, IMPACT_ORDER)
        cues.append(Cue(str(inp.support_count), MEANS_ATTENTION))

    sensitive_hits = match_rules("sensitive", text, policy_pack_code=pack)
    sensitive = bool(sensitive_hits)
    cues.extend(Cue(c, MEANS_SENSITIVE, hit.weight) for hit in sensitive_hits for c in hit.cues)

    # A time-critical matter that is also sensitive or touches very many people cannot wait a day.
    if urgency == "urgent" and (sensitive or impact == "very_large"):
        urgency = "critical"

    # The grade follows from urgency, impact and sensitivity, which the facts beside it already show.
    grade = _grade(urgency, impact, sensitive)
    evidence = len(cues)
    confidence = 0.6 if evidence == 0 else min(0.95, 0.65 + 0.08 * evidence)
    return StepOutcome(
        step="urgency",
        proposal={"urgency": urgency, "impact": impact, "grade": grade, "people": people,
                  "money_yuan": money, "sensitive": sensitive},
        confidence=round(confidence, 3), version=rules_version(), cues=cues, needs_human=False,
    )


def _grade(urgency: str, impact: str, sensitive: bool) -> str:
    """major: large impact, or sensitive and pressing; complex: medium impact, sensitive or critical; else simple."""
    if impact in ("large", "very_large") or (sensitive and urgency != "normal"):
        return "major"
    if impact == "medium" or sensitive or urgency == "critical":
        return "complex"
    return "simple"
