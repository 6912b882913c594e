"""HEIC photos and MP4/MOV/M4A/MP3/WAV recordings: metadata removed in place.

Nothing here decodes or re-encodes media. ISO base media files (HEIC, MP4, MOV, M4A) are
rewritten without changing any length, so every offset inside them stays valid:

- MP4/MOV/M4A: the `udta` and `meta` boxes of the movie and its tracks (where phones write
  the recording location ©xyz / com.apple.quicktime.location.ISO6709, make, model and software)
  and XMP `uuid` boxes are renamed to `free` and zeroed; players skip `free` boxes.
- HEIC: the Exif item is overwritten with an empty EXIF structure and XMP items with spaces.
  Orientation in HEIC is the `irot`/`imir` property, not EXIF, so the photo still turns right.

MP3 loses its ID3 tags; WAV's LIST/bext/iXML/XMP chunks become JUNK chunks of the same size.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Iterator

from django.utils.translation import gettext as _
from PIL import Image

from .errors import AttachmentRejected
from .strip import Stripped
from .strip_image import exif_names

logger = logging.getLogger(__name__)

_XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
# An EXIF item that says nothing: offset 0, big-endian TIFF header, one IFD with no entries.
_EMPTY_EXIF = b"\x00\x00\x00\x00" + b"MM\x00\x2a\x00\x00\x00\x08" + b"\x00\x00" + b"\x00\x00\x00\x00"
_WAV_METADATA_CHUNKS = {b"LIST", b"bext", b"iXML", b"_PMX", b"id3 ", b"ID3 ", b"axml"}


class MediaError(ValueError):
    """The file's structure is not what its type promises."""


def _boxes(data: bytes | bytearray, start: int, end: int) -> Iterator[tuple[bytes, int, int, int]]:
    """(type, box start, payload start, box end) of each box between start and end."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise MediaError("truncated box header")
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise MediaError("box overruns its container")
        yield kind, pos, pos + header, pos + size
        pos += size


def _child(data: bytes | bytearray, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    for child, _pos, payload, child_end in _boxes(data, start, end):
        if child == kind:
            return payload, child_end
    return None


def _meta_children_start(data: bytes | bytearray, payload: int) -> int:
    # ISO `meta` is a full box (4 bytes of version and flags); QuickTime's is a plain box whose
    # first child (hdlr) follows at once.
    return payload if data[payload + 4:payload + 8] == b"hdlr" else payload + 4


def isobmff_has_video(data: bytes) -> bool:
    """Whether an MP4 has a video track (otherwise it is an audio recording)."""
    try:
        moov = _child(data, 0, len(data), b"moov")
        if moov is None:
            return True  # not ours to judge; leave it a video
        for kind, _pos, payload, end in _boxes(data, *moov):
            mdia = _child(data, payload, end, b"mdia") if kind == b"trak" else None
            hdlr = _child(data, *mdia, b"hdlr") if mdia else None
            if hdlr and data[hdlr[0] + 8:hdlr[0] + 12] == b"vide":
                return True
        return False
    except MediaError:
        return True


def _fourcc(raw: bytes) -> str:
    return raw.decode("latin-1").strip("\x00 ") or "?"


def _names_in(data: bytearray, kind: bytes, payload: int, end: int) -> list[str]:
    """What a udta/meta box held: its children's four-character codes, or the names in `keys`."""
    start = _meta_children_start(data, payload) if kind == b"meta" else payload
    names: list[str] = []
    try:
        for child, _pos, child_payload, child_end in _boxes(data, start, end):
            if child == b"keys":
                count = struct.unpack_from(">I", data, child_payload + 4)[0]
                pos = child_payload + 8
                for _key in range(min(count, 100)):
                    size = struct.unpack_from(">I", data, pos)[0]
                    names.append("mp4:" + data[pos + 8:pos + size].decode("utf-8", "replace"))
                    pos += size
            elif child == b"ilst" and not any(n.startswith("mp4:com.") for n in names):
                names += ["mp4:" + _fourcc(c) for c, *_rest in _boxes(data, child_payload, child_end)]
            elif child == b"meta":  # iTunes-style udta/meta/ilst
                names += _names_in(data, child, child_payload, child_end)
            elif child not in {b"hdlr", b"ilst", b"free"}:
                names.append("mp4:" + _fourcc(child))
    except (MediaError, struct.error):
        pass
    return names or [f"mp4:{_fourcc(kind)}"]


