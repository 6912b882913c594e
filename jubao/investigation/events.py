"""Names of this app's audit events on the staff case timeline."""

from __future__ import annotations

from django.utils.translation import gettext as _

EVENT_LABELS = {
    "investigation.review_recorded": lambda: _("Collective review recorded"),
    "investigation.review_changed": lambda: _("Collective review record changed"),
    "investigation.review_signed": lambda: _("Collective review signed by a participant"),
    "investigation.review_completed": lambda: _("Collective review signed by every participant"),
    "investigation.note_added": lambda: _("Internal note written"),
    "investigation.evidence_added": lambda: _("Evidence item recorded"),
    "investigation.evidence_downloaded": lambda: _("Evidence file downloaded"),
    "investigation.custody_transferred": lambda: _("Evidence handed to another custodian"),
    "investigation.custody_sealed": lambda: _("Evidence sealed"),
    "investigation.custody_unsealed": lambda: _("Evidence unsealed"),
    "investigation.custody_returned": lambda: _("Evidence returned to its owner"),
    "investigation.site_visit": lambda: _("Site visit recorded"),
    "investigation.supplement_requested": lambda: _("Reporter asked for more information"),
    "investigation.supplement_answered": lambda: _("Reporter's answer received"),
    "investigation.supplement_withdrawn": lambda: _("Request to the reporter withdrawn"),
    "investigation.ownership_assigned": lambda: _("Case ownership assigned (包案)"),
    "investigation.ownership_progress": lambda: _("Ownership progress reported"),
    "investigation.ownership_transferred": lambda: _("Case ownership handed over"),
    "investigation.ownership_overdue": lambda: _("Ownership progress overdue; leader reminded"),
    "investigation.ownership_ended": lambda: _("Case ownership ended"),
}
