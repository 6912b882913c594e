"""Turning an outbox message's `audience` into staff users, at delivery time.

Keys combine with AND:

* `role`: a role value, or a list of them.
* `region_path`: users whose region (their jurisdiction, else their department's
  region) lies at or below this path, e.g. "/330000/330100/".
* `covering_path`: users whose region lies at or *above* this path, i.e. whose
  jurisdiction covers a case located there (escalation to supervisors).
* `department_id`: users of that department; without `role`, only its handlers and
  department heads.

Only active users are returned. An audience that selects nothing (no `role`,
`region_path`, `covering_path` or `department_id`) means nobody, never everybody.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from jubao.accounts.models import DEPARTMENT_ROLES

SELECTING_KEYS = frozenset({"role", "region_path", "covering_path", "department_id"})
# Non-selecting keys: `url` is a webhook's target; `address` is one fixed e-mail address
# or phone number (a duty mailbox or duty phone) delivered to in addition to any users.
# Neither may ever hold a reporter's contact details.
# `reporter_identity` is a vault entry's public_id: the reporter's phone or e-mail is decrypted
# only at the moment of sending and never written to the outbox.
KNOWN_KEYS = SELECTING_KEYS | {"url", "address", "reporter_identity"}


def validate_audience(audience: dict[str, Any]) -> None:
    unknown = set(audience) - KNOWN_KEYS
    if unknown:
        raise ValueError(f"unknown audience keys: {sorted(unknown)}")
    for key in ("region_path", "covering_path"):
        path = audience.get(key)
        if path is not None and not (isinstance(path, str) and path.startswith("/") and path.endswith("/")):
            raise ValueError(f"{key} must look like '/330000/330100/'")


def _ancestor_paths(path: str) -> list[str]:
    codes = [code for code in path.split("/") if code]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def _by_scope_region(jurisdiction: Q, department_region: Q) -> Q:
    # A user's region is their jurisdiction if set, otherwise their department's region
    # (the same rule as User.scope_region).
    return jurisdiction | (Q(jurisdiction__isnull=True) & department_region)


def audience_users(audience: dict[str, Any]) -> QuerySet:
    User = get_user_model()
    if not audience or not (SELECTING_KEYS & set(audience)):
        return User.objects.none()
    validate_audience(audience)
    users = User.objects.filter(is_active=True)
    role = audience.get("role")
    if isinstance(role, list | tuple):
        users = users.filter(role__in=role)
    elif role:
        users = users.filter(role=role)
    if "department_id" in audience:
        users = users.filter(department_id=audience["department_id"])
        if not role:
            users = users.filter(role__in=DEPARTMENT_ROLES)
    if audience.get("region_path"):
        path = audience["region_path"]
        users = users.filter(
            _by_scope_region(Q(jurisdiction__path__startswith=path), Q(department__region__path__startswith=path))
        )
    if audience.get("covering_path"):
        paths = _ancestor_paths(audience["covering_path"])
        users = users.filter(_by_scope_region(Q(jurisdiction__path__in=paths), Q(department__region__path__in=paths)))
    return users.order_by("id")
