"""Units: header suggestions, dates, regions, kinds and categories, files refused up front, permissions."""

from __future__ import annotations

import codecs
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from jubao.imports.errors import ImportForbidden, ImportProblem
from jubao.imports.fields import suggest_mapping
from jubao.imports.models import ImportBatch, ImportStatus
from jubao.imports.runner import import_batch_run
from jubao.imports.services import import_batch_create, import_batch_map, import_batch_start
from jubao.imports.validation import find_region, phone_is_valid
from jubao.imports.values import parse_date, parse_datetime

from .conftest import build_rows, csv_bytes, upload, xlsx_bytes

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_suggested_mapping_reads_chinese_and_english_headers():
    headers = ["工单编号", "留言主题", "留言详情", "诉求类型", "行政区划", "事发地址", "来电时间", "被反映对象",
               "来电人姓名", "来电人电话", "身份证号码", "备注"]
    assert suggest_mapping(headers) == {
        "external_id": "工单编号", "title": "留言主题", "body": "留言详情", "kind": "诉求类型",
        "region": "行政区划", "address": "事发地址", "received_at": "来电时间", "reported_subject": "被反映对象",
        "reporter_name": "来电人姓名", "reporter_phone": "来电人电话", "reporter_id_number": "身份证号码",
    }
    assert suggest_mapping(["编号", "标题", "内容", "类型", "区域", "地址", "时间", "姓名", "电话"]) == {
        "external_id": "编号", "title": "标题", "body": "内容", "kind": "类型", "region": "区域",
        "address": "地址", "received_at": "时间", "reporter_name": "姓名", "reporter_phone": "电话"}
    english = suggest_mapping(["Case ID", "Title", "Details", "Kind", "Region", "Reporter name", "Phone number",
                               "Paid"])
    assert english == {"external_id": "Case ID", "title": "Title", "body": "Details", "kind": "Kind",
                       "region": "Region", "reporter_name": "Reporter name", "reporter_phone": "Phone number"}
    assert suggest_mapping(["单号", "身份证编号"]) == {"external_id": "单号", "reporter_id_number": "身份证编号"}


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-02", date(2026, 3, 2)), ("2026/3/2", date(2026, 3, 2)), ("2026年3月2日", date(2026, 3, 2)),
    ("2026-03-02 10:30", date(2026, 3, 2)), ("20260302", date(2026, 3, 2)), (46083, date(2026, 3, 2)),
    (datetime(2026, 3, 2, 8), date(2026, 3, 2)), ("上周三", None), ("2026-02-30", None), ("", None), (7, None),
])
def test_dates(text, expected):
    assert parse_date(text) == expected


def test_times_are_read_in_the_site_time_zone():
    assert parse_datetime("2026年3月2日 10时30分") == datetime(2026, 3, 2, 10, 30, tzinfo=SHANGHAI)
    assert parse_datetime("2026/3/2 8:05:09") == datetime(2026, 3, 2, 8, 5, 9, tzinfo=SHANGHAI)
    assert parse_datetime("2026-03-02T02:00:00+00:00") == datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
    assert parse_datetime("2026-03-02") == datetime(2026, 3, 2, tzinfo=SHANGHAI)
    assert parse_datetime("10:30") is None


def test_phone_numbers():
    assert phone_is_valid("138 0013 8000", "13800138000")
    assert phone_is_valid("0571-88889999", "057188889999")
    assert not phone_is_valid("138****8000", "1388000")
    assert not phone_is_valid("1380013800", "1380013800")


@pytest.mark.django_db
def test_regions_by_code_padded_code_name_and_full_name(org):
    assert find_region("990102001001").name == "东华社区"
    assert find_region("990102000000").code == "990102"
    assert find_region("990102001000").code == "990102001"
    assert find_region("东华社区").code == "990102001001"
    assert find_region("示范省示范市西城区西湖街道西湖社区").code == "990103001001"
    assert "Unknown region" in find_region("火星")
    org.regions["990103001"].__class__.objects.create(
        code="990104001002", name="东华社区", level="village", parent=org.regions["990104001"],
        path="/990000/990100/990104/990104001/990104001002/")
    assert "ambiguous" in find_region("东华社区")
    assert find_region("示范省示范市南湖区湖滨街道东华社区").code == "990104001002"


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "name", "message"), [
    (b"   \n", "blank.csv", "The file is empty."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "old Excel file (.xls)"),
    (b"not a workbook", "fake.xlsx", "is named .xlsx but is not an Excel workbook"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "photo.csv", "neither a CSV file nor an Excel workbook"),
    (b"PK\x03\x04garbage", "broken.xlsx", "cannot be opened"),
    ("标题\n只有一列\n".encode(), "one-column.csv", "No header row was found"),
    ("工单编号,内容\n".encode(), "header-only.csv", "no data rows"),
])
def test_files_that_are_not_tables_fail_up_front(org, content, name, message):
    batch = import_batch_create(actor=org.actor("clerk"), upload=upload(content, name), channel="import")
    assert batch.status == ImportStatus.FAILED
    assert message in batch.error
    assert not batch.file and batch.finished_at is not None


