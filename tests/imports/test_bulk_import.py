"""The Done-means scenario (1,000 rows of which 37 are bad), idempotent re-import, crash and resume,
XLSX input and the identity vault, all through the background job."""

from __future__ import annotations

import csv
import io
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from jubao.cases.models import Report
from jubao.imports import exports, runner
from jubao.imports.models import ImportBatch, ImportRowError, ImportStatus
from jubao.imports.services import import_batch_create, import_batch_map, import_batch_start
from jubao.jobs.models import Job, JobStatus
from jubao.protection.vault import identity_reveal

from .conftest import BAD_KINDS, HEADERS, VALID_ID, build_rows, csv_bytes, good_row, upload, xlsx_bytes

REASON = dict(BAD_KINDS)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def run_import(org, content: bytes, *, name: str = "12345-export.csv", channel: str = "hotline",
               who: str = "clerk") -> ImportBatch:
    actor = org.actor(who)
    batch = import_batch_create(actor=actor, upload=upload(content, name), channel=channel)
    assert batch.status == ImportStatus.UPLOADED, batch.error
    batch = import_batch_map(actor=actor, batch=batch, mapping=batch.mapping)
    import_batch_start(actor=actor, batch=batch)
    call_command("worker", "--burst")
    return ImportBatch.objects.get(pk=batch.pk)


def rejected_csv(batch: ImportBatch) -> list[list[str]]:
    text = "".join(exports.csv_lines(batch))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def assert_rejections(batch: ImportBatch, bad: dict[int, str]) -> None:
    errors = {e.row_number: e for e in batch.row_errors.all()}
    assert set(errors) == set(bad)
    for number, kind in bad.items():
        assert any(REASON[kind] in reason for reason in errors[number].reasons), (number, errors[number].reasons)


@pytest.mark.django_db
def test_thousand_rows_with_37_bad_create_963_reports_and_reimport_creates_none(org):
    rows, bad = build_rows(1000, 37)
    assert len(bad) == 37 and len({*bad.values()}) == len(BAD_KINDS)
    content = csv_bytes(rows)

    batch = run_import(org, content)

    assert (batch.status, batch.total_rows, batch.processed_rows) == (ImportStatus.DONE, 1000, 1000)
    assert (batch.created_count, batch.duplicate_count, batch.rejected_count) == (963, 0, 37)
    reports = Report.objects.filter(channel="hotline")
    assert reports.count() == 963
    good_ids = {row[0] for number, row in enumerate(rows, start=2) if number not in bad}
    assert set(reports.values_list("external_id", flat=True)) == good_ids
    assert_rejections(batch, bad)
    assert not batch.file  # every row now lives in a report or a row error: the upload is gone

    job = Job.objects.get(kind="imports.run")
    assert job.payload == {"batch": str(batch.public_id)} and job.status == JobStatus.DONE
    assert job.progress == {"processed": 1000, "total": 1000}

    # The receipt time of the source system starts the clocks; a known category pre-classifies the case.
    report = Report.objects.select_related("case__category").get(external_id="GD000005")
    assert report.created_at == datetime(2026, 3, 7, 9, 5, tzinfo=SHANGHAI)
    assert report.case.created_at == report.created_at
    assert report.case.category.name == "市政道路"
    assert report.title == "第5号诉求：路灯不亮"
    assert Report.objects.get(external_id="GD000003").title.startswith("东华路3号路灯")  # no title: from the text
    assert report.region.code == "990102001001"  # given by name (东华社区)
    assert Report.objects.get(external_id="GD000002").region.name == "花园社区"  # given by full name

    lines = rejected_csv(batch)
    assert lines[0][:3] == ["Row", "External id", "Reasons"]
    assert "来电人" not in lines[0] and "联系电话" not in lines[0] and "身份证号" not in lines[0]
    assert len(lines) == 1 + 37
    assert [int(line[0]) for line in lines[1:]] == sorted(bad)
    assert all(line[2] for line in lines[1:])

    again = run_import(org, content)

    assert (again.created_count, again.duplicate_count, again.rejected_count) == (0, 963, 37)
    assert Report.objects.filter(channel="hotline").count() == 963
    assert_rejections(again, bad)
    assert len(rejected_csv(again)) == 1 + 37


