"""Metadata removal per type: what identifies the reporter is gone, the evidence itself is intact."""

import io
import struct
import zipfile

import pytest
from PIL import ExifTags, Image
from pypdf import PdfReader

from jubao.attachments.checks import AttachmentRejected, attachment_check
from jubao.attachments.strip_media import _boxes

from . import samples

IDENTIFYING = [samples.AUTHOR.encode(), samples.MODEL.encode(), b"+31.2304", b"zhang@corp"]


def check(name, content):
    return attachment_check(samples.upload(name, content))


def assert_nothing_identifying(data: bytes):
    for needle in IDENTIFYING:
        assert needle not in data, needle


def test_jpeg_loses_gps_device_xmp_and_comment_and_keeps_its_orientation():
    checked = check("IMG_0001.jpg", samples.jpeg(size=(64, 48), orientation=6))
    with Image.open(io.BytesIO(checked.data)) as image:
        exif = image.getexif()
        assert ExifTags.Base.Model not in exif and ExifTags.IFD.GPSInfo not in exif and len(exif) == 0
        assert not {"xmp", "comment", "icc_profile", "exif"} & set(image.info)
        assert image.format == "JPEG"
        # Orientation 6 was applied to the pixels: portrait now, the blue corner at the top right.
        assert image.size == (48, 64)
        red, _green, blue = image.getpixel((44, 4))
        assert blue > 200 and red < 60
    assert {"exif:GPSInfo", "exif:Model", "exif:Make", "exif:DateTimeOriginal", "xmp", "comment"} <= set(
        checked.metadata_removed)
    assert_nothing_identifying(checked.data)


def test_jpeg_with_an_icc_profile_is_converted_and_the_profile_dropped():
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    checked = check("p3.jpg", samples.jpeg(icc_profile=icc))
    with Image.open(io.BytesIO(checked.data)) as image:
        assert "icc_profile" not in image.info
    assert "icc:profile" in checked.metadata_removed


def test_png_text_chunks_and_exif_are_removed_transparency_kept():
    checked = check("x.png", samples.png_with_text())
    with Image.open(io.BytesIO(checked.data)) as image:
        assert not image.text and len(image.getexif()) == 0
        assert image.mode == "RGBA" and image.getpixel((1, 1)) == (0, 255, 0, 128)
    assert {"png:Author", "png:Comment", "exif:GPSInfo"} <= set(checked.metadata_removed)


def test_animated_gif_keeps_its_frames_and_loses_its_comment():
    checked = check("x.gif", samples.gif_animated())
    with Image.open(io.BytesIO(checked.data)) as image:
        assert image.n_frames == 3 and "comment" not in image.info
        durations = []
        for index in range(3):
            image.seek(index)
            durations.append(image.info["duration"])
        assert durations == [100, 200, 300]
    assert checked.metadata_removed == ("comment",)


def test_webp_loses_exif_and_xmp():
    checked = check("x.webp", samples.webp())
    with Image.open(io.BytesIO(checked.data)) as image:
        assert len(image.getexif()) == 0 and "xmp" not in image.info
    assert_nothing_identifying(checked.data)


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_photo_with_damaged_exif_is_kept_and_the_exif_dropped():
    out = io.BytesIO()
    Image.new("RGB", (30, 20)).save(out, "JPEG", exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff" + b"\x01" * 40
                                    + samples.MODEL.encode())
    checked = check("x.jpg", out.getvalue())
    assert checked.metadata_removed == ("exif",)
    assert_nothing_identifying(checked.data)


def test_damaged_photo_is_refused():
    content = samples.jpeg()[:200]
    with pytest.raises(AttachmentRejected, match="could not be read"):
        check("x.jpg", content)


