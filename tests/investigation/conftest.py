"""Fixtures for the investigation tests: the demo organisation once per module, evidence storage and vault keys
in a temporary directory, and cases that need collective review."""

from __future__ import annotations

import base64
import os

import pytest
from django.utils import translation

from jubao.cases.models import CaseState
from jubao.protection import keys
from jubao.triage.models import CaseTriage
from tests.helpers import FAST_HASHERS, T0, fire, module_org, register  # noqa: F401  (module_org is a fixture)


@pytest.fixture(autouse=True)
def investigation_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JUBAO_VAULT_KEY_FILE = str(tmp_path / "absent" / "vault.json")
    settings.JUBAO_VAULT_KEYS = "t1:" + base64.b64encode(os.urandom(32)).decode()
    settings.JUBAO_VAULT_ACTIVE_KEY = "t1"
    settings.JUBAO_VAULT_HMAC_KEY = base64.b64encode(os.urandom(32)).decode()
    settings.JUBAO_VAULT_ALGORITHM = "aes-256-gcm"
    settings.STORAGES = {k: v for k, v in settings.STORAGES.items() if k not in ("attachments", "evidence")}
    keys.reset_cache()
    # Service messages are asserted in English (the msgids); the default language is Simplified Chinese.
    with translation.override("en"):
        yield settings
    keys.reset_cache()


@pytest.fixture
def org(module_org, db):  # noqa: F811
    return module_org


def handled_case(org, *, grade: str = "simple", state: str = CaseState.IN_PROGRESS, title: str = "路口商户长期占道经营",
                 co: tuple[str, ...] = ()):
    """A fresh case of this grade, dispatched to 城管 (and co-handling departments), then started."""
    case = register(org, now=T0, title=title)
    from tests.helpers import category

    case = fire(org, case, "accept", data={"category": category().pk, "grade": grade, "urgency": "normal"})
    case = fire(org, case, "dispatch", data={"department": "chengguan", "co_departments": list(co)})
    if state in (CaseState.IN_PROGRESS, CaseState.EXTENDED):
        case = fire(org, case, "start")
    case.refresh_from_db()
    return case


def must_review(case, reasons=("top_leader",)) -> None:
    """Mark the case as triage does for 必研 matters (about a top leader, collective assets, elections)."""
    CaseTriage.objects.update_or_create(case=case, defaults={
        "collective_review_required": True, "collective_review_reasons": list(reasons), "updated_at": T0})


# An answer in the four headed sections jubao.feedback requires.
STRUCTURED_ANSWER = (
    "一、我们核查了什么\n城管执法队员于次日到幸福路口现场核查占道经营情况，并询问了周边商户。\n\n"
    "二、核查发现\n反映的商户占道经营问题属实，货架占用人行道和盲道约十五米。\n\n"
    "三、我们做了什么\n已责令商户当日整改并清理现场，对负责人进行了批评教育。\n\n"
    "四、接下来怎么办\n后续每周巡查一次，如有反弹请再次反映，我们将依法处罚。"
)


def answered_case(org):
    """A simple case concluded and answered (the answer in the four sections the feedback app requires)."""
    from datetime import timedelta

    from tests.helpers import later

    case = handled_case(org)
    case = fire(org, case, "conclude", now=later(case, timedelta(hours=2)))
    case = fire(org, case, "answer", data={"feedback_text": STRUCTURED_ANSWER}, now=later(case, timedelta(hours=1)))
    case.refresh_from_db()
    return case
