"""Image upload policy: what is refused, and that what is kept carries pixels only."""

from __future__ import annotations

import dataclasses
import io
import struct
import zlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from dongne.kit.errors import DongneError
from dongne.media.policy import (
    ImageRejected,
    ProcessedImage,
    RejectReason,
    process_image,
    sniff_content_type,
)

MIB = 1024 * 1024
GPS_IFD = 0x8825
ORIENTATION = 0x0112
SECRET = "JEJU-SECRET-SPOT"
RED = (220, 20, 20)
BLUE = (20, 20, 220)


def encode(img: Image.Image, fmt: str, **params: Any) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **params)
    return buf.getvalue()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "JejuCam"  # Make
    exif[0x010E] = SECRET  # ImageDescription
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (33.0, 27.0, 2.5)  # Seongsan Ilchulbong
    gps[3] = "E"
    gps[4] = (126.0, 56.0, 30.25)
    gps[18] = SECRET + "-GPS"  # GPSMapDatum: readable bytes to search for
    return exif


def photo(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    # A gradient rather than a flat colour so encoders have real data to write.
    width, height = size
    pixels = [(x * 4 % 256, y * 4 % 256, 128, 255) for y in range(height) for x in range(width)]
    img = Image.new(mode, size)
    img.putdata([p[: len(mode)] for p in pixels])
    return img


def halves(size: tuple[int, int] = (80, 40)) -> Image.Image:
    """Left half red, right half blue: shows which way the image was turned."""
    img = Image.new("RGB", size, BLUE)
    img.paste(RED, (0, 0, size[0] // 2, size[1]))
    return img


def reopen(out: ProcessedImage) -> Image.Image:
    img = Image.open(io.BytesIO(out.data))
    img.load()
    return img


def assert_no_metadata(out: ProcessedImage) -> None:
    img = reopen(out)
    assert len(img.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Comment"} & set(
        img.info
    )
    assert b"Exif" not in out.data
    assert SECRET.encode() not in out.data
    assert b"JejuCam" not in out.data


def rejected(raw: bytes, **limits: int) -> ImageRejected:
    with pytest.raises(ImageRejected) as info:
        process_image(raw, **limits)
    return info.value


# --- metadata is stripped ------------------------------------------------------------------


def test_jpeg_with_gps_exif_comes_back_without_any_exif() -> None:
    raw = encode(photo(), "JPEG", exif=gps_exif())
    # The fixture really does carry a position, or the test proves nothing.
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(GPS_IFD)[2] == (33.0, 27.0, 2.5)
    assert SECRET.encode() + b"-GPS" in raw

    out = process_image(raw)

    assert_no_metadata(out)
    assert b"\xff\xe1" not in out.data  # no APP1 segment at all (EXIF and XMP live there)
    assert (out.content_type, out.extension) == ("image/jpeg", "jpg")
    assert reopen(out).format == "JPEG"


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp")],
)
def test_png_and_webp_are_accepted_and_stripped(
    fmt: str, content_type: str, extension: str
) -> None:
    raw = encode(photo(), fmt, exif=gps_exif())
    assert SECRET.encode() in raw

    out = process_image(raw)

    assert (out.content_type, out.extension) == (content_type, extension)
    assert reopen(out).format == fmt
    assert (out.width, out.height) == (64, 48)
    assert_no_metadata(out)


def test_jpeg_icc_xmp_and_comment_are_dropped() -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = f"<x:xmpmeta><rdf:li>{SECRET}</rdf:li></x:xmpmeta>".encode()
    raw = encode(photo(), "JPEG", icc_profile=icc, xmp=xmp, comment=SECRET.encode())
    assert {"icc_profile", "xmp", "comment"} <= set(Image.open(io.BytesIO(raw)).info)

    assert_no_metadata(process_image(raw))


def test_png_text_chunks_and_icc_are_dropped() -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    info = PngInfo()
    info.add_text("Comment", SECRET)
    info.add_itxt("XML:com.adobe.xmp", f"<x>{SECRET}</x>")
    raw = encode(photo(), "PNG", pnginfo=info, icc_profile=icc)

    out = process_image(raw)

    assert_no_metadata(out)
    assert reopen(out).text == {}  # type: ignore[attr-defined]


# --- accepted shapes -----------------------------------------------------------------------


def test_output_dimensions_match_the_encoded_image() -> None:
    out = process_image(encode(photo((300, 200)), "JPEG"))
    assert reopen(out).size == (out.width, out.height) == (300, 200)


def test_png_transparency_is_kept() -> None:
    img = photo((32, 32), "RGBA")
    img.putpixel((0, 0), (1, 2, 3, 0))
    out = process_image(encode(img, "PNG"))
    assert reopen(out).mode == "RGBA"
    assert reopen(out).getpixel((0, 0))[3] == 0  # type: ignore[index]


def test_palette_png_with_transparency_becomes_rgba() -> None:
    img = Image.new("P", (16, 16), 1)
    img.putpalette([0, 0, 0, 255, 0, 0])
    out = process_image(encode(img, "PNG", transparency=0))
    assert reopen(out).mode == "RGBA"


def test_sixteen_bit_grayscale_png_is_scaled_not_clipped() -> None:
    out = process_image(encode(Image.new("I;16", (8, 8), 30000), "PNG"))
    assert reopen(out).getpixel((0, 0)) == (117, 117, 117)  # 30000 / 256, not 255


@pytest.mark.parametrize("mode", ["L", "CMYK"])
def test_jpeg_output_is_rgb(mode: str) -> None:
    out = process_image(encode(Image.new(mode, (16, 16)), "JPEG"))
    assert reopen(out).mode == "RGB"


# --- orientation and size ------------------------------------------------------------------


def colour_at(img: Image.Image, xy: tuple[int, int]) -> str:
    r, _, b = img.convert("RGB").getpixel(xy)  # type: ignore[misc]
    if r > 150 and b < 100:
        return "red"
    if b > 150 and r < 100:
        return "blue"
    return "other"


@pytest.mark.parametrize(
    ("orientation", "size", "first", "second"),
    [
        # first/second: colours at the left/right (landscape) or top/bottom (portrait) centre.
        (1, (80, 40), "red", "blue"),
        (3, (80, 40), "blue", "red"),  # stored upside down
        (6, (40, 80), "red", "blue"),  # phone held upright: display turned 90° clockwise
        (8, (40, 80), "blue", "red"),  # turned 90° counter-clockwise
    ],
)
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_orientation_is_applied(
    fmt: str, orientation: int, size: tuple[int, int], first: str, second: str
) -> None:
    exif = gps_exif()
    exif[ORIENTATION] = orientation
    out = process_image(encode(halves(), fmt, exif=exif))

    img = reopen(out)
    assert img.size == (out.width, out.height) == size
    w, h = size
    if w > h:
        points = ((w // 4, h // 2), (3 * w // 4, h // 2))
    else:
        points = ((w // 2, h // 4), (w // 2, 3 * h // 4))
    assert (colour_at(img, points[0]), colour_at(img, points[1])) == (first, second)
    assert_no_metadata(out)  # the orientation tag is gone too: nothing turns it twice


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_broken_exif_does_not_refuse_the_photo() -> None:
    raw = encode(photo(), "JPEG", exif=b"Exif\x00\x00MM\x00*\xff\xff\xff\xff garbage")
    assert_no_metadata(process_image(raw))


@pytest.mark.parametrize(
    ("fmt", "size", "expected"),
    [
        ("JPEG", (3000, 1000), (2048, 683)),
        ("PNG", (1000, 3000), (683, 2048)),
        ("WEBP", (2500, 2500), (2048, 2048)),
    ],
)
def test_long_side_is_downscaled_to_max_side(
    fmt: str, size: tuple[int, int], expected: tuple[int, int]
) -> None:
    out = process_image(encode(Image.new("RGB", size, RED), fmt))
    assert (out.width, out.height) == expected
    assert reopen(out).size == expected


def test_downscale_respects_orientation_and_custom_max_side() -> None:
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    out = process_image(encode(halves((400, 200)), "JPEG", exif=exif), max_side=100)
    assert (out.width, out.height) == (50, 100)


def test_small_images_are_not_enlarged() -> None:
    out = process_image(encode(photo((20, 10)), "PNG"))
    assert (out.width, out.height) == (20, 10)


# --- refusals ------------------------------------------------------------------------------


def test_text_file_named_jpg_is_unsupported() -> None:
    filename, raw = "jeju-beach.jpg", b"this is not a picture of the beach\n"
    assert filename.endswith(".jpg")  # the name says JPEG; only the content counts
    exc = rejected(raw)
    assert exc.reason is RejectReason.UNSUPPORTED_TYPE
    assert exc.reason.value == "unsupported_type"
    assert "JPEG, PNG, WebP" in exc.message


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(encode(photo(), "GIF"), id="gif"),
        pytest.param(encode(photo(), "BMP"), id="bmp"),
        pytest.param(encode(photo(), "TIFF"), id="tiff"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"/>', id="svg"),
        pytest.param(b"%PDF-1.7\n", id="pdf"),
        pytest.param(b"", id="empty"),
        pytest.param(b"RIFF\x00\x00\x00\x00WAVEfmt ", id="wav-riff"),
    ],
)
def test_other_formats_are_unsupported(raw: bytes) -> None:
    assert rejected(raw).reason == RejectReason.UNSUPPORTED_TYPE


def test_five_megabytes_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_decoding(*args: object, **kwargs: object) -> Image.Image:
        raise AssertionError("an oversized upload must not reach the decoder")

    monkeypatch.setattr(Image, "open", no_decoding)
    raw = b"\xff\xd8\xff" + bytes(5 * MIB - 3)
    assert len(raw) == 5 * MIB

    exc = rejected(raw)

    assert exc.reason == RejectReason.TOO_LARGE
    assert "5MB" in exc.message
    assert "5 MB" in exc.message
    assert rejected(raw + bytes(MIB)).reason == RejectReason.TOO_LARGE


def test_one_byte_under_five_megabytes_passes_the_size_check() -> None:
    # Not an image, so it fails later: the point is it is not refused for its size.
    assert rejected(b"x" * (5 * MIB - 1)).reason == RejectReason.UNSUPPORTED_TYPE


def test_custom_byte_limit_message() -> None:
    exc = rejected(bytes(2_000), max_bytes=1_023)
    assert exc.reason == RejectReason.TOO_LARGE
    assert "1,023" in exc.message


def truncated(fmt: str) -> list[bytes]:
    raw = encode(photo((128, 128)), fmt)
    return [raw[: len(raw) // 2], raw[:40], raw[:14]]


@pytest.mark.parametrize(
    "raw",
    [
        *(pytest.param(r, id=f"jpeg-{i}") for i, r in enumerate(truncated("JPEG"))),
        *(pytest.param(r, id=f"png-{i}") for i, r in enumerate(truncated("PNG"))),
        *(pytest.param(r, id=f"webp-{i}") for i, r in enumerate(truncated("WEBP"))),
        pytest.param(b"\xff\xd8\xff" + b"\x00" * 500, id="jpeg-magic-only"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, id="png-magic-only"),
    ],
)
def test_damaged_images_are_corrupt(raw: bytes) -> None:
    exc = rejected(raw)
    assert exc.reason == RejectReason.CORRUPT
    assert "손상" in exc.message


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims huge dimensions (valid CRC): a decompression bomb."""
    raw = bytearray(encode(Image.new("L", (1, 1)), "PNG"))
    assert raw[12:16] == b"IHDR"
    raw[16:24] = struct.pack(">II", width, height)
    raw[29:33] = struct.pack(">I", zlib.crc32(bytes(raw[12:29])))
    return bytes(raw)


def jpeg_claiming(width: int, height: int) -> bytes:
    raw = bytearray(encode(Image.new("RGB", (8, 8)), "JPEG"))
    sof = raw.index(b"\xff\xc0")
    raw[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(raw)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(png_claiming(8000, 8000), id="png-64MP"),
        # Past twice Pillow's own limit: its DecompressionBombError fires inside open().
        pytest.param(png_claiming(30_000, 30_000), id="png-900MP"),
        pytest.param(jpeg_claiming(10_000, 5_000), id="jpeg-50MP"),
        pytest.param(jpeg_claiming(65_535, 65_535), id="jpeg-4GP"),
    ],
)
def test_decompression_bombs_are_refused_from_the_header(raw: bytes) -> None:
    assert len(raw) < 1000
    exc = rejected(raw)
    assert exc.reason == RejectReason.TOO_MANY_PIXELS
    assert "40" in exc.message


def test_custom_pixel_limit() -> None:
    raw = encode(photo((100, 100)), "PNG")
    assert rejected(raw, max_pixels=9_999).reason == RejectReason.TOO_MANY_PIXELS
    assert process_image(raw, max_pixels=10_000).width == 100


# --- the error and result types ------------------------------------------------------------


def test_rejection_is_a_dongne_error_with_reason_on_the_wire() -> None:
    exc = rejected(b"nope")
    assert isinstance(exc, DongneError)
    assert exc.to_wire() == {
        "code": "invalid",
        "message": exc.message,
        "reason": "unsupported_type",
    }


def test_processed_image_is_frozen() -> None:
    out = process_image(encode(photo(), "PNG"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        out.width = 1  # type: ignore[misc]


def test_sniff_content_type() -> None:
    assert sniff_content_type(encode(photo(), "JPEG")) == "image/jpeg"
    assert sniff_content_type(encode(photo(), "PNG")) == "image/png"
    assert sniff_content_type(encode(photo(), "WEBP")) == "image/webp"
    assert sniff_content_type(encode(photo(), "GIF")) is None
    assert sniff_content_type(b"") is None


@pytest.mark.parametrize("limits", [{"max_side": 0}, {"max_pixels": 0}, {"max_bytes": -1}])
def test_nonsense_limits_are_a_programming_error(limits: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="limits"):
        process_image(b"", **limits)


# --- hostile input never escapes as anything but ImageRejected -----------------------------

SEEDS = [encode(photo((24, 16)), fmt) for fmt in ("JPEG", "PNG", "WEBP")]


@st.composite
def mangled_images(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        pos = draw(st.integers(0, len(raw) - 1))
        raw[pos] = draw(st.integers(0, 255))
    return bytes(raw[: draw(st.integers(1, len(raw)))])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        mangled_images(),
        st.builds(
            bytes.__add__,
            st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x01\x00\x00WEBP"]),
            st.binary(max_size=300),
        ),
    )
)
def test_any_bytes_give_an_image_or_a_rejection(raw: bytes) -> None:
    outcome = process_or_reject(raw)
    if isinstance(outcome, ImageRejected):
        assert outcome.reason in set(RejectReason)
    else:
        assert b"Exif" not in outcome.data
        assert reopen(outcome).size == (outcome.width, outcome.height)


def process_or_reject(raw: bytes) -> ProcessedImage | ImageRejected:
    # Anything else escaping (a bare OSError, a struct.error...) fails the test.
    try:
        return process_image(raw)
    except ImageRejected as exc:
        return exc
