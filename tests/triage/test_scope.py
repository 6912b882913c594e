"""Scope filter with real reports (excerpts from the TipDM 2020 message-board set): it proposes, never refuses."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from jubao.deadlines.models import PolicyPack
from jubao.triage.models import KeywordRule
from jubao.triage.scope import scope_step
from jubao.triage.steps import TriageInput

pytestmark = pytest.mark.django_db
NOW = datetime(2020, 1, 8, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def report(title: str, body: str, **facts: object) -> TriageInput:
    return TriageInput(title=title, body=body, kind_code="complaint", region_path="/430000/", received_at=NOW,
                       **facts)  # type: ignore[arg-type]


def test_wage_arrears_is_a_labour_dispute_with_the_arbitration_notice() -> None:
    outcome = scope_step(report(
        "西地省峰天测绘服务有限公司拖欠我两个月工资",
        "西地省峰天测绘服务有限公司拖欠工资，目前已拖欠我两个月（8、9月）工资、车费报销和奖金。每次去询问公司人事，"
        "得到的回复都是一拖再拖，每次说好的都没发。劳动局也去了。老板态度一直很恶劣。"), {})
    assert outcome.proposal["in_scope"] is False
    assert outcome.proposal["refusal_reason"] == "labour_dispute"
    assert "劳动人事争议仲裁委员会" in outcome.proposal["redirect_notice"]
    assert outcome.needs_human is True
    assert any(cue.text == "拖欠+工资" and cue.means == "labour dispute" for cue in outcome.cues)
    assert outcome.version.startswith("rules-")


def test_a_matter_already_before_the_court_is_litigation() -> None:
    outcome = scope_step(report(
        "开发商拖延交房",
        "我们已起诉至A市A6区人民法院，法院已受理，但开发商至今拒不出庭，恳请领导过问。"), {})
    assert outcome.proposal["refusal_reason"] == "litigation"
    assert "人民法院" in outcome.proposal["redirect_notice"]
    assert outcome.needs_human and outcome.confidence >= 0.7


def test_the_policy_packs_own_wording_wins() -> None:
    if not PolicyPack.objects.filter(code="xinfang-2022").exists():
        pytest.skip("policy packs not seeded")
    outcome = scope_step(report("不服判决", "此案法院判决已经生效，本人不服判决，要求重新处理。",
                                policy_pack_code="xinfang-2022"), {})
    assert outcome.proposal["refusal_reason"] == "litigation"
    assert "信访工作条例" in outcome.proposal["redirect_notice"]


def test_a_policy_question_is_an_enquiry() -> None:
    outcome = scope_step(report(
        "咨询A市产假的相关政策",
        "请问现在二胎产假政策是怎样的，158天是否包含法定节假日，难产增加15天怎么定义？剖宫产算难产吗？"), {})
    assert outcome.proposal["refusal_reason"] == "enquiry"
    assert "12345" in outcome.proposal["redirect_notice"]
    assert outcome.needs_human


def test_a_question_about_a_real_grievance_stays_in_scope() -> None:
    outcome = scope_step(report(
        "请问强制封闭煤球厂合理吗",
        "有关部门把煤球厂强制封闭，不许制作煤球，冬天来了，老百姓取暖怎么办？相关部门推诿，没人管。"), {})
    assert outcome.proposal["in_scope"] is True


def test_a_pollution_complaint_stays_in_scope() -> None:
    outcome = scope_step(report(
        "A7县某化工厂夜间偷排废水",
        "A7县榔梨街道某化工厂每天夜里通过暗管向浏阳河偷排废水，河水发黑发臭，鱼大量死亡，"
        "附近居民苦不堪言，请环保部门尽快查处。"), {})
    assert outcome.proposal == {"in_scope": True, "refusal_reason": "", "redirect_notice": ""}
    assert outcome.needs_human is False
    assert outcome.confidence >= 0.85


def test_civil_dispute_and_privacy_and_state_secret() -> None:
    civil = scope_step(report("邻居借钱不还", "邻居去年向我借了五万元，打了借条，现在借钱不还，还躲着不见。"), {})
    assert civil.proposal["refusal_reason"] == "civil_dispute"
    assert "人民调解" in civil.proposal["redirect_notice"]
    privacy = scope_step(report("曝光隔壁的婚外情", "我要曝光隔壁老王的婚外情，把他的私生活公之于众。"), {})
    assert privacy.proposal["refusal_reason"] == "privacy"
    secret = scope_step(report("反映情况", "我手上有单位的涉密文件，可以证明国家秘密被泄露。"), {})
    assert secret.proposal["refusal_reason"] == "state_secret"


def test_traditional_script_is_read_the_same() -> None:
    outcome = scope_step(report("公司拖欠工資", "公司拖欠我三個月工資，還無故辭退，不支付經濟補償金。"), {})
    assert outcome.proposal["refusal_reason"] == "labour_dispute"


def test_an_administrator_rule_edit_takes_effect_at_once() -> None:
    text = report("楼上装修", "楼上住户违规装修拆除承重墙")
    assert scope_step(text, {}).proposal["in_scope"] is True
    KeywordRule.objects.create(target="scope", value="out_of_remit", words="承重墙", weight=1.5,
                               notice="请向住房和城乡建设部门反映。")
    outcome = scope_step(text, {})
    assert outcome.proposal == {"in_scope": False, "refusal_reason": "out_of_remit",
                                "redirect_notice": "请向住房和城乡建设部门反映。"}
