"""Envelope encryption of reporter identities.

Each record's identity document is encrypted with its own random data key (AAD = the
record's public_id, so a ciphertext moved to another row fails to open). The data key is
wrapped with the active master key under AES-256-GCM (AAD = public_id + key id). Rotating
master keys therefore re-wraps 32/16-byte data keys and never touches the ciphertext.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .crypto import DATA_KEY_BYTES, VaultError, new_data_key, open_sealed, seal
from .identifiers import normalise_id_number, normalise_phone, validate_id_number
from .keys import KeyRing, load_keys
from .models import ReporterIdentity, VaultAlgorithm

__all__ = [
    "VaultError",
    "identity_find_by_id_number",
    "identity_find_by_phone",
    "identity_reveal",
    "identity_store",
    "keyed_hash",
    "normalise_id_number",
    "normalise_phone",
    "validate_id_number",
    "vault_rotate",
    "vault_rotation_pending",
]

logger = logging.getLogger(__name__)

DOCUMENT_FIELDS = ("name", "id_number", "phone", "email", "address")
PSEUDONYM_PREFIX = "举报人-"
# No 0/O or 1/I/L: staff read pseudonyms aloud and copy them by hand.
_PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_PSEUDONYM_LENGTH = 6
_PSEUDONYM_ATTEMPTS = 8
_NORMALISERS = {"phone": normalise_phone, "id_number": normalise_id_number}
_WRAP_ALGORITHM = VaultAlgorithm.AES_256_GCM


def _data_algorithm() -> str:
    value = settings.JUBAO_VAULT_ALGORITHM or VaultAlgorithm.AES_256_GCM
    if value not in VaultAlgorithm.values:
        raise ImproperlyConfigured(f"JUBAO_VAULT_ALGORITHM must be one of {VaultAlgorithm.values}, not {value!r}.")
    return value


def _uuid_bytes(public_id: Any) -> bytes:
    return public_id.bytes if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id)).bytes


def _wrap(ring: KeyRing, public_id: Any, data_key: bytes) -> tuple[str, bytes]:
    aad = _uuid_bytes(public_id) + ring.active.encode("ascii")
    return ring.active, seal(_WRAP_ALGORITHM, ring.active_key, data_key, aad)


def _unwrap(ring: KeyRing, identity: ReporterIdentity) -> bytes:
    master_key = ring.keys.get(identity.key_id)
    if master_key is None:
        raise VaultError(f"identity {identity.public_id}: master key {identity.key_id!r} is not configured")
    aad = _uuid_bytes(identity.public_id) + identity.key_id.encode("ascii")
    try:
        data_key = open_sealed(_WRAP_ALGORITHM, master_key, bytes(identity.wrapped_key), aad)
    except VaultError:
        raise VaultError(
            f"identity {identity.public_id}: cannot unwrap the data key (wrong master key or tampered record)"
        ) from None
    if len(data_key) != DATA_KEY_BYTES.get(VaultAlgorithm(identity.algorithm), -1):
        raise VaultError(f"identity {identity.public_id}: data key does not fit algorithm {identity.algorithm!r}")
    return data_key


def _new_pseudonym() -> str:
    return PSEUDONYM_PREFIX + "".join(secrets.choice(_PSEUDONYM_ALPHABET) for _ in range(_PSEUDONYM_LENGTH))


def keyed_hash(kind: str, value: str) -> str:
    """HMAC-SHA256 of the normalised phone or ID number, for matching repeat reporters
    without decrypting. Empty input gives "" so blank fields never match each other."""
    try:
        normalise = _NORMALISERS[kind]
    except KeyError:
        raise ValueError(f"keyed_hash kind must be one of {sorted(_NORMALISERS)}") from None
    normalised = normalise(value or "")
    if not normalised:
        return ""
    return hmac.new(load_keys().hmac_key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def identity_store(
    *,
    actor: Any,
    name: str = "",
    id_number: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    extra: dict[str, Any] | None = None,
) -> ReporterIdentity:
    """Encrypt and save a reporter's identity; the returned row carries only a pseudonym in clear."""
    ring = load_keys()
    algorithm = _data_algorithm()
    document = {
        "v": 1, "name": name or "", "id_number": id_number or "", "phone": phone or "",
        "email": email or "", "address": address or "", "extra": extra or {},
    }
    try:
        plaintext = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError):
        raise VaultError("identity fields must be JSON-serialisable") from None

    identity = ReporterIdentity(algorithm=algorithm)
    data_key = new_data_key(algorithm)
    identity.ciphertext = seal(algorithm, data_key, plaintext, _uuid_bytes(identity.public_id))
    identity.key_id, identity.wrapped_key = _wrap(ring, identity.public_id, data_key)
    identity.phone_hmac = keyed_hash("phone", phone)
    identity.id_number_hmac = keyed_hash("id_number", id_number)

    for _attempt in range(_PSEUDONYM_ATTEMPTS):
        identity.pseudonym = _new_pseudonym()
        try:
            with transaction.atomic():
                identity.save(force_insert=True)
        except IntegrityError:
            if not ReporterIdentity.objects.filter(pseudonym=identity.pseudonym).exists():
                raise
            continue
        return identity
    raise VaultError("could not allocate a unique pseudonym")


