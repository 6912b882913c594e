"""Handing a new report's receipt from the submission to the receipt page, without the database.

The receipt is shown once and stored only as a hash. Between the POST that creates it and the page
that shows it, it travels in a short-lived cookie encrypted with AES-GCM under a key derived from the
vault's HMAC key (never in the database), so it is not written to a session row where a copy of the
database could read it. The receipt page opens the cookie, signs the reporter in and deletes it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from jubao.protection.keys import load_keys

COOKIE = "jubao_handoff"
MAX_AGE_SECONDS = 15 * 60
_CONTEXT = b"jubao receipt handoff v1"
_NONCE_BYTES = 12


@dataclass(frozen=True)
class Handoff:
    report_public_id: str
    receipt: str | None


def _cipher() -> AESGCM:
    return AESGCM(hmac.new(load_keys().hmac_key, _CONTEXT, hashlib.sha256).digest())


def seal(handoff: Handoff, *, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    plain = json.dumps({"r": handoff.report_public_id, "s": handoff.receipt, "t": issued}).encode()
    nonce = os.urandom(_NONCE_BYTES)
    return base64.urlsafe_b64encode(nonce + _cipher().encrypt(nonce, plain, _CONTEXT)).decode().rstrip("=")


def open_sealed(value: str | None, *, now: float | None = None) -> Handoff | None:
    """The handoff in a cookie, or None if it is missing, forged, from another key or too old."""
    if not value:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        plain = _cipher().decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _CONTEXT)
        data = json.loads(plain)
    except (binascii.Error, ValueError, InvalidTag):
        return None
    if not isinstance(data, dict):
        return None
    age = (now if now is not None else time.time()) - int(data.get("t", 0))
    if not 0 <= age <= MAX_AGE_SECONDS or not isinstance(data.get("r"), str):
        return None
    receipt = data.get("s")
    return Handoff(report_public_id=data["r"], receipt=receipt if isinstance(receipt, str) else None)
