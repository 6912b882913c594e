"""Duplicates and repeats: near-duplicate text, same reporter (keyed hash), same subject, windows, merges."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jubao.cases.models import Case, CaseState, Report
from jubao.cases.services import ReportInput, case_register
from jubao.duplicates.models import IndexKey, ReportSignature
from jubao.duplicates.selectors import duplicates_lookup
from jubao.duplicates.services import duplicates_forget, duplicates_index
from jubao.duplicates.signature import BANDS, normalise, normalise_subject
from jubao.duplicates.step import duplicates_step
from jubao.triage.steps import TriageInput
from tests.helpers import EAST_VILLAGE, T0, WEST_VILLAGE, actor_for, fire

pytestmark = pytest.mark.django_db

PHONE_KEY = "5f2c0a6e0d7f4b4c9a1e3d2b7c6f8a9e0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
OTHER_KEY = "0000aaaa1111bbbb2222cccc3333dddd4444eeee5555ffff6666777788889999"

NOISE = (
    "我家住在东华社区花园小区三号楼，小区南门外的空地上最近两个月一直有人在夜间倾倒建筑垃圾和生活垃圾，"
    "堆得有一人多高，夏天气味很大，还招来很多老鼠和蚊虫。我们多次向物业反映，物业说不归他们管；"
    "打电话给社区，社区说会协调，但一直没有人来清理。希望有关部门尽快派人清运垃圾，查清是谁在倾倒。"
)
NOISE_TITLE = "花园小区南门外建筑垃圾无人清运"
# Same place, same broad topic (a residential estate), a different matter.
PARKING = (
    "东华社区花园小区的地下车库从去年开始只租不售，物业每个月把车位租金从三百元涨到六百元，"
    "还要求业主一次性交齐一年的费用，否则不让车辆进入小区。业主委员会多次和物业协商没有结果，"
    "请问物业这样涨价是否合法，价格主管部门能否出面调查。"
)
PARKING_TITLE = "花园小区物业车位租金涨价不合理"


def _report(org, *, title: str, body: str, now: datetime = T0, region: str = EAST_VILLAGE,  # type: ignore[no-untyped-def]
            subject: str = "", address: str = "") -> Report:
    return case_register(
        actor=actor_for(org, "clerk"),
        report=ReportInput(channel="web", kind="complaint", title=title, body=body, region=org.regions[region],
                           reported_subject=subject, address=address, reporter_pseudonym="匿名举报人"),
        now=now,
    )


def _input(report: Report, *, keys: tuple[str, ...] = (), title: str | None = None, body: str | None = None,
           indexed: bool = True) -> TriageInput:
    report.refresh_from_db()
    inp = TriageInput(
        title=report.title if title is None else title, body=report.body if body is None else body,
        kind_code=str(report.kind_id), region_path=report.region.path, received_at=report.created_at,
        report_id=report.pk, case_id=report.case_id, address=report.address,
        reported_subject=report.reported_subject, reporter_keys=keys,
    )
    if indexed:
        duplicates_index(inp)
    return inp


def _query(org, *, title: str, body: str, now: datetime, keys: tuple[str, ...] = (),  # type: ignore[no-untyped-def]
           region: str = EAST_VILLAGE, subject: str = "", index_first: bool = False) -> TriageInput:
    report = _report(org, title=title, body=body, now=now, region=region, subject=subject)
    return _input(report, keys=keys, indexed=index_first)


def _suggested(inp: TriageInput) -> dict[str, dict]:
    outcome = duplicates_step(inp, {})
    return {s["case"]: s for s in outcome.proposal["suggestions"]}


@pytest.fixture
def original(module_org):  # type: ignore[no-untyped-def]
    return _input(_report(module_org, title=NOISE_TITLE, body=NOISE), keys=(PHONE_KEY,))


@pytest.fixture
def original_case(original) -> Case:  # type: ignore[no-untyped-def]
    return Case.objects.get(pk=original.case_id)


def test_normalise_drops_script_width_punctuation_and_particles() -> None:
    assert normalise("垃圾無人清運！！ＡＢＣ１２３，") == normalise("垃圾无人清运abc123") == "垃圾无人清运abc123"
    assert normalise("物业不管了。") == normalise("物业不管") == "物业不管"
    assert normalise_subject("花园物業管理有限公司") == normalise_subject("花园物业管理") == "花园物业管理"


@pytest.mark.parametrize("how, title, body", [
    ("reworded", "花园小区南门外建筑垃圾长期无人清运",
     "您好！我家住在东华社区花园小区三号楼，小区南门外的空地上最近两个月始终有人在夜间倾倒建筑垃圾和生活垃圾，"
     "堆得有一人多高，夏天气味很大，还招来很多老鼠和蚊虫。打电话给社区，社区说会协调，但一直没有人来清理。"
     "我们好几次向物业反应，物业说不归他们管；恳请有关部门尽早派人清运垃圾，查清是谁在倾倒。谢谢！"),
    ("punctuation", NOISE_TITLE, NOISE.replace("，", " ").replace("。", "!!").replace("；", ", ")),
    ("traditional", "花園小區南門外建築垃圾無人清運",
     "我家住在東華社區花園小區三號樓，小區南門外的空地上最近兩個月一直有人在夜間傾倒建築垃圾和生活垃圾，"
     "堆得有一人多高，夏天氣味很大，還招來很多老鼠和蚊蟲。我們多次向物業反映，物業說不歸他們管；"
     "打電話給社區，社區說會協調，但一直沒有人來清理。希望有關部門盡快派人清運垃圾，查清是誰在傾倒。"),
    ("truncated", NOISE_TITLE, NOISE[: int(len(NOISE) * 0.55)]),
])
def test_near_duplicates_are_suggested(module_org, original_case, how, title, body) -> None:  # type: ignore[no-untyped-def]
    inp = _query(module_org, title=title, body=body, now=T0 + timedelta(days=3))
    suggestions = _suggested(inp)
    assert original_case.number in suggestions, how
    suggestion = suggestions[original_case.number]
    assert suggestion["score"] >= 0.5
    assert "same place" in suggestion["reasons"]
    assert suggestion["report"] == Report.objects.get(case=original_case).tracking_number


def test_exact_copy_in_other_script_is_merged_automatically(module_org, original_case) -> None:  # type: ignore[no-untyped-def]
    inp = _query(module_org, title="花園小區南門外建築垃圾無人清運", body=NOISE.replace("，", ","),
                 now=T0 + timedelta(days=1))
    outcome = duplicates_step(inp, {})
    assert outcome.proposal["auto_merge_into"] == original_case.number
    assert outcome.proposal["suggestions"][0]["reasons"][0] == "near-identical text"
    assert outcome.needs_human is False
    assert outcome.version == "minhash-v1"
    assert {c.means for c in outcome.cues} >= {"near-identical text", "same place"}


def test_truncation_is_suggested_but_not_merged_automatically(module_org, original_case) -> None:  # type: ignore[no-untyped-def]
    inp = _query(module_org, title=NOISE_TITLE, body=NOISE[: int(len(NOISE) * 0.6)], now=T0 + timedelta(days=2))
    outcome = duplicates_step(inp, {})
    assert outcome.proposal["suggestions"][0]["case"] == original_case.number
    assert "one text contains the other" in outcome.proposal["suggestions"][0]["reasons"]
    assert outcome.proposal["auto_merge_into"] is None
    assert outcome.needs_human is True


def test_unrelated_message_about_the_same_place_is_not_suggested(module_org, original) -> None:  # type: ignore[no-untyped-def]
    inp = _query(module_org, title=PARKING_TITLE, body=PARKING, now=T0 + timedelta(days=2))
    outcome = duplicates_step(inp, {})
    assert outcome.proposal["suggestions"] == []
    assert outcome.confidence == 1.0
    assert outcome.needs_human is False


def test_never_finds_itself_indexed_or_not(module_org, original) -> None:  # type: ignore[no-untyped-def]
    report = Report.objects.get(pk=original.report_id)
    assert _suggested(_input(report, indexed=True)) == {}
    duplicates_forget(report.pk)
    assert _suggested(_input(report, indexed=False)) == {}


def test_same_reporter_counted_through_keyed_hash(module_org, original_case) -> None:  # type: ignore[no-untyped-def]
    inp = _query(module_org, title=PARKING_TITLE, body=PARKING, now=T0 + timedelta(days=20), keys=(PHONE_KEY,))
    outcome = duplicates_step(inp, {})
    assert outcome.proposal["reporter_repeats"] == 1
    assert outcome.proposal["suggestions"] == []  # same reporter, different matter: a repeat, not a duplicate
    other = _query(module_org, title=PARKING_TITLE, body=PARKING, now=T0 + timedelta(days=21), keys=(OTHER_KEY,))
    assert duplicates_step(other, {}).proposal["reporter_repeats"] == 0
    # The keyed hash never reaches the index itself, only a key derived from it.
    stored = ReportSignature.objects.get(report_id=original_case.reports.get().pk)
    assert PHONE_KEY.encode() not in bytes(stored.reporter_keys)


def test_same_reporter_is_a_reason_for_a_duplicate(module_org, original_case) -> None:  # type: ignore[no-untyped-def]
    inp = _query(module_org, title=NOISE_TITLE, body=NOISE[:90] + "请有关部门尽快处理。", keys=(PHONE_KEY,),
                 now=T0 + timedelta(days=5))
    assert "same reporter" in _suggested(inp)[original_case.number]["reasons"]


def test_same_subject_counted_and_given_as_reason(module_org) -> None:  # type: ignore[no-untyped-def]
    first = _input(_report(module_org, title="美顺物业乱收停车费", subject="A市美顺物业管理有限公司",
                           now=T0 + timedelta(days=50),
                           body="美顺物业在景蓉华苑小区内乱收停车费，每月每车收取三百元，没有任何收费依据和公示。"))
    _input(_report(module_org, title="美顺物业不作为", subject="A市美顺物業管理公司", now=T0 + timedelta(days=100),
                   body="小区电梯坏了一个月，美顺物业一直不修，老人只能爬楼梯，请有关部门督促。"))
    inp = _query(module_org, title="美顺物业收停车费没有依据", subject="Ａ市美顺物业管理有限公司",
                 body="美顺物业在景蓉华苑小区内乱收停车费，每月每车收三百元，没有任何收费依据也没有公示。",
                 now=T0 + timedelta(days=120))
    outcome = duplicates_step(inp, {})
    assert outcome.proposal["subject_repeats"] == 2
    number = Case.objects.get(pk=first.case_id).number
    assert "same subject" in _suggested(inp)[number]["reasons"]


def test_windows_are_respected(module_org, original_case, settings) -> None:  # type: ignore[no-untyped-def]
    late = T0 + timedelta(days=91)
    inp = _query(module_org, title=NOISE_TITLE, body=NOISE, now=late, keys=(PHONE_KEY,))
    outcome = duplicates_step(inp, {})
    assert outcome.proposal["suggestions"] == []  # outside the 90-day duplicate window
    assert outcome.proposal["reporter_repeats"] == 1  # inside the 365-day repeat window
    settings.JUBAO_DUPLICATE_WINDOW_DAYS = 120
    settings.JUBAO_REPEAT_WINDOW_DAYS = 30
    outcome = duplicates_step(inp, {})
    assert [s["case"] for s in outcome.proposal["suggestions"]] == [original_case.number]
    assert outcome.proposal["reporter_repeats"] == 0


def test_merged_case_points_to_the_case_it_was_merged_into(module_org, original_case) -> None:  # type: ignore[no-untyped-def]
    target = _report(module_org, title="南门外垃圾堆", body="南门外垃圾堆放，气味很大。", now=T0 - timedelta(hours=2)).case
    fire(module_org, original_case, "merge", data={"target": target.number}, now=T0 + timedelta(hours=1))
    assert Case.objects.get(pk=original_case.pk).state == CaseState.MERGED
    inp = _query(module_org, title=NOISE_TITLE, body=NOISE, now=T0 + timedelta(days=1))
    suggestions = _suggested(inp)
    assert list(suggestions) == [target.number]
    # Its own case is never proposed: a second report on the target case finds nothing to merge with.
    same_case = TriageInput(title=NOISE_TITLE, body=NOISE, kind_code="complaint", region_path=inp.region_path,
                            received_at=inp.received_at, case_id=target.pk)
    assert duplicates_step(same_case, {}).proposal["suggestions"] == []


def test_merged_case_with_stale_reports_is_followed(module_org, original_case) -> None:  # type: ignore[no-untyped-def]
    # Reports normally move with a merge; a case marked merged that still holds them is followed too.
    target = _report(module_org, title="南门外垃圾堆", body="南门外垃圾堆放。", now=T0 - timedelta(hours=2)).case
    Case.objects.filter(pk=original_case.pk).update(state=CaseState.MERGED, merged_into=target)
    inp = _query(module_org, title=NOISE_TITLE, body=NOISE, now=T0 + timedelta(days=1))
    assert list(_suggested(inp)) == [target.number]


def test_reindex_is_idempotent(module_org, original) -> None:  # type: ignore[no-untyped-def]
    report_id = original.report_id
    keys_before = set(IndexKey.objects.filter(report_id=report_id).values_list("band_key", "day"))
    assert len(keys_before) == BANDS + 1  # text bands and one reporter key
    duplicates_index(original)
    duplicates_index(original)
    assert set(IndexKey.objects.filter(report_id=report_id).values_list("band_key", "day")) == keys_before
    assert ReportSignature.objects.filter(report_id=report_id).count() == 1
    edited = TriageInput(**{**original.__dict__, "body": PARKING, "reporter_keys": ()})
    duplicates_index(edited)
    keys_after = set(IndexKey.objects.filter(report_id=report_id).values_list("band_key", "day"))
    assert len(keys_after) == BANDS and not keys_after & keys_before
    duplicates_forget(report_id)
    assert not IndexKey.objects.filter(report_id=report_id).exists()
    assert not ReportSignature.objects.filter(report_id=report_id).exists()


def test_reindex_command(module_org, original, capsys) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    IndexKey.objects.all().delete()
    ReportSignature.objects.all().delete()
    call_command("reindex_duplicates", "--batch", "2")
    assert ReportSignature.objects.filter(report_id=original.report_id).exists()
    assert "resume with --after" in capsys.readouterr().out
    call_command("reindex_duplicates", "--missing-only")
    assert ReportSignature.objects.count() == Report.objects.count()


def test_lookup_is_three_queries(module_org, original_case) -> None:  # type: ignore[no-untyped-def]
    for day in range(1, 6):
        _query(module_org, title=NOISE_TITLE, body=NOISE[: 60 + day * 10], now=T0 + timedelta(days=day),
               subject="花园小区物业", keys=(PHONE_KEY,), index_first=True, region=WEST_VILLAGE)
    inp = _query(module_org, title=NOISE_TITLE, body=NOISE, now=T0 + timedelta(days=7), subject="花园小区物业",
                 keys=(PHONE_KEY,), index_first=True)
    with CaptureQueriesContext(connection) as queries:
        lookup = duplicates_lookup(inp)
    assert len(queries) == 3  # band keys, repeat counts, candidates joined to report and case
    assert lookup.reporter_repeats == 6 and lookup.subject_repeats == 5
    assert len(lookup.suggestions) == 5 and lookup.suggestions[0].case == original_case.number
