"""The quality section of the case page: the case's self-reviews (with the form for its handler) and its
retrospective reviews (with the form for a supervisor)."""

from __future__ import annotations

from typing import Any

from jubao.accounts.actors import Actor
from jubao.cases.models import Case

from .forms import RetrospectiveReviewForm, SelfReviewForm
from .models import RetrospectiveStatus, SelfReviewStatus
from .selectors import case_retrospectives, case_self_reviews
from .services import may_fill_self_review, may_review_retrospective


def quality_panel(actor: Actor, case: Case, bound: Any) -> dict[str, Any] | None:
    """`bound` is {"self_review": form} or {"retrospective": form} from a rejected POST."""
    user = actor.user
    if user is None:
        return None
    reviews = case_self_reviews(case)
    retrospectives = case_retrospectives(case)
    if not reviews and not retrospectives:
        return None
    bound = bound or {}
    open_review = next((r for r in reviews if r.status == SelfReviewStatus.OPEN), None)
    self_review_form = None
    if open_review is not None and may_fill_self_review(user, open_review):
        self_review_form = bound.get("self_review") or SelfReviewForm()
    pending = next((item for item in retrospectives if item.status == RetrospectiveStatus.PENDING), None)
    retrospective_form = None
    if pending is not None and may_review_retrospective(user):
        retrospective_form = bound.get("retrospective") or RetrospectiveReviewForm()
    return {
        "self_reviews": reviews, "open_review": open_review, "self_review_form": self_review_form,
        "retrospectives": retrospectives, "pending": pending, "retrospective_form": retrospective_form,
        "open": bool(bound),
    }
