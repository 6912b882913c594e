"""The demo loader: cases in every state, believable texts, protected identities, an intact audit chain."""

import base64
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from jubao.audit.chain import iter_breaks
from jubao.cases.models import Case, CaseState, Report
from jubao.demo.builder import DemoCaseBuilder
from jubao.demo.cases import build_demo_cases
from jubao.demo.organisation import build_demo_organisation
from jubao.demo.people import fake_id_number
from jubao.demo.plans import allocate_states
from jubao.demo.slots import fill, make_slots
from jubao.demo.texts import TEMPLATES
from jubao.demo.texts_refusals import REFUSALS
from jubao.organisation.models import Region
from jubao.protection import keys
from jubao.protection.vault import identity_reveal, validate_id_number

CJK = re.compile(r"[\u4e00-\u9fff]")
VAULT_SETTINGS = {
    "JUBAO_VAULT_KEY_FILE": "/nonexistent/jubao-test/vault.json",
    "JUBAO_VAULT_KEYS": "t1:" + base64.b64encode(b"\x11" * 32).decode(),
    "JUBAO_VAULT_ACTIVE_KEY": "t1",
    "JUBAO_VAULT_HMAC_KEY": base64.b64encode(b"\x22" * 32).decode(),
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


@pytest.fixture(autouse=True)
def vault_keys(settings):
    for name, value in VAULT_SETTINGS.items():
        setattr(settings, name, value)
    keys.reset_cache()
    yield
    keys.reset_cache()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One 40-case demo for the whole module (it takes a few seconds), rolled back at the end."""
    with django_db_blocker.unblock(), override_settings(**VAULT_SETTINGS), transaction.atomic():
        keys.reset_cache()
        org = build_demo_organisation(extra_staff=True)
        cases = build_demo_cases(org, count=40, seed=7)
        yield org, cases
        transaction.set_rollback(True)
    keys.reset_cache()


@pytest.fixture
def demo_org(demo, db):
    return demo[0]


@pytest.fixture
def demo_cases(demo, db):
    return demo[1]


# --- without the database -------------------------------------------------------------------------
@pytest.mark.parametrize("count", [17, 20, 40, 200])
def test_allocation_covers_every_state(count):
    states = allocate_states(count)
    assert len(states) == count
    assert set(states) == set(CaseState.values)
    if count >= 4 * len(CaseState.values):
        assert min(Counter(states).values()) >= 4


def test_fake_id_numbers_are_valid_and_never_real():
    from datetime import date
    from random import Random

    rng = Random(1)
    for _ in range(50):
        number = fake_id_number(rng, "990103", date(1970 + rng.randrange(30), 5, 17), rng.random() < 0.5)
        assert validate_id_number(number)
        assert number.startswith("99")


def test_every_template_fills_its_slots():
    from datetime import date
    from random import Random

    province = Region(code="990000", name="示范省", level="province", path="/990000/")
    city = Region(code="990100", name="示范市", level="city", parent=province)
    district = Region(code="990103", name="西城区", level="county", parent=city)
    town = Region(code="990103101", name="柳林镇", level="township", parent=district)
    village = Region(code="990103101201", name="柳林村", level="village", parent=town)
    slots = make_slots(Random(3), village, date(2026, 11, 20))
    assert len(TEMPLATES) >= 40
    assert len({t.key for t in TEMPLATES + REFUSALS}) == len(TEMPLATES) + len(REFUSALS)
    for template in TEMPLATES + REFUSALS:
        for text in (template.title, *template.body, template.measures, template.subject, template.redirect):
            filled = fill(text, slots)
            assert "{" not in filled and "}" not in filled, template.key
        assert 2 <= len(template.body) <= 5, template.key
        if template.leaf:
            assert template.measures and template.short, template.key


# --- with the database ------------------------------------------------------------------------------
def test_plans_are_reproducible(demo_org):
    now = timezone.now()
    first = DemoCaseBuilder(demo_org, seed=11, now=now).build_plans(40)
    second = DemoCaseBuilder(demo_org, seed=11, now=now).build_plans(40)
    assert [(p.target, p.template.key, p.channel, p.times) for p in first] == [
        (p.target, p.template.key, p.channel, p.times) for p in second]


def test_demo_cases_cover_every_state(demo_cases):
    states = Counter(Case.objects.values_list("state", flat=True))
    assert set(states) == set(CaseState.values), set(CaseState.values) - set(states)
    assert sum(states.values()) == len(demo_cases) >= 38


def test_demo_cases_happened_in_the_last_weeks_and_never_in_the_future(demo_cases):
    now = timezone.now()
    for case in demo_cases:
        assert now - timedelta(days=46) <= case.created_at <= now
        assert case.created_at <= case.state_changed_at <= now
        assert all(e.created_at <= now for e in case.events.all())


def test_demo_texts_are_chinese(demo_cases):
    reports = list(Report.objects.all())
    assert reports
    for report in reports:
        for text in (report.title, report.body):
            assert text.strip() and CJK.search(text), report.tracking_number
    for case in demo_cases:
        assert CJK.search(case.title)
        for text in (case.conclusion_text, case.feedback_text, case.redirect_notice):
            assert not text or CJK.search(text)
        if case.state in (CaseState.ANSWERED, CaseState.RATED, CaseState.CLOSED):
            assert len(case.feedback_text) >= 40


def test_real_name_reports_have_identities_and_anonymous_ones_do_not(demo_cases):
    reports = list(Report.objects.select_related("identity"))
    real = [r for r in reports if not r.is_anonymous]
    assert real, "some demo reporters give their name"
    assert len(real) < len(reports)
    for report in reports:
        if report.is_anonymous:
            assert report.identity_id is None
            assert report.reporter_pseudonym.startswith("网格员-" if report.channel == "grid_worker" else "匿名举报人-")
        else:
            assert report.identity_id is not None
            assert report.reporter_pseudonym == report.identity.pseudonym
            revealed = identity_reveal(report.identity)
            assert revealed["name"] and CJK.search(revealed["name"])
            assert validate_id_number(revealed["id_number"]) and revealed["id_number"].startswith("99")
            assert re.fullmatch(r"1[3-9]\d{9}", revealed["phone"])


def test_categories_match_competent_departments(demo_cases):
    for case in Case.objects.select_related("category", "lead_department__parent"):
        if case.state in (CaseState.ACCEPTED, CaseState.DISPATCHED, CaseState.IN_PROGRESS, CaseState.CLOSED):
            assert case.category is not None
        if case.lead_department is None:
            continue
        department = case.lead_department.parent or case.lead_department
        tops = set(department.categories.values_list("pk", flat=True))
        assert case.category is not None
        assert int(case.category.path.strip("/").split("/")[0]) in tops, (case.number, department.code)


def test_merged_cases_point_at_a_case_holding_their_reports(demo_cases):
    merged = Case.objects.filter(merged_into__isnull=False)
    assert merged.exists()
    for case in merged:
        assert case.state in (CaseState.MERGED, CaseState.ARCHIVED)
        assert not case.reports.exists()
        assert case.merged_into.reports.count() >= 2


def test_audit_chain_verifies_after_the_demo(demo_cases):
    assert list(iter_breaks()) == []


def test_lights_are_a_mix(demo_cases):
    lights = Counter(Case.objects.values_list("light", flat=True))
    assert lights["green"] and sum(lights[c] for c in ("yellow", "orange", "red")) >= 3


def test_demo_at_a_fixed_moment_in_a_public_holiday(demo_org):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    now = datetime(2026, 10, 4, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # National Day holiday, a Sunday
    cases = build_demo_cases(demo_org, count=40, seed=3, now=now)
    assert {c.state for c in cases} == set(CaseState.values)
    assert all(now - timedelta(days=46) <= c.created_at <= c.state_changed_at <= now for c in cases)
    assert list(iter_breaks()) == []
