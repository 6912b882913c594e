"""The three sections this app adds to the staff case page, each with its forms (bound ones come back from a
rejected POST through `bound`, a dict of form name → form)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.cases.models import CLOSED_STATES, Case

from .forms import (
    EvidenceForm,
    NoteForm,
    OwnershipForm,
    ReviewForm,
    SignForm,
    SiteVisitForm,
    SupplementForm,
    TextForm,
    TransferForm,
)
from .models import MeetingFormat
from .selectors import investigation_record, ownerships_of, reviews_of
from .services import may_assign, may_convene, may_investigate, review_reasons
from .services.common import HANDLING_STATES, NOT_YET_HANDLED

REASON_LABELS = {
    "major": lambda: _("major case"),
    "top_leader": lambda: _("about a unit's top leader"),
    "collective_assets": lambda: _("collective assets (三资)"),
    "election": lambda: _("elections"),
    "must_review": lambda: _("marked for collective review by triage"),
}


def _bound(bound: Any, name: str) -> Any:
    return (bound or {}).get(name)


def _stray(bound: Any, shown: dict[str, Any]) -> list[str]:
    """Errors of a rejected form the panel does not show (e.g. someone who may not sign tried to)."""
    errors: list[str] = []
    for key, form in (bound or {}).items():
        if shown.get(key) is not form:
            errors.extend(str(e) for messages in form.errors.values() for e in messages)
    return errors


def review_context(actor: Actor, case: Case, bound: Any) -> dict[str, Any] | None:
    reasons = review_reasons(case)
    reviews = reviews_of(case)
    if not reasons and not reviews and not may_convene(actor, case):
        return None
    open_review = next((r for r in reviews if not r.is_complete), None)
    mine = None
    if open_review is not None:
        mine = next((p for p in open_review.participants.all() if p.user_id == actor.user_id), None)
    form = None
    if may_convene(actor, case) and case.state not in CLOSED_STATES:
        form = _bound(bound, "review")
        if form is None and open_review is not None:
            form = ReviewForm(case, initial={
                "held_at": timezone.localtime(open_review.held_at), "meeting_format": open_review.meeting_format,
                "location": open_review.location, "chair": open_review.chair.username,
                "decision": open_review.decision,
                "participants": [p.user.username for p in open_review.participants.all()]})
        elif form is None:
            form = ReviewForm(case, initial={"meeting_format": MeetingFormat.IN_PERSON,
                                             "chair": actor.user.username if actor.user else ""})
    sign_form = None
    if mine is not None and mine.signed_at is None:
        sign_form = _bound(bound, "sign") or SignForm(initial={"opinion": mine.opinion})
    return {
        "stray_errors": _stray(bound, {"review": form, "sign": sign_form}),
        "reasons": [REASON_LABELS.get(r, lambda r=r: r)() for r in reasons],
        "required": bool(reasons),
        "signed": any(r.is_complete for r in reviews),
        "reviews": reviews,
        "open_review": open_review,
        "form": form,
        "open": _bound(bound, "review") is not None or _bound(bound, "sign") is not None,
        "sign_form": sign_form,
    }


def investigation_context(actor: Actor, case: Case, bound: Any) -> dict[str, Any] | None:
    if case.state in NOT_YET_HANDLED or not may_investigate(actor, case):
        return None
    writable = case.state not in CLOSED_STATES
    forms = {
        "note": (_bound(bound, "note") or NoteForm()) if writable else None,
        "evidence": (_bound(bound, "evidence") or EvidenceForm(case)) if writable else None,
        "visit": (_bound(bound, "visit") or SiteVisitForm(case)) if writable else None,
        "supplement": (_bound(bound, "supplement") or SupplementForm(case)) if case.state in HANDLING_STATES
        else None,
    }
    return {
        "record": investigation_record(case),
        "writable": writable,
        **{f"{name}_form": form for name, form in forms.items()},
        "stray_errors": _stray(bound, forms),
        "open_form": next(iter(bound), "") if bound else "",
    }


def ownership_context(actor: Actor, case: Case, bound: Any) -> dict[str, Any] | None:
    ownerships = ownerships_of(case)
    assign = may_assign(actor) and case.state not in CLOSED_STATES and case.state not in NOT_YET_HANDLED
    if not ownerships and not assign:
        return None
    current = next((o for o in ownerships if o.is_active), None)
    is_leader = current is not None and current.leader_id == actor.user_id
    context: dict[str, Any] = {
        "current": current, "past": [o for o in ownerships if not o.is_active], "now": timezone.now(),
        "assign_form": None, "progress_form": None, "transfer_form": None, "end_form": None,
        "open_form": next(iter(bound), "") if bound else "",
    }
    if current is None and assign:
        context["assign_form"] = _bound(bound, "ownership") or OwnershipForm(case)
    if current is not None:
        if is_leader or may_investigate(actor, case):
            context["progress_form"] = _bound(bound, "progress") or TextForm(prefix="progress",
                                                                            label=_("Progress"))
        if may_assign(actor):
            context["transfer_form"] = _bound(bound, "transfer") or TransferForm(case)
        if (is_leader or may_assign(actor)) and case.state in CLOSED_STATES:
            context["end_form"] = _bound(bound, "end") or TextForm(prefix="end", label=_("Result"))
    context["stray_errors"] = _stray(bound, {name: context[f"{key}_form"] for name, key in (
        ("ownership", "assign"), ("progress", "progress"), ("transfer", "transfer"), ("end", "end"))})
    return context
