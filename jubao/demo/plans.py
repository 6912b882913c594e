"""Planning the demo: how many cases end where, how long each step takes, and the `Plan` of one case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from jubao.cases.guards import MERGE_TARGET_STATES
from jubao.cases.models import CaseState
from jubao.cases.workflow import TRANSITIONS
from jubao.deadlines.models import Unit
from jubao.organisation.models import Region

from .people import Person
from .texts import TEMPLATES, Template

S = CaseState

# How many cases end in each state, relative to one another (the active states get more).
STATE_WEIGHTS: dict[str, int] = {
    S.REGISTERED: 14, S.NEEDS_INFO: 7, S.ACCEPTED: 10, S.REFUSED: 8, S.MERGED: 7, S.DISPATCHED: 15,
    S.RETURNED: 6, S.IN_PROGRESS: 26, S.EXTENDED: 8, S.ESCALATED: 6, S.CONCLUDED: 10, S.ANSWERED: 9,
    S.RATED: 9, S.UNDER_REVIEW: 6, S.REOPENED: 5, S.CLOSED: 24, S.ARCHIVED: 10,
}
CHANNEL_WEIGHTS = {"web": 24, "hotline": 26, "mobile": 12, "letter": 9, "visit": 9, "grid_worker": 11, "mailbox": 9}
REAL_NAME_CHANCE = {"web": 0.18, "mobile": 0.18, "mailbox": 0.2, "hotline": 0.25, "letter": 0.4, "visit": 0.65,
                    "grid_worker": 0.0}
ONLINE = {"web", "mobile", "mailbox"}
# (share, fraction of the governing deadline already used when the case stops moving)
LIGHT_MIX = [(0.50, (0.05, 0.46)), (0.16, (0.53, 0.72)), (0.11, (0.77, 0.88)), (0.08, (0.91, 0.98)),
             (0.15, (1.05, 1.8))]
# Hours between the previous step and this one (log-uniform between the bounds).
GAPS: dict[str, tuple[float, float]] = {
    "request_info": (1, 20), "receive_info": (8, 70), "accept": (0.7, 22), "refuse": (2, 50), "merge": (1, 30),
    "dispatch": (0.5, 30), "return": (2, 28), "start": (0.5, 30), "extend": (48, 220), "escalate": (24, 160),
    "resume": (20, 100), "answer": (2, 72), "rate": (2, 80), "request_review": (2, 60), "close": (24, 160),
    "reopen": (48, 240), "archive": (48, 300), "reconsider": (24, 96),
}
CONCLUDE_GAPS: dict[str, tuple[float, float]] = {"simple": (8, 80), "complex": (48, 380), "major": (120, 620)}
MAX_AGE = timedelta(days=44)
SWEEP_EVERY = timedelta(hours=6)

REASONS = {
    "request_info": ["请补充具体地址（门牌号）和问题发生的时间段，以便现场核查。",
                     "反映内容缺少涉及人员和具体事实，请补充相关线索或证明材料。",
                     "请提供现场照片、票据或聊天记录等证明材料。"],
    "receive_info": ["反映人已补充现场照片和具体地址。", "反映人已电话补充发生时间和涉及人员。"],
    "reconsider": ["经复核，所反映事项属于本机关受理范围，撤销原不予受理决定，重新进入受理程序。"],
    "escalate": ["涉及多个部门职责交叉，本部门无法单独协调解决，提请上级协调督办。",
                 "问题涉及历史遗留和资金保障，需提请上级研究解决。"],
    "escalate_supervisor": ["承办部门推进缓慢，群众多次来电催办，提级督办。"],
    "resume": ["已召开协调会明确牵头部门和配合部门职责，请承办部门继续办理并按期反馈。",
               "上级已明确处理意见，退回承办部门继续办理。"],
    "extend": ["需调取相关资料并委托第三方检测，无法在规定时限内办结，申请延期。",
               "涉及人员较多、需多方核实，经部门负责人批准延期办理。"],
    "request_review": ["反映人对处理结果不满意，认为问题没有实际解决，申请复查。"],
    "request_review_supervisor": ["督办回访抽查发现问题仍未解决，启动复查。"],
    "dissatisfied": ["问题仍未解决，整改只是应付检查。", "答复内容与实际情况不符。"],
    "reopen": ["反映人再次反映问题复发，经督办核实情况属实，重新启动办理。"],
    "wrong_refusal": ("该事项不属于本机关受理范围，请向有关主管部门反映。"),
}


@dataclass
class Plan:
    index: int
    target: str
    path: list[str]  # transition names, optionally "name:variant"
    template: Template = TEMPLATES[0]
    region: Region | None = None
    channel: str = "web"
    kind: str = "complaint"
    pack: str = ""
    grade: str = "simple"
    urgency: str = "normal"
    real_name: bool = False
    person: Person | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    times: list[datetime] = field(default_factory=list)  # registration, then one per path step
    actors: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)  # department a step concerns ("" if none)
    merge_into: Plan | None = None
    duplicate: bool = False
    wrong_refusal: bool = False
    pseudonym: str = ""
    number: str = ""
    supervisor: str = "supervisor"
    findings: list[str] = field(default_factory=list)
    conclusion: str = ""

    def step(self, k: int) -> str:
        return self.path[k - 1].split(":")[0]

    def variant(self, k: int) -> str:
        return self.path[k - 1].partition(":")[2]

    def require_region(self) -> Region:
        """The region the report comes from; every plan has one once `DemoCaseBuilder.plan` has run."""
        if self.region is None:
            raise ValueError(f"demo plan {self.index} has no region yet")
        return self.region


def allocate_states(count: int) -> list[str]:
    """How many cases end in each state: coverage first (up to 4 each), the rest by weight."""
    states = list(STATE_WEIGHTS)
    if count < len(states):
        return states[:count]
    base = min(4, count // len(states))
    result = {s: base for s in states}
    remaining = count - base * len(states)
    total = sum(STATE_WEIGHTS.values())
    shares = {s: remaining * w / total for s, w in STATE_WEIGHTS.items()}
    for s in states:
        result[s] += int(shares[s])
    leftover = count - sum(result.values())
    for s in sorted(states, key=lambda s: shares[s] - int(shares[s]), reverse=True)[:leftover]:
        result[s] += 1
    return [s for s in states for _ in range(result[s])]


def _unit_hours(length: int, unit: str) -> float:
    if unit == Unit.HOURS:
        return float(length)
    if unit == Unit.CALENDAR_DAYS:
        return length * 24.0 + 12
    if unit == Unit.WORKING_DAYS:
        return length * 24 * 7 / 5 + 12
    return length * 30 * 24.0


def _fallback_misroute(dept: str) -> str:
    return {"jiwei": "scjg", "gongan": "chengguan", "scjg": "weijian", "weijian": "scjg", "renshe": "scjg",
            "jiaoyu": "scjg", "sthj": "chengguan", "zhujian": "chengguan", "chengguan": "zhujian",
            "ziranziyuan": "chengguan", "yingji": "zhujian"}[dept]


def _exit_time(plan: Plan, now: datetime) -> datetime:
    """When the case stopped accepting merges (left the open states), or now."""
    for k in range(1, len(plan.path) + 1):
        if TRANSITIONS[plan.step(k)].target not in MERGE_TARGET_STATES:
            return plan.times[k]
    return now - timedelta(minutes=5)