def _free(data: bytearray, pos: int, payload: int, end: int) -> None:
    data[pos + 4:pos + 8] = b"free"
    data[payload:end] = bytes(end - payload)


def _strip_isobmff(data: bytes) -> Stripped:
    buf = bytearray(data)
    removed: list[str] = []
    for kind, pos, payload, end in list(_boxes(buf, 0, len(buf))):
        if kind == b"uuid" and buf[payload:payload + 16] == _XMP_UUID:
            _free(buf, pos, payload, end)
            removed.append("mp4:xmp")
        elif kind == b"meta":
            removed += _names_in(buf, kind, payload, end)
            _free(buf, pos, payload, end)
        elif kind == b"moov":
            for child, cpos, cpayload, cend in list(_boxes(buf, payload, end)):
                targets = [(child, cpos, cpayload, cend)]
                if child == b"trak":
                    targets = list(_boxes(buf, cpayload, cend))
                for box, bpos, bpayload, bend in targets:
                    if box in {b"udta", b"meta"} or (box == b"uuid" and buf[bpayload:bpayload + 16] == _XMP_UUID):
                        removed += _names_in(buf, box, bpayload, bend)
                        _free(buf, bpos, bpayload, bend)
    return Stripped(bytes(buf), removed)


def _heic_items(data: bytes | bytearray, meta: tuple[int, int]) -> tuple[dict[int, bytes], dict[int, list]]:
    """(item id -> type or mime content type, item id -> [(offset, length)]) from iinf and iloc."""
    start = _meta_children_start(data, meta[0])
    types: dict[int, bytes] = {}
    extents: dict[int, list] = {}
    idat = _child(data, start, meta[1], b"idat")
    iinf = _child(data, start, meta[1], b"iinf")
    iloc = _child(data, start, meta[1], b"iloc")
    if iinf is None or iloc is None:
        raise MediaError("HEIC without item information")
    version = data[iinf[0]]
    first = iinf[0] + (6 if version == 0 else 8)
    for kind, _pos, payload, end in _boxes(data, first, iinf[1]):
        if kind != b"infe" or data[payload] < 2:
            continue
        wide = data[payload] >= 3
        item_id = struct.unpack_from(">I" if wide else ">H", data, payload + 4)[0]
        type_at = payload + (10 if wide else 8)
        item_type = bytes(data[type_at:type_at + 4])
        if item_type == b"mime":  # item_name, then content_type, both NUL-terminated
            strings = bytes(data[type_at + 4:end]).split(b"\x00")
            item_type = strings[1] if len(strings) > 1 else b""
        types[item_id] = item_type
    pos = iloc[0]
    version = data[pos]
    offset_size, length_size = data[pos + 4] >> 4, data[pos + 4] & 15
    base_size, index_size = data[pos + 5] >> 4, (data[pos + 5] & 15 if version in (1, 2) else 0)
    if not {offset_size, length_size, base_size, index_size} <= {0, 4, 8}:
        raise MediaError("unsupported iloc field size")
    pos += 6
    count, pos = (struct.unpack_from(">I", data, pos)[0], pos + 4) if version == 2 else (
        struct.unpack_from(">H", data, pos)[0], pos + 2)

    def number(size: int) -> int:
        nonlocal pos
        value = int.from_bytes(data[pos:pos + size], "big") if size else 0
        pos += size
        return value

    for _item in range(count):
        item_id = number(4 if version == 2 else 2)
        method = (number(2) & 15) if version in (1, 2) else 0
        number(2)  # data reference index
        base = number(base_size)
        spans = []
        for _extent in range(number(2)):
            number(index_size)
            offset, length = number(offset_size), number(length_size)
            if method == 1:
                if idat is None:
                    raise MediaError("item in missing idat")
                offset += idat[0]
            elif method != 0:
                raise MediaError("item constructed from other items")
            spans.append((base + offset, length or len(data) - base - offset))
        extents[item_id] = spans
    return types, extents


