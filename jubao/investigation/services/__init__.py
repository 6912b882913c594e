"""Writes of the investigation app. Views and the API call these and nothing else.

Split by subject: review (集体研判), evidence (items and chain of custody), records (internal notes, site
visits), supplement (asking the reporter for more during handling) and ownership (包案).
"""

from .common import investigators, may_investigate
from .evidence import custody_verify, evidence_add, evidence_custody_record, evidence_download
from .ownership import (
    eligible_leaders,
    may_assign,
    ownership_assign,
    ownership_end,
    ownership_progress_add,
    ownership_remind_overdue,
    ownership_transfer,
)
from .records import note_add, site_visit_record
from .review import (
    ReviewInput,
    collective_review_create,
    collective_review_sign,
    collective_review_update,
    eligible_participants,
    has_signed_review,
    may_convene,
    require_collective_review,
    review_reasons,
)
from .supplement import (
    supplement_answer_received,
    supplement_for_report,
    supplement_request_close,
    supplement_request_send,
)

__all__ = [
    "ReviewInput", "collective_review_create", "collective_review_sign", "collective_review_update",
    "custody_verify", "eligible_leaders", "eligible_participants", "evidence_add", "evidence_custody_record",
    "evidence_download", "has_signed_review", "investigators", "may_assign", "may_convene", "may_investigate",
    "note_add", "ownership_assign", "ownership_end", "ownership_progress_add", "ownership_remind_overdue",
    "ownership_transfer", "require_collective_review", "review_reasons", "site_visit_record",
    "supplement_answer_received", "supplement_for_report", "supplement_request_close", "supplement_request_send",
]