@pytest.mark.django_db
def test_utf16_csv_and_xlsx_header_only_are_handled(org):
    rows, _bad = build_rows(10, 1)
    text = csv_bytes(rows).decode("utf-8-sig")
    batch = import_batch_create(actor=org.actor("clerk"), upload=upload(codecs.BOM_UTF16_LE + text.encode(
        "utf-16-le"), "unicode.txt"), channel="import")
    assert batch.status == ImportStatus.UPLOADED and batch.encoding == "utf-16"
    batch = import_batch_create(actor=org.actor("clerk"), upload=upload(xlsx_bytes([]), "empty.xlsx"))
    assert batch.status == ImportStatus.FAILED and "no data rows" in batch.error


@pytest.mark.django_db
def test_only_clerks_dispatchers_and_admins_may_import(org):
    rows, _bad = build_rows(10, 1)
    for who in ("handler", "head", "supervisor", "leader", "custodian", "auditor"):
        with pytest.raises(ImportForbidden):
            import_batch_create(actor=org.actor(who), upload=upload(csv_bytes(rows)), channel="import")
    for who in ("clerk", "dispatcher", "admin"):
        batch = import_batch_create(actor=org.actor(who), upload=upload(csv_bytes(rows)), channel="import")
        assert batch.status == ImportStatus.UPLOADED
    with pytest.raises(ImportProblem):
        import_batch_create(actor=org.actor("clerk"), upload=upload(csv_bytes(rows)), channel="carrier-pigeon")


@pytest.mark.django_db
def test_mapping_needs_external_id_body_kind_and_region(org):
    rows, _bad = build_rows(10, 1)
    actor = org.actor("clerk")
    batch = import_batch_create(actor=actor, upload=upload(csv_bytes(rows)), channel="import")
    suggested = dict(batch.mapping)
    for field in ("external_id", "body", "kind", "region"):
        with pytest.raises(ImportProblem) as problem:
            import_batch_map(actor=actor, batch=batch, mapping={**suggested, field: ""})
        assert problem.value.field == field
    with pytest.raises(ImportProblem):
        import_batch_map(actor=actor, batch=batch, mapping={**suggested, "title": "no such column"})
    mapped = import_batch_map(actor=actor, batch=batch, mapping={**suggested, "kind": "", "region": ""},
                              defaults={"kind": "help", "region": "东华社区"})
    assert mapped.defaults == {"kind": "help", "region": "990102001001"}
    with pytest.raises(ImportProblem):
        import_batch_map(actor=org.actor("clerk2"), batch=batch, mapping=suggested)  # not theirs


@pytest.mark.django_db
def test_a_worker_that_lost_its_lease_stops_without_counting_twice(org):
    rows, _bad = build_rows(120, 4)
    actor = org.actor("clerk")
    batch = import_batch_create(actor=actor, upload=upload(csv_bytes(rows)), channel="import")
    batch = import_batch_start(actor=actor, batch=import_batch_map(actor=actor, batch=batch, mapping=batch.mapping))

    reports = []

    def lost_after_first_chunk(state):
        reports.append(state)
        return len(reports) < 2  # the lease holds while counting, then is lost after the first chunk

    stopped = import_batch_run(actor=actor, batch=batch, on_progress=lost_after_first_chunk)

    assert stopped.status == ImportStatus.RUNNING
    fresh = ImportBatch.objects.get(pk=batch.pk)
    assert fresh.processed_rows == 50  # the first chunk, then it noticed and stopped
    assert reports == [{"processed": 0, "total": 120}, {"processed": 50, "total": 120}]
    finished = import_batch_run(actor=actor, batch=batch)
    assert (finished.status, finished.processed_rows, finished.created_count + finished.rejected_count) == (
        ImportStatus.DONE, 120, 120)
    assert finished.rejected_count == 4


@pytest.mark.django_db
def test_vault_not_configured_refuses_identity_columns(org, settings):
    settings.JUBAO_VAULT_KEYS = ""
    settings.JUBAO_VAULT_KEY_FILE = "/nonexistent/vault.json"
    rows, _bad = build_rows(10, 1)
    actor = org.actor("clerk")
    batch = import_batch_create(actor=actor, upload=upload(csv_bytes(rows)), channel="import")
    with pytest.raises(ImportProblem, match="identity vault is not configured"):
        import_batch_map(actor=actor, batch=batch, mapping=batch.mapping)
    without_identity = {k: v for k, v in batch.mapping.items() if not k.startswith("reporter_")}
    assert import_batch_map(actor=actor, batch=batch, mapping=without_identity).status == ImportStatus.MAPPED
