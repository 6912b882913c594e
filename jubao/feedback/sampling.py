"""Who gets a follow-up (回访): every real-name reporter, and a random 10 % of the anonymous ones who can be reached.

The sample is random but reproducible: a report is in it when HMAC-SHA256(seed, tracking number), read as a
number in [0, 1), falls below the rate. The same seed always selects the same reports, so an auditor holding the
seed can re-derive the sample and see that nobody picked the easy cases; a different seed gives an unrelated
sample. The seed is the setting JUBAO_FOLLOWUP_SAMPLE_SEED, or else one derived from SECRET_KEY (so it is secret
by default: staff cannot predict which anonymous reporters will be called).

The unit is the report (one reporter), keyed by its tracking number: two anonymous reports merged into one case
are two reporters, each drawn on their own.

"Reachable" never looks at identity. An anonymous reporter can only be reached where they come back: the
follow-up page, which needs a receipt (ReporterAccess with a receipt hash). One who said "do not contact me"
(contact_preference "none") is left alone. Real-name reporters are reached through the vault (the text message
is addressed to the vault entry and decrypted only when sent), on the channel they chose.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from jubao.cases.models import Report

from .models import FollowUpChannel, SelectionReason

ANONYMOUS_SAMPLE_RATE = 0.10
NO_CONTACT = "none"
_SCALE = float(2**64)


def sample_seed() -> bytes:
    configured = str(getattr(settings, "JUBAO_FOLLOWUP_SAMPLE_SEED", "") or "")
    if configured:
        return configured.encode()
    return hmac.new(str(settings.SECRET_KEY).encode(), b"jubao.feedback.followup-sample", hashlib.sha256).digest()


def sample_point(key: str, *, seed: bytes | str) -> float:
    """Where `key` falls in [0, 1) for this seed."""
    raw = seed.encode() if isinstance(seed, str) else seed
    digest = hmac.new(raw, key.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / _SCALE


def in_sample(key: str, *, seed: bytes | str | None = None, rate: float = ANONYMOUS_SAMPLE_RATE) -> bool:
    return sample_point(key, seed=sample_seed() if seed is None else seed) < rate


def has_receipt(report: Report) -> bool:
    access = getattr(report, "access", None)
    return bool(access is not None and access.receipt_hash)


def anonymous_reachable(report: Report) -> bool:
    return report.identity_id is None and report.contact_preference != NO_CONTACT and has_receipt(report)


def real_name_channel(report: Report) -> str:
    preference = report.contact_preference
    if preference == "sms" or preference == "email":
        return FollowUpChannel.SMS
    if preference == "letter":
        return FollowUpChannel.LETTER
    if preference == NO_CONTACT:
        return FollowUpChannel.PORTAL  # they asked not to be called: ask on the follow-up page they sign in to
    return FollowUpChannel.PHONE


def selection_for(report: Report, *, seed: bytes | str | None = None) -> tuple[str, str] | None:
    """(why, channel) if this report's reporter gets a follow-up, else None."""
    if report.identity_id is not None:
        return SelectionReason.REAL_NAME, real_name_channel(report)
    if anonymous_reachable(report) and in_sample(report.tracking_number, seed=seed):
        return SelectionReason.SAMPLE, FollowUpChannel.PORTAL
    return None
