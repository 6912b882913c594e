"""Invented reporters: names, checksum-valid ID numbers in the fictional 99… region, phones, pseudonyms."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from jubao.organisation.models import Region

from .slots import GIVEN_FEMALE, GIVEN_MALE, SURNAMES

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PHONE_PREFIXES = ["130", "131", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
                   "157", "158", "159", "177", "180", "182", "185", "186", "187", "188", "189", "199"]
_PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def fake_id_number(rng: random.Random, region_code: str, born: date, male: bool) -> str:
    """A checksum-valid 18-digit number whose region prefix (99…) belongs to no real place."""
    serial = rng.randrange(0, 500) * 2 + (1 if male else 0)
    body = f"{region_code[:6]}{born:%Y%m%d}{serial:03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    phone: str
    address: str


def fake_person(rng: random.Random, region: Region) -> Person:
    male = rng.random() < 0.55
    name = rng.choice(SURNAMES) + rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    born = date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28))
    district_code = region.code[:6]
    phone = rng.choice(_PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    return Person(name, fake_id_number(rng, district_code, born, male), phone, region.full_name())


def fake_pseudonym(rng: random.Random, channel: str, region: Region) -> str:
    """How an anonymous report is signed; grid workers report what they see on patrol, under their grid."""
    if channel == "grid_worker":
        return f"网格员-{region.name}第{rng.randint(1, 6)}网格"
    return "匿名举报人-" + "".join(rng.choice(_PSEUDONYM_ALPHABET) for _ in range(4))
