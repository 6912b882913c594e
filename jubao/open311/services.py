"""Open311 GeoReport v2 on top of the case services: the service list comes from the category
tree, reports are registered through `case_register`, and the public reads show the reports
received here. The views parse the URL and the format and call these functions, nothing else.

What the public may see through GET requests:
- only reports that came in through this API (they have an Open311Request row): reporters who
  used the portal, the hotline, a letter … never agreed to have their words published;
- never the reporter's name, phone, e-mail, device or account id, pseudonym or contact preference
  (the identity goes to the vault and nowhere else);
- for confidential kinds (检举控告 by default, JUBAO_OPEN311_CONFIDENTIAL_KINDS) the status only:
  they are left out of lists and a look-up by number shows neither the text nor the place;
- status notes only what the reporter's own follow-up page shows: the question asked of them, the
  reason for an extension, a refusal's redirect notice; otherwise a plain-language description of
  the state.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.audit.models import ActorKind, AuditEvent
from jubao.cases import numbers
from jubao.cases.errors import TransitionRejected
from jubao.cases.models import Case, CaseState, Channel, Report
from jubao.cases.services import ReportInput, case_register
from jubao.organisation.models import Region, RegionLevel
from jubao.protection.vault import VaultError, identity_store, normalise_phone
from jubao.taxonomy.models import Category, Kind

from .errors import Open311Error, bad_request, forbidden, not_found
from .models import Open311ApiKey, Open311Request
from .throttle import throttle_hit

logger = logging.getLogger(__name__)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-23T00:00:00+08:00"  # when this endpoint's behaviour last changed
KEY_PREFIX = "o311_"
CLOSED_STATES = frozenset({CaseState.CLOSED, CaseState.ARCHIVED, CaseState.REFUSED, CaseState.MERGED})
MAX_DESCRIPTION_CHARS = 4000  # the spec's limit
TITLE_CHARS = 30
MAX_RESULTS = 1000
MAX_SPAN = timedelta(days=90)
DEFAULT_KIND = "complaint"
DEFAULT_CONFIDENTIAL_KINDS = ("accusation",)
MEDIA_LINE = "Media: "
# The only reasons written for the reporter (what was asked of them, why the time was extended),
# as the reporter's own follow-up page shows them; other reasons (why a report was refused or
# reopened, the reporter's own words when rating …) are never published. A refusal shows its
# redirect notice instead.
PUBLIC_REASON_EVENTS = frozenset({"case.request_info", "case.extend"})
_SERVICE_CODE = re.compile(r"^c([1-9]\d{0,17})$")  # canonical: no leading zeros
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_MAX_NAME_PART = 50


# --- plain text in -------------------------------------------------------------------------------
def _clean_text(value: Any) -> str:
    """Multi-line text: unify line ends, drop control characters, trim."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def _clean_line(value: Any) -> str:
    return " ".join(_clean_text(value).split())


def _param(params: Mapping[str, Any], name: str) -> str:
    """Optional arguments: an empty parameter is the same as a missing one."""
    return _clean_line(params.get(name, ""))


def _attribute(params: Mapping[str, Any], code: str) -> str:
    return _param(params, f"attribute[{code}]")


def _too_long(name: str, limit: int) -> Open311Error:
    return bad_request(_("%(name)s is too long (at most %(limit)d characters).") % {"name": name, "limit": limit})


