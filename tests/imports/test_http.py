"""The staff pages: upload → map → start → progress → result and downloads, with the Django test client."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from jubao.cases.models import Report
from jubao.imports.models import ImportBatch, ImportStatus
from jubao.jobs.models import Job, JobStatus

from .conftest import VALID_ID, build_rows, csv_bytes, good_row, upload

pytestmark = pytest.mark.django_db


def login(client, org, who: str = "clerk"):
    client.force_login(org.users[who])
    return client


def test_upload_map_start_progress_result_and_downloads(client, org):
    login(client, org)
    rows, bad = build_rows(60, 3)

    page = client.get(reverse("imports:upload"))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    response = client.post(reverse("imports:upload"),
                           {"file": upload(csv_bytes(rows), "热线导出.csv"), "channel": "hotline"})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:map", args=[batch.public_id])
    assert str(batch.public_id) in response["Location"] and batch.file.name.startswith("imports/")
    assert "热线" not in batch.file.name

    page = client.get(response["Location"])
    assert page.status_code == 200
    # The suggested column is preselected and the first five rows are previewed.
    assert '<option value="工单编号" selected>' in page.text
    assert page.text.count("GD0000") >= 5 and "GD000007" not in page.text

    mapping = {**batch.mapping, "default_kind": "", "default_region": ""}
    response = client.post(reverse("imports:map", args=[batch.public_id]), mapping)
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[batch.public_id])

    running = client.get(response["Location"])
    assert running.status_code == 200
    assert running["Refresh"] == "2"
    assert 'aria-live="polite"' in running.text and 'role="status"' in running.text

    call_command("worker", "--burst")

    done = client.get(reverse("imports:detail", args=[batch.public_id]))
    assert done.status_code == 200 and "Refresh" not in done
    assert "The import has finished." in done.text
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.rejected_count) == (ImportStatus.DONE, 57, 3)
    assert Report.objects.filter(channel="hotline").count() == 57
    csv_url = reverse("imports:rejected_csv", args=[batch.public_id])
    xlsx_url = reverse("imports:rejected_xlsx", args=[batch.public_id])
    assert csv_url in done.text and xlsx_url in done.text

    download = client.get(csv_url)
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"] and "热线" not in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(lines) == 4 and {int(line[0]) for line in lines[1:]} == set(bad)

    download = client.get(xlsx_url)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(download.content), read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows(values_only=True))) == 4

    listing = client.get(reverse("imports:list"))
    assert listing.status_code == 200 and "热线导出.csv" in listing.text


def test_a_rejected_mapping_keeps_the_choices(client, org):
    login(client, org)
    rows, _bad = build_rows(10, 1)
    client.post(reverse("imports:upload"), {"file": upload(csv_bytes(rows)), "channel": "import"})
    batch = ImportBatch.objects.get()
    url = reverse("imports:map", args=[batch.public_id])
    choices = {**batch.mapping, "body": "", "title": "诉求内容", "default_region": "火星"}

    response = client.post(url, choices)

    assert response.status_code == 400
    assert '<option value="诉求内容" selected>' in response.text  # title keeps the chosen column
    assert 'value="火星"' in response.text
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UPLOADED


def test_unreadable_upload_is_a_failed_batch_with_a_clear_message(client, org):
    login(client, org)
    response = client.post(reverse("imports:upload"), {"file": upload(b"", "empty.csv"), "channel": "import"})
    assert response.status_code == 400  # Django refuses an empty upload before the service sees it
    response = client.post(reverse("imports:upload"),
                           {"file": upload("工单编号,内容\n".encode(), "header-only.csv"), "channel": "import"})
    assert response.status_code == 400
    assert "The file has a header row but no data rows." in response.text
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED and not batch.file


def test_roles_without_import_get_a_clear_403_and_others_batches_are_404(client, org):
    login(client, org, "handler")
    for name in ("imports:list", "imports:upload"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "Only intake clerks, dispatchers and administrators may import reports." in response.text

    client.logout()
    assert client.get(reverse("imports:list")).status_code == 302  # to the login page

    login(client, org, "clerk")
    rows, _bad = build_rows(10, 1)
    client.post(reverse("imports:upload"), {"file": upload(csv_bytes(rows)), "channel": "import"})
    batch = ImportBatch.objects.get()
    login(client, org, "clerk2")
    assert client.get(reverse("imports:detail", args=[batch.public_id])).status_code == 404
    assert client.get(reverse("imports:rejected_csv", args=[batch.public_id])).status_code == 404
    login(client, org, "admin")
    assert client.get(reverse("imports:map", args=[batch.public_id])).status_code == 200


def test_preview_partly_hides_identity_columns(client, org):
    login(client, org)
    row = good_row(1, identity=True)
    client.post(reverse("imports:upload"), {"file": upload(csv_bytes([row])), "channel": "import"})
    batch = ImportBatch.objects.get()
    page = client.get(reverse("imports:map", args=[batch.public_id]))
    assert page.status_code == 200
    assert "13800138000" not in page.text and VALID_ID not in page.text
    assert "13*******00" in page.text
    assert "东华路1号路灯" in page.text  # other columns are shown as they are


def test_a_stalled_import_offers_to_start_again(client, org):
    login(client, org)
    rows, _bad = build_rows(10, 1)
    client.post(reverse("imports:upload"), {"file": upload(csv_bytes(rows)), "channel": "import"})
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:map", args=[batch.public_id]), {**batch.mapping})
    # The worker crashed on every attempt, so the queue gave up without the handler ever running.
    Job.objects.update(status=JobStatus.FAILED)

    page = client.get(reverse("imports:detail", args=[batch.public_id]))
    assert "Refresh" not in page and "is not being processed" in page.text
    start_url = reverse("imports:start", args=[batch.public_id])
    assert start_url in page.text

    assert client.post(start_url).status_code == 302
    call_command("worker", "--burst")
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.rejected_count) == (ImportStatus.DONE, 9, 1)


def test_files_over_the_size_limit_are_refused(client, org, settings):
    settings.JUBAO_IMPORT_MAX_BYTES = 1024 * 1024
    login(client, org)
    rows, _bad = build_rows(10, 1)
    big = csv_bytes(rows) + b"x" * (1024 * 1024)
    response = client.post(reverse("imports:upload"), {"file": upload(big), "channel": "import"})
    assert response.status_code == 400 and "larger than 1 MB" in response.text
    assert not ImportBatch.objects.exists()
