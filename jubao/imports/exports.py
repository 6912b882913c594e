"""The rejected-row report as CSV (UTF-8 with BOM, so Excel shows Chinese) or XLSX.

Columns: row number, external id, reasons, then every mapped column except the reporter's identity,
headed with the file's own column names so the rows can be corrected and imported again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from .fields import IDENTITY_FIELDS, TARGET_FIELDS
from .models import ImportBatch

BOM = "\ufeff"
REASON_SEPARATOR = "; "
# Spreadsheets run a cell starting with these as a formula ("CSV injection"); the data comes from outside.
_FORMULA_START = ("=", "+", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def raw_fields(batch: ImportBatch) -> list[str]:
    return [f.name for f in TARGET_FIELDS if f.name in batch.mapping and f.name not in IDENTITY_FIELDS]


def header(batch: ImportBatch) -> list[str]:
    return [_("Row"), _("External id"), _("Reasons"), *[batch.mapping[name] for name in raw_fields(batch)]]


def rows(batch: ImportBatch) -> Iterator[list[Any]]:
    fields = raw_fields(batch)
    for error in batch.row_errors.order_by("row_number").iterator(chunk_size=500):
        yield [error.row_number, error.external_id, REASON_SEPARATOR.join(error.reasons),
               *[error.raw.get(name, "") for name in fields]]


def _defuse(value: Any) -> Any:
    if isinstance(value, str) and value and (
            value.startswith(_FORMULA_START) or (value.startswith("-") and not _NUMBER.match(value))):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(batch: ImportBatch) -> Iterator[str]:
    """Streamed line by line: a report of 100,000 rejected rows never sits in memory."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header(batch))
    for row in rows(batch):
        yield writer.writerow([_defuse(value) for value in row])


def xlsx_bytes(batch: ImportBatch) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Rejected rows")[:31])

    def cells(values: list[Any]) -> list[Any]:
        out = []
        for value in values:
            text = _ILLEGAL_XML.sub("", value) if isinstance(value, str) else value
            cell = WriteOnlyCell(sheet, value=text)
            if isinstance(text, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            out.append(cell)
        return out

    sheet.append(cells(header(batch)))
    for row in rows(batch):
        sheet.append(cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download_name(batch: ImportBatch, extension: str) -> str:
    # Not the uploaded file's name: staff choose it freely and it may name a person.
    return f"rejected-rows-{batch.created_at:%Y%m%d}-{str(batch.public_id)[:8]}.{extension}"
