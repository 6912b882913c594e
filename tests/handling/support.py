"""Cases for the handling tests: registered with a reported subject, and pushed to a state through the workflow."""

from __future__ import annotations

from datetime import datetime

from jubao.cases.models import Case
from jubao.cases.services import ReportInput, case_register
from jubao.demo.organisation import DemoOrganisation
from tests.helpers import EAST_VILLAGE, REPORTER, T0, actor_for, fire

SUBJECT_BODY = "东华社区路口一家烧烤店长期占道经营，油烟和噪声扰民，晚上十点后仍在营业。"


def reported_case(org: DemoOrganisation, *, subject: str = "", body: str = SUBJECT_BODY, now: datetime = T0,
                  policy_pack_code: str = "", kind: str = "complaint") -> Case:
    report = case_register(actor=actor_for(org, "clerk"), now=now, report=ReportInput(
        channel="web", kind=kind, title="路口烧烤店占道经营", body=body, region=org.regions[EAST_VILLAGE],
        reported_subject=subject, reporter_pseudonym=REPORTER.label, policy_pack_code=policy_pack_code,
    ))
    return report.case


def dispatched(org: DemoOrganisation, case: Case, *, grade: str = "simple", co: tuple[str, ...] = (),
               department: str = "chengguan", **extra) -> Case:  # type: ignore[no-untyped-def]
    from tests.helpers import category

    case = fire(org, case, "accept", data={"category": category().pk, "grade": grade, "urgency": "normal"})
    return fire(org, case, "dispatch", data={"department": department, "co_departments": list(co), **extra})


def in_progress(org: DemoOrganisation, case: Case, **kw) -> Case:  # type: ignore[no-untyped-def]
    return fire(org, dispatched(org, case, **kw), "start", who="handler")
