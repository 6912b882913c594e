"""Mandatory collective review (必研): top leader, collective assets (三资), elections."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from jubao.triage.collective import collective_review_step, strip_salutations
from jubao.triage.models import KeywordRule
from jubao.triage.steps import TriageInput

pytestmark = pytest.mark.django_db
NOW = datetime(2019, 10, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def report(title: str, body: str) -> TriageInput:
    return TriageInput(title=title, body=body, kind_code="accusation", region_path="/430000/", received_at=NOW)


def test_village_secretary_and_collective_funds() -> None:
    outcome = collective_review_step(report(
        "举报村支书侵占集体资金",
        "A6区白沙洲街道腾飞村村支书在集体土地征收资金分配中，将村民的集体资金肆意发放，其中某些干部是否有权钱谋私？"),
        {})
    assert outcome.proposal == {"required": True, "reasons": ["top_leader", "collective_assets"]}
    texts = {cue.text for cue in outcome.cues}
    assert {"村支书", "集体资金"} <= texts
    assert outcome.version.startswith("rules-")


def test_elections() -> None:
    outcome = collective_review_step(report(
        "村委会换届选举存在贿选", "本村村委会换届选举中，候选人挨家挨户拉票，每张选票给200元。"), {})
    assert outcome.proposal == {"required": True, "reasons": ["election"]}


def test_a_letter_addressed_to_a_leader_is_not_about_one() -> None:
    outcome = collective_review_step(report(
        "A市住房公积金政策毫无执行力",
        "尊敬的李书记：您好！在此我想请问书记，政府出台的政策初心是好，但缺乏执行力。局长您好，恳请关注。"), {})
    assert outcome.proposal == {"required": False, "reasons": []}
    assert "书记" not in strip_salutations("尊敬的李书记：您好！")


def test_a_leader_named_after_a_salutation_still_counts() -> None:
    outcome = collective_review_step(report("反映问题", "书记您好！我们镇的镇长长期不在岗，还收受老板的红包。"), {})
    assert outcome.proposal["reasons"] == ["top_leader"]


def test_ordinary_reports_need_no_collective_review() -> None:
    outcome = collective_review_step(report("路灯不亮", "我家门口的路灯坏了半个月，晚上走路不方便。"), {})
    assert outcome.proposal == {"required": False, "reasons": []}


def test_rule_edits_take_effect() -> None:
    text = report("反映合作社问题", "合作社理事长私分分红")
    assert collective_review_step(text, {}).proposal["required"] is False
    KeywordRule.objects.create(target="collective_review", value="collective_assets", words="合作社+分红")
    assert collective_review_step(text, {}).proposal == {"required": True, "reasons": ["collective_assets"]}
