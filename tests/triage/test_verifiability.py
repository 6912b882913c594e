"""Verifiability A/B/C and the one consolidated supplement request."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from jubao.triage.steps import StepOutcome, TriageInput
from jubao.triage.verifiability import supplement_request, verifiability_step

NOW = datetime(2019, 10, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def report(title: str, body: str, **facts: object) -> TriageInput:
    return TriageInput(title=title, body=body, kind_code="complaint", region_path="/430000/", received_at=NOW,
                       **facts)  # type: ignore[arg-type]


def duplicates(**proposal: object) -> dict[str, StepOutcome]:
    full = {"suggestions": [], "auto_merge_into": None, "reporter_repeats": 0, "subject_repeats": 0, **proposal}
    return {"duplicates": StepOutcome(step="duplicates", proposal=full, confidence=0.9, version="test")}


def test_a_specific_report_with_evidence_is_class_a() -> None:
    outcome = verifiability_step(report(
        "投诉A市慈济医院无故解聘职工还拖欠工资",
        "本人于2019年7月29日通过招聘入职A市慈济医院，职位市场部带车司机。10月9日由于医院单方面原因解散市场部，"
        "已经拖欠2个月零9天工资。入职登记表和工资条都在我手上。"), {})
    assert outcome.proposal == {"class": "A", "missing": [], "supplement_request": ""}
    assert {cue.means for cue in outcome.cues} >= {"named subject", "time given", "evidence"}
    assert outcome.needs_human is False


def test_form_facts_count_as_essentials() -> None:
    outcome = verifiability_step(report("占道经营", "商户长期占道经营，影响通行。", reported_subject="东华路鲜果店",
                                        address="东华路12号", occurred_on=date(2019, 10, 1), attachment_count=2),
                                 {})
    assert outcome.proposal["class"] == "A"
    assert outcome.proposal["missing"] == []


def test_a_vague_report_is_class_c_with_one_consolidated_request() -> None:
    outcome = verifiability_step(report("有人乱收费", "听说有人乱收费，希望有关部门管一管。"), {})
    assert outcome.proposal["class"] == "C"
    assert outcome.proposal["missing"] == ["subject", "time", "place", "evidence"]
    request = outcome.proposal["supplement_request"]
    assert request.startswith("为便于核查，请补充：1. 被反映人或单位的名称")
    assert "2. 事情发生的时间" in request and "3. 具体地点" in request and "4. 相关证据材料" in request
    assert request.endswith("。") and request.count("请补充") == 1
    # Nothing checkable and nothing recurring: a person decides what to do with it.
    assert outcome.needs_human is True


def test_a_vague_but_recurring_report_is_class_b() -> None:
    text = report("有人乱收费", "听说有人乱收费，希望有关部门管一管。")
    outcome = verifiability_step(text, duplicates(
        suggestions=[{"case": "2019-000123", "report": "J123", "score": 0.91, "reasons": ["similar text"]}],
        subject_repeats=2))
    assert outcome.proposal["class"] == "B"
    assert outcome.needs_human is False
    assert any(cue.means == "similar reports" for cue in outcome.cues)


def test_only_missing_items_are_asked_for() -> None:
    outcome = verifiability_step(report(
        "西地省山千制药机械股份有限公司拖欠工资",
        "西地省山千制药机械股份有限公司拖欠工人的工资近半年，还没有给员工购买医疗、养老保险。"), {})
    assert outcome.proposal["missing"] == ["time", "place", "evidence"]
    assert outcome.proposal["supplement_request"].startswith("为便于核查，请补充：1. 事情发生的时间；2. 具体地点")


def test_a_matter_long_ago_is_one_class_lower() -> None:
    outcome = verifiability_step(report(
        "举报原东华村会计",
        "2008年3月，东华村会计张某某在东华村村委会挪用修路款，当时的收据复印件我还保存着。"), {})
    assert outcome.proposal["class"] == "B"
    assert any(cue.means == "long ago" for cue in outcome.cues)


def test_supplement_request_numbers_items_in_order() -> None:
    assert supplement_request([]) == ""
    assert supplement_request(["place", "evidence"]) == (
        "为便于核查，请补充：1. 具体地点（详细到街道、小区、村组或门牌号）；"
        "2. 相关证据材料（照片、视频、票据、合同、聊天记录等）。")
