"""Writing the duplicate index: one report at a time (the triage pipeline) or in batches (reindex).

The index is derived data and carries no identity: texts become MinHash signatures and band keys,
subjects and reporters become 64-bit keys derived from the normalised subject and from the vault's
keyed hashes. Re-indexing a report replaces its rows, so every write here is idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from django.db import transaction

from jubao.duplicates.models import IndexKey, ReportSignature
from jubao.duplicates.signature import (
    SIGNATURE_VERSION,
    TextSignature,
    band_keys_of,
    namespaced_key,
    normalise,
    reporter_key,
    signature_of,
    subject_key,
)
from jubao.triage.steps import TriageInput

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def day_number(moment: datetime) -> int:
    return (moment - EPOCH).days


def address_key(address: str) -> int | None:
    norm = normalise(address)
    return namespaced_key("address", norm) if len(norm) >= 4 else None


def pack_keys(keys: Iterable[int]) -> bytes:
    return np.array(sorted(set(keys)), dtype="<i8").tobytes()


def unpack_keys(data: bytes | memoryview | None) -> list[int]:
    return np.frombuffer(bytes(data), dtype="<i8").tolist() if data else []


@dataclass(frozen=True)
class IndexEntry:
    """Everything stored for one report."""

    report_id: int
    created_at: datetime
    signature: TextSignature | None
    region_path: str
    address_key: int | None
    subject_key: int | None
    reporter_keys: tuple[int, ...]

    @property
    def day(self) -> int:
        return day_number(self.created_at)

    def lookup_keys(self) -> list[int]:
        keys = list(self.signature.band_keys()) if self.signature is not None else []
        if self.subject_key is not None:
            keys.append(self.subject_key)
        return sorted(set(keys) | set(self.reporter_keys))

    def signature_row(self) -> ReportSignature:
        return ReportSignature(
            report_id=self.report_id, created_at=self.created_at, version=SIGNATURE_VERSION,
            minhash=self.signature.to_bytes() if self.signature is not None else b"",
            shingle_count=self.signature.shingle_count if self.signature is not None else 0,
            region_path=self.region_path, address_key=self.address_key, subject_key=self.subject_key,
            reporter_keys=pack_keys(self.reporter_keys),
        )


def index_entry(inp: TriageInput, *, report_id: int | None = None) -> IndexEntry:
    return IndexEntry(
        report_id=report_id if report_id is not None else (inp.report_id or 0),
        created_at=inp.received_at,
        signature=signature_of(inp.text),
        region_path=inp.region_path,
        address_key=address_key(inp.address),
        subject_key=subject_key(inp.reported_subject),
        reporter_keys=tuple(sorted({reporter_key(k) for k in inp.reporter_keys if k})),
    )


def _stored_keys(row: ReportSignature) -> list[int]:
    keys: set[int] = set(unpack_keys(row.reporter_keys))
    if row.subject_key is not None:
        keys.add(row.subject_key)
    if row.minhash:
        minhash = np.frombuffer(bytes(row.minhash), dtype="<u4").reshape(1, -1)
        keys.update(band_keys_of(minhash)[0].tolist())
    return sorted(keys)


def _delete_rows(report_ids: Sequence[int]) -> None:
    """Remove the reports' keys (found through their stored signatures, so no report_id index is needed)."""
    rows = list(ReportSignature.objects.filter(report_id__in=report_ids).only(
        "report_id", "minhash", "subject_key", "reporter_keys"))
    for row in rows:
        IndexKey.objects.filter(band_key__in=_stored_keys(row), report_id=row.report_id).delete()
    ReportSignature.objects.filter(report_id__in=report_ids).delete()


def index_entries_write(entries: Sequence[IndexEntry]) -> None:
    """Replace the index rows of these reports (a batch: one delete and two bulk inserts)."""
    if not entries:
        return
    with transaction.atomic():
        _delete_rows([e.report_id for e in entries])
        ReportSignature.objects.bulk_create([e.signature_row() for e in entries], batch_size=500)
        IndexKey.objects.bulk_create(
            [IndexKey(band_key=key, day=e.day, report_id=e.report_id) for e in entries for key in e.lookup_keys()],
            batch_size=2000,
        )


def duplicates_index(inp: TriageInput) -> None:
    """Store the signature, band keys, subject and reporter keys of `inp.report_id` (idempotent)."""
    if inp.report_id is None:
        return
    index_entries_write([index_entry(inp)])


def duplicates_forget(report_id: int) -> None:
    """Take a report out of the index (e.g. when it is deleted or its text is redacted)."""
    with transaction.atomic():
        _delete_rows([report_id])
