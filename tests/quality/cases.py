"""Cases handled through the workflow with a chosen finding, rating, review and timeliness, for the quality and
supervision figures (used by tests/quality and tests/supervision)."""

from __future__ import annotations

from datetime import datetime, timedelta

from jubao.cases.models import Case
from tests.helpers import CONCLUSION_TEXT, EAST_VILLAGE, fire, later, register

HANDLER_OF = {"chengguan": "handler", "zhujian": "handler_zj"}
# An answer in the four headed sections the feedback app requires (what was checked, found, done, next).
ANSWER_TEXT = (
    "一、我们核查了什么\n城管执法队员于次日到路口现场核查，调取了近一周的巡查记录。\n\n"
    "二、核查发现\n您反映的商户占道经营问题属实，摊位占用人行道约十米。\n\n"
    "三、我们做了什么\n已责令商户当日整改并清理现场杂物，依法作出警告处理。\n\n"
    "四、接下来怎么办\n今后每周巡查一次；如问题反弹，请再次反映，我们将从重处理。"
)
DISSATISFIED_REASON = "答复没有解决问题，路口仍被占用，商户依旧占道经营。"


def handled(
    org, *, now: datetime, department: str = "chengguan", finding: str = "substantiated",  # type: ignore[no-untyped-def]
    satisfaction: str | None = "satisfied", review: bool = False, late: bool = False, region: str = EAST_VILLAGE,
    until: str = "rated", title: str = "路口商户长期占道经营",
) -> Case:
    """Register → accept → dispatch → start → conclude → answer → rate (→ request_review), one hour apart.

    `late`: conclude ten days after starting, past the 3-working-day conclusion deadline of a simple case.
    `until`: stop after "concluded" or "answered" instead of rating.
    """
    who = HANDLER_OF[department]
    case = register(org, now=now, region=region, title=title)
    case = fire(org, case, "accept")
    case = fire(org, case, "dispatch", data={"department": department})
    case = fire(org, case, "start", who=who)
    case = fire(org, case, "conclude", who=who, now=later(case, timedelta(days=10)) if late else None,
                data={"finding": finding, "conclusion_text": CONCLUSION_TEXT})
    if until == "concluded":
        return case
    case = fire(org, case, "answer", who=who, data={"feedback_text": ANSWER_TEXT})
    if until == "answered" or satisfaction is None:
        return case
    case = fire(org, case, "rate", data={"satisfaction": satisfaction},
                reason=DISSATISFIED_REASON if satisfaction == "dissatisfied" else "")
    if review:
        case = fire(org, case, "request_review")
    return case
