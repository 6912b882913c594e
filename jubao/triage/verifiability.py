"""Verifiability class A/B/C (可查性) and the one consolidated supplement request (一次性告知清单).

From the 检举控告 “1+3” sorting model (可查性、典型性、时效性):
- A (可查性强): a named subject and at least two of time, place and evidence, and not stale → straight to handling;
- B (可查性一般但反映集中): not A, but recurring (the same matter or subject reported before, or widely supported)
  or at least two essentials present → the watch list;
- C (可查性弱但涉及民声): the rest → the responsible department is reminded.
A matter whose latest date lies more than STALE_AFTER_YEARS before receipt is one class lower (时效性).

Whatever essentials are missing are asked for in one message (“缺什么补什么”), never one at a time.

needs_human: a class C report missing three or more essentials with no recurrence is flagged for a person. Such a
report can neither be checked nor routed usefully as it stands; the choices (ask the reporter, forward as a
reminder, or refuse for lack of substance) are staff decisions, and refusals are never automatic. Other class C
reports are routine reminders and would only clog the human queue.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_noop

from .cues import normalise
from .steps import Cue, StepEarlier, StepOutcome, TriageInput

ESSENTIALS = ("subject", "time", "place", "evidence")
STALE_AFTER_YEARS = 5

# The reporter-facing wording (the deployment's reporting language); `missing` carries the codes for other UIs.
SUPPLEMENT_ITEMS = {
    "subject": "被反映人或单位的名称（姓名、职务或单位全称）",
    "time": "事情发生的时间",
    "place": "具体地点（详细到街道、小区、村组或门牌号）",
    "evidence": "相关证据材料（照片、视频、票据、合同、聊天记录等）",
}
SUPPLEMENT_OPENING = "为便于核查，请补充："
MEANS_BY_ESSENTIAL = {
    "subject": gettext_noop("named subject"),
    "time": gettext_noop("time given"),
    "place": gettext_noop("place given"),
    "evidence": gettext_noop("evidence"),
}
# The checks are built in (no administrator rules): the version names the code's own revision.
VERSION = "verifiability-1"

_NAME_CHARS = r"[^\W的了在和与及是我你他她们这那该某此其个家些有关相对向给被把从到去就都也还很要想让请]"
_SUBJECT_ORG_RE = re.compile(
    rf"{_NAME_CHARS}{{2,14}}(有限公司|有限责任公司|股份公司|公司|集团|医院|卫生院|诊所|药店|学校|中学|小学|幼儿园|大学|学院|"
    r"村委会|居委会|物业|酒店|宾馆|饭店|工厂|厂|超市|商场|银行|派出所|街道办|管委会|合作社|项目部|开发商|"
    r"局|所|站|中心)")
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
             "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤欧易谷")
_SUBJECT_PERSON_RE = re.compile(
    rf"[{_SURNAMES}][\u4e00-\u9fff]{{0,2}}?(书记|支书|局长|厅长|县长|区长|镇长|乡长|村长|主任|所长|校长|院长|经理|"
    r"老板|组长|队长|科长|处长|会计|站长|厂长|董事长|总经理|干部|医生|老师|警官)")
_TIME_RE = re.compile(
    r"(\d{4}年|\d{4}[-./]\d{1,2}|\d{1,2}月\d{1,2}[日号]|\d{1,2}月份?|[一二三四五六七八九十]{1,2}月|[今昨前]天|昨晚|今晚|今早|"
    r"上周|本周|上个?月|这个月|去年|今年|前年|\d{1,2}[点时:]\d{0,2}|上午|下午|晚上|凌晨|星期[一二三四五六日天]|周[一二三四五六日]|"
    r"春节|国庆|端午|中秋)")
_PLACE_RE = re.compile(
    rf"({_NAME_CHARS}{{2,12}}(路|街|大道|巷|弄|胡同|号|栋|幢|单元|小区|花园|花苑|华苑|家园|公寓|大厦|广场|村|组|社区|镇|乡|公园|"
    r"市场|工地|路口|交叉口|车站|码头|桥)|\d+号楼?|\d+栋|\d+单元)")
_EVIDENCE_RE = re.compile(
    r"(照片|图片|视频|录音|录像|截图|票据|发票|收据|合同|证据|凭证|聊天记录|转账记录|银行流水|流水|证明|监控|附件|单据|账本|"
    r"协议书|欠条|工资条|考勤|车票)")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})年")


def supplement_request(missing: list[str]) -> str:
    """One message asking for everything missing, numbered: "为便于核查，请补充：1. …；2. …。"."""
    if not missing:
        return ""
    items = [f"{number}. {SUPPLEMENT_ITEMS[code]}" for number, code in enumerate(missing, start=1)]
    return SUPPLEMENT_OPENING + "；".join(items) + "。"


def _found(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    return match.group(0) if match else ""


def _essentials(inp: TriageInput, text: str) -> dict[str, str]:
    """What the report gives for each essential ("" = nothing)."""
    return {
        "subject": inp.reported_subject.strip()
        or _found(_SUBJECT_ORG_RE, text) or _found(_SUBJECT_PERSON_RE, text),
        "time": (inp.occurred_on.isoformat() if inp.occurred_on else "")
        or inp.occurred_text.strip() or _found(_TIME_RE, text),
        "place": inp.address.strip() or _found(_PLACE_RE, text),
        "evidence": (str(inp.attachment_count) if inp.attachment_count else "") or _found(_EVIDENCE_RE, text),
    }


def _recurrence(inp: TriageInput, earlier: StepEarlier) -> tuple[bool, list[Cue]]:
    duplicates = earlier.get("duplicates")
    proposal: dict[str, Any] = duplicates.proposal if duplicates is not None else {}
    cues: list[Cue] = []
    suggestions = len(proposal.get("suggestions") or [])
    subject_repeats = int(proposal.get("subject_repeats") or 0)
    reporter_repeats = int(proposal.get("reporter_repeats") or 0)
    if suggestions:
        cues.append(Cue(str(suggestions), gettext_noop("similar reports"), 1.0))
    if subject_repeats:
        cues.append(Cue(str(subject_repeats), gettext_noop("subject reported before"), 1.0))
    # One person filing again is weaker than others reporting the same: it counts from the second repeat.
    if reporter_repeats >= 2:
        cues.append(Cue(str(reporter_repeats), gettext_noop("reporter reported before"), 0.5))
    if inp.support_count >= 10:
        cues.append(Cue(str(inp.support_count), gettext_noop("public attention"), 0.5))
    return bool(cues), cues


def _is_stale(inp: TriageInput, text: str) -> tuple[bool, str]:
    if inp.occurred_on is not None:
        year = inp.occurred_on.year
    else:
        years = [int(y) for y in _YEAR_RE.findall(text) if int(y) <= inp.received_at.year]
        if not years:
            return False, ""
        year = max(years)
    return inp.received_at.year - year > STALE_AFTER_YEARS, f"{year}年"


def verifiability_step(inp: TriageInput, earlier: StepEarlier) -> StepOutcome:
    text = normalise(inp.text)
    found = _essentials(inp, text)
    missing = [code for code in ESSENTIALS if not found[code]]
    cues = [Cue(value, MEANS_BY_ESSENTIAL[code], 1.0) for code, value in found.items() if value]
    present = len(ESSENTIALS) - len(missing)
    recurring, recurrence_cues = _recurrence(inp, earlier)
    cues.extend(recurrence_cues)
    stale, latest = _is_stale(inp, text)

    if found["subject"] and present >= 3:
        verdict = "A"
    elif recurring or present >= 2:
        verdict = "B"
    else:
        verdict = "C"
    if stale:
        cues.append(Cue(latest, gettext_noop("long ago"), -1.0))
        verdict = {"A": "B", "B": "C"}.get(verdict, verdict)

    needs_human = verdict == "C" and len(missing) >= 3 and not recurring
    confidence = {"A": 0.85, "B": 0.7, "C": 0.65}[verdict]
    return StepOutcome(
        step="verifiability",
        proposal={"class": verdict, "missing": missing, "supplement_request": supplement_request(missing)},
        confidence=confidence, version=VERSION, cues=cues, needs_human=needs_human,
    )
