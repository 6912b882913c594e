"""The demo hooks: a signed review before the demo concludes a major case, and an idempotent record."""

from __future__ import annotations

from datetime import timedelta

from jubao.cases.models import CaseState
from jubao.investigation.demo import collective_review_demo_sign, investigation_demo_ensure
from jubao.investigation.models import CaseOwnership, CollectiveReview, EvidenceItem, InvestigationNote, SiteVisit
from tests.helpers import fire, later

from .conftest import handled_case


def test_the_demo_signs_a_review_before_concluding_a_major_case(org):
    case = handled_case(org, grade="major")
    when = later(case, timedelta(days=2))
    collective_review_demo_sign(org, case.number, at=when)
    collective_review_demo_sign(org, case.number, at=when)
    assert CollectiveReview.objects.filter(case=case, completed_at__isnull=False).count() == 1
    assert fire(org, case, "conclude", who="head", now=when).state == CaseState.CONCLUDED
    simple = handled_case(org)
    collective_review_demo_sign(org, simple.number, at=when)
    assert not CollectiveReview.objects.filter(case=simple).exists()


def test_the_demo_record_is_added_once(org):
    cases = [handled_case(org) for _ in range(2)]
    investigation_demo_ensure(org)
    investigation_demo_ensure(org)
    for case in cases:
        assert InvestigationNote.objects.filter(case=case).count() == 1
        assert SiteVisit.objects.filter(case=case).count() == 1
        assert EvidenceItem.objects.filter(case=case).count() == 1
    assert CaseOwnership.objects.filter(case__in=cases).count() == 1


def test_the_demo_finds_three_participants_even_without_a_department_head(org):
    from tests.helpers import WEST_VILLAGE, category, register

    case = register(org, region=WEST_VILLAGE, title="反映西湖社区主任挪用集体资金")
    case = fire(org, case, "accept", data={"category": category().pk, "grade": "major", "urgency": "normal"})
    case = fire(org, case, "dispatch", data={"department": "xc-chengguan"})  # a district office with no staff
    collective_review_demo_sign(org, case.number, at=later(case, timedelta(days=1)))
    review = CollectiveReview.objects.get(case=case)
    assert review.is_complete and review.participants.count() >= 3
