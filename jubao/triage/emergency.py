"""Emergency matching: is the report about a declared emergency (暴雨、台风 …) that is in force?

An event matches a report received at time t when it is in force at t (starts_at ≤ t, t < ends_at if planned,
t < ended_at if ended), the report's region lies inside one of the event's regions (none = everywhere), its
category is one of the event's categories or below them (none = any), and one of the event's cue lines occurs
in the text (none = any text). The pipeline raises a matched case to critical (特急); this step only says which
event matched.

Events are read into a per-process snapshot (one joined query, plus one for the category subtrees when an event
names categories) that lives for JUBAO_CONFIG_CACHE_SECONDS; declaring, editing or ending an event drops this
process's snapshot at once, other processes see it within the cache window.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_noop

from .cues import CueLine, compile_cue_lines, prepare
from .steps import Cue, StepEarlier, StepOutcome, TriageInput

MEANS_EVENT = gettext_noop("emergency event")


@dataclass(frozen=True)
class ActiveEvent:
    pk: int
    public_id: str
    name: str
    starts_at: datetime
    ends_at: datetime | None
    ended_at: datetime | None
    region_paths: tuple[str, ...]
    category_ids: frozenset[int]
    names_categories: bool
    cue_lines: tuple[CueLine, ...]

    def in_force_at(self, moment: datetime) -> bool:
        if moment < self.starts_at:
            return False
        if self.ends_at is not None and moment >= self.ends_at:
            return False
        return self.ended_at is None or moment < self.ended_at


@dataclass
class EventSnapshot:
    events: tuple[ActiveEvent, ...] = ()
    version: str = "events-none"
    loaded_at: float = field(default=0.0)


_snapshot: EventSnapshot | None = None


def _load() -> EventSnapshot:
    from jubao.taxonomy.models import Category

    from .models import EmergencyEvent

    # Events are few (a handful a year): all of them, ended or not, so that a report triaged again later (or
    # imported with its original date) still matches the event that was in force when it arrived.
    rows = (
        EmergencyEvent.objects.order_by("-starts_at", "-pk")
        .values_list("pk", "public_id", "name", "cue_words", "starts_at", "ends_at", "ended_at",
                     "regions__path", "categories__path")
    )
    raw: dict[int, dict[str, Any]] = {}
    for pk, public_id, name, cue_words, starts_at, ends_at, ended_at, region_path, category_path in rows:
        entry = raw.setdefault(pk, {"public_id": str(public_id), "name": name, "cue_words": cue_words,
                                    "starts_at": starts_at, "ends_at": ends_at, "ended_at": ended_at,
                                    "regions": set(), "categories": set()})
        if region_path:
            entry["regions"].add(region_path)
        if category_path:
            entry["categories"].add(category_path)

    subtree_paths = {path for entry in raw.values() for path in entry["categories"]}
    category_paths: list[tuple[int, str]] = []
    if subtree_paths:
        query = Q()
        for path in subtree_paths:
            query |= Q(path__startswith=path)
        category_paths = list(Category.objects.filter(query).values_list("pk", "path"))

    digest = hashlib.sha256()
    events = []
    for pk, entry in raw.items():
        prefixes = tuple(sorted(entry["categories"]))
        ids = frozenset(cid for cid, path in category_paths if path.startswith(prefixes)) if prefixes else frozenset()
        regions = tuple(sorted(entry["regions"]))
        digest.update(repr((pk, entry["name"], entry["cue_words"], entry["starts_at"], entry["ends_at"],
                            entry["ended_at"], regions, prefixes)).encode())
        events.append(ActiveEvent(
            pk=pk, public_id=entry["public_id"], name=entry["name"], starts_at=entry["starts_at"],
            ends_at=entry["ends_at"], ended_at=entry["ended_at"], region_paths=regions, category_ids=ids,
            names_categories=bool(prefixes), cue_lines=compile_cue_lines(entry["cue_words"].splitlines()),
        ))
    version = f"events-{digest.hexdigest()[:12]}" if events else "events-none"
    return EventSnapshot(events=tuple(events), version=version, loaded_at=time.monotonic())


def event_snapshot() -> EventSnapshot:
    global _snapshot
    ttl = getattr(settings, "JUBAO_CONFIG_CACHE_SECONDS", 5)
    if _snapshot is not None and ttl and time.monotonic() - _snapshot.loaded_at < ttl:
        return _snapshot
    _snapshot = _load()
    return _snapshot


def invalidate_events(**_: Any) -> None:
    global _snapshot
    _snapshot = None


def _report_category(inp: TriageInput, earlier: StepEarlier) -> int | None:
    if inp.category_id is not None:
        return inp.category_id
    classification = earlier.get("classification")
    if classification is None:
        return None
    category_id = classification.proposal.get("category_id")
    return category_id if isinstance(category_id, int) else None


def matching_event(inp: TriageInput, earlier: StepEarlier) -> tuple[ActiveEvent | None, list[Cue]]:
    """The most recently started event in force that matches the report, and the cues that matched it."""
    snapshot = event_snapshot()
    if not snapshot.events:
        return None, []
    category_id = _report_category(inp, earlier)
    prepared = prepare(inp.text)
    for event in snapshot.events:
        if not event.in_force_at(inp.received_at):
            continue
        cues: list[Cue] = []
        if event.region_paths:
            region = next((p for p in event.region_paths if inp.region_path.startswith(p)), None)
            if region is None:
                continue
            cues.append(Cue(region, gettext_noop("in the event's region"), 0.0))
        if event.names_categories:
            if category_id is None or category_id not in event.category_ids:
                continue
            cues.append(Cue(str(category_id), gettext_noop("in the event's categories"), 0.0))
        if event.cue_lines:
            fired = [line.text for line in event.cue_lines if line.matches(prepared)]
            if not fired:
                continue
            cues.extend(Cue(text, MEANS_EVENT) for text in fired)
        return event, cues
    return None, []


def emergency_step(inp: TriageInput, earlier: StepEarlier) -> StepOutcome:
    event, cues = matching_event(inp, earlier)
    version = event_snapshot().version
    if event is None:
        return StepOutcome(step="emergency", proposal={"event": None, "event_name": ""}, confidence=0.95,
                           version=version, cues=[], needs_human=False)
    # An event that names nothing but a period and region catches everything there: less sure than one with cues.
    confidence = 0.95 if event.cue_lines or event.names_categories else 0.8
    return StepOutcome(step="emergency", proposal={"event": event.public_id, "event_name": event.name},
                       confidence=confidence, version=version, cues=cues, needs_human=False)


def connect_signals() -> None:
    """Drop the snapshot in this process when an event is declared, edited or ended (called from ready())."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import EmergencyEvent

    post_save.connect(invalidate_events, sender=EmergencyEvent, dispatch_uid="triage_event_saved")
    post_delete.connect(invalidate_events, sender=EmergencyEvent, dispatch_uid="triage_event_deleted")
    m2m_changed.connect(invalidate_events, sender=EmergencyEvent.regions.through,
                        dispatch_uid="triage_event_regions")
    m2m_changed.connect(invalidate_events, sender=EmergencyEvent.categories.through,
                        dispatch_uid="triage_event_categories")
