"""Shared pieces for the feedback tests: real-name and anonymous reports driven to "concluded", answers in
plain Chinese, and the follow-up sample seed that picks a given report."""

from __future__ import annotations

from typing import Any

from django.test import Client

from jubao.cases.models import Case, CaseState
from jubao.demo.organisation import DemoOrganisation
from jubao.feedback.sampling import in_sample
from jubao.feedback.sections import compose
from jubao.intake.services import Submission, report_submit
from tests.helpers import EAST_VILLAGE, PATHS, T0, fire, register

TITLE = "东华社区南门路口商户长期占道经营"
BODY = "东华社区南门路口两家水果店把货架摆到人行道上，行人只能走机动车道，老人孩子很危险，已经持续一个多月。"
REPORTER_NAME = "王建国"
REPORTER_PHONE = "13812345678"

SECTIONS = {
    "checked": "3月3日上午，城管执法中队两名队员到东华社区南门路口实地查看，并调取了近一个月的巡查记录。",
    "found": "路口东侧两家水果店长期将货架摆放到人行道上，占道约十二平方米，您反映的情况属实。",
    "done": "已当场责令两家商户收回货架、清理杂物，并对其中屡教不改的一家依法给予警告。",
    "next_steps": "城管中队把该路口列入每周巡查点，连续巡查三个月；如再出现占道经营，请再次反映。",
}
COMPOSED = compose(SECTIONS)


def submit(org: DemoOrganisation, *, real_name: bool, contact: str = "sms") -> Case:
    """A report from the public portal: real-name into the vault, or anonymous with a secret receipt."""
    person: dict[str, Any] = ({"name": REPORTER_NAME, "id_number": "11010519491231002X", "phone": REPORTER_PHONE,
                               "acknowledged_notice": True} if real_name else {})
    result = report_submit(now=T0, submission=Submission(
        kind="complaint", title=TITLE, body=BODY, region=org.regions[EAST_VILLAGE], contact_preference=contact,
        real_name=real_name, **person))
    return result.report.case


def drive_to(org: DemoOrganisation, case: Case, state: str = CaseState.CONCLUDED) -> Case:
    for step in PATHS[state]:
        case = fire(org, case, step, data={"feedback_text": COMPOSED} if step == "answer" else None)
    case.refresh_from_db()
    return case


def concluded(org: DemoOrganisation, *, real_name: bool = False, receipt: bool = False, contact: str = "sms") -> Case:
    """A concluded case: real-name, anonymous with a receipt (reachable), or registered by a clerk (no receipt)."""
    case = submit(org, real_name=real_name, contact=contact) if (real_name or receipt) else register(org)
    return drive_to(org, case)


def answered(org: DemoOrganisation, **kw: Any) -> Case:
    case = concluded(org, **kw)
    return fire(org, case, "answer", data={"feedback_text": COMPOSED})


def seed_selecting(tracking_number: str, *, selected: bool = True) -> str:
    """A follow-up sample seed under which this report is (or is not) in the 10 % sample."""
    for n in range(1000):
        seed = f"测试种子-{n}"
        if in_sample(tracking_number, seed=seed) == selected:
            return seed
    raise AssertionError("no seed found")


def staff(org: DemoOrganisation, who: str) -> Client:
    client = Client()
    client.force_login(org.users[who])
    return client
