"""Fixtures for the import tests: vault keys from the settings, uploads under a temporary MEDIA_ROOT,
and builders for CSV/XLSX files with a known number of good and bad rows."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterable
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jubao.protection import keys

VAULT_KEY = base64.b64encode(b"\x11" * 32).decode()
HMAC_KEY = base64.b64encode(b"\x22" * 32).decode()

HEADERS = ["工单编号", "标题", "诉求内容", "诉求类型", "所属区域", "地址", "发生日期", "来电时间",
           "被反映对象", "问题分类", "来电人", "联系电话", "身份证号"]
VALID_ID = "11010519491231002X"  # passes the GB 11643 check
REGIONS = ["990102001001", "东华社区", "示范省示范市东城区东华街道花园社区", "990103001001"]
KINDS = ["投诉", "complaint", "求助", "建议", "咨询", "检举控告"]
# Each bad row breaks exactly one rule, so the test knows which reason to expect.
BAD_KINDS = [
    ("missing_body", "The text of the report (what happened) is missing."),
    ("unknown_region", "Unknown region"),
    ("bad_kind", "Unknown kind"),
    ("bad_date", "is not a date"),
    ("bad_id_number", "not a valid resident ID number"),
    ("missing_external_id", "The external id is missing."),
    ("unknown_category", "Unknown category"),
]


@pytest.fixture(autouse=True)
def _import_settings(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.JUBAO_VAULT_KEYS = f"t1:{VAULT_KEY}"
    settings.JUBAO_VAULT_ACTIVE_KEY = "t1"
    settings.JUBAO_VAULT_HMAC_KEY = HMAC_KEY
    settings.JUBAO_JOB_RETRY_BASE_SECONDS = 0
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    keys.reset_cache()
    yield
    keys.reset_cache()


def good_row(n: int, *, identity: bool = False) -> list[str]:
    received = date(2026, 3, 2) + timedelta(days=n % 20)
    return [
        f"GD{n:06d}", f"第{n}号诉求：路灯不亮" if n % 3 else "", f"东华路{n}号路灯已经坏了一周，夜间出行不便。",
        KINDS[n % len(KINDS)], REGIONS[n % len(REGIONS)], f"东华路{n}号",
        ["2026-02-27", "2026/2/28", "2026年3月1日"][n % 3],
        f"{received:%Y-%m-%d} 09:{n % 60:02d}", "", "城乡建设 / 城市建设和市政管理 / 市政道路" if n % 2 else "市政道路",
        "张三" if identity else "", "13800138000" if identity else "", VALID_ID if identity and n % 2 else "",
    ]


def bad_row(n: int, kind: str) -> list[str]:
    row = good_row(n)
    if kind == "missing_body":
        row[2] = ""
    elif kind == "unknown_region":
        row[4] = "火星社区"
    elif kind == "bad_kind":
        row[3] = "表扬"
    elif kind == "bad_date":
        row[6] = "上周三"
    elif kind == "bad_id_number":
        row[10], row[11], row[12] = "李四", "13900139000", "110105194912310021"
    elif kind == "missing_external_id":
        row[0] = ""
    elif kind == "unknown_category":
        row[9] = "外星人"
    return row


def build_rows(total: int, bad: int) -> tuple[list[list[str]], dict[int, str]]:
    """`total` data rows of which `bad` are bad, spread through the file; returns rows and
    {spreadsheet row number: bad kind} (the header is row 1)."""
    step = total // bad
    bad_at = {1 + step * i + (i % step): BAD_KINDS[i % len(BAD_KINDS)][0] for i in range(bad)}
    rows = []
    for index in range(1, total + 1):
        kind = bad_at.get(index)
        rows.append(bad_row(index, kind) if kind else good_row(index, identity=index % 10 == 0))
    return rows, {index + 1: kind for index, kind in bad_at.items()}


def csv_bytes(rows: Iterable[list[str]], *, headers: list[str] = HEADERS, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Iterable[list], *, headers: list[str] = HEADERS, title_row: str = "") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    if title_row:
        sheet.append([title_row])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "export.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def _imports_without_triage(monkeypatch):
    # These tests drain the job queue with `worker --burst`; triaging a thousand imported reports would
    # only slow them down (triage of every registered report, imports included, is tested in tests/triage).
    from jubao.cases import services
    from jubao.triage.pipeline import on_report_registered

    monkeypatch.setattr(services, "REGISTRATION_LISTENERS",
                        [listener for listener in services.REGISTRATION_LISTENERS if listener is not on_report_registered])
