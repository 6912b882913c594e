"""Internal notes and site visits (with their photos as evidence items)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jubao.accounts.actors import Actor
from jubao.cases.errors import TransitionRejected

from ..models import EvidenceKind, InvestigationNote, SiteVisit
from ..storage import EvidenceFile
from .common import audit, clean_text, investigators, lock_case, require_investigator, require_open_for_investigation
from .evidence import add_item

MAX_PHOTOS = 10


@transaction.atomic
def note_add(*, actor: Actor, number: str, body: str, now: datetime | None = None) -> InvestigationNote:
    """An internal note: for the handling departments and supervisors only, never for the reporter."""
    now = now or timezone.now()
    case = lock_case(actor, number)
    user = require_investigator(actor, case)
    require_open_for_investigation(case)
    note = InvestigationNote.objects.create(case=case, author=user, created_at=now,
                                            body=clean_text(body, "body", min_chars=2, max_chars=20000))
    # The text stays in the note; the (reporter-invisible) event only says that there is one.
    audit(actor, case, "investigation.note_added", now=now, payload={"note": str(note.public_id)})
    return note


@transaction.atomic
def site_visit_record(*, actor: Actor, number: str, visited_at: datetime | None, place: str,
                      participants: Sequence[str], findings: str, others_present: str = "",
                      photos: Sequence[EvidenceFile] = (), now: datetime | None = None) -> SiteVisit:
    """A visit to the place: when, where, who went, what was found; each photo becomes an evidence item."""
    now = now or timezone.now()
    case = lock_case(actor, number)
    user = require_investigator(actor, case)
    require_open_for_investigation(case)
    if visited_at is None or visited_at > now + timedelta(minutes=5):
        raise TransitionRejected(_("Say when the visit took place (not in the future)."), field="visited_at")
    place = clean_text(place, "place", min_chars=2, max_chars=200)
    findings = clean_text(findings, "findings", min_chars=10, max_chars=20000)
    names = list(dict.fromkeys(str(n).strip() for n in participants if str(n).strip())) or [user.username]
    staff = list(investigators(case).filter(username__in=names))
    if len(staff) != len(names):
        raise TransitionRejected(_("Only staff of the handling departments and supervisors of this case can be "
                                   "listed as present."), field="participants")
    if len(photos) > MAX_PHOTOS:
        raise TransitionRejected(_("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photos")
    visit = SiteVisit.objects.create(case=case, visited_at=visited_at, place=place, findings=findings,
                                     others_present=str(others_present or "").strip()[:300], created_by=user,
                                     created_at=now)
    visit.participants.set(staff)
    audit(actor, case, "investigation.site_visit", now=now, payload={
        "visit": str(visit.public_id), "visited_at": visited_at.isoformat(),
        "participants": sorted(u.username for u in staff), "photos": len(photos)})
    for index, photo in enumerate(photos, start=1):
        description = _("Photo %(n)d of the site visit to %(place)s") % {"n": index, "place": place}
        add_item(case, actor, kind=EvidenceKind.PHOTO, description=description, collected_at=visited_at,
                 custodian=user, file=photo, site_visit=visit, now=now)
    return visit