def parse_w3c_datetime(raw: str) -> datetime | None:
    """ISO 8601 as the spec asks (2010-01-01T00:00:00Z or with an offset); a date alone means its
    midnight, and a time without an offset is taken as local time. None when it does not parse."""
    value = raw.strip()
    if "T" in value and " " in value:
        value = value.replace(" ", "+")  # an unescaped "+08:00" in a query string arrives as " 08:00"
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def w3c(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value is not None else None


# --- jurisdictions ---------------------------------------------------------------------------------
def jurisdictions() -> dict[str, Region]:
    """jurisdiction_id → region: JUBAO_OPEN311_JURISDICTIONS (a list of region codes, or a mapping
    of jurisdiction ids to region codes), else every city-level region by its code."""
    configured = getattr(settings, "JUBAO_OPEN311_JURISDICTIONS", None)
    if not configured:
        return {region.code: region for region in Region.objects.filter(level=RegionLevel.CITY)}
    if isinstance(configured, Mapping):
        pairs = [(str(jid).strip(), str(code).strip()) for jid, code in configured.items()]
    else:
        codes = configured.split(",") if isinstance(configured, str) else configured
        pairs = [(str(code).strip(), str(code).strip()) for code in codes if str(code).strip()]
    regions = Region.objects.in_bulk([code for _jid, code in pairs], field_name="code")
    return {jid: regions[code] for jid, code in pairs if code in regions}


def jurisdiction_resolve(jurisdiction_id: str) -> Region | None:
    """None when no jurisdiction_id was given; 404 when it is not one this endpoint serves."""
    jurisdiction_id = _clean_line(jurisdiction_id)
    if not jurisdiction_id:
        return None
    region = jurisdictions().get(jurisdiction_id)
    if region is None:
        raise not_found(_("The jurisdiction_id was not found."))
    return region


# --- services --------------------------------------------------------------------------------------
def service_code_for(category_id: int) -> str:
    return f"c{category_id}"


def _category_id(code: str) -> int | None:
    match = _SERVICE_CODE.match(code.strip())
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Service:
    category: Category
    ancestors: tuple[str, ...]  # names from the top-level category down to the parent

    @property
    def code(self) -> str:
        return service_code_for(self.category.pk)

    def as_dict(self) -> dict[str, Any]:
        return {
            "service_code": self.code,
            "service_name": self.category.name,
            "description": self.category.full_name or self.category.name,
            "metadata": True,
            "type": "realtime",
            "keywords": ", ".join(self.ancestors),
            "group": self.ancestors[0] if self.ancestors else self.category.name,
        }


def services_available() -> list[Service]:
    """One service per active leaf of the category tree (active itself and under active parents,
    with no active child), in tree order."""
    nodes = {c.pk: c for c in Category.objects.only("id", "name", "parent_id", "path", "full_name", "position",
                                                    "is_active")}

    def lineage(category: Category) -> list[Category]:
        ids = [int(part) for part in category.path.strip("/").split("/") if part.isdigit()]
        return [nodes[i] for i in ids if i in nodes] or [category]

    active = {pk: c for pk, c in nodes.items() if all(node.is_active for node in lineage(c))}
    with_active_children = {c.parent_id for c in active.values() if c.parent_id is not None}
    leaves = [c for pk, c in active.items() if pk not in with_active_children]
    services = [Service(c, tuple(node.name for node in lineage(c) if node.pk != c.pk)) for c in leaves]
    return sorted(services, key=lambda s: [(node.position, node.name) for node in lineage(s.category)])


def service_get(code: str) -> Service:
    category_id = _category_id(code)
    for service in services_available() if category_id is not None else ():
        if service.category.pk == category_id:
            return service
    raise not_found(_("The service_code was not found."))


def services_list(*, jurisdiction_id: str = "") -> list[dict[str, Any]]:
    jurisdiction_resolve(jurisdiction_id)
    return [service.as_dict() for service in services_available()]


def _default_kind_code() -> str:
    return str(getattr(settings, "JUBAO_OPEN311_DEFAULT_KIND", DEFAULT_KIND))


def service_definition(code: str, *, jurisdiction_id: str = "") -> dict[str, Any]:
    jurisdiction_resolve(jurisdiction_id)
    service = service_get(code)
    kinds = list(Kind.objects.filter(is_active=True))
    default = next((k for k in kinds if k.code == _default_kind_code()), kinds[0] if kinds else None)
    return {
        "service_code": service.code,
        "attributes": [
            {
                "variable": True, "code": "kind", "datatype": "singlevaluelist", "required": False,
                "datatype_description": (
                    _("One of the keys listed; “%(default)s” when left out.") % {"default": default.code}
                    if default else _("One of the keys listed.")
                ),
                "order": 1, "description": _("What kind of report this is."),
                "values": [{"key": kind.code, "name": kind.name} for kind in kinds],
            },
            {
                "variable": True, "code": "reported_subject", "datatype": "string", "required": False,
                "datatype_description": _("Text of at most 200 characters."), "order": 2,
                "description": _("Who or which unit is reported, if anyone."),
            },
            {
                "variable": True, "code": "occurred_on", "datatype": "datetime", "required": False,
                "datatype_description": _("An ISO 8601 date or date and time, e.g. 2026-03-01 or "
                                          "2026-03-01T08:30:00+08:00; not in the future."),
                "order": 3, "description": _("When it happened."),
            },
            {
                "variable": True, "code": "anonymous", "datatype": "singlevaluelist", "required": False,
                "datatype_description": _("true: any name, phone, e-mail, device or account id sent with the "
                                          "report is discarded. false or left out: a report with a name, phone "
                                          "or e-mail is a real-name report."),
                "order": 4, "description": _("Report anonymously?"),
                "values": [
                    {"key": "true", "name": _("Yes, anonymously")},
                    {"key": "false", "name": _("No, with my name (kept protected, never published)")},
                ],
            },
        ],
    }


# --- API keys --------------------------------------------------------------------------------------
def api_key_create(*, name: str, region_code: str = "") -> tuple[Open311ApiKey, str]:
    """Create a key; the secret is returned once and only its SHA-256 is stored."""
    region = None
    if region_code.strip():
        region = Region.objects.filter(code=region_code.strip()).first()
        if region is None:
            raise ValueError(f"no region with code {region_code.strip()!r}")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = Open311ApiKey.objects.create(
        name=name.strip()[:80] or "Open311", prefix=secret[:12], key_hash=Open311ApiKey.hash_secret(secret),
        default_region=region,
    )
    return key, secret


def api_key_authenticate(secret: str) -> Open311ApiKey:
    secret = (secret or "").strip()
    if not secret:
        raise forbidden(_("An api_key is required."))
    key = (Open311ApiKey.objects.select_related("default_region")
           .filter(key_hash=Open311ApiKey.hash_secret(secret), is_active=True).first())
    if key is None:
        raise forbidden(_("The api_key is not valid."))
    return key


def _touch(key: Open311ApiKey, now: datetime) -> None:
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        Open311ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)