@pytest.mark.django_db
def test_crash_mid_file_resumes_where_it_stopped_without_duplicates(org, monkeypatch):
    rows, _bad = build_rows(1000, 37)
    calls = {"n": 0}
    real = runner.case_register

    def crash_once(**kwargs):
        calls["n"] += 1
        if calls["n"] == 517:  # in the middle of a progress chunk
            raise RuntimeError("worker died")
        return real(**kwargs)

    monkeypatch.setattr(runner, "case_register", crash_once)

    batch = run_import(org, csv_bytes(rows))  # the worker retries the failed job at once (retry base 0 s)

    job = Job.objects.get(kind="imports.run")
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)
    assert (batch.status, batch.processed_rows) == (ImportStatus.DONE, 1000)
    assert (batch.created_count, batch.duplicate_count, batch.rejected_count) == (963, 0, 37)
    ids = list(Report.objects.filter(channel="hotline").values_list("external_id", flat=True))
    assert len(ids) == len(set(ids)) == 963
    assert ImportRowError.objects.filter(batch=batch).count() == 37
    assert calls["n"] == 963 + 1  # each good row registered once, plus the one that crashed


@pytest.mark.django_db
def test_a_batch_whose_job_gave_up_can_be_started_again_and_continues(org, monkeypatch):
    rows, _bad = build_rows(120, 7)
    real = runner.case_register
    state = {"n": 0, "broken": True}

    def flaky(**kwargs):
        state["n"] += 1
        if state["broken"] and state["n"] > 60:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(runner, "case_register", flaky)
    actor = org.actor("dispatcher")
    batch = import_batch_create(actor=actor, upload=upload(csv_bytes(rows)), channel="import")
    batch = import_batch_map(actor=actor, batch=batch, mapping=batch.mapping)
    import_batch_start(actor=actor, batch=batch)
    Job.objects.update(max_attempts=2)
    call_command("worker", "--burst")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and "RuntimeError" in batch.error
    stopped_at = batch.processed_rows
    assert 0 < stopped_at < 120 and batch.created_count == 60

    state["broken"] = False
    import_batch_start(actor=actor, batch=batch)
    call_command("worker", "--burst")
    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows, batch.created_count, batch.rejected_count) == (
        ImportStatus.DONE, 120, 113, 7)
    assert Report.objects.filter(channel="import").count() == 113


@pytest.mark.django_db
def test_xlsx_with_title_row_excel_dates_and_numeric_ids(org):
    rows, bad = build_rows(50, 5)
    for row in rows:
        if row[0]:
            row[0] = int(row[0][2:])  # 工单编号 stored as a number: 5 → "5", never "5.0"
        row[7] = datetime.strptime(row[7], "%Y-%m-%d %H:%M")  # a real Excel date cell
    content = xlsx_bytes(rows, title_row="示范市12345热线工单导出")

    batch = run_import(org, content, name="工单导出.xlsx")

    assert (batch.format, batch.header_row, batch.total_rows) == ("xlsx", 2, 50)
    assert (batch.created_count, batch.duplicate_count, batch.rejected_count) == (45, 0, 5)
    assert_rejections(batch, {number + 1: kind for number, kind in bad.items()})
    assert Report.objects.get(channel="hotline", external_id="5").created_at == datetime(
        2026, 3, 7, 9, 5, tzinfo=SHANGHAI)

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exports.xlsx_bytes(batch)), read_only=True).worksheets[0]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(table) == 1 + 5 and table[0][:3] == ["Row", "External id", "Reasons"]

    again = run_import(org, content, name="工单导出.xlsx")
    assert (again.created_count, again.duplicate_count, again.rejected_count) == (0, 45, 5)