def test_pdf_loses_info_xmp_and_file_id_and_keeps_its_pages():
    checked = check("x.pdf", samples.pdf())
    reader = PdfReader(io.BytesIO(checked.data))
    assert reader.metadata is None and reader.xmp_metadata is None
    assert "/ID" not in reader.trailer
    assert len(reader.pages) == 1
    assert {"pdf:/Author", "pdf:/Creator", "pdf:/Title", "pdf:XMP", "pdf:/ID"} <= set(checked.metadata_removed)
    assert_nothing_identifying(checked.data)


def test_encrypted_pdf_is_refused_with_advice():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(AttachmentRejected, match="password"):
        check("x.pdf", out.getvalue())


def test_docx_loses_properties_author_names_and_photo_gps_but_keeps_its_text():
    checked = check("x.docx", samples.docx())
    with zipfile.ZipFile(io.BytesIO(checked.data)) as archive:
        document = archive.read("word/document.xml")
        assert b"evidence text" in document and b'w:author="Author 1"' in document
        assert archive.read("word/people.xml").count(b'userId=""') == 1
        assert b"creator" not in archive.read("docProps/core.xml")
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
        with Image.open(io.BytesIO(archive.read("word/media/image1.jpeg"))) as photo:
            assert len(photo.getexif()) == 0
    assert {"docx:core:creator", "docx:core:lastModifiedBy", "docx:app:Company", "docx:authors",
            "docx:media:exif:GPSInfo"} <= set(checked.metadata_removed)
    assert_nothing_identifying(checked.data)


def test_xlsx_comment_authors_are_replaced():
    checked = check("x.xlsx", samples.xlsx())
    with zipfile.ZipFile(io.BytesIO(checked.data)) as archive:
        assert archive.read("xl/comments1.xml") == b"<comments><authors><author>Author 1</author></authors></comments>"


def test_mp4_location_and_device_boxes_become_free_space_of_the_same_size():
    original = samples.mp4()
    checked = check("x.mp4", original)
    assert len(checked.data) == len(original)
    assert checked.data[-300:] == original[-300:]  # media data untouched
    top = [kind for kind, *_rest in _boxes(checked.data, 0, len(checked.data))]
    assert top == [b"ftyp", b"moov", b"mdat"]
    assert {"mp4:\xa9xyz", "mp4:\xa9mak"} <= set(checked.metadata_removed)
    assert b"Apple" not in checked.data
    assert_nothing_identifying(checked.data)


def test_heic_exif_item_is_blanked_in_place():
    original = samples.heic()
    checked = check("x.heic", original)
    assert len(checked.data) == len(original)
    assert b"fake-hevc-data!" in checked.data
    assert b"Apple" not in checked.data
    assert {"exif:GPSInfo", "exif:Model"} <= set(checked.metadata_removed)
    assert_nothing_identifying(checked.data)


def test_heic_we_cannot_follow_is_refused_not_stored_with_its_location():
    content = bytearray(samples.heic())
    iloc = content.index(b"iloc")
    content[iloc + 8] = 0x33  # 3-byte offsets: not allowed by the format
    with pytest.raises(AttachmentRejected, match="HEIC"):
        check("x.heic", bytes(content))


def test_mp3_id3_tags_and_wav_info_chunks_are_removed():
    mp3 = check("x.mp3", samples.mp3())
    assert mp3.data.startswith(b"\xff\xfb") and mp3.metadata_removed == ("id3v2", "id3v1")
    wav = check("x.wav", samples.wav())
    assert b"JUNK" in wav.data and b"LIST" not in wav.data and wav.metadata_removed == ("wav:LIST",)
    assert struct.unpack_from("<I", wav.data, 4) == struct.unpack_from("<I", samples.wav(), 4)
    for checked in (mp3, wav):
        assert_nothing_identifying(checked.data)


def test_unparseable_recording_is_stored_as_uploaded():
    broken = samples.mp4()[:-10] + b"\x00\x00\x10\x00moov"  # last box claims more than the file has
    checked = check("x.mp4", broken)
    assert checked.data == broken and checked.metadata_removed == ()