# --- POST requests ---------------------------------------------------------------------------------
@dataclass
class _Person:
    name: str
    phone: str
    email: str
    extra: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # never let an identity reach a traceback or a log line
        return "_Person(…)"


def _coordinates(params: Mapping[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    raw_lat, raw_long = _param(params, "lat"), _param(params, "long")
    if not raw_lat and not raw_long:
        return None, None
    if not raw_lat or not raw_long:
        raise bad_request(_("lat and long must be sent together."))

    def number(raw: str, name: str, limit: int) -> Decimal:
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or not -limit <= value <= limit:
            raise bad_request(_("%(name)s must be a number from -%(limit)d to %(limit)d (WGS84).")
                              % {"name": name, "limit": limit})
        return value.quantize(Decimal("0.000001"))

    return number(raw_lat, "lat", 90), number(raw_long, "long", 180)


def _media_url(params: Mapping[str, Any]) -> str:
    url = _param(params, "media_url")
    if not url:
        return ""
    if len(url) > 1000:
        raise _too_long("media_url", 1000)
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise bad_request(_("media_url must be an http or https URL.")) from None
    return url


def _kind(raw: str) -> Kind:
    kinds = list(Kind.objects.filter(is_active=True))
    if raw:
        for kind in kinds:
            if raw in (kind.code, kind.name):
                return kind
        raise bad_request(_("attribute[kind] must be one of the keys listed in the service definition."))
    default = next((k for k in kinds if k.code == _default_kind_code()), kinds[0] if kinds else None)
    if default is None:
        raise bad_request(_("No kind of report is configured; reports cannot be accepted."))
    return default


def _occurred_on(raw: str, now: datetime) -> date | None:
    if not raw:
        return None
    parsed = parse_w3c_datetime(raw)
    if parsed is None:
        raise bad_request(_("attribute[occurred_on] must be an ISO 8601 date or date and time."))
    day = timezone.localtime(parsed).date()
    if day > timezone.localtime(now).date():
        raise bad_request(_("attribute[occurred_on] cannot be in the future."))
    return day


def _anonymous(raw: str) -> bool | None:
    if not raw:
        return None
    if raw.lower() not in ("true", "false"):
        raise bad_request(_("attribute[anonymous] must be true or false."))
    return raw.lower() == "true"


def _full_name(first: str, last: str) -> str:
    if _CJK.search(first + last):
        return f"{last}{first}"  # 姓 then 名, no space
    return f"{first} {last}".strip()


def _person(params: Mapping[str, Any], anonymous: bool | None) -> _Person | None:
    """The reporter's identity, or None for an anonymous report. Device and account ids alone do
    not make a report real-name (nobody could be answered); with a name, phone or e-mail they go
    into the vault too."""
    if anonymous:
        return None
    first, last = _param(params, "first_name"), _param(params, "last_name")
    phone, email = _param(params, "phone"), _param(params, "email")
    if len(first) > _MAX_NAME_PART or len(last) > _MAX_NAME_PART:
        raise bad_request(_("first_name and last_name may have at most %(limit)d characters each.")
                          % {"limit": _MAX_NAME_PART})
    if phone and not 5 <= len(normalise_phone(phone)) <= 20:
        raise bad_request(_("phone is not a valid phone number."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise bad_request(_("email is not a valid e-mail address.")) from None
    name = _full_name(first, last)
    if not (name or phone or email):
        if anonymous is False:
            raise bad_request(_("attribute[anonymous]=false needs a name, phone or email."))
        return None
    extra = {k: _param(params, k)[:200] for k in ("device_id", "account_id") if _param(params, k)}
    return _Person(name=name, phone=phone, email=email, extra=extra)


def _region_for(key: Open311ApiKey, jurisdiction: Region | None) -> Region:
    default = key.default_region
    if jurisdiction is not None:
        # The key's own region is more precise when it lies inside the jurisdiction named.
        if default is not None and default.path.startswith(jurisdiction.path):
            return default
        return jurisdiction
    if default is not None:
        return default
    served = list(jurisdictions().values())
    if len(served) == 1:
        return served[0]
    raise bad_request(_("A jurisdiction_id is required: this endpoint serves several jurisdictions."))


def _title(description: str, fallback: str) -> str:
    return " ".join(description.split())[:TITLE_CHARS] or fallback


@dataclass(frozen=True)
class Created:
    report: Report
    service_notice: str

    def as_dict(self) -> dict[str, Any]:
        return {"service_request_id": self.report.tracking_number, "service_notice": self.service_notice,
                "account_id": None}


def request_create(*, params: Mapping[str, Any], now: datetime | None = None) -> Created:
    """POST requests.{fmt}: check the key and the throttle, validate, store any identity in the
    vault and register the report (channel "api") in one transaction."""
    now = now or timezone.now()
    key = api_key_authenticate(str(params.get("api_key") or ""))
    wait = throttle_hit(key.pk)
    if wait is not None:
        raise Open311Error(429, _("Too many requests with this api_key; try again in %(seconds)d seconds.")
                           % {"seconds": wait}, headers={"Retry-After": str(wait)})
    jurisdiction_id = _param(params, "jurisdiction_id")
    jurisdiction = jurisdiction_resolve(jurisdiction_id)
    code = _param(params, "service_code")
    if not code:
        raise bad_request(_("A service_code is required."))
    service = service_get(code)

    description = _clean_text(params.get("description", ""))
    if not description:
        raise bad_request(_("A description is required: say what happened."))
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise _too_long("description", MAX_DESCRIPTION_CHARS)
    latitude, longitude = _coordinates(params)
    address, address_id = _param(params, "address_string"), _param(params, "address_id")
    if latitude is None and not address and not address_id:
        raise bad_request(_("A location is required: lat and long, address_string or address_id."))
    if len(address) > 255:
        raise _too_long("address_string", 255)
    if len(address_id) > 100:
        raise _too_long("address_id", 100)
    media_url = _media_url(params)
    kind = _kind(_attribute(params, "kind"))
    reported_subject = _attribute(params, "reported_subject")
    if len(reported_subject) > 200:
        raise _too_long("attribute[reported_subject]", 200)
    occurred_on = _occurred_on(_attribute(params, "occurred_on"), now)
    person = _person(params, _anonymous(_attribute(params, "anonymous")))
    region = _region_for(key, jurisdiction)

    body = description + (f"\n\n{MEDIA_LINE}{media_url}" if media_url else "")
    actor = Actor.system(f"open311:{key.name}"[:100])
    try:
        with transaction.atomic():
            identity_id = None
            if person is not None:
                identity_id = identity_store(actor=actor, name=person.name, phone=person.phone,
                                             email=person.email, extra=person.extra).pk
            report = case_register(actor=actor, now=now, report=ReportInput(
                channel=Channel.API, kind=kind.code, title=_title(description, service.category.name), body=body,
                region=region, address=address, occurred_on=occurred_on, reported_subject=reported_subject,
                latitude=latitude, longitude=longitude, identity_id=identity_id,
                contact_preference=("phone" if person.phone else "email" if person.email else "") if person else "",
            ))
            Open311Request.objects.create(
                report=report, api_key=key, category=service.category, jurisdiction_id=jurisdiction_id[:100],
                address_id=address_id, media_url=media_url, created_at=report.created_at,
            )
    except TransitionRejected as exc:
        raise bad_request(exc.message) from None
    except (VaultError, ImproperlyConfigured):
        # Nothing about the reporter goes into the log: only that the vault could not be used.
        logger.error("open311: identity vault unavailable, real-name report refused (key %s)", key.prefix)
        raise Open311Error(503, _("Real-name reports cannot be accepted right now; try again later "
                                  "or report anonymously.")) from None
    _touch(key, now)
    notice = _("Your report has been received. Keep the number %(number)s to follow its progress.") % {
        "number": report.tracking_number}
    return Created(report=report, service_notice=notice)


# --- GET requests ----------------------------------------------------------------------------------
def open311_status(state: str) -> str:
    return "closed" if state in CLOSED_STATES else "open"


def state_description(state: str) -> str:
    descriptions: dict[str, str] = {
        CaseState.REGISTERED: _("Received; it will be reviewed shortly."),
        CaseState.NEEDS_INFO: _("More information is needed before this report can be handled."),
        CaseState.ACCEPTED: _("Accepted; it will be passed to the department responsible."),
        CaseState.REFUSED: _("This report cannot be handled here."),
        CaseState.MERGED: _("Handled together with another report about the same matter."),
        CaseState.DISPATCHED: _("Passed to the department responsible."),
        CaseState.RETURNED: _("Being passed to the department responsible."),
        CaseState.IN_PROGRESS: _("Being handled by the department responsible."),
        CaseState.EXTENDED: _("Being handled; the time allowed has been extended."),
        CaseState.ESCALATED: _("Being handled at a higher level."),
        CaseState.CONCLUDED: _("Handling is finished; the answer is being prepared."),
        CaseState.ANSWERED: _("Answered."),
        CaseState.RATED: _("Answered and rated."),
        CaseState.UNDER_REVIEW: _("The handling is being reviewed."),
        CaseState.REOPENED: _("Reopened for further handling."),
        CaseState.CLOSED: _("Closed."),
        CaseState.ARCHIVED: _("Closed."),
    }
    return str(descriptions.get(state, _("Received.")))


def confidential_kinds() -> frozenset[str]:
    return frozenset(getattr(settings, "JUBAO_OPEN311_CONFIDENTIAL_KINDS", DEFAULT_CONFIDENTIAL_KINDS))


def _effective_case(case: Case) -> Case:
    """A merged case's reports move to the target, so this is normally the case itself; it
    follows merged_into in case a report still points at a merged case."""
    for _hop in range(10):
        if case.state != CaseState.MERGED or case.merged_into_id is None:
            break
        case = Case.objects.select_related("lead_department__region").get(pk=case.merged_into_id)
    return case


def _status_notes(case: Case, event: AuditEvent | None, confidential: bool) -> str:
    reason = ""
    if (event is not None and not confidential and event.kind in PUBLIC_REASON_EVENTS
            and event.actor_kind != ActorKind.REPORTER):
        reason = _clean_text(event.reason)
    notes = reason or state_description(case.state)
    if case.state == CaseState.REFUSED and case.redirect_notice and not confidential:
        notes = f"{notes} {_clean_text(case.redirect_notice)}"
    return notes


def _public_description(report: Report, request: Open311Request) -> str:
    body = report.body
    media_line = f"\n\n{MEDIA_LINE}{request.media_url}"
    if request.media_url and body.endswith(media_line):
        body = body[: -len(media_line)]
    return body


def _request_dict(report: Report, event: AuditEvent | None) -> dict[str, Any]:
    request: Open311Request = report.open311  # type: ignore[attr-defined]
    case = _effective_case(report.case)
    if case.pk != report.case_id:
        event = None  # that event belongs to the merged case, not to where the report is handled now
    confidential = bool({report.kind_id, case.kind_id} & confidential_kinds())
    status = open311_status(case.state)
    return {
        "service_request_id": report.tracking_number,
        "status": status,
        "status_notes": _status_notes(case, event, confidential),
        "service_name": request.category.name,
        "service_code": request.service_code,
        "description": None if confidential else _public_description(report, request),
        "agency_responsible": str(case.lead_department) if case.lead_department_id else None,
        "service_notice": None,
        "requested_datetime": w3c(report.created_at),
        "updated_datetime": w3c(case.state_changed_at),
        "expected_datetime": w3c(case.next_due_at) if status == "open" else None,
        "address": None if confidential else (report.address or None),
        "address_id": None if confidential else (request.address_id or None),
        "zipcode": None,
        "lat": None if confidential or report.latitude is None else float(report.latitude),
        "long": None if confidential or report.longitude is None else float(report.longitude),
        "media_url": None,
    }


def _public_reports() -> QuerySet[Report]:
    last_visible = (AuditEvent.objects.filter(case_id=OuterRef("case_id"), reporter_visible=True)
                    .order_by("-seq").values("pk")[:1])
    return (Report.objects.filter(channel=Channel.API, open311__isnull=False)
            .select_related("case", "case__lead_department", "case__lead_department__region", "open311",
                            "open311__category")
            .annotate(o311_last_event=Subquery(last_visible)))


def _serialise(reports: Iterable[Report]) -> list[dict[str, Any]]:
    reports = list(reports)
    event_ids = [r.o311_last_event for r in reports if r.o311_last_event]  # type: ignore[attr-defined]
    events = AuditEvent.objects.only("pk", "kind", "reason", "actor_kind").in_bulk(event_ids)
    return [_request_dict(r, events.get(r.o311_last_event)) for r in reports]  # type: ignore[attr-defined]


def _date_range(params: Mapping[str, Any], now: datetime) -> tuple[datetime, datetime]:
    bounds: dict[str, datetime | None] = {}
    for name in ("start_date", "end_date"):
        raw = _param(params, name)
        bounds[name] = parse_w3c_datetime(raw) if raw else None
        if raw and bounds[name] is None:
            raise bad_request(_("%(name)s must be a W3C date and time, e.g. 2010-01-01T00:00:00Z.")
                              % {"name": name})
    start, end = bounds["start_date"], bounds["end_date"]
    if start is None:
        end = end or now
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if start > end:
        raise bad_request(_("start_date must not be after end_date."))
    if end - start > MAX_SPAN:
        raise bad_request(_("start_date and end_date may not span more than 90 days."))
    return start, end


def requests_list(*, params: Mapping[str, Any], now: datetime | None = None) -> list[dict[str, Any]]:
    """GET requests.{fmt}: by service_request_id (comma separated; overrides the other filters) or
    by service_code, status and requested_datetime range (default: the last 90 days); newest first,
    at most 1000."""
    now = now or timezone.now()
    jurisdiction = jurisdiction_resolve(_param(params, "jurisdiction_id"))
    reports = _public_reports()
    if jurisdiction is not None:
        reports = reports.filter(region__path__startswith=jurisdiction.path)
    wanted = [numbers.normalise(part) for part in _param(params, "service_request_id").split(",") if part.strip()]
    if wanted:
        reports = reports.filter(tracking_number__in=wanted[:MAX_RESULTS])
    else:
        kinds = confidential_kinds()
        reports = reports.exclude(kind_id__in=kinds).exclude(case__kind_id__in=kinds)
        start, end = _date_range(params, now)
        reports = reports.filter(created_at__gte=start, created_at__lte=end)
        codes = [part.strip() for part in _param(params, "service_code").split(",") if part.strip()]
        if codes:
            ids = [i for i in (_category_id(code) for code in codes) if i is not None]
            reports = reports.filter(open311__category_id__in=ids)
        statuses = {part.strip().lower() for part in _param(params, "status").split(",") if part.strip()}
        if statuses - {"open", "closed"}:
            raise bad_request(_("status must be open, closed or both, comma separated."))
        if statuses == {"open"}:
            reports = reports.exclude(case__state__in=CLOSED_STATES)
        elif statuses == {"closed"}:
            reports = reports.filter(case__state__in=CLOSED_STATES)
    return _serialise(reports.order_by("-created_at", "-pk")[:MAX_RESULTS])


def request_detail(service_request_id: str, *, params: Mapping[str, Any]) -> dict[str, Any]:
    """GET requests/{service_request_id}.{fmt}."""
    jurisdiction = jurisdiction_resolve(_param(params, "jurisdiction_id"))
    reports = _public_reports().filter(tracking_number=numbers.normalise(service_request_id))
    if jurisdiction is not None:
        reports = reports.filter(region__path__startswith=jurisdiction.path)
    found = _serialise(reports[:1])
    if not found:
        raise not_found(_("No service request with this service_request_id was found."))
    return found[0]


# --- discovery -------------------------------------------------------------------------------------
def discovery(*, endpoint_url: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": str(getattr(settings, "JUBAO_OPEN311_CONTACT", "") or _("The body that runs this service.")),
        "key_service": str(getattr(settings, "JUBAO_OPEN311_KEY_SERVICE", "")
                           or _("API keys for posting reports are issued by the administrators of this service.")),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": endpoint_url,
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }
