"""Reads of the feedback app: templates filled for a case, the case-page panel, the clerks' follow-up list."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role, User
from jubao.cases.models import Case, CaseState, Report

from .followups import may_record
from .letter import chinese_date
from .letters import case_has_real_name_reporter
from .models import CaseReview, FeedbackAnswer, FollowUp, FollowUpStatus, ReplyLetter, ResponseTemplate, ReviewStatus
from .sections import SECTION_KEYS

# Finding as the reporter reads it (document vocabulary, like the headings: fixed, not the UI language).
FINDING_PLAIN = {"substantiated": "属实", "partly": "部分属实", "unsubstantiated": "不属实", "unverifiable": "无法核实"}
PLACEHOLDERS = ("case_number", "title", "finding", "department", "region", "category", "reported_on", "today")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
FOLLOWUP_LIST_ROLES = frozenset({Role.CLERK, Role.SUPERVISOR, Role.ADMIN})


def placeholder_values(case: Case) -> dict[str, str]:
    first = Report.objects.filter(case=case).order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "case_number": case.number,
        "title": case.title,
        "finding": FINDING_PLAIN.get(case.finding, ""),
        "department": str(case.lead_department) if case.lead_department_id else "",
        "region": case.region.full_name() if case.region_id else "",
        "category": case.category.name if case.category is not None else "",
        "reported_on": chinese_date(timezone.localtime(first or case.created_at).date()),
        "today": chinese_date(timezone.localdate()),
    }


def fill(text: str, values: dict[str, str]) -> str:
    """Replace known {placeholders}; anything else in braces is left as typed (no format-string surprises)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def template_sections(template: ResponseTemplate, case: Case) -> dict[str, str]:
    values = placeholder_values(case)
    return {key: fill(getattr(template, key), values) for key in SECTION_KEYS}


def template_get(public_id: Any) -> ResponseTemplate | None:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return ResponseTemplate.objects.filter(public_id=key, is_active=True).first()


def templates_for_case(case: Case) -> list[ResponseTemplate]:
    """Active templates, the ones made for this case's category and finding first."""
    path = case.category.path if case.category is not None else ""

    def score(t: ResponseTemplate) -> tuple[int, str]:
        if t.category_id is not None and f"/{t.category_id}/" not in path:
            return (9, t.title)  # made for another category: last
        return (-(t.category_id is not None) * 2 - (bool(t.finding) and t.finding == case.finding), t.title)

    templates = [t for t in ResponseTemplate.objects.filter(is_active=True).select_related("category")
                 if not t.finding or not case.finding or t.finding == case.finding]
    return sorted(templates, key=score)


def templates_all() -> QuerySet[ResponseTemplate]:
    return ResponseTemplate.objects.select_related("category", "updated_by").order_by("-is_active", "title")


# --- the case-page panel ---------------------------------------------------------------------------
def feedback_panel(actor: Actor, case: Case, bound: Any) -> dict[str, Any] | None:
    from jubao.cases.workflow import TRANSITIONS, actor_may

    from .forms import AnswerForm, ReviewAssignForm
    from .services import may_assign_reviewer, reviewer_candidates

    bound = bound or {}
    may_answer = actor_may(TRANSITIONS["answer"], actor, case)
    answers = list(FeedbackAnswer.objects.filter(case=case).select_related("template", "answered_by")
                   .order_by("-version"))
    followups = list(FollowUp.objects.filter(case=case).select_related("report", "recorded_by")
                     .order_by("-created_at", "pk")) if answers else []
    reviews = list(CaseReview.objects.filter(case=case).select_related("first_handler", "reviewer")
                   .order_by("-round")) if answers else []
    if not (may_answer or answers):
        return None
    letters = {letter.answer_id: letter for letter in ReplyLetter.objects.filter(case=case).only(
        "id", "answer_id", "reference", "size", "generated_at")} if answers else {}
    context: dict[str, Any] = {
        "may_answer": may_answer, "answers": [(a, letters.get(a.pk)) for a in answers], "followups": followups,
        "reviews": reviews, "real_name": case_has_real_name_reporter(case) if (answers or may_answer) else False,
        "may_record": may_record(actor),
    }
    if may_answer:
        templates = templates_for_case(case)
        context["answer_form"] = bound.get("answer") or AnswerForm(templates=templates,
                                                                     initial={"version": case.version})
    open_review = next((r for r in reviews if r.status == ReviewStatus.OPEN), None)
    context["open_review"] = open_review
    if (open_review is not None and case.state == CaseState.UNDER_REVIEW
            and may_assign_reviewer(actor, case.lead_department_id)):
        context["review_form"] = bound.get("review") or ReviewAssignForm(
            candidates=reviewer_candidates(open_review),
            initial={"reviewer": open_review.reviewer.public_id if open_review.reviewer else ""})
    return context


# --- follow-ups --------------------------------------------------------------------------------------
def may_list_followups(actor: Actor) -> bool:
    return actor.role in FOLLOWUP_LIST_ROLES


def _jurisdiction(user: User) -> Q:
    if user.is_superuser or user.role == Role.ADMIN:
        return Q()
    region = user.scope_region
    return Q(region_path__startswith=region.path) if region is not None else Q(pk__in=[])


def followup_queue(user: User, *, status: str = FollowUpStatus.OPEN, overdue: bool = False) -> QuerySet[FollowUp]:
    """Follow-ups in the user's jurisdiction, the most urgent first (open ones: earliest due)."""
    qs = FollowUp.objects.filter(_jurisdiction(user))
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(overdue=True)
    order = ("due_at", "id") if status == FollowUpStatus.OPEN else ("-due_at", "-id")
    return qs.select_related("case", "report", "answer").order_by(*order)


def followup_get(user: User, public_id: Any) -> FollowUp | None:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    followup = (FollowUp.objects.filter(_jurisdiction(user), public_id=key)
                .select_related("case", "report", "answer", "recorded_by").first())
    if followup is None:
        return None
    from jubao.cases.selectors import cases_visible_to

    return followup if cases_visible_to(user).filter(pk=followup.case_id).exists() else None
