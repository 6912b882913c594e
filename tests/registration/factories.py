"""Building registrations for the tests: a hotline call, a letter, a visit, and the blind re-entry."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from jubao.registration.models import Registration
from jubao.registration.services import CheckData, EntryData, registration_check, registration_enter
from tests.helpers import EAST_VILLAGE, T0, WEST_VILLAGE

CALLER_NAME = "李秀英"
CALLER_PHONE = "13912345678"
CALLER_ID_NUMBER = "11010519491231002X"
SENDER_ADDRESS = "示范市东城区解放路 88 号 3 单元 402 室"
TITLE = "东华社区路口商户长期占道经营"
SUBJECT = "东华社区某水果店"
OCCURRED = date(2026, 2, 27)

__all__ = ["EAST_VILLAGE", "T0", "WEST_VILLAGE"]


def hotline_entry(org, **overrides: Any) -> EntryData:
    values: dict[str, Any] = {
        "channel": "hotline", "kind": "complaint", "title": TITLE,
        "body": "来电反映：东华社区路口水果店长期占用人行道经营，行人只能走机动车道，多次反映未解决。",
        "region": org.regions[EAST_VILLAGE], "address": "解放路与东华路交叉口", "occurred_on": OCCURRED,
        "occurred_text": "近一个月每天上午", "reported_subject": SUBJECT, "is_anonymous": False,
        "contact_preference": "phone", "name": CALLER_NAME, "phone": CALLER_PHONE, "id_number": CALLER_ID_NUMBER,
        "call_received_at": T0 - timedelta(minutes=20),
    }
    values.update(overrides)
    return EntryData(**values)


def letter_entry(org, **overrides: Any) -> EntryData:
    values: dict[str, Any] = {
        "channel": "letter", "kind": "accusation", "title": "村委会挪用惠民资金",
        "body": "来信反映柳林村村委会将 2025 年度惠民补贴挪作他用，附补贴名单复印件一份。",
        "region": org.regions[WEST_VILLAGE], "reported_subject": "柳林村村委会", "is_anonymous": False,
        "contact_preference": "letter", "name": "王建国", "sender_address": SENDER_ADDRESS,
        "letter_date": date(2026, 2, 20), "letter_reference": "挂号信 XA123456789CN",
    }
    values.update(overrides)
    return EntryData(**values)


def visit_entry(org, **overrides: Any) -> EntryData:
    values: dict[str, Any] = {
        "channel": "visit", "kind": "complaint", "title": "小区物业拒不维修漏水外墙",
        "body": "来访人反映小区外墙漏水半年，物业以无维修基金为由拒绝维修。",
        "region": org.regions[EAST_VILLAGE], "reported_subject": "某物业公司", "is_anonymous": True,
        "visit_at": T0 - timedelta(hours=1), "visitors_count": 3,
        "visit_record": "问：反映什么问题？答：外墙漏水半年无人修。问：是否找过物业？答：找过三次，均被拒绝。",
    }
    values.update(overrides)
    return EntryData(**values)


def same_check(registration: Registration, *, phone: str = CALLER_PHONE, **overrides: Any) -> CheckData:
    """What a careful second clerk types: the same key fields (and the same caller number)."""
    data = CheckData(kind=str(registration.kind_id), title=registration.title, region=registration.region,
                     reported_subject=registration.reported_subject, occurred_on=registration.occurred_on,
                     phone=phone if registration.channel == "hotline" and registration.identity_id else "",
                     letter_date=registration.letter_date)
    return replace(data, **overrides)


def enter(org, entry: EntryData, who: str = "clerk", now: datetime = T0) -> Registration:
    return registration_enter(actor=org.actor(who), data=entry, now=now)


def enter_and_check(org, entry: EntryData, now: datetime = T0, **check_overrides: Any) -> Registration:
    registration = enter(org, entry, now=now)
    return registration_check(actor=org.actor("clerk2"), registration=registration,
                              data=same_check(registration, **check_overrides), now=now + timedelta(minutes=5))


def says(msgid: str, **params: Any) -> str:
    """The message as a user of the default language reads it (translated, or the msgid if not yet)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        text = translation.gettext(msgid)
    return text % params if params else text