def identity_reveal(identity: ReporterIdentity) -> dict[str, Any]:
    """Decrypt the identity document. Callers are responsible for authorising and auditing the reveal."""
    data_key = _unwrap(load_keys(), identity)
    try:
        plaintext = open_sealed(
            identity.algorithm, data_key, bytes(identity.ciphertext), _uuid_bytes(identity.public_id)
        )
        document = json.loads(plaintext.decode("utf-8"))
    except (VaultError, ValueError):
        raise VaultError(
            f"identity {identity.public_id}: cannot decrypt (tampered ciphertext or ciphertext from another record)"
        ) from None
    revealed: dict[str, Any] = {field: document.get(field, "") for field in DOCUMENT_FIELDS}
    revealed["extra"] = document.get("extra") or {}
    return revealed


def _find_by(field: str, digest: str) -> QuerySet[ReporterIdentity]:
    if not digest:
        return ReporterIdentity.objects.none()
    return ReporterIdentity.objects.filter(**{field: digest})


def identity_find_by_phone(phone: str) -> QuerySet[ReporterIdentity]:
    return _find_by("phone_hmac", keyed_hash("phone", phone))


def identity_find_by_id_number(id_number: str) -> QuerySet[ReporterIdentity]:
    return _find_by("id_number_hmac", keyed_hash("id_number", id_number))


def vault_rotation_pending() -> int:
    """How many data keys are wrapped by a master key other than the active one."""
    return ReporterIdentity.objects.exclude(key_id=load_keys().active).count()


def vault_rotate(*, actor: Any = None, batch_size: int = 500) -> int:
    """Re-wrap every data key not wrapped by the active master key; returns how many.
    Each batch commits on its own, so an interrupted run can simply be repeated."""
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    ring = load_keys()
    rotated, last_pk = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                ReporterIdentity.objects.select_for_update()
                .filter(pk__gt=last_pk)
                .exclude(key_id=ring.active)
                .only("pk", "public_id", "algorithm", "key_id", "wrapped_key")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            now = timezone.now()
            for identity in batch:
                data_key = _unwrap(ring, identity)
                identity.key_id, identity.wrapped_key = _wrap(ring, identity.public_id, data_key)
                identity.rotated_at = now
                identity.save(update_fields=["key_id", "wrapped_key", "rotated_at"])
        last_pk = batch[-1].pk
        rotated += len(batch)
    logger.info("vault rotation: re-wrapped %d data keys under master key %s", rotated, ring.active)
    return rotated
