"""Reads that apply visibility: who may see which registrations, and which regions they may register in."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from jubao.accounts.models import Role, User
from jubao.organisation.models import Region

from .errors import RegistrationError
from .models import Registration, RegistrationStatus

# Intake clerks enter and check; dispatchers and administrators may look and settle differences.
ENTER_ROLES = frozenset({Role.CLERK})
CHECK_ROLES = frozenset({Role.CLERK})
RESOLVE_ROLES = frozenset({Role.CLERK, Role.DISPATCHER, Role.ADMIN})
VIEW_ROLES = RESOLVE_ROLES
WITHDRAW_ROLES = frozenset({Role.DISPATCHER, Role.ADMIN})  # and the clerk who entered it
RECENT_LIMIT = 20


class RegistrationNotFound(RegistrationError):
    """Missing and out of scope look the same from outside."""

    status_code = 404


def role_of(user: User | None) -> str:
    if user is None or not user.is_authenticated or not user.is_active:
        return ""
    return Role.ADMIN if user.is_superuser else user.role


def regions_in_scope(user: User) -> QuerySet[Region]:
    """The regions a person may register reports in: their jurisdiction's subtree (everything for admins)."""
    role = role_of(user)
    if role == Role.ADMIN:
        return Region.objects.all()
    if role not in VIEW_ROLES:
        return Region.objects.none()
    region = user.scope_region
    return Region.objects.filter(path__startswith=region.path) if region else Region.objects.none()


def region_in_scope(user: User, region: Region) -> bool:
    return regions_in_scope(user).filter(pk=region.pk).exists()


def region_labels(regions: QuerySet[Region]) -> list[tuple[str, str]]:
    """(code, full name) for each region, built from one query (Region.full_name walks parents one by one)."""
    rows = list(regions.order_by("path").values("code", "name", "path"))
    names = {row["code"]: row["name"] for row in Region.objects.filter(
        code__in={code for row in rows for code in row["path"].strip("/").split("/")}).values("code", "name")}
    return [(row["code"], "".join(names.get(code, "") for code in row["path"].strip("/").split("/")))
            for row in rows]


def registrations_visible_to(user: User) -> QuerySet[Registration]:
    role = role_of(user)
    base = Registration.objects.select_related("region", "kind", "entered_by", "checked_by", "resolved_by",
                                               "report__case")
    if role == Role.ADMIN:
        return base
    if role not in VIEW_ROLES:
        return base.none()
    region = user.scope_region
    scope = Q(region__path__startswith=region.path) if region else Q(pk__in=[])
    return base.filter(scope | Q(entered_by=user))


def registration_get_for(user: User, public_id: Any) -> Registration:
    try:
        key = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError:
        key = None
    registration = registrations_visible_to(user).filter(public_id=key).first() if key else None
    if registration is None:
        raise RegistrationNotFound(_("No registration with that reference was found."))
    return registration


def registration_lists(user: User) -> dict[str, QuerySet[Registration]]:
    """The index page: waiting for a check (never my own), disputed, and my recent ones."""
    visible = registrations_visible_to(user)
    return {
        "awaiting": visible.filter(status=RegistrationStatus.AWAITING_CHECK).exclude(entered_by=user)
        .order_by("entered_at"),
        "disputed": visible.filter(status=RegistrationStatus.DISPUTED)
        .annotate(difference_count=Count("differences")).order_by("entered_at"),
        "mine": visible.filter(Q(entered_by=user) | Q(checked_by=user) | Q(resolved_by=user))
        .order_by("-entered_at")[:RECENT_LIMIT],
    }
