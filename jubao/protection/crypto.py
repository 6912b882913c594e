"""AEAD primitives for the vault. Every sealed blob is nonce (12) + ciphertext + tag (16)."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .models import VaultAlgorithm

NONCE_BYTES = 12
TAG_BYTES = 16
DATA_KEY_BYTES = {VaultAlgorithm.AES_256_GCM: 32, VaultAlgorithm.SM4_GCM: 16}


class VaultError(Exception):
    """A vault operation failed. Messages name records and key ids only, never identity data."""


def seal(algorithm: str, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    if algorithm == VaultAlgorithm.AES_256_GCM:
        return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)
    if algorithm == VaultAlgorithm.SM4_GCM:
        encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(aad)
        body = encryptor.update(plaintext) + encryptor.finalize()
        return nonce + body + encryptor.tag
    raise VaultError(f"unknown vault algorithm {algorithm!r}")


def open_sealed(algorithm: str, key: bytes, blob: bytes, aad: bytes) -> bytes:
    """Decrypt and authenticate; any mismatch (wrong key, edited bytes, other AAD) is a VaultError."""
    blob = bytes(blob)
    if len(blob) < NONCE_BYTES + TAG_BYTES or len(key) != _key_size(algorithm):
        raise VaultError("sealed data or key has the wrong size")
    nonce, body = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
    try:
        if algorithm == VaultAlgorithm.AES_256_GCM:
            return AESGCM(key).decrypt(nonce, body, aad)
        tag, body = body[-TAG_BYTES:], body[:-TAG_BYTES]
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(aad)
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise VaultError("authentication failed") from None


def _key_size(algorithm: str) -> int:
    try:
        return DATA_KEY_BYTES[VaultAlgorithm(algorithm)]
    except ValueError:
        raise VaultError(f"unknown vault algorithm {algorithm!r}") from None


def new_data_key(algorithm: str) -> bytes:
    return os.urandom(_key_size(algorithm))
