"""Text → MinHash signature → LSH band keys, and the keys for repeat counting.

Everything here is deterministic across processes, machines and releases of Python and numpy:
shingles are hashed arithmetically from code points and the permutations are derived from
fixed constants, so an index built by one worker is read correctly by every other. Changing any
constant here changes the keys: bump SIGNATURE_VERSION and run `manage.py reindex_duplicates`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

SIGNATURE_VERSION = "minhash-v1"
PERMUTATIONS = 96
ROWS_PER_BAND = 3
BANDS = PERMUTATIONS // ROWS_PER_BAND  # 32 band keys per report
SHINGLE = 3

# Structural particles and interjections carry no meaning for "is this the same matter"; a
# rewording that only changes them must not change the signature.
_PARTICLES = "的地得了着过吗呢吧啊呀嘛哦哈呐哟么"
_NOT_WORD = re.compile(r"[^\w]|_", re.UNICODE)
_PARTICLE_RE = re.compile(f"[{_PARTICLES}]")

U64 = np.uint64
_MASK32 = U64(0xFFFFFFFF)


@lru_cache(maxsize=1)
def _converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Simplified script, half-width, lower case, only letters and digits, no particles."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _converter().convert(text).lower()
    text = _NOT_WORD.sub("", text)
    return _PARTICLE_RE.sub("", text)


def _seeds(label: str, count: int) -> npt.NDArray[np.uint64]:
    digest = b"".join(hashlib.blake2b(f"{label}/{i}".encode(), digest_size=8).digest() for i in range(count))
    return np.frombuffer(digest, dtype="<u8").astype(U64)


# Multiply-shift permutations: h_i(x) = (a_i·x + b_i) mod 2^64 >> 32, a_i odd.
_A = (_seeds("jubao-duplicates-a", PERMUTATIONS) | U64(1)).reshape(-1, 1)
_B = _seeds("jubao-duplicates-b", PERMUTATIONS).reshape(-1, 1)
_BAND_SALT = _seeds("jubao-duplicates-band", BANDS)


def _mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64 finaliser, vectorised (uint64 arithmetic wraps, which is what we want)."""
    x = x ^ (x >> U64(30))
    x = x * U64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> U64(27))
    x = x * U64(0x94D049BB133111EB)
    return x ^ (x >> U64(31))


def shingle_hashes(normalised: str) -> npt.NDArray[np.uint64]:
    """Distinct 64-bit hashes of the character 3-grams (the whole text when shorter)."""
    if not normalised:
        return np.empty(0, dtype=U64)
    points = np.frombuffer(normalised.encode("utf-32-le"), dtype="<u4").astype(U64)
    if len(points) < SHINGLE:
        points = np.concatenate([points, np.zeros(SHINGLE - len(points), dtype=U64)])
    with np.errstate(over="ignore"):
        h = _mix(points[:-2] * U64(0x100000001B3) + U64(0x9E3779B97F4A7C15))
        h = _mix(h ^ (points[1:-1] * U64(0xC2B2AE3D27D4EB4F)))
        h = _mix(h ^ points[2:])
    return np.unique(h)


@dataclass(frozen=True)
class TextSignature:
    minhash: npt.NDArray[np.uint32]  # PERMUTATIONS values
    shingle_count: int

    def to_bytes(self) -> bytes:
        return self.minhash.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, shingle_count: int) -> TextSignature:
        return cls(np.frombuffer(bytes(data), dtype="<u4"), shingle_count)

    def band_keys(self) -> list[int]:
        return band_keys_of(self.minhash.reshape(1, -1))[0].tolist()


def signature_of(text: str) -> TextSignature | None:
    shingles = shingle_hashes(normalise(text))
    if not len(shingles):
        return None
    with np.errstate(over="ignore"):
        values = (_A * shingles.reshape(1, -1) + _B) >> U64(32)
    return TextSignature(values.min(axis=1).astype(np.uint32), len(shingles))


def band_keys_of(minhashes: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
    """(n, PERMUTATIONS) signatures → (n, BANDS) signed 64-bit band keys, vectorised for bulk builds."""
    rows = minhashes.astype(U64).reshape(len(minhashes), BANDS, ROWS_PER_BAND)
    with np.errstate(over="ignore"):
        key = _BAND_SALT.reshape(1, -1)
        for column in range(ROWS_PER_BAND):
            key = _mix(key ^ (rows[:, :, column] + U64(0x9E3779B97F4A7C15) * U64(column + 1)))
    return key.view(np.int64)


def estimated_jaccard(a: TextSignature, b: TextSignature) -> float:
    return float(np.count_nonzero(a.minhash == b.minhash)) / PERMUTATIONS


def estimated_containment(a: TextSignature, b: TextSignature, jaccard: float) -> float:
    """How much of the shorter text lies inside the longer one: |A∩B| / min(|A|, |B|).

    A truncated copy has a modest Jaccard similarity (it is only part of the original) but a
    containment near 1. |A∩B| = J·(|A|+|B|)/(1+J) follows from |A∪B| = |A|+|B|−|A∩B|.
    """
    smaller = min(a.shingle_count, b.shingle_count)
    if smaller == 0:
        return 0.0
    common = jaccard * (a.shingle_count + b.shingle_count) / (1.0 + jaccard)
    return min(1.0, common / smaller)


def namespaced_key(namespace: str, value: str) -> int:
    """A signed 64-bit key for an exact-match attribute (a subject, a reporter's keyed hash)."""
    digest = hashlib.blake2b(f"{namespace}\x00{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


_SUBJECT_NOISE = re.compile(r"(有限责任公司|股份有限公司|有限公司|公司)$")


def normalise_subject(subject: str) -> str:
    """'A市XX物业管理有限公司' and 'A市ＸＸ物業管理公司' name the same unit."""
    return _SUBJECT_NOISE.sub("", normalise(subject))


def subject_key(subject: str) -> int | None:
    norm = normalise_subject(subject)
    return namespaced_key("subject", norm) if len(norm) >= 2 else None


def reporter_key(keyed_hash: str) -> int:
    return namespaced_key("reporter", keyed_hash)
