"""Who must stay away from a case (回避). Enforced by every service and transition a department user fires.

A staff member is recused from a case when
* the case accuses their own unit of misconduct (检举控告 naming their department as the reported subject) — a
  complaint about a unit's service or decision is, by 12345 practice, answered by that unit itself,
* they declared a link with a unit or person that the reports name, or
* the reporter named them,
or when a recusal was recorded on the case (declared by themselves or decided by their head).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from jubao.accounts.models import User
from jubao.cases.models import Case

from .models import CaseRecusal, ConflictDeclaration, HandlerProfile

MIN_NAME_CHARS = 2
# Kinds of case in which the reported unit's own staff may not handle it.
UNIT_RECUSAL_KINDS = frozenset({"accusation"})
_PARENTHESISED = re.compile(r"[（(][^）)]*[）)]")


def person_name(user: User, profile: HandlerProfile | None = None) -> str:
    """The name a reporter would write: the profile's, else the display name without role words or brackets
    ("承办人 张伟（城管）" → "张伟")."""
    if profile is not None and profile.person_name:
        return profile.person_name.strip()
    full = f"{user.last_name}{user.first_name}".strip()
    if len(full) >= MIN_NAME_CHARS:
        return full
    words = _PARENTHESISED.sub("", user.display_name or "").split()
    return words[-1] if words else ""


def _case_texts(case: Case) -> tuple[str, str]:
    """(what the reports name as reported subjects, everything the reports say)."""
    subjects, texts = [], [case.title]
    for subject, title, body in case.reports.values_list("reported_subject", "title", "body"):
        subjects.append(subject)
        texts.extend((subject, title, body))
    return "\n".join(s for s in subjects if s), "\n".join(t for t in texts if t)


def _mentions(text: str, needle: str) -> bool:
    needle = needle.strip()
    return len(needle) >= MIN_NAME_CHARS and needle in text


def recusal_reasons(user: User, case: Case) -> list[str]:
    reasons = [
        _("Recusal recorded on this case: %(reason)s") % {"reason": r}
        for r in CaseRecusal.objects.filter(case=case, user=user).values_list("reason", flat=True)
    ]
    subjects, everything = _case_texts(case)
    department = user.department
    if case.kind_id in UNIT_RECUSAL_KINDS and department is not None and (
            _mentions(subjects, department.name) or _mentions(subjects, department.code)):
        reasons.append(_("You belong to the reported unit (%(unit)s).") % {"unit": department.name})
    for declared in ConflictDeclaration.objects.filter(user=user, is_active=True).values_list("subject", flat=True):
        if _mentions(everything, declared):
            reasons.append(_("You declared a link with “%(subject)s”, which this case names.") % {"subject": declared})
    name = person_name(user, HandlerProfile.objects.filter(user=user).first())
    if _mentions(everything, name):
        reasons.append(_("The reporter names you (%(name)s).") % {"name": name})
    return reasons


def recused_user_ids(users: Iterable[User], case: Case) -> dict[int, list[str]]:
    return {u.pk: reasons for u in users if (reasons := recusal_reasons(u, case))}
