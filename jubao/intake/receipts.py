"""Anonymous receipts: 16 random digits, shown once, stored as Argon2id(HMAC(pepper, receipt)).

The pepper is derived from the vault's HMAC key, which lives in the key file or the
environment and never in the database, so a stolen database alone cannot be brute-forced.
Argon2id is tuned to a couple of milliseconds per check: 16 random digits (10^16) plus the
pepper already defeat guessing, and submissions must stay fast.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from jubao.protection.keys import load_keys

RECEIPT_DIGITS = 16
_HASHER = PasswordHasher(time_cost=1, memory_cost=3072, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)
# Verifying against this keeps an unknown tracking number as slow as a known one.
_DUMMY_HASH = _HASHER.hash("jubao-dummy-receipt")


def new_receipt() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))


def normalise_receipt(raw: str) -> str:
    return "".join(ch for ch in (raw or "") if ch.isdigit())


def display_receipt(receipt: str) -> str:
    return " ".join(receipt[i:i + 4] for i in range(0, len(receipt), 4))


def _peppered(receipt: str) -> str:
    pepper = hmac.new(load_keys().hmac_key, b"jubao receipt pepper v1", hashlib.sha256).digest()
    return hmac.new(pepper, receipt.encode(), hashlib.sha256).hexdigest()


def hash_receipt(receipt: str) -> str:
    return _HASHER.hash(_peppered(receipt))


def verify_receipt(stored_hash: str | None, receipt: str) -> bool:
    candidate = _peppered(normalise_receipt(receipt))
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, candidate) and bool(stored_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
