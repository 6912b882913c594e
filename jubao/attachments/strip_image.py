"""Photos: decode, apply the EXIF orientation, re-encode without any metadata, verify.

Re-encoding (rather than cutting segments out of the file) also drops what hides outside the
metadata blocks: the second pictures of an MPO, the video a "motion photo" appends after the
JPEG, thumbnails with their own EXIF. The result is checked by opening it again; if anything
identifying survived, the upload is refused rather than stored.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageCms, ImageOps, ImageSequence, JpegImagePlugin

from .errors import AttachmentRejected
from .strip import Stripped

# Largest picture we decode: 120 megapixels covers 108 MP phone cameras at ~360 MB of RAM.
MAX_PIXELS = 120_000_000
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}
# Image.info entries that only describe how to draw the picture; everything else is dropped.
_DRAWING_INFO = {"transparency", "duration", "loop", "background", "disposal", "blend"}
# Image.info entries that are metadata, with the name we record when one is removed.
_METADATA_INFO = {
    "xmp": "xmp", "XML:com.adobe.xmp": "xmp", "icc_profile": "icc:profile", "comment": "comment",
    "photoshop": "iptc:photoshop", "mp": "jpeg:MPF", "mpoffset": "jpeg:MPF",
}
_IFD_EXIF = ExifTags.IFD.Exif
_IFD_GPS = ExifTags.IFD.GPSInfo


def unreadable() -> AttachmentRejected:
    return AttachmentRejected(_("This photo could not be read; it may be damaged."))


def exif_names(exif: Image.Exif) -> list[str]:
    """Names of the EXIF tags present, main and Exif sub-directory (where the capture date,
    lens and serial numbers live). GPS is listed once as "exif:GPSInfo"."""
    names = []
    for tag in exif:
        names.append("exif:" + ExifTags.TAGS.get(tag, f"0x{tag:04X}"))
    try:
        for tag in exif.get_ifd(_IFD_EXIF):
            names.append("exif:" + ExifTags.TAGS.get(tag, f"0x{tag:04X}"))
    except (KeyError, ValueError, OSError, SyntaxError):  # a broken sub-directory is dropped all the same
        pass
    return [n for n in names if n not in {"exif:ExifOffset"}]


def _metadata_names(img: Image.Image) -> list[str]:
    try:
        names = exif_names(img.getexif())
    except (ValueError, OSError, SyntaxError, KeyError, TypeError):  # unreadable EXIF: dropped all the same
        names = []
    if not names and img.info.get("exif"):
        names.append("exif")
    for key in img.info:
        if key in _METADATA_INFO:
            names.append(_METADATA_INFO[key])
    for key in getattr(img, "text", {}) or {}:  # PNG tEXt/iTXt/zTXt chunks: Author, Comment, Software…
        names.append(f"png:{key}"[:60])
    return names


def _to_srgb(frame: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert to sRGB before the ICC profile is dropped, so a Display P3 photo keeps its colours."""
    if not icc or frame.mode not in {"RGB", "RGBA"}:
        return frame
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(frame, source, ImageCms.createProfile("sRGB"), outputMode=frame.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return frame
    return converted if converted is not None else frame


def _upright(frame: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(frame)
    except (ValueError, OSError, SyntaxError, KeyError, TypeError):
        # A damaged EXIF block must not cost the reporter the photo; it is only shown unrotated.
        return frame.copy()


def _clean(frame: Image.Image, icc: bytes | None) -> Image.Image:
    out = _to_srgb(_upright(frame), icc)
    if out is frame:
        out = frame.copy()
    out.info = {k: v for k, v in frame.info.items() if k in _DRAWING_INFO}
    return out


def _frames(img: Image.Image, fmt: str) -> list[Image.Image]:
    width, height = img.size
    animated = fmt != "JPEG" and getattr(img, "is_animated", False)
    count = getattr(img, "n_frames", 1) if animated else 1
    if width * height * count > MAX_PIXELS:
        raise AttachmentRejected(_("This photo has too many pixels for us to process. Send a smaller copy."))
    icc = img.info.get("icc_profile")
    if not animated:
        img.load()
        return [_clean(img, icc)]
    return [_clean(frame.copy(), icc) for frame in ImageSequence.Iterator(img)]


def _save_options(img: Image.Image, fmt: str, data: bytes, frames: list[Image.Image]) -> dict[str, Any]:
    options: dict[str, Any] = {"format": fmt}
    if fmt == "JPEG":
        # The photo's own quantisation tables and subsampling: re-encoding then costs almost nothing.
        quantization = getattr(img, "quantization", None)
        if quantization:
            options["qtables"] = quantization
        sampling = JpegImagePlugin.get_sampling(img) if isinstance(img, JpegImagePlugin.JpegImageFile) else -1
        options["subsampling"] = sampling if sampling != -1 else 0
        options["quality"] = 95 if not quantization else None
        options = {k: v for k, v in options.items() if v is not None}
    elif fmt == "WEBP":
        head = data[:4096]
        options["lossless"] = b"VP8L" in head and b"VP8 " not in head
        options["quality"] = 100 if options["lossless"] else 90
    if len(frames) > 1:
        options.update(save_all=True, append_images=frames[1:],
                       duration=[f.info.get("duration", 100) for f in frames], loop=img.info.get("loop", 0))
        if fmt == "GIF":
            options["disposal"] = [f.info.get("disposal", 0) for f in frames]
    return options


def _verify(out: bytes, fmt: str) -> None:
    """Open what we are about to store and make sure nothing identifying is left in it."""
    with Image.open(io.BytesIO(out), formats=[fmt]) as check:
        leftovers: list[object] = [*check.getexif(), *(k for k in check.info if k in _METADATA_INFO)]
        leftovers += list(getattr(check, "text", {}) or {})
        for frame in ImageSequence.Iterator(check) if getattr(check, "is_animated", False) else []:
            leftovers += [k for k in frame.info if k in _METADATA_INFO]
    if leftovers:
        raise AttachmentRejected(_("We could not remove the hidden details (such as the location) from this "
                                   "photo, so it was not accepted. Take a screenshot of it and send that instead."))


def strip_image(content_type: str, data: bytes) -> Stripped:
    fmt = FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            # Our own MAX_PIXELS check replaces Pillow's decompression-bomb warning.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt, "MPO"] if fmt == "JPEG" else [fmt]) as img:
                removed = _metadata_names(img)
                frames = _frames(img, fmt)
                out = io.BytesIO()
                frames[0].save(out, **_save_options(img, fmt, data, frames))
    except AttachmentRejected:
        raise
    except Image.DecompressionBombError:
        raise AttachmentRejected(_("This photo has too many pixels for us to process. Send a smaller copy.")) from None
    except Exception:  # whatever Pillow raises on a hostile or broken file, it is unreadable to us
        raise unreadable() from None
    result = out.getvalue()
    _verify(result, fmt)
    return Stripped(result, removed)
