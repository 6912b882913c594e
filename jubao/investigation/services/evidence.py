"""Evidence items: recording them (with a file sealed exactly as collected), their append-only chain of custody,
and the audited staff download."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role, User
from jubao.cases.errors import CaseNotFound, TransitionRejected
from jubao.cases.models import Case

from .. import storage
from ..models import CustodyAction, CustodyEvent, EvidenceItem, EvidenceKind, EvidenceStatus, SiteVisit
from ..storage import EvidenceFile
from .common import (
    audit,
    clean_text,
    forbidden,
    investigators,
    lock_case,
    require_investigator,
    require_open_for_investigation,
    staff_user,
)

GENESIS = "0" * 64
# What each custody action needs the item to be in, and what it makes of it.
CUSTODY_RULES: dict[str, tuple[tuple[str, ...], str]] = {
    CustodyAction.TRANSFERRED: ((EvidenceStatus.HELD, EvidenceStatus.SEALED), ""),
    CustodyAction.SEALED: ((EvidenceStatus.HELD,), EvidenceStatus.SEALED),
    CustodyAction.UNSEALED: ((EvidenceStatus.SEALED,), EvidenceStatus.HELD),
    CustodyAction.RETURNED: ((EvidenceStatus.HELD, EvidenceStatus.SEALED), EvidenceStatus.RETURNED),
}


def custody_hash(item: EvidenceItem, event: CustodyEvent) -> str:
    body = {"item": str(item.public_id), "seq": event.seq, "action": event.action, "from": event.from_user_id,
            "to": event.to_user_id, "by": event.recorded_by_id, "note": event.note,
            "at": event.at.isoformat(), "prev": event.prev_hash}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def custody_verify(item: EvidenceItem) -> bool:
    """Whether the item's chain is unbroken: gapless, each row's hash right and linked to the one before."""
    prev = GENESIS
    for expected_seq, event in enumerate(CustodyEvent.objects.filter(item=item).order_by("seq"), start=1):
        if event.seq != expected_seq or event.prev_hash != prev or custody_hash(item, event) != event.hash:
            return False
        prev = event.hash
    return True


def _append(item: EvidenceItem, *, action: str, by: User, at: datetime, from_user: User | None = None,
            to_user: User | None = None, note: str = "") -> CustodyEvent:
    last = CustodyEvent.objects.filter(item=item).order_by("-seq").values_list("seq", "hash").first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event = CustodyEvent(item=item, seq=seq, action=action, from_user=from_user, to_user=to_user, recorded_by=by,
                         note=note, at=at, prev_hash=prev)
    event.hash = custody_hash(item, event)
    event.save(force_insert=True)
    return event


def _investigator(case: Case, username: str | User | None, field: str) -> User:
    if isinstance(username, User):
        username = username.username
    user = investigators(case).filter(username=str(username or "").strip()).first()
    if user is None:
        raise TransitionRejected(_("Choose someone from the handling departments or a supervisor of this case."),
                                 field=field)
    return user


def _site_visit(case: Case, site_visit_id: str | None) -> SiteVisit | None:
    if not site_visit_id:
        return None
    visit = SiteVisit.objects.filter(case=case, public_id=site_visit_id).first()
    if visit is None:
        raise TransitionRejected(_("No site visit with that id was found on this case."), field="site_visit")
    return visit


def add_item(case: Case, actor: Actor, *, kind: str, description: str, collected_at: datetime | None,
             custodian: User, file: EvidenceFile | None, site_visit: SiteVisit | None, now: datetime) -> EvidenceItem:
    """Record an item on a case already locked and checked (site visits reuse this for their photos)."""
    if kind not in EvidenceKind.values:
        raise TransitionRejected(_("Choose one of the listed options."), field="kind")
    description = clean_text(description, "description", min_chars=4, max_chars=5000)
    if collected_at is None or collected_at > now + timedelta(minutes=5):
        raise TransitionRejected(_("Say when the evidence was collected (not in the future)."), field="collected_at")
    item = EvidenceItem(case=case, site_visit=site_visit, kind=kind, description=description,
                        collected_at=collected_at, collected_by=actor.user, custodian=custodian, created_at=now)
    if file is not None:
        storage.store(item, file)
    try:
        with transaction.atomic():
            item.save(force_insert=True)
            _append(item, action=CustodyAction.RECEIVED, by=actor.user, at=now, to_user=custodian)  # type: ignore[arg-type]
            audit(actor, case, "investigation.evidence_added", now=now, payload={
                "item": str(item.public_id), "kind": kind, "sha256": item.sha256, "size": item.size,
                "custodian": custodian.username, "site_visit": str(site_visit.public_id) if site_visit else ""})
    except BaseException:
        storage.discard(item)  # the row is gone with the transaction; so is the file
        raise
    return item


@transaction.atomic
def evidence_add(*, actor: Actor, number: str, kind: str, description: str, collected_at: datetime | None,
                 custodian: str | User | None = None, file: EvidenceFile | None = None,
                 site_visit_id: str | None = None, now: datetime | None = None) -> EvidenceItem:
    """Record a piece of evidence; the first link of its chain of custody is "received" by its custodian."""
    now = now or timezone.now()
    case = lock_case(actor, number)
    user = require_investigator(actor, case)
    require_open_for_investigation(case)
    holder = _investigator(case, custodian, "custodian") if custodian else user
    return add_item(case, actor, kind=kind, description=description, collected_at=collected_at, custodian=holder,
                    file=file, site_visit=_site_visit(case, site_visit_id), now=now)


def _locked_item(actor: Actor, item_id: str) -> tuple[EvidenceItem, Case]:
    staff_user(actor)
    number = EvidenceItem.objects.filter(public_id=item_id).values_list("case__number", flat=True).first()
    if number is None:
        raise CaseNotFound(_("No evidence item with that id was found."))
    case = lock_case(actor, number)
    require_investigator(actor, case)
    item = EvidenceItem.objects.select_for_update().select_related("custodian").get(public_id=item_id)
    return item, case


@transaction.atomic
def evidence_custody_record(*, actor: Actor, item_id: str, action: str, to_user: str | User | None = None,
                            note: str = "", now: datetime | None = None) -> CustodyEvent:
    """Append one link to the chain: transferred to someone, sealed, unsealed, or returned to its owner.
    Recorded by the current custodian, the head of the lead department or a supervisor."""
    now = now or timezone.now()
    item, case = _locked_item(actor, item_id)
    user = actor.user
    assert user is not None
    is_head = user.role == Role.DEPARTMENT_HEAD and user.department_id == case.lead_department_id
    if user.pk != item.custodian_id and not is_head and user.role != Role.SUPERVISOR:
        raise forbidden(_("Only the current custodian, the head of the lead department or a supervisor may record "
                          "a change of custody."))
    rule = CUSTODY_RULES.get(action)
    if rule is None:
        raise TransitionRejected(_("Choose one of the listed options."), field="action")
    allowed, new_status = rule
    if item.status not in allowed:
        raise TransitionRejected(_("This is not possible while the item is %(status)s.")
                                 % {"status": item.get_status_display()}, field="action")
    note = str(note or "").strip()[:500]
    receiver = None
    if action == CustodyAction.TRANSFERRED:
        receiver = _investigator(case, to_user, "to_user")
        if receiver.pk == item.custodian_id:
            raise TransitionRejected(_("The item is already in this person's custody."), field="to_user")
    if action == CustodyAction.RETURNED and len(note) < 2:
        raise TransitionRejected(_("Say to whom the item was returned."), field="note")
    event = _append(item, action=action, by=user, at=now, from_user=item.custodian, to_user=receiver, note=note)
    changed = []
    if receiver is not None:
        item.custodian = receiver
        changed.append("custodian")
    if new_status:
        item.status = new_status
        changed.append("status")
    item.save(update_fields=changed)
    audit(actor, case, f"investigation.custody_{action}", now=now, reason=note, payload={
        "item": str(item.public_id), "seq": event.seq, "hash": event.hash,
        "from": event.from_user.username if event.from_user else "", "to": receiver.username if receiver else ""})
    return event


@transaction.atomic
def evidence_download(*, actor: Actor, item_id: str, now: datetime | None = None) -> tuple[bytes, str, str]:
    """(data, content type, download name) for an investigator; every download is in the audit trail."""
    now = now or timezone.now()
    staff_user(actor)
    item = EvidenceItem.objects.select_related("case").filter(public_id=item_id).first()
    if item is None or not item.has_file:
        raise CaseNotFound(_("No evidence file with that id was found."))
    from jubao.cases.selectors import case_get_for

    case = case_get_for(actor.user, item.case.number)  # type: ignore[arg-type]
    require_investigator(actor, case)
    data = storage.open_file(item)
    audit(actor, case, "investigation.evidence_downloaded", now=now,
          payload={"item": str(item.public_id), "sha256": item.sha256})
    return data, item.content_type, storage.download_name(item)
