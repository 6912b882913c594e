"""Shared pieces for the public-portal browser tests: settings, the demo organisation, a photo
with GPS, language switching, and driving a case to "answered" through the services."""

from __future__ import annotations

import base64
import io
import os
import re
from pathlib import Path

from django.conf import settings as django_settings
from PIL import ExifTags, Image

from jubao.cases.services import case_transition
from jubao.demo.organisation import DemoOrganisation, build_demo_organisation
from jubao.feedback.sections import compose
from jubao.intake import ratelimit
from jubao.protection import keys
from jubao.taxonomy.models import Category
from tests.helpers import FAST_HASHERS

EAST_VILLAGE = "990102001001"  # 东华社区
PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"
FEEDBACK_FOUND = "您反映的东华社区南门垃圾问题属实，垃圾已堆放三天未清运。"
FEEDBACK = compose({
    "checked": "城管局工作人员于次日到东华社区南门现场核实，并询问了物业和保洁人员。",
    "found": FEEDBACK_FOUND,
    "done": "已督促环卫公司当日清运完毕，并对保洁公司进行了约谈。",
    "next_steps": "城管局安排每日巡查该点位，如再出现请随时反映。",
})
RECEIPT_SHAPE = re.compile(r"^\d{4} \d{4} \d{4} \d{4}$")


def configure(settings, tmp_path: Path) -> None:
    """Vault keys from the settings (never the developer's key file), media in tmp_path, fast hashers."""
    settings.JUBAO_VAULT_KEYS = "t1:" + base64.b64encode(os.urandom(32)).decode()
    settings.JUBAO_VAULT_ACTIVE_KEY = "t1"
    settings.JUBAO_VAULT_HMAC_KEY = base64.b64encode(os.urandom(32)).decode()
    settings.JUBAO_VAULT_KEY_FILE = str(tmp_path / "absent" / "vault.json")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = FAST_HASHERS
    keys.reset_cache()
    ratelimit.reset()


def demo_org() -> DemoOrganisation:
    return build_demo_organisation(password="correct-horse-battery", extra_staff=False)


def jpeg_with_gps(path: Path) -> Path:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPhone 15 Pro"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 14.0, 5.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 28.0, 9.0)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    with Image.open(path) as check:  # the fixture really carries a location
        assert ExifTags.IFD.GPSInfo in check.getexif()
    return path


def new_context(browser, live_server, language: str | None = None, locale: str = "zh-CN"):
    """A fresh browser context (no cookies, no session); `language` sets Django's language cookie."""
    context = browser.new_context(locale=locale)
    if language:
        context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language,
                              "url": live_server.url}])
    return context


def submit_anonymous_by_id(page, live_server, title: str = "东华社区南门垃圾三天没人清运") -> tuple[str, str]:
    """Fill the report form by element ids (language-independent); returns (tracking, receipt)."""
    page.goto(f"{live_server.url}/report/")
    page.locator("#id_kind_1").check()  # 投诉 (complaint)
    page.locator("#id_title").fill(title)
    page.locator("#id_body").fill("东华社区南门垃圾堆放三天没人清运，气味很大，老人孩子出门都要绕路。")
    page.locator("#id_region").select_option(EAST_VILLAGE)
    page.locator("#id_identity_0").check()
    page.locator("form.report-form button[type=submit]").click()
    page.wait_for_url("**/report/receipt/")
    return page.locator("#tracking").inner_text().strip(), page.locator("#receipt").inner_text().strip()


def answer_case(org: DemoOrganisation, number: str) -> None:
    """Accept, dispatch, start, conclude and answer, as the staff would (cf. tests/intake/test_followup.py)."""
    for who, name, data in [
        ("dispatcher", "accept", {"category": Category.objects.get(name="环境卫生").pk, "grade": "simple"}),
        ("dispatcher", "dispatch", {"department": "chengguan"}),
        ("handler", "start", {}),
        ("handler", "conclude", {"finding": "substantiated",
                                 "conclusion_text": "经现场核实情况属实，已督促环卫公司清运完毕并安排每日巡查。"}),
        ("handler", "answer", {"feedback_text": FEEDBACK}),
    ]:
        case_transition(actor=org.actor(who), number=number, transition=name, data=data)
