"""Demo response templates: plain-language model answers a handler starts from (idempotent by title)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jubao.taxonomy.models import Category

DEMO_TEMPLATES: list[dict[str, Any]] = [
    {
        "title": "占道经营：属实并已整改",
        "category": "城管执法",
        "finding": "substantiated",
        "checked": "{department}执法队员于【请填写：核查日期】到现场查看了您反映的“{title}”问题，"
                   "并询问了周边商户和居民。",
        "found": "经核查，您反映的情况{finding}：现场确有商户将货架、杂物摆放在人行道上，影响行人通行。",
        "done": "执法队员已当场责令商户收回货架、清理杂物，并对其进行了批评教育；商户已于当天整改完毕。",
        "next_steps": "我们已将该地点列入日常巡查，每周至少巡查一次。如再次出现占道经营，"
                      "请通过原渠道或拨打12345热线反映，我们将及时处理。",
    },
    {
        "title": "噪音扰民：部分属实",
        "category": None,
        "finding": "partly",
        "checked": "我们于【请填写：核查日期】在夜间到现场进行了两次噪声检测，并走访了周边住户。",
        "found": "经核查，您反映的情况{finding}：夜间确有施工噪声，但未发现您反映的凌晨持续作业情况。",
        "done": "我们已约谈施工单位负责人，要求其严格遵守夜间施工审批时间，并在工地门口公示投诉电话。",
        "next_steps": "接下来一个月内我们将不定期夜间抽查。如仍有夜间违规施工，请记录时间后再次反映，"
                      "我们将依法处罚。",
    },
    {
        "title": "无法核实：请补充线索",
        "category": None,
        "finding": "unverifiable",
        "checked": "收到您反映的“{title}”问题后，我们调阅了相关资料，并到{region}实地走访了解情况。",
        "found": "由于反映内容缺少具体时间、地点和当事人信息，现场也未发现相关痕迹，所反映的问题暂时无法核实。",
        "done": "我们已要求属地加强日常巡查，发现相关问题及时上报处理，并将您的反映记录在案。",
        "next_steps": "如果您能补充具体的时间、地点、照片等线索，请在查询页面补充材料或再次反映，"
                      "我们收到后将重新核查。",
    },
]


def feedback_demo_ensure(org: Any) -> None:
    """Create the demo response templates once; leave administrators' later edits alone."""
    from .models import ResponseTemplate

    now = timezone.now()
    for spec in DEMO_TEMPLATES:
        if ResponseTemplate.objects.filter(title=spec["title"]).exists():
            continue
        category = Category.objects.filter(name=spec["category"]).first() if spec["category"] else None
        ResponseTemplate.objects.create(
            title=spec["title"], category=category, finding=spec["finding"], checked=spec["checked"],
            found=spec["found"], done=spec["done"], next_steps=spec["next_steps"], updated_at=now)
