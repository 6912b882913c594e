"""The monthly retrospective sample (回头看): a random 20 % of the cases answered or closed in a calendar month,
drawn per jurisdiction, once.

* Population of a month: cases with an "answer" or "close" transition in that month, not sampled for an earlier
  month, without a malicious-accusation finding.
* Jurisdiction (stratum): the county-level region above the case's region (the region itself for cases
  registered at city or province level), so that every county gets its own share of reviews.
* The draw is `draw(numbers, seed, rate)`: the sorted case numbers, shuffled by `random.Random(seed)`, of which
  ceil(rate × n) are kept. The seed is stored with the sample, so the draw can be repeated and checked.
* Idempotent: one sample per (month, jurisdiction) — a unique constraint — so a second run adds nothing.
"""

from __future__ import annotations

import hashlib
import math
import random
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.utils import timezone

from jubao.accounts.actors import Actor
from jubao.audit.chain import EventDraft, append_event
from jubao.audit.models import AuditEvent
from jubao.cases.models import Case
from jubao.organisation.models import Region

from .figures import not_malicious
from .models import PeriodRun, RetrospectiveItem, RetrospectiveSample
from .periods import month_bounds, month_label

DEFAULT_RATE = 0.20  # "信访室随机抽取20%进行'回头看'" (speech-quality-intake-seven-steps, step 7)
STRATUM_DEPTH = 3  # province / city / county: one stratum per county-level region
RUN_KIND = "retrospective-sample"
POPULATION_EVENTS = ("case.answer", "case.close")


def sampling_rate() -> float:
    return float(getattr(settings, "JUBAO_RETROSPECTIVE_RATE", DEFAULT_RATE))


def sample_size(population: int, rate: float) -> int:
    return min(population, math.ceil(population * rate - 1e-9)) if population else 0


def draw(numbers: Sequence[str], seed: int, rate: float) -> list[str]:
    """The sample drawn from these case numbers with this seed: a pure function (sorted output)."""
    ordered = sorted(set(numbers))
    # Seeded on purpose: the draw must be reproducible from the stored seed (the seed itself comes from secrets).
    return sorted(random.Random(seed).sample(ordered, sample_size(len(ordered), rate)))  # noqa: S311


def population_digest(numbers: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(set(numbers))).encode()).hexdigest()


def stratum_code(region_path: str) -> str:
    codes = [code for code in region_path.split("/") if code]
    return codes[min(STRATUM_DEPTH, len(codes)) - 1] if codes else ""


def month_population(month: date) -> dict[str, list[tuple[int, str, int | None]]]:
    """Per jurisdiction code: (case id, number, lead department id) of the month's population."""
    start, end = month_bounds(month)
    answered = AuditEvent.objects.filter(kind__in=POPULATION_EVENTS, created_at__gte=start, created_at__lt=end)
    rows = (Case.objects.filter(pk__in=Subquery(answered.values("case_id")))
            .exclude(pk__in=Subquery(RetrospectiveItem.objects.filter(sample__period__lt=month).values("case_id")))
            .filter(not_malicious()).order_by("number")
            .values_list("pk", "number", "region_path", "lead_department_id"))
    strata: dict[str, list[tuple[int, str, int | None]]] = defaultdict(list)
    for pk, number, path, department_id in rows:
        strata[stratum_code(path)].append((pk, number, department_id))
    return dict(strata)


def retrospective_samples_draw(
    *, actor: Actor, month: date, seed: int | None = None, now: datetime | None = None,
) -> list[RetrospectiveSample]:
    """Draw the month's samples for every jurisdiction that has none yet; returns the samples created.

    Without `seed` each jurisdiction gets a fresh random seed (so nobody can predict which cases will be looked
    at); with one, every jurisdiction of this run uses it (to reproduce a draw).
    """
    now = now or timezone.now()
    month = month.replace(day=1)
    rate = sampling_rate()
    strata = month_population(month)
    regions = {region.code: region for region in Region.objects.filter(code__in=list(strata))}
    existing = set(RetrospectiveSample.objects.filter(period=month).values_list("jurisdiction__code", flat=True))
    created = []
    for code in sorted(strata):
        if code in existing or code not in regions:
            continue
        members = strata[code]
        by_number = {number: (pk, department_id) for pk, number, department_id in members}
        stratum_seed = seed if seed is not None else secrets.randbits(62)
        chosen = draw(list(by_number), stratum_seed, rate)
        try:
            with transaction.atomic():
                sample = RetrospectiveSample.objects.create(
                    period=month, jurisdiction=regions[code], seed=stratum_seed, rate_percent=round(rate * 100),
                    population=len(by_number), size=len(chosen), population_digest=population_digest(by_number),
                    drawn_at=now, drawn_by=actor.label[:100])
                RetrospectiveItem.objects.bulk_create([
                    RetrospectiveItem(sample=sample, case_id=by_number[number][0], department_id=by_number[number][1])
                    for number in chosen
                ])
                append_event(EventDraft(
                    kind="quality.sample_drawn", actor_kind=actor.kind, actor_id=actor.user_id,
                    actor_label=actor.label, payload={"month": month_label(month), "jurisdiction": code,
                                                      "population": len(by_number), "size": len(chosen),
                                                      "seed": stratum_seed}), now=now)
        except IntegrityError:
            continue  # another worker drew this jurisdiction at the same moment: its sample stands
        created.append(sample)
    PeriodRun.objects.get_or_create(kind=RUN_KIND, period=month, defaults={"finished_at": now})
    return created


def sample_reproduces(sample: RetrospectiveSample) -> bool:
    """Whether drawing again from the sample's population with its seed gives exactly its cases."""
    numbers = [number for _pk, number, _d in month_population(sample.period).get(sample.jurisdiction.code, [])]
    if population_digest(numbers) != sample.population_digest:
        return False
    drawn = sorted(sample.items.values_list("case__number", flat=True))
    return draw(numbers, sample.seed, sample.rate_percent / 100) == drawn
