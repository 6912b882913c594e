"""Reading uploaded CSV and XLSX files as a header plus numbered data rows, streaming.

Row numbers are the ones a spreadsheet shows (the header is usually row 1), so staff can find a
rejected row in the file they uploaded.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Generator, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import IO, Any

from django.utils.translation import gettext as _

from .models import ImportBatch, ImportFormat

HEADER_SCAN_ROWS = 10
DELIMITERS = (",", "\t", ";", "|")
_SNIFF_BYTES = 64 * 1024


class ImportFileError(Exception):
    """The file cannot be read as a table; the message says why in words staff understand."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class TableInfo:
    format: str
    encoding: str = ""
    delimiter: str = ""
    sheet_name: str = ""
    header_row: int = 1
    headers: list[str] = field(default_factory=list)
    preview: list[tuple[int, list[str]]] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """A cell as text: integral floats lose their ".0" (Excel stores 工单编号 12345 as 12345.0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def detect_format(head: bytes, filename: str) -> str:
    if head.startswith(b"PK\x03\x04"):
        return ImportFormat.XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("This is an old Excel file (.xls). Save it as .xlsx or CSV and upload it again."))
    if PurePath(filename).suffix.lower() in {".xlsx", ".xlsm"}:
        raise ImportFileError(_("The file is named .xlsx but is not an Excel workbook."))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ImportFormat.CSV
    if b"\x00" in head:
        raise ImportFileError(_("This is neither a CSV file nor an Excel workbook (.xlsx)."))
    return ImportFormat.CSV


def detect_encoding(stream: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) first; exports from Chinese Excel and 12345 systems are often GB18030."""
    stream.seek(0)
    head = stream.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8-sig", "gb18030"):
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := stream.read(1 << 16):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFileError(_("The file's text encoding is not recognised. Save it as UTF-8 CSV and try again."))


def _detect_delimiter(stream: IO[bytes], encoding: str) -> str:
    stream.seek(0)
    sample = stream.read(_SNIFF_BYTES).decode(encoding, errors="ignore")
    lines = sample.splitlines()[:HEADER_SCAN_ROWS]
    counts = {d: max((line.count(d) for line in lines), default=0) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties keep the comma, the first candidate
    return best if counts[best] else ","


Rows = Generator[tuple[int, list[Any]], None, None]


def _csv_rows(stream: IO[bytes], encoding: str, delimiter: str) -> Rows:
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        reader = csv.reader(text, delimiter=delimiter)
        number = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFileError(
                    _("Row %(row)d of the CSV file is malformed (%(problem)s).") % {"row": number + 1, "problem": exc}
                ) from None
            number += 1
            yield number, row
    finally:
        text.detach()  # leave the underlying file to its owner


def _xlsx_open(stream: IO[bytes]) -> Any:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    stream.seek(0)
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError(_("The Excel workbook cannot be opened; it may be damaged or protected.")) from None
    if not workbook.worksheets:
        workbook.close()
        raise ImportFileError(_("The Excel workbook has no worksheet."))
    return workbook


def _xlsx_rows(sheet: Any) -> Rows:
    # Some exporters write a wrong used range; without this, read-only mode would stop at it.
    sheet.reset_dimensions()
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, list(row)


def _blank(row: list[Any]) -> bool:
    return all(cell_text(cell) == "" for cell in row)


def _header_names(row: list[Any]) -> list[str]:
    from openpyxl.utils import get_column_letter

    names: list[str] = []
    for index, cell in enumerate(row, start=1):
        name = cell_text(cell).replace("\n", " ") or f"({get_column_letter(index)})"
        candidate, n = name, 2
        while candidate in names:
            candidate, n = f"{name} ({n})", n + 1
        names.append(candidate)
    while names and names[-1].startswith("(") and cell_text(row[len(names) - 1]) == "":
        names.pop()  # trailing empty header cells are formatting, not columns
    return names


@contextmanager
def _open_rows(stream: IO[bytes], info: TableInfo) -> Iterator[Rows]:
    if info.format != ImportFormat.XLSX:
        rows = _csv_rows(stream, info.encoding, info.delimiter)
        try:
            yield rows
        finally:
            rows.close()
        return
    workbook = _xlsx_open(stream)
    try:
        sheet = workbook.worksheets[0]  # the first sheet is the data; later ones are usually notes
        info.sheet_name = sheet.title
        yield _xlsx_rows(sheet)
    finally:
        workbook.close()


def inspect(stream: IO[bytes], filename: str, *, preview_rows: int = 5) -> TableInfo:
    """Find format, encoding, delimiter and header row; fail with a clear message if no table is there."""
    stream.seek(0)
    head = stream.read(_SNIFF_BYTES)
    if not head.strip():
        raise ImportFileError(_("The file is empty."))
    info = TableInfo(format=detect_format(head, filename))
    if info.format == ImportFormat.CSV:
        info.encoding = detect_encoding(stream)
        info.delimiter = _detect_delimiter(stream, info.encoding)
    with _open_rows(stream, info) as rows:
        scanned: list[tuple[int, list[Any]]] = []
        for number, row in rows:
            if not _blank(row):
                scanned.append((number, row))
            if len(scanned) >= HEADER_SCAN_ROWS:
                break
        if not scanned:
            raise ImportFileError(_("The file is empty."))
        # A title line such as "某市12345工单导出" may sit above the header: take the first row
        # with at least two filled cells.
        header_number, header = next(
            ((n, r) for n, r in scanned if sum(cell_text(c) != "" for c in r) >= 2), scanned[0]
        )
        info.header_row, info.headers = header_number, _header_names(header)
        if len(info.headers) < 2:
            raise ImportFileError(_("No header row was found: the first row must name the columns."))
        for number, row in scanned:
            if number > header_number and len(info.preview) < preview_rows:
                info.preview.append((number, _texts(row, len(info.headers))))
        for number, row in rows:
            if len(info.preview) >= preview_rows:
                break
            if not _blank(row):
                info.preview.append((number, _texts(row, len(info.headers))))
    if not info.preview:
        raise ImportFileError(_("The file has a header row but no data rows."))
    return info


def _texts(row: list[Any], width: int) -> list[str]:
    return [cell_text(row[i]) if i < len(row) else "" for i in range(width)]


def batch_info(batch: ImportBatch) -> TableInfo:
    return TableInfo(format=batch.format, encoding=batch.encoding, delimiter=batch.delimiter,
                     sheet_name=batch.sheet_name, header_row=batch.header_row, headers=list(batch.headers))


@contextmanager
def open_batch_file(batch: ImportBatch) -> Iterator[IO[bytes]]:
    if not batch.file:
        raise ImportFileError(_("The uploaded file is no longer available. Upload it again."))
    try:
        handle = batch.file.open("rb")
    except (FileNotFoundError, OSError):
        raise ImportFileError(_("The uploaded file is no longer available. Upload it again.")) from None
    try:
        yield handle
    finally:
        handle.close()


def iter_data_rows(batch: ImportBatch) -> Rows:
    """(row number, cells) for every non-blank row below the header, reading the stored file again."""
    info = batch_info(batch)
    with open_batch_file(batch) as handle, _open_rows(handle, info) as rows:
        for number, row in rows:
            if number > info.header_row and not _blank(row):
                yield number, row


def preview(batch: ImportBatch, *, limit: int = 5) -> list[tuple[int, list[str]]]:
    result = []
    width = len(batch.headers)
    with closing(iter_data_rows(batch)) as rows:
        for number, row in rows:
            result.append((number, _texts(row, width)))
            if len(result) >= limit:
                break
    return result
