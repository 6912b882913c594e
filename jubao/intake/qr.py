"""The receipt page's QR code as inline SVG (no image library, no network)."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str) -> SafeString:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg"):]  # drop the XML declaration so it can sit inside HTML
    return mark_safe(svg.replace("<svg", '<svg role="img" aria-hidden="true" focusable="false"', 1))  # noqa: S308
