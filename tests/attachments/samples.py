"""Small, real files built in memory: photos with GPS, PDFs with an author, office and media files."""

from __future__ import annotations

import io
import struct
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

GPS_LATITUDE = (31.0, 14.0, 5.0)
MODEL = "iPhone 15 Pro"
AUTHOR = "Zhang San"


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = MODEL
    exif[ExifTags.Base.Software] = "17.2"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:01:02 10:11:12"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 28.0, 9.0)
    return exif


def jpeg(size: tuple[int, int] = (64, 48), orientation: int = 1, **extra) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 220), (0, 0, size[0] // 2, size[1] // 2))  # a blue top-left quarter shows the rotation
    image.save(out, "JPEG", exif=exif_with_gps(orientation), comment=b"taken by " + AUTHOR.encode(),
               xmp=b"<x:xmpmeta><dc:creator>" + AUTHOR.encode() + b"</dc:creator></x:xmpmeta>", **extra)
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", AUTHOR)
    info.add_text("Comment", "secret")
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 255, 0, 128)).save(out, "PNG", pnginfo=info, exif=exif_with_gps())
    return out.getvalue()


def gif_animated() -> bytes:
    frames = [Image.new("RGB", (16, 16), colour).convert("P") for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0,
                   comment=AUTHOR.encode())
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(out, "WEBP", exif=exif_with_gps(), xmp=AUTHOR.encode())
    return out.getvalue()


def pdf(author: str = AUTHOR) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": author, "/Creator": "Microsoft Word", "/Title": "举报材料", "/Producer": "x"})
    writer.xmp_metadata = (b'<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf='
                           b'"http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description><dc:creator>'
                           + author.encode() + b"</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
                           b'<?xpacket end="w"?>')
    # A file identifier, as every PDF from an office suite has: it is derived from the author's file.
    writer._ID = ArrayObject([ByteStringObject(b"\x01" * 16), ByteStringObject(b"\x01" * 16)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


CONTENT_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="xml" ContentType="application/xml"/></Types>')


def docx(*, macro: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", b"<Relationships/>")
        z.writestr("word/document.xml", b'<w:document xmlns:w="w"><w:body><w:ins w:id="1" w:author="'
                   + AUTHOR.encode() + b'"><w:r><w:t>evidence text</w:t></w:r></w:ins></w:body></w:document>')
        z.writestr("word/people.xml", b'<w15:people><w15:person w15:author="' + AUTHOR.encode()
                   + b'"><w15:presenceInfo w15:providerId="AD" w15:userId="S::zhang@corp.example::1"/>'
                     b"</w15:person></w15:people>")
        z.writestr("word/media/image1.jpeg", jpeg())
        z.writestr("docProps/core.xml", b'<cp:coreProperties xmlns:cp="cp" xmlns:dc="dc"><dc:creator>'
                   + AUTHOR.encode() + b"</dc:creator><cp:lastModifiedBy>" + AUTHOR.encode()
                   + b"</cp:lastModifiedBy></cp:coreProperties>")
        z.writestr("docProps/app.xml", b"<Properties><Company>Acme Ltd</Company></Properties>")
        if macro:
            z.writestr("word/vbaProject.bin", b"\x00" * 10)
    return out.getvalue()


def xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/workbook.xml", b"<workbook/>")
        z.writestr("xl/comments1.xml", b"<comments><authors><author>" + AUTHOR.encode()
                   + b"</author></authors></comments>")
    return out.getvalue()


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(*, video: bool = True) -> bytes:
    handler = b"vide" if video else b"soun"
    hdlr = box(b"hdlr", b"\x00" * 8 + handler + b"\x00" * 12 + b"\x00")
    trak = box(b"trak", box(b"tkhd", b"\x00" * 84) + box(b"mdia", hdlr))
    location = box(b"\xa9xyz", b"\x00\x12\x15\xc7+31.2304+121.4737/")
    make = box(b"\xa9mak", b"\x00\x05\x15\xc7Apple")
    moov = box(b"moov", box(b"mvhd", b"\x00" * 100) + trak + box(b"udta", location + make))
    return box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + moov + box(b"mdat", b"\x01\x02\x03" * 100)


def heic() -> bytes:
    exif_payload = struct.pack(">I", 6) + exif_with_gps().tobytes()
    image_payload = b"\x00\x00\x00\x10fake-hevc-data!"
    ftyp = box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic")

    def meta(mdat_start: int) -> bytes:
        hdlr = box(b"hdlr", b"\x00" * 8 + b"pict" + b"\x00" * 13)
        infe1 = box(b"infe", b"\x02\x00\x00\x00" + b"\x00\x01" + b"\x00\x00" + b"hvc1" + b"\x00")
        infe2 = box(b"infe", b"\x02\x00\x00\x00" + b"\x00\x02" + b"\x00\x00" + b"Exif" + b"\x00")
        iinf = box(b"iinf", b"\x00\x00\x00\x00" + b"\x00\x02" + infe1 + infe2)
        entries = b""
        offset = mdat_start + 8
        for item_id, payload in ((1, image_payload), (2, exif_payload)):
            entries += struct.pack(">HHHII", item_id, 0, 1, offset, len(payload))
            offset += len(payload)
        iloc = box(b"iloc", b"\x00\x00\x00\x00" + bytes([0x44, 0x00]) + b"\x00\x02" + entries)
        return box(b"meta", b"\x00\x00\x00\x00" + hdlr + iinf + iloc)

    size = len(ftyp) + len(meta(0))
    return ftyp + meta(size) + box(b"mdat", image_payload + exif_payload)


def mp3() -> bytes:
    frame = b"TPE1" + struct.pack(">I", len(AUTHOR) + 1) + b"\x00\x00" + b"\x00" + AUTHOR.encode()
    tag = b"ID3\x03\x00\x00" + bytes([0, 0, 0, len(frame)]) + frame
    return tag + (b"\xff\xfb\x90\x64" + b"\x00" * 413) * 4 + b"TAG" + AUTHOR.encode().ljust(125, b"\x00")


def wav() -> bytes:
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
    data = b"data" + struct.pack("<I", 8) + b"\x01\x00" * 4
    info = b"INFOIART" + struct.pack("<I", len(AUTHOR) + 1) + AUTHOR.encode() + b"\x00"
    listing = b"LIST" + struct.pack("<I", len(info)) + info
    body = b"WAVE" + fmt + listing + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
