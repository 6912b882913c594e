"""Master keys for the identity vault.

Keys come from the environment (JUBAO_VAULT_KEYS, which wins when set) or from a JSON key
file: {"active": "k1", "keys": {"k1": "<base64 32 bytes>"}, "hmac_key": "<base64>"}.
They are never read from the database, so a database dump alone reveals no identity.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import re
import secrets
import stat
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger(__name__)

MASTER_KEY_BYTES = 32  # master keys always wrap with AES-256-GCM, whatever the data algorithm
HMAC_KEY_BYTES = 32
_KID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_SETTING_NAMES = frozenset(
    {"JUBAO_VAULT_KEY_FILE", "JUBAO_VAULT_KEYS", "JUBAO_VAULT_ACTIVE_KEY", "JUBAO_VAULT_HMAC_KEY"}
)
_HOW_TO_CONFIGURE = (
    "Run `manage.py vault_init_keys` to create the key file, or set JUBAO_VAULT_KEYS "
    '("kid:base64key,…"), JUBAO_VAULT_ACTIVE_KEY and JUBAO_VAULT_HMAC_KEY in the environment.'
)


@dataclass(frozen=True, repr=False)
class KeyRing:
    active: str
    keys: Mapping[str, bytes]
    hmac_key: bytes
    source: str

    @property
    def active_key(self) -> bytes:
        return self.keys[self.active]

    def __repr__(self) -> str:  # key bytes must never end up in a traceback or log line
        return f"KeyRing(active={self.active!r}, kids={sorted(self.keys)!r}, source={self.source!r})"


_lock = threading.Lock()
_cache: tuple[Any, KeyRing] | None = None


def reset_cache() -> None:
    global _cache
    with _lock:
        _cache = None


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    if setting in _SETTING_NAMES:
        reset_cache()


def key_file_path() -> Path:
    return Path(settings.JUBAO_VAULT_KEY_FILE)


def env_configured() -> bool:
    return bool((settings.JUBAO_VAULT_KEYS or "").strip())


def load_keys() -> KeyRing:
    """The configured key ring, cached per process. The cache is keyed on the settings and on
    the key file's stat, so a key added by `vault_init_keys --new-active` in another process
    is picked up without a restart."""
    global _cache
    signature = _signature()
    with _lock:
        if _cache is not None and _cache[0] == signature:
            return _cache[1]
    ring = _load_env() if env_configured() else _load_file(key_file_path())
    with _lock:
        _cache = (signature, ring)
    return ring


def _signature() -> tuple[Any, ...]:
    if env_configured():
        return ("env", settings.JUBAO_VAULT_KEYS, settings.JUBAO_VAULT_ACTIVE_KEY, settings.JUBAO_VAULT_HMAC_KEY)
    path = key_file_path()
    try:
        st = path.stat()
    except FileNotFoundError:
        return ("file", str(path), None)
    return ("file", str(path), st.st_ino, st.st_mtime_ns, st.st_size)


def _decode(value: Any, what: str, size: int) -> bytes:
    try:
        raw = base64.b64decode(str(value).strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"Vault {what} is not valid base64.") from None
    if len(raw) != size:
        raise ImproperlyConfigured(f"Vault {what} must decode to {size} bytes, not {len(raw)}.")
    return raw


def _check_kid(kid: str, where: str) -> str:
    if not _KID_RE.match(kid):
        raise ImproperlyConfigured(f"Vault key id {kid!r} in {where} must match {_KID_RE.pattern}.")
    return kid


def _build(active: str, encoded: Mapping[str, Any], hmac_b64: Any, source: str) -> KeyRing:
    if not encoded:
        raise ImproperlyConfigured(f"No vault master key configured in {source}. {_HOW_TO_CONFIGURE}")
    keys = {
        _check_kid(kid, source): _decode(value, f"master key {kid!r} in {source}", MASTER_KEY_BYTES)
        for kid, value in encoded.items()
    }
    if not active and len(keys) == 1:
        active = next(iter(keys))
    if active not in keys:
        raise ImproperlyConfigured(
            f"The active vault key {active!r} is not among the configured keys {sorted(keys)} in {source}."
        )
    if not hmac_b64:
        raise ImproperlyConfigured(f"No vault HMAC key configured in {source}. {_HOW_TO_CONFIGURE}")
    hmac_key = _decode(hmac_b64, f"HMAC key in {source}", HMAC_KEY_BYTES)
    return KeyRing(active=active, keys=keys, hmac_key=hmac_key, source=source)


def _load_env() -> KeyRing:
    encoded: dict[str, str] = {}
    for item in settings.JUBAO_VAULT_KEYS.split(","):
        if not item.strip():
            continue
        kid, sep, value = item.strip().partition(":")
        if not sep:
            raise ImproperlyConfigured('JUBAO_VAULT_KEYS entries must look like "kid:base64key".')
        encoded[kid.strip()] = value
    active = (settings.JUBAO_VAULT_ACTIVE_KEY or "").strip()
    return _build(active, encoded, settings.JUBAO_VAULT_HMAC_KEY, "JUBAO_VAULT_KEYS")


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"No vault master key configured: {path} does not exist. {_HOW_TO_CONFIGURE}"
        ) from None
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"Vault key file {path} is unreadable ({type(exc).__name__}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise ImproperlyConfigured(f'Vault key file {path} must be a JSON object with a "keys" object.')
    return data


def _load_file(path: Path) -> KeyRing:
    data = _read_file(path)
    if path.stat().st_mode & 0o077:
        logger.warning("vault key file %s is readable by group or others; chmod 600 it", path)
    return _build(str(data.get("active") or ""), data["keys"], data.get("hmac_key"), str(path))


def _new_secret(size: int) -> str:
    return base64.b64encode(secrets.token_bytes(size)).decode("ascii")


def _write_private(path: Path, data: dict[str, Any], *, exclusive: bool) -> None:
    """Write with mode 0600 from the first byte; a plain write would briefly expose the
    key under the umask. Non-exclusive writes go through a temporary file and rename so
    a crash never leaves a half-written key file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = path if exclusive else path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    try:
        os.fchmod(fd, stat.S_IRUSR | stat.S_IWUSR)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if not exclusive:
        os.replace(target, path)


def ensure_key_file(path: str | os.PathLike[str] | None = None) -> bool:
    """Create the key file with a fresh master key and HMAC key unless it exists. Returns
    True when it was created."""
    path = Path(path) if path is not None else key_file_path()
    data = {"active": "k1", "keys": {"k1": _new_secret(MASTER_KEY_BYTES)}, "hmac_key": _new_secret(HMAC_KEY_BYTES)}
    try:
        _write_private(path, data, exclusive=True)
    except FileExistsError:
        return False
    reset_cache()
    return True


def _next_kid(existing: Mapping[str, Any]) -> str:
    numbers = [int(m.group(1)) for kid in existing if (m := re.fullmatch(r"k(\d+)", kid))]
    n = max(numbers, default=0) + 1
    while f"k{n}" in existing:
        n += 1
    return f"k{n}"


def add_master_key(path: str | os.PathLike[str] | None = None) -> str:
    """Add a fresh master key to the key file and make it active; returns its key id.
    Old keys stay so existing rows can be unwrapped until `rotate_vault_keys` has run."""
    path = Path(path) if path is not None else key_file_path()
    data = _read_file(path)
    kid = _next_kid(data["keys"])
    data["keys"][kid] = _new_secret(MASTER_KEY_BYTES)
    data["active"] = kid
    _write_private(path, data, exclusive=False)
    reset_cache()
    return kid
