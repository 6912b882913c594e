"""Human-friendly numbers: prefix + yymmdd + 7 random digits + a Damm check digit.

Random digits keep volumes and neighbours unguessable; the Damm digit catches every
single-digit typo and every swap of adjacent digits when a number is read out by phone.
"""

from __future__ import annotations

import re
import secrets
from datetime import date

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

CASE_PREFIX = "AJ"
REPORT_PREFIX = "JB"
_SHAPE = re.compile(r"^([A-Z]{2})(\d{14})$")


def damm_digit(digits: str) -> str:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return str(interim)


def generate(prefix: str, on: date) -> str:
    body = f"{on:%y%m%d}{secrets.randbelow(10**7):07d}"
    return f"{prefix}{body}{damm_digit(body)}"


def normalise(raw: str) -> str:
    """Accept what people type or read out: spaces, hyphens, lower case."""
    return re.sub(r"[\s\-–—]", "", raw or "").upper()


def is_valid(raw: str, prefix: str | None = None) -> bool:
    match = _SHAPE.match(normalise(raw))
    if not match or (prefix and match.group(1) != prefix):
        return False
    digits = match.group(2)
    return damm_digit(digits[:-1]) == digits[-1]


def display(number: str) -> str:
    """AJ2611230482137 5 → AJ-261123-0482137-5 for reading aloud and printing."""
    if not _SHAPE.match(number):
        return number
    return f"{number[:2]}-{number[2:8]}-{number[8:15]}-{number[15:]}"
