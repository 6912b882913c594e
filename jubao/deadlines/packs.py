"""The policy packs shipped with Jubao, as data. Loaded once into the database when the
deadlines tables are first migrated; from then on administrators edit them there."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from .models import DeadlinePolicy, PolicyPack

WD, CD, H, M = "working_days", "calendar_days", "hours", "calendar_months"


def _row(stage: str, length: int, unit: str, start: str, source: str, **kw: Any) -> dict[str, Any]:
    return {"stage": stage, "length": length, "unit": unit, "start_event": start, "source_reference": source, **kw}


PACKS: list[dict[str, Any]] = [
    {
        "code": "default", "is_default": True, "effective_from": date(2024, 1, 1),
        "name": "默认规则（群众举报工作方案）",
        "source": "seeds: plan-public-reporting-work, speech-quality-intake-seven-steps, plan-reporting-platform",
        "description": "Acceptance check within 3 working days; conclude in 3/15/30 working days by grade; "
                       "start within 48 h / 24 h / at once by urgency; feedback within 5 working days.",
        "rows": [
            _row("triage", 24, H, "registered", "案管红绿灯：24小时未分拣亮黄灯"),
            _row("supplement", 3, WD, "needs_info", "案管红绿灯：3个工作日未补证亮橙灯"),
            _row("acceptance", 3, WD, "registered", "受理核查环节需在3个工作日内完成初步核实"),
            _row("dispatch", 7, WD, "accepted", "案管红绿灯：7个工作日未分送亮红灯"),
            _row("response", 48, H, "dispatched", "一般：48小时内启动", urgency="normal"),
            _row("response", 24, H, "dispatched", "紧急：24小时内启动", urgency="urgent"),
            _row("response", 2, H, "dispatched", "特急：立即启动，紧急情况2小时内到场", urgency="critical"),
            _row("conclusion", 3, WD, "accepted", "简单线索3个工作日内办结", grade="simple",
                 extension_length=3, extension_unit=WD),
            _row("conclusion", 15, WD, "accepted", "复杂线索15个工作日内办结", grade="complex",
                 extension_length=15, extension_unit=WD),
            _row("conclusion", 30, WD, "accepted", "重大线索30个工作日内办结并反馈", grade="major",
                 extension_length=30, extension_unit=WD),
            _row("conclusion", 15, WD, "accepted", "未定级按复杂线索办理", extension_length=15, extension_unit=WD),
            _row("feedback", 5, WD, "concluded", "办结后5个工作日内向举报人反馈"),
            _row("online_response", 2, H, "reporter_message", "网上举报2小时内响应"),
            _row("review", 30, CD, "review_requested", "复核参照30日办理"),
        ],
    },
    {
        "code": "xinfang-2022", "effective_from": date(2022, 5, 1),
        "name": "信访工作条例（2022）",
        "source": "《信访工作条例》（2022年5月1日起施行）第二十四条、第三十二条、第三十五条、第三十六条",
        "description": "Notice of acceptance within 15 days; objection to a misrouted transfer within 5 working days; "
                       "conclude within 60 days (+30 with approval); review and re-review: 30 days to apply, "
                       "30 days to decide, hearing time excluded.",
        "rows": [
            _row("triage", 24, H, "registered", "登记分拣"),
            _row("acceptance", 15, CD, "registered", "第二十四条：15日内告知是否受理"),
            _row("return_window", 5, WD, "dispatched", "第二十四条：对转送交办有异议的，5个工作日内提出"),
            _row("conclusion", 60, CD, "accepted", "第三十二条：自受理之日起60日内办结",
                 extension_length=30, extension_unit=CD, pause_conditions=["hearing"]),
            _row("feedback", 5, WD, "concluded", "出具信访处理意见书"),
            _row("review_application", 30, CD, "answered", "第三十五条：收到处理意见书之日起30日内请求复查"),
            _row("review", 30, CD, "review_requested", "第三十五条：收到复查请求之日起30日内提出复查意见",
                 pause_conditions=["hearing"]),
        ],
    },
    {
        "code": "jijian-2020", "effective_from": date(2020, 1, 21),
        "name": "纪检监察机关处理检举控告工作规则（2020）",
        "source": "《纪检监察机关处理检举控告工作规则》（2020年1月21日）",
        "description": "Forward or accept within 5 working days; real-name reporters told of acceptance within "
                       "15 working days and of the result within 15 working days of conclusion; repeated "
                       "accusations are kept on file.",
        "rows": [
            _row("acceptance", 5, WD, "registered", "收到检举控告后5个工作日内转送或受理"),
            _row("acceptance_notice", 15, WD, "accepted", "实名检举：15个工作日内告知受理情况",
                 real_name_only=True),
            _row("conclusion", 3, M, "accepted", "初步核实期限（按审批延长）", extension_length=3, extension_unit=M),
            _row("result_notice", 15, WD, "concluded", "实名检举：办结后15个工作日内告知结果",
                 real_name_only=True),
        ],
    },
    {
        "code": "samr-2022", "effective_from": date(2022, 3, 24),
        "name": "市场监督管理投诉举报处理暂行办法（2019/2022）",
        "source": "《市场监督管理投诉举报处理暂行办法》（2019年，2022年修正）",
        "description": "Complaint acceptance decision within 7 working days; mediation ends after 45 working days "
                       "(testing time excluded); a report is checked within 15 (+15) working days; "
                       "a real-name reporter is told within 5 working days.",
        "rows": [
            _row("acceptance", 7, WD, "registered", "第十五条：投诉7个工作日内决定是否受理", kind_code="complaint"),
            _row("mediation", 45, WD, "accepted", "第二十四条：调解45个工作日，检测鉴定时间不计",
                 kind_code="complaint", pause_conditions=["testing"]),
            _row("acceptance", 15, WD, "registered", "第三十一条：举报15个工作日内核查（可延长15个工作日）",
                 kind_code="accusation", extension_length=15, extension_unit=WD),
            _row("conclusion", 15, WD, "accepted", "举报核查处理", kind_code="accusation",
                 extension_length=15, extension_unit=WD),
            _row("result_notice", 5, WD, "concluded", "第三十一条：实名举报人5个工作日内告知",
                 real_name_only=True),
        ],
    },
    {
        "code": "eu-2019-1937", "effective_from": date(2021, 12, 17),
        "name": "EU Directive 2019/1937 (internal reporting channels)",
        "source": "Directive (EU) 2019/1937, Article 9(1)(b) and (f)",
        "description": "Acknowledge receipt within 7 days; feedback within a reasonable time not exceeding 3 months.",
        "rows": [
            _row("acknowledge", 7, CD, "registered", "Art. 9(1)(b): acknowledge within seven days"),
            _row("feedback", 3, M, "registered", "Art. 9(1)(f): feedback within three months of acknowledgement"),
        ],
    },
]


@transaction.atomic
def policy_packs_ensure() -> int:
    """Create the shipped packs that are missing; never overwrite what administrators changed."""
    created = 0
    for spec in PACKS:
        pack, was_created = PolicyPack.objects.get_or_create(
            code=spec["code"],
            defaults={"name": spec["name"], "source": spec["source"], "description": spec["description"],
                      "is_default": spec.get("is_default", False)},
        )
        if not was_created:
            continue
        created += 1
        DeadlinePolicy.objects.bulk_create(
            DeadlinePolicy(pack=pack, effective_from=spec["effective_from"], **row) for row in spec["rows"]
        )
    return created
