"""Emergency matching: period, regions (with everything below them), categories (with subcategories) and cues."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jubao.accounts.actors import Actor
from jubao.organisation.models import Region
from jubao.organisation.services import region_save
from jubao.taxonomy.models import Category
from jubao.taxonomy.services import category_save
from jubao.triage.emergency import emergency_step
from jubao.triage.models import EmergencyEvent
from jubao.triage.steps import StepOutcome, TriageInput

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 6, 20, 8, 0, tzinfo=SHANGHAI)
SYSTEM = Actor.system("triage-test")


def region(code: str, name: str, level: str, parent: Region | None = None) -> Region:
    return region_save(actor=SYSTEM, region=Region(code=code, name=name, level=level, parent=parent))


def category(name: str, parent: Category | None = None) -> Category:
    return category_save(actor=SYSTEM, category=Category(name=name, parent=parent))


@pytest.fixture
def places() -> dict[str, Region]:
    province = region("880000", "测试省", "province")
    city = region("880100", "测试市", "city", province)
    county = region("880102", "东城区", "county", city)
    other = region("880200", "西江市", "city", province)
    return {"province": province, "city": city, "county": county, "other": other}


def declare(name: str = "6·20暴雨", *, cues: str = "积水\n内涝\n漏雨+危房", regions: list[Region] | None = None,
            categories: list[Category] | None = None, ends_at: datetime | None = None) -> EmergencyEvent:
    event = EmergencyEvent.objects.create(name=name, cue_words=cues, starts_at=START, ends_at=ends_at,
                                          created_at=START)
    event.regions.set(regions or [])
    event.categories.set(categories or [])
    return event


def report(body: str, region_path: str, at: datetime, **facts: object) -> TriageInput:
    return TriageInput(title="反映情况", body=body, kind_code="complaint", region_path=region_path, received_at=at,
                       **facts)  # type: ignore[arg-type]


def test_a_report_in_the_region_during_the_event_with_a_cue_matches(places: dict[str, Region]) -> None:
    event = declare(regions=[places["city"]])
    outcome = emergency_step(report("解放路下穿隧道积水过腰，有车辆被困", places["county"].path,
                                    START + timedelta(hours=3)), {})
    assert outcome.proposal == {"event": str(event.public_id), "event_name": "6·20暴雨"}
    assert any(cue.text == "积水" and cue.means == "emergency event" for cue in outcome.cues)
    assert outcome.version.startswith("events-")


def test_outside_the_region_before_the_start_or_without_a_cue_does_not_match(places: dict[str, Region]) -> None:
    declare(regions=[places["city"]])
    later = START + timedelta(hours=3)
    assert emergency_step(report("路面积水", places["other"].path, later), {}).proposal["event"] is None
    assert emergency_step(report("路面积水", places["county"].path, START - timedelta(minutes=1)),
                          {}).proposal["event"] is None
    assert emergency_step(report("路口商户占道经营", places["county"].path, later), {}).proposal["event"] is None


def test_ending_the_event_stops_matching_but_not_for_earlier_reports(places: dict[str, Region]) -> None:
    event = declare()
    event.ended_at = START + timedelta(days=1)
    event.save(update_fields=["ended_at"])
    assert emergency_step(report("小区地下车库内涝", places["county"].path, START + timedelta(days=1, hours=1)),
                          {}).proposal["event"] is None
    # A report received while the event was in force still matches when it is triaged again.
    assert emergency_step(report("小区地下车库内涝", places["county"].path, START + timedelta(hours=5)),
                          {}).proposal["event"] == str(event.public_id)


def test_the_planned_end_also_ends_it(places: dict[str, Region]) -> None:
    declare(ends_at=START + timedelta(days=2))
    assert emergency_step(report("路面积水", places["county"].path, START + timedelta(days=2)),
                          {}).proposal["event"] is None


def test_categories_include_their_subcategories_and_come_from_classification(places: dict[str, Region]) -> None:
    city_management = category("城乡建设")
    drainage = category("排水防涝", city_management)
    noise = category("噪声污染")
    event = declare(cues="", categories=[city_management])
    at = START + timedelta(hours=1)
    assert emergency_step(report("下水道堵了", places["county"].path, at, category_id=drainage.pk),
                          {}).proposal["event"] == str(event.public_id)
    assert emergency_step(report("工地夜间施工", places["county"].path, at, category_id=noise.pk),
                          {}).proposal["event"] is None
    classified = StepOutcome(step="classification", proposal={"category_id": drainage.pk}, confidence=0.9,
                             version="test")
    assert emergency_step(report("下水道堵了", places["county"].path, at),
                          {"classification": classified}).proposal["event"] == str(event.public_id)
    assert emergency_step(report("下水道堵了", places["county"].path, at), {}).proposal["event"] is None


def test_an_event_with_no_regions_categories_or_cues_catches_everything_in_its_period(
        places: dict[str, Region]) -> None:
    event = declare(name="台风“海葵”", cues="")
    outcome = emergency_step(report("路口商户占道经营", places["other"].path, START + timedelta(hours=1)), {})
    assert outcome.proposal["event"] == str(event.public_id)
    assert outcome.confidence < 0.9


def test_a_newly_declared_event_takes_effect_and_the_latest_wins(places: dict[str, Region]) -> None:
    at = START + timedelta(days=1, hours=2)
    text = report("村口山体滑坡，道路被阻断", places["county"].path, at)
    assert emergency_step(text, {}).proposal["event"] is None
    declare(name="6·20暴雨", cues="滑坡")
    newer = EmergencyEvent.objects.create(name="6·21地质灾害", cue_words="山体滑坡", starts_at=START + timedelta(days=1),
                                          created_at=START + timedelta(days=1))
    assert emergency_step(text, {}).proposal == {"event": str(newer.public_id), "event_name": "6·21地质灾害"}


def test_traditional_script_matches(places: dict[str, Region]) -> None:
    event = declare(cues="内涝")
    assert emergency_step(report("地下車庫內澇嚴重", places["county"].path, START + timedelta(hours=1)),
                          {}).proposal["event"] == str(event.public_id)
