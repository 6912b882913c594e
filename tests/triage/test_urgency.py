"""Urgency, impact and grade from real-looking reports, with the cues that explain them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from jubao.triage.models import KeywordRule
from jubao.triage.steps import TriageInput
from jubao.triage.urgency import parse_chinese_number, parse_money, parse_people, urgency_step

pytestmark = pytest.mark.django_db
NOW = datetime(2019, 10, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def report(title: str, body: str, **facts: object) -> TriageInput:
    return TriageInput(title=title, body=body, kind_code="complaint", region_path="/430000/", received_at=NOW,
                       **facts)  # type: ignore[arg-type]


def means(outcome, meaning: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [cue.text for cue in outcome.cues if cue.means == meaning]


def test_gas_leak_is_critical() -> None:
    outcome = urgency_step(report("小区煤气泄漏", "东华社区3栋一楼煤气泄漏，味道很大，楼里还有老人，请马上派人处理！"), {})
    assert outcome.proposal["urgency"] == "critical"
    assert "煤气泄漏" in means(outcome, "life-safety")
    assert outcome.proposal["grade"] in ("complex", "major")


def test_watching_trains_is_not_a_fire() -> None:
    outcome = urgency_step(report(
        "A市公交公司的清扫令人寒心",
        "坐在车厢内，看着明晃晃的地板水，真的很心疼。看着火车站广场的水迹，相信这绝对不是一辆车这样。"), {})
    assert outcome.proposal["urgency"] == "normal"
    assert not means(outcome, "life-safety")


def test_this_afternoon_is_time_critical() -> None:
    outcome = urgency_step(report(
        "K6县到K7县路段公交车拒载",
        "K6县到K7县路段公交车在节假日旅客多时出现拒载现象，极其严重，今天下午我在岑江渡等车等了三个多小时了。"), {})
    assert outcome.proposal["urgency"] == "urgent"
    assert "今天下午" in means(outcome, "time-critical")


def test_a_routine_matter_is_normal_small_simple() -> None:
    outcome = urgency_step(report("路灯不亮", "我家门口的路灯坏了半个月，晚上走路不方便，希望修一下。"), {})
    assert outcome.proposal == {"urgency": "normal", "impact": "small", "grade": "simple", "people": None,
                                "money_yuan": None, "sensitive": False}


def test_people_and_money_are_parsed() -> None:
    assert parse_people("小区300多户居民用水困难")[0] == 900  # three people per household
    assert parse_people("几十名工人在工地讨薪")[0] == 30
    assert parse_people("全村人喝不上干净的水")[0] == 1000
    assert parse_people("千家万户")[0] is None
    assert parse_money("结果现在又要我出27000元补缴")[0] == 27000
    assert parse_money("征地补偿款3万元至今未发")[0] == 30000
    assert parse_money("该项目投资1.2亿，资金去向不明")[0] == 120_000_000
    assert parse_money("拖欠70多名农民工资近百万（包括我）")[0] == 1_000_000
    assert parse_money("占地3万平方米")[0] is None
    assert parse_chinese_number("十几") == 13
    assert parse_chinese_number("一百二十") == 120


def test_many_workers_and_millions_make_a_major_case() -> None:
    outcome = urgency_step(report(
        "A市顺阳建筑劳务公司拖欠民工工资约300万元",
        "我们是来自A8县福临门名都1#、2#、3#栋工地的民工，劳务公司拖欠以上班组工人工资约300万元，"
        "涉及几十名工人，钱等不到，生活困苦。"), {})
    assert outcome.proposal["money_yuan"] == 3_000_000
    assert outcome.proposal["people"] == 30
    assert outcome.proposal["impact"] == "large"
    assert outcome.proposal["grade"] == "major"
    assert "约300万元" in means(outcome, "money involved")
    assert "几十名工人" in means(outcome, "people affected")


def test_public_attention_and_sensitive_subjects() -> None:
    outcome = urgency_step(report("小区违建", "小区内有人私搭乱建，业主多次反映无果，准备拉横幅。", support_count=733),
                           {})
    assert outcome.proposal["impact"] == "large"
    assert means(outcome, "public attention") == ["733"]
    assert outcome.proposal["sensitive"] is True
    assert "拉横幅" in means(outcome, "sensitive subject")


def test_sensitive_and_pressing_becomes_critical() -> None:
    outcome = urgency_step(report("工资问题", "春节将近，工人明天就要去堵路，不要酿成群体性事件！"), {})
    assert outcome.proposal["urgency"] == "critical"
    assert outcome.proposal["grade"] == "major"


def test_an_added_urgency_rule_takes_effect() -> None:
    text = report("暴雨积水", "解放路下穿隧道积水过腰")
    assert urgency_step(text, {}).proposal["urgency"] == "normal"
    KeywordRule.objects.create(target="urgency", value="critical", words="积水过腰")
    assert urgency_step(text, {}).proposal["urgency"] == "critical"
