"""Reading the duplicate index: similar earlier reports, grouped by case, and repeat counts.

A lookup is at most three indexed queries whatever the size of the index:
1. the band keys of the text over the duplicate window (a range scan of the primary key per key);
2. the repeat counts per reporter key and subject key over the repeat window (same index);
3. the signatures of the best-hit candidates joined to their report and case.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext_noop

from jubao.cases.guards import MERGE_TARGET_STATES
from jubao.cases.models import CaseState
from jubao.duplicates.models import IndexKey, ReportSignature
from jubao.duplicates.services import IndexEntry, day_number, index_entry, unpack_keys
from jubao.duplicates.signature import TextSignature, estimated_containment, estimated_jaccard
from jubao.triage.steps import TriageInput

# Reasons are English message ids, translated where they are shown.
NEAR_IDENTICAL_TEXT = gettext_noop("near-identical text")
SIMILAR_TEXT = gettext_noop("similar text")
CONTAINED_TEXT = gettext_noop("one text contains the other")
SAME_REPORTER = gettext_noop("same reporter")
SAME_SUBJECT = gettext_noop("same subject")
SAME_PLACE = gettext_noop("same place")

# How much each shared fact adds to the text similarity. They only rank and reinforce: together they
# stay below the suggestion threshold, so unrelated reports about the same place or unit are not proposed.
BOOST_SUBJECT = 0.10
BOOST_REPORTER = 0.05
BOOST_PLACE = 0.05
# Containment is only trusted once the texts also overlap as wholes, and counts a little less than
# Jaccard: a report that is part of another is a duplicate, but not an identical one.
CONTAINMENT_FROM_JACCARD = 0.2
CONTAINMENT_WEIGHT = 0.85
NEAR_IDENTICAL = 0.8
MIN_TEXT_SIMILARITY = 0.2
MAX_CANDIDATES = 100
# A text made only of boilerplate ("同上", "谢谢") shares every band with every other such text; past this
# many band rows the lookup stops reading rather than slowing down (those candidates add nothing).
MAX_BAND_ROWS = 5000
MAX_SUGGESTIONS = 5


def duplicate_window_days() -> int:
    return int(getattr(settings, "JUBAO_DUPLICATE_WINDOW_DAYS", 90))


def repeat_window_days() -> int:
    return int(getattr(settings, "JUBAO_REPEAT_WINDOW_DAYS", 365))


def auto_merge_score() -> float:
    return float(getattr(settings, "JUBAO_DUPLICATE_AUTO_MERGE_SCORE", 0.9))


def suggest_score() -> float:
    return float(getattr(settings, "JUBAO_DUPLICATE_SUGGEST_SCORE", 0.35))


@dataclass(frozen=True)
class Suggestion:
    case: str
    report: str
    score: float
    text_similarity: float
    reasons: tuple[str, ...]
    case_state: str

    @property
    def can_merge_into(self) -> bool:
        return self.case_state in MERGE_TARGET_STATES

    def as_json(self) -> dict[str, Any]:
        return {"case": self.case, "report": self.report, "score": round(self.score, 3),
                "reasons": list(self.reasons)}


@dataclass
class Lookup:
    suggestions: list[Suggestion] = field(default_factory=list)
    reporter_repeats: int = 0
    subject_repeats: int = 0
    candidates_examined: int = 0

    @property
    def auto_merge_into(self) -> str | None:
        """The case to merge into without asking, if the best match is near-identical and still open."""
        best = self.suggestions[0] if self.suggestions else None
        if best is None or best.score < auto_merge_score() or NEAR_IDENTICAL_TEXT not in best.reasons:
            return None
        return best.case if best.can_merge_into else None


def text_similarity(a: TextSignature, b: TextSignature) -> tuple[float, bool]:
    """(similarity, whether containment decided it): Jaccard, or containment for truncated copies."""
    jaccard = estimated_jaccard(a, b)
    if jaccard < CONTAINMENT_FROM_JACCARD:
        return jaccard, False
    contained = CONTAINMENT_WEIGHT * estimated_containment(a, b, jaccard)
    return (contained, True) if contained > jaccard else (jaccard, False)


def _repeat_counts(entry: IndexEntry, own_report: int | None, first_day: int, last_day: int) -> tuple[int, int]:
    keys = list(entry.reporter_keys) + ([entry.subject_key] if entry.subject_key is not None else [])
    if not keys:
        return 0, 0
    rows = IndexKey.objects.filter(band_key__in=keys, day__gte=first_day, day__lte=last_day)
    if own_report is not None:
        rows = rows.exclude(report_id=own_report)
    aggregates: dict[str, Count] = {}
    if entry.reporter_keys:
        aggregates["reporter"] = Count("report_id", distinct=True, filter=Q(band_key__in=entry.reporter_keys))
    if entry.subject_key is not None:
        aggregates["subject"] = Count("report_id", distinct=True, filter=Q(band_key=entry.subject_key))
    counts = rows.aggregate(**aggregates)
    return int(counts.get("reporter") or 0), int(counts.get("subject") or 0)


def _band_hits(entry: IndexEntry, own_report: int | None, first_day: int, last_day: int) -> Counter[int]:
    if entry.signature is None:
        return Counter()
    report_ids = IndexKey.objects.filter(
        band_key__in=entry.signature.band_keys(), day__gte=first_day, day__lte=last_day,
    ).values_list("report_id", flat=True)[:MAX_BAND_ROWS]
    hits = Counter(report_ids)
    hits.pop(own_report, None)  # type: ignore[arg-type]
    return hits


_CANDIDATE_FIELDS = (
    "report_id", "created_at", "minhash", "shingle_count", "region_path", "address_key", "subject_key",
    "reporter_keys", "report__tracking_number", "report__case_id", "report__case__number", "report__case__state",
    "report__case__merged_into_id", "report__case__merged_into__number", "report__case__merged_into__state",
)


def _score(entry: IndexEntry, row: dict[str, Any]) -> tuple[float, float, list[str]] | None:
    if entry.signature is None or not row["minhash"]:
        return None
    other = TextSignature.from_bytes(row["minhash"], row["shingle_count"])
    similarity, by_containment = text_similarity(entry.signature, other)
    if similarity < MIN_TEXT_SIMILARITY:
        return None
    if similarity >= NEAR_IDENTICAL and not by_containment:
        reasons = [NEAR_IDENTICAL_TEXT]
    else:
        reasons = [CONTAINED_TEXT if by_containment else SIMILAR_TEXT]
    score = similarity
    if entry.reporter_keys and set(entry.reporter_keys) & set(unpack_keys(row["reporter_keys"])):
        reasons.append(SAME_REPORTER)
        score += BOOST_REPORTER
    if entry.subject_key is not None and entry.subject_key == row["subject_key"]:
        reasons.append(SAME_SUBJECT)
        score += BOOST_SUBJECT
    same_region = bool(entry.region_path) and entry.region_path == row["region_path"]
    if same_region or (entry.address_key is not None and entry.address_key == row["address_key"]):
        reasons.append(SAME_PLACE)
        score += BOOST_PLACE
    return min(1.0, score), similarity, reasons


def duplicates_lookup(inp: TriageInput) -> Lookup:
    """Earlier reports like this one, best first, one per case; never the report itself or its own case."""
    entry = index_entry(inp)
    own_report = inp.report_id
    last_day = day_number(inp.received_at)
    reporter_repeats, subject_repeats = _repeat_counts(
        entry, own_report, last_day - repeat_window_days(), last_day)
    hits = _band_hits(entry, own_report, last_day - duplicate_window_days(), last_day)
    lookup = Lookup(reporter_repeats=reporter_repeats, subject_repeats=subject_repeats)
    if not hits:
        return lookup
    candidates = [report_id for report_id, _ in hits.most_common(MAX_CANDIDATES)]
    window_start = inp.received_at - timedelta(days=duplicate_window_days())
    rows = ReportSignature.objects.filter(
        report_id__in=candidates, created_at__gte=window_start, created_at__lte=inp.received_at,
    ).values(*_CANDIDATE_FIELDS)
    best_per_case: dict[str, Suggestion] = {}
    for row in rows:
        lookup.candidates_examined += 1
        scored = _score(entry, row)
        if scored is None or scored[0] < suggest_score():
            continue
        case_id, number, state = row["report__case_id"], row["report__case__number"], row["report__case__state"]
        if state == CaseState.MERGED and row["report__case__merged_into_id"] is not None:
            case_id, number = row["report__case__merged_into_id"], row["report__case__merged_into__number"]
            state = row["report__case__merged_into__state"]
        if case_id == inp.case_id or state == CaseState.MERGED:
            continue
        score, similarity, reasons = scored
        suggestion = Suggestion(case=number, report=row["report__tracking_number"], score=score,
                                text_similarity=similarity, reasons=tuple(reasons), case_state=state)
        current = best_per_case.get(number)
        if current is None or (suggestion.score, suggestion.text_similarity) > (current.score, current.text_similarity):
            best_per_case[number] = suggestion
    ranked = sorted(best_per_case.values(), key=lambda s: (-s.score, -s.text_similarity, s.case))
    lookup.suggestions = ranked[:MAX_SUGGESTIONS]
    return lookup

