"""Demo data for the quality app (idempotent): `quality_demo_ensure(org)`.

Self-reviews appear by themselves as the demo concludes cases. This flags the overdue ones, draws last month's
retrospective sample, has the city supervisor review one sampled case, and computes the 两低一高 flags of last
month (final) and of the month so far (left open for the monthly job).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jubao.accounts.actors import Actor

from .models import RetrospectiveItem, RetrospectiveStatus
from .periods import month_start, previous_month
from .services import (
    department_flags_compute,
    retrospective_review_submit,
    retrospective_samples_draw,
    self_reviews_sweep_overdue,
)

SYSTEM = Actor.system("load_demo")
COMMENTS = "答复对整改措施交代不够具体，未写明复查时间；分类和办理时限符合要求。"


def quality_demo_ensure(org: Any) -> None:
    now = timezone.now()
    self_reviews_sweep_overdue(now=now)
    last = previous_month(now)
    retrospective_samples_draw(actor=SYSTEM, month=last, now=now)
    supervisor = org.users.get("supervisor")
    item = (RetrospectiveItem.objects.filter(status=RetrospectiveStatus.PENDING, sample__period=last)
            .order_by("case__number").first())
    if supervisor is not None and item is not None and not RetrospectiveItem.objects.filter(
            sample__period=last, status=RetrospectiveStatus.REVIEWED).exists():
        retrospective_review_submit(
            actor=Actor.staff(supervisor), public_id=str(item.public_id), comments=COMMENTS,
            scores={"score_classification": 5, "score_timeliness": 4, "score_substance": 3, "score_legality": 4},
            result="needs_improvement", now=now)
    department_flags_compute(actor=SYSTEM, month=last, now=now)
    department_flags_compute(actor=SYSTEM, month=month_start(timezone.localtime(now).date()), recompute=True,
                             final=False, now=now)
