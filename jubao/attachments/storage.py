"""Where attachment ciphertexts live, and how they are sealed.

Storage is a Django storage backend. Without configuration it is the local directory
MEDIA_ROOT/attachments (files 0600, directories 0700). Production configures an S3-compatible
object store (MinIO, Ceph, Alibaba OSS, Tencent COS…) through django-storages, which Jubao does not
install by default — add it to the deployment's requirements and to settings:

    STORAGES = {
        "default": {...}, "staticfiles": {...},
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "jubao-attachments",
                "endpoint_url": "https://s3.example.gov.cn",
                "access_key": os.environ["JUBAO_S3_ACCESS_KEY"],
                "secret_key": os.environ["JUBAO_S3_SECRET_KEY"],
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }

The bucket must not be public; it only ever holds ciphertext under random names, and files are
never served from it directly — only through the access-checked, audited staff view.

Sealing is the identity vault's envelope scheme, with its primitives and master keys: each file is
encrypted with its own fresh data key (AAD = the attachment's public_id, so a ciphertext copied
onto another attachment's name does not open), and the data key is wrapped with the active master
key under AES-256-GCM (AAD = public_id + key id). The data algorithm is the vault's
(JUBAO_VAULT_ALGORITHM: AES-256-GCM by default, SM4-GCM where required).
"""

from __future__ import annotations

import os
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages

from jubao.protection.crypto import DATA_KEY_BYTES, VaultError, new_data_key, open_sealed, seal
from jubao.protection.keys import KeyRing, load_keys
from jubao.protection.models import VaultAlgorithm

from .errors import AttachmentUnavailable

STORAGE_ALIAS = "attachments"
_WRAP_ALGORITHM = VaultAlgorithm.AES_256_GCM


def get_storage() -> Storage:
    if STORAGE_ALIAS in settings.STORAGES:
        return storages[STORAGE_ALIAS]
    # Built per call: MEDIA_ROOT may change (tests), and a FileSystemStorage costs nothing to create.
    return FileSystemStorage(
        location=os.path.join(settings.MEDIA_ROOT, "attachments"), base_url=None,
        file_permissions_mode=0o600, directory_permissions_mode=0o700,
    )


def data_algorithm() -> str:
    value = getattr(settings, "JUBAO_VAULT_ALGORITHM", "") or VaultAlgorithm.AES_256_GCM
    if value not in VaultAlgorithm.values:
        raise ImproperlyConfigured(f"JUBAO_VAULT_ALGORITHM must be one of {VaultAlgorithm.values}, not {value!r}.")
    return value


def new_storage_name() -> str:
    """Random, meaningless, spread over 256 directories; nothing of the original name or type."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"


def _uuid_bytes(public_id: Any) -> bytes:
    return public_id.bytes if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id)).bytes


def wrap_key(ring: KeyRing, public_id: Any, data_key: bytes) -> tuple[str, bytes]:
    aad = _uuid_bytes(public_id) + ring.active.encode("ascii")
    return ring.active, seal(_WRAP_ALGORITHM, ring.active_key, data_key, aad)


def unwrap_key(ring: KeyRing, attachment: Any) -> bytes:
    master_key = ring.keys.get(attachment.key_id)
    if master_key is None:
        raise AttachmentUnavailable(f"attachment {attachment.public_id}: master key {attachment.key_id!r} "
                                    "is not configured")
    aad = _uuid_bytes(attachment.public_id) + attachment.key_id.encode("ascii")
    try:
        data_key = open_sealed(_WRAP_ALGORITHM, master_key, bytes(attachment.wrapped_key), aad)
    except VaultError:
        raise AttachmentUnavailable(f"attachment {attachment.public_id}: cannot unwrap the data key "
                                    "(wrong master key or tampered row)") from None
    if len(data_key) != DATA_KEY_BYTES.get(VaultAlgorithm(attachment.algorithm), -1):
        raise AttachmentUnavailable(f"attachment {attachment.public_id}: data key does not fit "
                                    f"{attachment.algorithm!r}")
    return data_key


def seal_file(public_id: Any, plaintext: bytes) -> tuple[str, str, bytes, bytes]:
    """(algorithm, key id, wrapped data key, ciphertext) for a new attachment's plaintext."""
    algorithm = data_algorithm()
    data_key = new_data_key(algorithm)
    ciphertext = seal(algorithm, data_key, plaintext, _uuid_bytes(public_id))
    key_id, wrapped = wrap_key(load_keys(), public_id, data_key)
    return algorithm, key_id, wrapped, ciphertext


def open_file(attachment: Any, ciphertext: bytes) -> bytes:
    data_key = unwrap_key(load_keys(), attachment)
    try:
        return open_sealed(attachment.algorithm, data_key, ciphertext, _uuid_bytes(attachment.public_id))
    except VaultError:
        raise AttachmentUnavailable(f"attachment {attachment.public_id}: the stored file does not decrypt "
                                    "(tampered, truncated or another attachment's file)") from None


def write(storage: Storage, ciphertext: bytes) -> str:
    """Store under a fresh random name and return the name the backend actually used."""
    return storage.save(new_storage_name(), ContentFile(ciphertext))


def read(storage: Storage, name: str, public_id: Any) -> bytes:
    try:
        with storage.open(name, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError) as exc:
        raise AttachmentUnavailable(f"attachment {public_id}: stored file is missing ({type(exc).__name__})") from None