@pytest.mark.django_db
def test_real_name_rows_go_to_the_vault_and_never_into_row_errors_or_logs(org, caplog):
    good = good_row(1)
    good[10:13] = ["王五", "+86 139-0013-9000", VALID_ID]
    phone_only = good_row(2)
    phone_only[11] = "13700137000"
    bad_phone = good_row(3)
    bad_phone[10:12] = ["赵六", "138****8000"]
    bad_id = good_row(4)
    bad_id[10:13] = ["钱七", "13600136000", "110105194912310021"]
    bad_id[2] = ""  # a second problem: both reasons are listed
    anonymous = good_row(5)

    with caplog.at_level(logging.DEBUG):
        batch = run_import(org, csv_bytes([good, phone_only, bad_phone, bad_id, anonymous]))

    assert (batch.created_count, batch.rejected_count) == (3, 2)
    report = Report.objects.get(external_id=good[0])
    assert report.identity_id is not None and not report.is_anonymous and report.case.is_real_name
    assert report.reporter_pseudonym == report.identity.pseudonym
    revealed = identity_reveal(report.identity)
    assert (revealed["name"], revealed["phone"], revealed["id_number"]) == ("王五", "13900139000", VALID_ID)
    assert Report.objects.get(external_id=phone_only[0]).identity_id is not None
    assert Report.objects.get(external_id=anonymous[0]).is_anonymous

    errors = {e.external_id: e for e in batch.row_errors.all()}
    assert errors[bad_phone[0]].reasons == ["The reporter's phone number is not valid."]
    assert len(errors[bad_id[0]].reasons) == 2
    secrets = ["赵六", "钱七", "王五", "138****8000", "13600136000", "110105194912310021", VALID_ID, "13900139000"]
    stored = repr([(e.external_id, e.reasons, e.raw) for e in errors.values()])
    exported = "".join(exports.csv_lines(batch)) + repr(exports.xlsx_bytes(batch))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    job = Job.objects.get(kind="imports.run")
    for secret in secrets:
        assert secret not in stored and secret not in exported and secret not in logged
        assert secret not in repr(job.payload) and secret not in repr(job.progress)
    assert set(errors[bad_phone[0]].raw) == {"external_id", "title", "body", "kind", "region", "address",
                                             "occurred_on", "received_at", "reported_subject", "category"}


@pytest.mark.django_db
def test_a_repeated_external_id_inside_one_file_is_rejected_with_the_first_row(org):
    first, repeat, other = good_row(1), good_row(1), good_row(2)
    repeat[2] = "同一编号的另一条诉求。"
    batch = run_import(org, csv_bytes([first, repeat, other]))
    assert (batch.created_count, batch.rejected_count) == (2, 1)
    error = batch.row_errors.get()
    assert error.row_number == 3 and "row 2" in error.reasons[0]

    again = run_import(org, csv_bytes([first, repeat, other]))
    assert (again.created_count, again.duplicate_count, again.rejected_count) == (0, 2, 1)


@pytest.mark.django_db
def test_gb18030_semicolon_csv_and_english_headers(org):
    headers = ["Ticket ID", "Subject", "Description", "Type", "Division code", "Received at"]
    rows = [["T-1", "噪音扰民", "夜间施工噪音很大。", "complaint", "990102000000", "2026/3/2 8:30"],
            ["T-2", "", "咨询社保缴费。", "咨询", "990102", "2026年3月3日 10时15分"]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([headers, *rows])
    batch = run_import(org, buffer.getvalue().encode("gb18030"), channel="import")
    assert (batch.encoding, batch.delimiter) == ("gb18030", ";")
    assert batch.mapping == {"external_id": "Ticket ID", "title": "Subject", "body": "Description", "kind": "Type",
                             "region": "Division code", "received_at": "Received at"}
    assert (batch.created_count, batch.rejected_count) == (2, 0)
    assert Report.objects.get(external_id="T-1").region.code == "990102"
    assert Report.objects.get(external_id="T-2").created_at == datetime(2026, 3, 3, 10, 15, tzinfo=SHANGHAI)


def test_csv_header_matches_the_fixture():
    assert len(HEADERS) == len(good_row(1))
