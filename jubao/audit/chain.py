"""Appending to and verifying the hash chain.

Appending locks the single head row (SELECT … FOR UPDATE on PostgreSQL; SQLite's
IMMEDIATE transactions already serialise writers), so sequence numbers are gapless and
each event's `prev_hash` is the hash of the one before, whatever process wrote it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import DateTimeField, JSONField
from django.utils import timezone

from .models import ActorKind, AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def _digest(algorithm: str, data: bytes) -> str:
    if algorithm == "sm3":
        h = hashes.Hash(hashes.SM3())
        h.update(data)
        return h.finalize().hex()
    if algorithm == "sha256":
        return hashlib.sha256(data).hexdigest()
    raise ValueError(f"unknown audit hash algorithm {algorithm!r}")


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "seq": event.seq,
        "created_at": event.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "kind": event.kind,
        "case": event.case_id,
        "actor_kind": event.actor_kind,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "from": event.from_state,
        "to": event.to_state,
        "reason": event.reason,
        "payload": event.payload,
        "reporter_visible": event.reporter_visible,
        "prev": event.prev_hash,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(event: AuditEvent) -> str:
    return _digest(event.algorithm, _canonical(event))


@dataclass
class EventDraft:
    kind: str
    actor_kind: str = ActorKind.SYSTEM
    actor_id: int | None = None
    actor_label: str = ""
    case_id: int | None = None
    from_state: str = ""
    to_state: str = ""
    reason: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    reporter_visible: bool = False


_HEAD_TABLE = AuditChainHead._meta.db_table
_SMALL_APPEND = 16  # events written with the head in one statement on PostgreSQL


def _lock_head(connection: Any) -> tuple[int, str]:
    """The head's sequence number and hash, locked until the caller's transaction ends.

    Raw SQL: every audited write passes here, and the ORM's query building would cost more than
    the statement.
    """
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM {_HEAD_TABLE} WHERE id = 1{lock}", [])  # noqa: S608
        row = cursor.fetchone()
        if row is None:
            AuditChainHead.objects.get_or_create(pk=1)
            cursor.execute(f"SELECT seq, hash FROM {_HEAD_TABLE} WHERE id = 1{lock}", [])  # noqa: S608
            row = cursor.fetchone()
    return int(row[0]), str(row[1])


def append_events(drafts: Sequence[EventDraft], *, now: datetime | None = None) -> list[SimpleNamespace]:
    """Append events to the chain inside the caller's transaction (one is opened if none is).

    Rows are plain namespaces, not model instances: the sweeper appends tens of thousands at once.
    """
    if not drafts:
        return []
    algorithm = settings.JUBAO_AUDIT_HASH
    created_at = now or timezone.now()
    # No savepoint: a failed append must roll back the change it records, never be skipped alone.
    connection = connections[router.db_for_write(AuditEvent)]
    with transaction.atomic(using=connection.alias, savepoint=False):
        seq, prev = _lock_head(connection)
        events = []
        for draft in drafts:
            seq += 1
            event = SimpleNamespace(
                seq=seq, created_at=created_at, kind=draft.kind, case_id=draft.case_id,
                actor_kind=str(draft.actor_kind), actor_id=draft.actor_id, actor_label=draft.actor_label,
                from_state=str(draft.from_state), to_state=str(draft.to_state), reason=draft.reason,
                payload=_jsonable(draft.payload), reporter_visible=draft.reporter_visible, algorithm=algorithm,
                prev_hash=prev,
            )
            event.hash = event_hash(event)  # type: ignore[arg-type]
            prev = event.hash
            events.append(event)
        _write(connection, events, seq, prev)
    return events


_INSERT_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]


def _write(connection: Any, events: list[SimpleNamespace], seq: int, head_hash: str) -> None:
    """Insert the events and move the head.

    On PostgreSQL a few events and the head go in one statement, so the lock on the head is held
    for one round trip less; the sweeper's tens of thousands go in one executemany, as bulk_create's
    per-batch SQL compilation would cost more than the inserts themselves.
    """
    table = connection.ops.quote_name(str(AuditEvent._meta.db_table))
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in _INSERT_FIELDS)
    placeholders = "(" + ", ".join(["%s"] * len(_INSERT_FIELDS)) + ")"
    converters = [
        (f.attname, (lambda v, f=f: f.get_db_prep_save(v, connection)) if isinstance(f, (DateTimeField, JSONField))
         else None)
        for f in _INSERT_FIELDS
    ]
    rows = [
        [convert(getattr(event, name)) if convert else getattr(event, name) for name, convert in converters]
        for event in events
    ]
    move_head = f"UPDATE {_HEAD_TABLE} SET seq = %s, hash = %s WHERE id = 1"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) <= _SMALL_APPEND:
            values = ", ".join([placeholders] * len(rows))
            cursor.execute(f"WITH appended AS (INSERT INTO {table} ({columns}) VALUES {values}) "  # noqa: S608
                           f"{move_head}", [value for row in rows for value in row] + [seq, head_hash])
            return
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {placeholders}", rows)  # noqa: S608
        cursor.execute(move_head, [seq, head_hash])


def append_event(draft: EventDraft, *, now: datetime | None = None) -> SimpleNamespace:
    return append_events([draft], now=now)[0]


_NATIVE = (str, int, float, bool, type(None))


def _jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    if all(isinstance(k, str) and isinstance(v, _NATIVE) for k, v in payload.items()):
        return payload
    # Round-trip so that what is hashed is exactly what the JSON column gives back.
    loaded: dict[str, Any] = json.loads(json.dumps(payload, ensure_ascii=False, default=str))
    return loaded


@dataclass
class ChainBreak:
    seq: int
    problem: str


def iter_breaks(batch_size: int = 5000) -> Iterator[ChainBreak]:
    """Walk the chain in order and yield every broken link."""
    expected_seq = 1
    prev = GENESIS_HASH
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            yield ChainBreak(expected_seq, f"event #{expected_seq} is missing (next present is #{event.seq})")
        if event.prev_hash != prev:
            yield ChainBreak(event.seq, f"event #{event.seq} does not follow the previous event (removed or reordered)")
        if event_hash(event) != event.hash:
            yield ChainBreak(event.seq, f"event #{event.seq} was altered: its content no longer matches its hash")
        prev = event.hash
        expected_seq = event.seq + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev):
        yield ChainBreak(head.seq, f"the chain ends at #{expected_seq - 1} but the head records #{head.seq}: "
                                   "events were removed from the end")