def strip_heic(data: bytes) -> Stripped:
    buf = bytearray(data)
    removed: list[str] = []
    try:
        meta = _child(buf, 0, len(buf), b"meta")
        if meta is None:
            raise MediaError("HEIC without meta box")
        types, extents = _heic_items(buf, meta)
        for item_id, item_type in types.items():
            is_xmp = b"xmp" in item_type.lower() or b"rdf+xml" in item_type.lower()
            if item_type != b"Exif" and not is_xmp:
                continue
            spans = extents.get(item_id, [])
            if any(offset + length > len(buf) for offset, length in spans):
                raise MediaError("item outside the file")
            payload = b"".join(bytes(buf[o:o + n]) for o, n in spans)
            if item_type == b"Exif":
                removed += _heic_exif_names(payload)
            else:
                removed.append("xmp")
            filler = _EMPTY_EXIF if item_type == b"Exif" else b""
            blank = (filler + (b"\x00" if item_type == b"Exif" else b" ") * len(payload))[:len(payload)]
            written = 0
            for offset, length in spans:
                buf[offset:offset + length] = blank[written:written + length]
                written += length
    except (MediaError, struct.error, IndexError) as exc:
        logger.info("HEIC refused: metadata not removable (%s)", exc)
        raise AttachmentRejected(_(
            "We could not remove the location and camera details from this HEIC photo, so it was not accepted. "
            "Send it as JPEG instead (on an iPhone: Settings › Camera › Formats › Most Compatible)."
        )) from None
    return Stripped(bytes(buf), removed)


def _heic_exif_names(payload: bytes) -> list[str]:
    if len(payload) < 4:
        return ["exif"]
    skip = 4 + int.from_bytes(payload[:4], "big")
    exif = Image.Exif()
    try:
        exif.load(payload[skip:])
        return exif_names(exif) or ["exif"]
    except (ValueError, OSError, SyntaxError, struct.error, KeyError):
        return ["exif"]


def _strip_mp3(data: bytes) -> Stripped:
    removed: list[str] = []
    while data[:3] == b"ID3" and len(data) >= 10:
        size = 0
        for byte in data[6:10]:  # "synchsafe" integer: 7 bits per byte
            size = (size << 7) | (byte & 0x7F)
        footer = 10 if data[5] & 0x10 else 0
        data = data[10 + size + footer:]
        removed.append("id3v2")
    if len(data) >= 128 and data[-128:-125] == b"TAG":
        data = data[:-128]
        removed.append("id3v1")
    return Stripped(data, removed)


def _strip_wav(data: bytes) -> Stripped:
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise MediaError("not a RIFF WAVE file")
    buf = bytearray(data)
    removed: list[str] = []
    pos = 12
    while pos + 8 <= len(buf):
        chunk, size = bytes(buf[pos:pos + 4]), struct.unpack_from("<I", buf, pos + 4)[0]
        end = min(pos + 8 + size, len(buf))
        if chunk in _WAV_METADATA_CHUNKS:
            removed.append("wav:" + _fourcc(chunk))
            buf[pos:pos + 4] = b"JUNK"
            buf[pos + 8:end] = bytes(end - pos - 8)
        pos = end + (size & 1)
    return Stripped(bytes(buf), removed)


def strip_av(content_type: str, data: bytes) -> Stripped:
    """Best effort: a recording we cannot parse is stored as uploaded (see jubao.attachments.strip)."""
    try:
        if content_type == "audio/mpeg":
            return _strip_mp3(data)
        if content_type == "audio/wav":
            return _strip_wav(data)
        return _strip_isobmff(data)
    except (MediaError, struct.error, IndexError) as exc:
        logger.warning("%s stored without metadata removal: %s", content_type, exc)
        return Stripped(data)
