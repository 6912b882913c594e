"""Checking one row against the mapping and turning it into a ReportInput, with every reason it fails.

Messages never quote the reporter's name, phone or ID number: they end up in the rejected-row report.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.cases.services import ReportInput
from jubao.organisation.models import Region
from jubao.protection.vault import normalise_id_number, normalise_phone, validate_id_number
from jubao.taxonomy.models import Category, Kind

from .fields import IDENTITY_FIELDS, TARGET_FIELDS
from .models import ImportBatch
from .readers import cell_text
from .values import parse_date, parse_datetime

# Column widths of Report; longer values are rejected rather than cut, so nothing is silently lost.
MAX_LENGTHS = {"external_id": 100, "title": 200, "address": 255, "reported_subject": 200}
DERIVED_TITLE_CHARS = 40
_ECHO_CHARS = 50
_CLOCK_SKEW = timedelta(minutes=5)


def _echo(value: str) -> str:
    return value if len(value) <= _ECHO_CHARS else value[: _ECHO_CHARS - 1] + "…"


def _key(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split())


def phone_is_valid(raw: str, digits: str) -> bool:
    """Mobile (11 digits from 1), landline with area code (0…, 10-12 digits) or local (7-8 digits).
    Masked numbers such as 138****8000 are refused: they cannot be used to reach anyone."""
    if "*" in raw or "＊" in raw:
        return False
    if digits.startswith("1"):
        return len(digits) == 11
    if digits.startswith("0"):
        return 10 <= len(digits) <= 12
    return 7 <= len(digits) <= 8


def find_region(value: str) -> Region | str:
    """The region a division code, name or full name designates, or the reason none fits."""
    key = _key(value)
    if key.isdigit():
        codes = [key]
        # 12-digit codes pad county (6) and township (9) levels with zeros: 330102000000.
        if len(key) == 12 and key.endswith("000"):
            codes.append(key[:9])
        if len(key) == 12 and key.endswith("000000"):
            codes.append(key[:6])
        found = Region.objects.filter(code__in=codes).order_by("-code").first()
        return found or _("Unknown region “%(value)s”.") % {"value": _echo(key)}
    named = list(Region.objects.filter(name=key)[:2])
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        return _("The region name “%(value)s” is ambiguous; use the division code or the full name.") % {
            "value": _echo(key)}
    # A full name is the names from the top down ("示范省示范市东城区…"): the region's own name is a suffix.
    suffixes = [key[i:] for i in range(1, len(key))]
    for candidate in Region.objects.filter(name__in=suffixes).select_related("parent"):
        if _key(candidate.full_name()) == key:
            return candidate
    return _("Unknown region “%(value)s”.") % {"value": _echo(key)}


@dataclass
class CheckedRow:
    external_id: str
    raw: dict[str, str]  # mapped values without identity columns, for the rejected-row report
    reasons: list[str] = field(default_factory=list)
    report: ReportInput | None = None
    identity: dict[str, str] | None = None
    category_id: int | None = None
    received_at: datetime | None = None


class RowValidator:
    """Holds the lookups for one run; regions are resolved lazily because a country has ~600,000."""

    def __init__(self, batch: ImportBatch, *, now: datetime | None = None):
        self.batch = batch
        self.now = now or timezone.now()
        headers = list(batch.headers)
        self.columns = {name: headers.index(col) for name, col in batch.mapping.items() if col in headers}
        self.kinds: dict[str, str] = {}
        for kind in Kind.objects.filter(is_active=True):
            self.kinds[_key(kind.name)] = kind.code
            self.kinds[kind.code.lower()] = kind.code
        self.categories: dict[str, list[int]] = {}
        self.category_names: dict[str, list[int]] = {}
        for pk, name, full_name in Category.objects.filter(is_active=True).values_list("pk", "name", "full_name"):
            self.categories.setdefault(_key(full_name), []).append(pk)
            self.category_names.setdefault(_key(name), []).append(pk)
        self.regions: dict[str, Region | str] = {}
        self.default_kind = batch.defaults.get("kind", "")
        default_region = batch.defaults.get("region", "")
        self.default_region = self.region(default_region) if default_region else None

    # --- values ---------------------------------------------------------------------------
    def cell(self, cells: list[Any], name: str) -> Any:
        index = self.columns.get(name)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def text(self, cells: list[Any], name: str) -> str:
        return cell_text(self.cell(cells, name))

    def external_id(self, cells: list[Any]) -> str:
        return self.text(cells, "external_id")

    # --- lookups ----------------------------------------------------------------------------
    def region(self, value: str) -> Region | str:
        """The region, or the reason it cannot be used."""
        key = _key(value)
        if key not in self.regions:
            self.regions[key] = find_region(key)
        return self.regions[key]

    def category(self, value: str) -> int | str:
        key = _key(value)
        # full_name separates levels with " / "; staff type it with or without the spaces.
        ids = self.categories.get(key) or self.category_names.get(key, [])
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            return _("The category “%(value)s” is ambiguous; use its full name.") % {"value": _echo(value)}
        return _("Unknown category “%(value)s”.") % {"value": _echo(value)}

    # --- the row ------------------------------------------------------------------------------
    def check(self, cells: list[Any]) -> CheckedRow:
        values = {f.name: self.text(cells, f.name) for f in TARGET_FIELDS if f.name in self.columns}
        row = CheckedRow(
            external_id=values.get("external_id", ""),
            raw={name: value for name, value in values.items() if name not in IDENTITY_FIELDS},
        )
        reasons = row.reasons
        if not row.external_id:
            reasons.append(_("The external id is missing."))
        body = values.get("body", "")
        if not body:
            reasons.append(_("The text of the report (what happened) is missing."))
        for name, limit in MAX_LENGTHS.items():
            if len(values.get(name, "")) > limit:
                reasons.append(_("The %(field)s is longer than %(max)d characters.") % {
                    "field": _field_label(name), "max": limit})
        kind = self._kind(values.get("kind", ""), reasons)
        region = self._region(values.get("region", ""), reasons)
        occurred_on = self._occurred_on(cells, values.get("occurred_on", ""), reasons)
        row.received_at = self._received_at(cells, values.get("received_at", ""), reasons)
        if values.get("category"):
            category = self.category(values["category"])
            if isinstance(category, str):
                reasons.append(category)
            else:
                row.category_id = category
        row.identity = self._identity(values, reasons)
        if reasons or region is None:
            return row
        row.report = ReportInput(
            channel=self.batch.channel, kind=kind, title=values.get("title") or _derived_title(body), body=body,
            region=region, address=values.get("address", ""), occurred_on=occurred_on,
            reported_subject=values.get("reported_subject", ""), external_id=row.external_id,
        )
        return row

    def _kind(self, value: str, reasons: list[str]) -> str:
        if not value:
            if not self.default_kind:
                reasons.append(_("The kind is missing."))
            return self.default_kind
        code = self.kinds.get(_key(value)) or self.kinds.get(_key(value).lower())
        if code is None:
            reasons.append(_("Unknown kind “%(value)s”.") % {"value": _echo(value)})
            return ""
        return code

    def _region(self, value: str, reasons: list[str]) -> Region | None:
        found: Region | str | None = self.region(value) if value else self.default_region
        if found is None:
            reasons.append(_("The region is missing."))
            return None
        if isinstance(found, str):
            reasons.append(found)
            return None
        return found

    def _occurred_on(self, cells: list[Any], text: str, reasons: list[str]) -> date | None:
        if not text:
            return None
        parsed = parse_date(self.cell(cells, "occurred_on"))
        if parsed is None:
            reasons.append(_("“%(value)s” is not a date (write it as YYYY-MM-DD).") % {"value": _echo(text)})
        elif parsed > timezone.localtime(self.now).date():
            reasons.append(_("The date of the incident is in the future."))
        return parsed

    def _received_at(self, cells: list[Any], text: str, reasons: list[str]) -> datetime | None:
        if not text:
            return None
        parsed = parse_datetime(self.cell(cells, "received_at"))
        if parsed is None:
            reasons.append(_("“%(value)s” is not a date and time (write it as YYYY-MM-DD HH:MM).") % {
                "value": _echo(text)})
        elif parsed > self.now + _CLOCK_SKEW:
            reasons.append(_("The time of receipt is in the future."))
        return parsed

    def _identity(self, values: dict[str, str], reasons: list[str]) -> dict[str, str] | None:
        name = values.get("reporter_name", "")
        phone = values.get("reporter_phone", "")
        id_number = values.get("reporter_id_number", "")
        if not (name or phone or id_number):
            return None
        digits = normalise_phone(phone)
        if phone and not phone_is_valid(phone, digits):
            reasons.append(_("The reporter's phone number is not valid."))
        if id_number and not validate_id_number(id_number):
            reasons.append(_("The reporter's ID number is not a valid resident ID number."))
        return {"name": name, "phone": digits, "id_number": normalise_id_number(id_number)}


def _field_label(name: str) -> str:
    return str(next(f.label for f in TARGET_FIELDS if f.name == name))


def _derived_title(body: str) -> str:
    """Many exports have no title column: the first line of the text, shortened, stands in for it."""
    first = body.strip().splitlines()[0].strip() if body.strip() else ""
    return first if len(first) <= DERIVED_TITLE_CHARS else first[: DERIVED_TITLE_CHARS - 1] + "…"
