"""The keyword-rule engine: cue syntax, normalisation, policy packs, edits taking effect, speed."""

from __future__ import annotations

import time

import pytest

from jubao.deadlines.models import PolicyPack
from jubao.triage.cues import invalidate_rules, match_rules, normalise, rules_version
from jubao.triage.default_rules import DEFAULT_RULES, keyword_rules_ensure_defaults
from jubao.triage.models import KeywordRule

pytestmark = pytest.mark.django_db


def test_defaults_are_seeded_for_every_rule_target() -> None:
    targets = set(KeywordRule.objects.values_list("target", flat=True))
    assert {"scope", "urgency", "impact", "sensitive", "collective_review"} <= targets
    # Seeding again changes nothing: targets that have rules are left as the administrator left them.
    assert keyword_rules_ensure_defaults() == 0


def test_seeding_fills_an_empty_target_only() -> None:
    KeywordRule.objects.filter(target="impact").delete()
    KeywordRule.objects.filter(target="scope", value="enquiry").update(words="只此一条")
    created = keyword_rules_ensure_defaults()
    assert created == sum(1 for rule in DEFAULT_RULES if rule.target == "impact")
    assert KeywordRule.objects.get(target="scope", value="enquiry", policy_pack=None).words == "只此一条"


def test_normalise_folds_traditional_and_full_width() -> None:
    assert normalise("舉報ＡＢＣ２７０００元") == "举报abc27000元"


def test_plus_needs_every_part_and_bang_excludes() -> None:
    KeywordRule.objects.create(target="collective_review", value="test_both", words="村干部+集体资金")
    KeywordRule.objects.create(target="urgency", value="test_fire", words="着火+!着火车")
    both = [h for h in match_rules("collective_review", "村干部私自挪用集体资金") if h.value == "test_both"]
    assert both and both[0].cue == "村干部+集体资金"
    assert not [h for h in match_rules("collective_review", "村干部不作为") if h.value == "test_both"]
    assert [h for h in match_rules("urgency", "楼下餐馆着火了") if h.value == "test_fire"]
    # "看着火车站" is not a fire.
    assert not [h for h in match_rules("urgency", "每天看着火车站广场的水迹") if h.value == "test_fire"]


def test_traditional_text_matches_simplified_cues() -> None:
    hits = match_rules("scope", "本人已經起訴至法院，法院已受理")
    assert any(hit.value == "litigation" for hit in hits)


def test_policy_pack_rules_come_first_and_other_packs_are_skipped() -> None:
    text = "此事法院判决已经生效，对方拒不履行"
    general = match_rules("scope", text)
    assert general and all(hit.policy_pack_code == "" for hit in general)
    if not PolicyPack.objects.filter(code="jijian-2020").exists():
        pytest.skip("policy packs not seeded")
    packed = match_rules("scope", text, policy_pack_code="jijian-2020")
    assert packed[0].policy_pack_code == "jijian-2020"
    assert "纪检监察机关" in packed[0].notice


def test_rule_edits_take_effect_and_change_the_version() -> None:
    text = "小区门口的共享单车乱停乱放"
    before = rules_version()
    assert not match_rules("impact", text)
    rule = KeywordRule.objects.create(target="impact", value="medium", words="共享单车")
    assert [hit.rule_id for hit in match_rules("impact", text)] == [rule.pk]
    assert rules_version() != before
    rule.is_active = False
    rule.save()
    assert not match_rules("impact", text)


def test_a_few_hundred_rules_match_a_long_text_fast(settings) -> None:  # type: ignore[no-untyped-def]
    settings.JUBAO_CONFIG_CACHE_SECONDS = 60  # a deployment's cached snapshot, not a reload per call
    KeywordRule.objects.bulk_create(
        KeywordRule(target="category", value=str(i), words=f"词语{i}号\n第{i}条+规则{i}\n测试{i}+!排除{i}")
        for i in range(300))
    body = ("2019年4月以来，位于A市A2区桂花坪街道的公安分局宿舍区出现了一番乱象，该小区的物业公司扬言要退出小区，"
            "因为小区水电改造造成物业公司的高昂水电费收取不了，所以要通过征收小区停车费增加收入。") * 8
    invalidate_rules()
    match_rules("category", body)  # load the snapshot
    runs = 200
    started = time.perf_counter()
    for i in range(runs):
        match_rules("category", f"{i}{body[:1000]}")
    per_call_ms = (time.perf_counter() - started) * 1000 / runs
    # Includes normalising a fresh 1,000-character text every call; the budget is 1 ms on an idle core.
    print(f"{per_call_ms:.3f} ms per call")
    assert per_call_ms < 1.5, per_call_ms
