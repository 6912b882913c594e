"""Normalising and checking the identifiers used to recognise repeat reporters."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.utils import timezone

# GB 11643-1999: ISO 7064 MOD 11-2 weights for the first 17 digits, and the check
# character for each remainder.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_RE = re.compile(r"^[1-9]\d{16}[\dX]$")


def _nfkc(value: str) -> str:
    # Reporters often type full-width digits (１３８…) on Chinese input methods.
    return unicodedata.normalize("NFKC", value or "")


def normalise_phone(value: str) -> str:
    """Digits only, without the +86 / 0086 country prefix, so that "+86 138-0013-8000" and
    "13800138000" hash alike."""
    digits = "".join(ch for ch in _nfkc(value) if "0" <= ch <= "9")
    if len(digits) == 13 and digits.startswith("86"):
        return digits[2:]
    if len(digits) == 15 and digits.startswith("0086"):
        return digits[4:]
    return digits


def normalise_id_number(value: str) -> str:
    return "".join(_nfkc(value).split()).upper()


def validate_id_number(value: str) -> bool:
    """True for a well-formed 18-digit PRC resident ID number: valid birth date (not in
    the future) and a correct MOD 11-2 check character."""
    if not isinstance(value, str):
        return False
    number = normalise_id_number(value)
    if not _ID_RE.match(number):
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born.year < 1850 or born > timezone.localdate():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    return number[17] == _ID_CHECK_CHARS[total % 11]
