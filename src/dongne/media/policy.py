"""What an uploaded image must be, and the clean copy we keep of it. Pure: bytes in, bytes out.

Every accepted upload is decoded and re-encoded from its pixels alone, so nothing the
camera or editor wrote beside them (EXIF with GPS position, XMP, ICC, comments) survives.

Size limit: "5 MB" is read as 5 MiB, and an upload of exactly 5 MiB is already refused
(``max_bytes`` is the largest size accepted, 5 MiB - 1 by default). The check runs before
any decoding, so an oversized body costs nothing but its length. The HTTP layer should
still stop reading after ``max_bytes + 1`` bytes rather than buffer a huge body first.

The CPU-heavy ``process_image`` is synchronous; async callers run it in a worker thread
and bound how many run at once: near the pixel limit one call briefly needs a few hundred
MB (measured ~0.2 GB for a 36 MP PNG, ~0.55 GB for WebP, whose decoder keeps extra copies).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from PIL import Image, ImageOps

from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.messages import MessageKey, Text, text

_MIB: Final = 1024 * 1024
DEFAULT_MAX_BYTES: Final = 5 * _MIB - 1
DEFAULT_MAX_PIXELS: Final = 40_000_000
DEFAULT_MAX_SIDE: Final = 2048
JPEG_QUALITY: Final = 85
WEBP_QUALITY: Final = 85


class RejectReason(StrEnum):
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    CORRUPT = "corrupt"
    TOO_MANY_PIXELS = "too_many_pixels"


class ImageRejected(DongneError):
    """An upload we refuse; ``reason`` is machine-readable, ``message`` is for people.

    A ``DongneError`` (code ``invalid``) so transports already know how to send it; the
    reason travels in the wire details as ``{"reason": ...}``.
    """

    def __init__(self, reason: RejectReason, message: Text) -> None:
        super().__init__(ErrorCode.INVALID, message, reason=reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    """The re-encoded image; ``extension`` has no dot (``"jpg"``, ``"png"``, ``"webp"``)."""

    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class _Format:
    pillow_name: str
    content_type: str
    extension: str


_JPEG: Final = _Format("JPEG", "image/jpeg", "jpg")
_PNG: Final = _Format("PNG", "image/png", "png")
_WEBP: Final = _Format("WEBP", "image/webp", "webp")

ACCEPTED_CONTENT_TYPES: Final = frozenset(f.content_type for f in (_JPEG, _PNG, _WEBP))


def sniff_content_type(raw: bytes) -> str | None:
    """The image type the bytes really are (by magic number), or None if not one we accept.

    The filename and the client's Content-Type are never trusted: a text file named
    ``.jpg`` is still text.
    """
    fmt = _sniff(raw)
    return fmt.content_type if fmt else None


def _sniff(raw: bytes) -> _Format | None:
    if raw.startswith(b"\xff\xd8\xff"):
        return _JPEG
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return _PNG
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return _WEBP
    return None


def process_image(
    raw: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_side: int = DEFAULT_MAX_SIDE,
) -> ProcessedImage:
    """Validate an upload and return a metadata-free copy, at most ``max_side`` on its long side.

    The output keeps the input's format (JPEG stays JPEG ...). Animated PNG/WebP keep only
    their first frame. Raises ``ImageRejected`` for anything we will not store.
    """
    if max_bytes < 0 or max_pixels < 1 or max_side < 1:
        raise ValueError("limits must be positive")
    if len(raw) > max_bytes:
        raise _too_large(max_bytes)
    fmt = _sniff(raw)
    if fmt is None:
        raise ImageRejected(
            RejectReason.UNSUPPORTED_TYPE,
            text(MessageKey.IMAGE_TYPE),
        )

    img = _decode(raw, fmt, max_pixels=max_pixels, max_side=max_side)
    mode = _output_mode(img, fmt)
    img = _to_8_bit(img)
    if img.mode != mode:
        img = img.convert(mode)
    # Shrink before turning upright: the long side is the same either way, and every
    # later copy is then of the small image (a 40 MP bitmap is 160 MB per copy).
    img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    img = _upright(img)
    # Rebuilt from raw pixels: converted and resized images still carry ``info`` (EXIF,
    # ICC, XMP), and some encoders (PNG's ICC) fall back to it when saving.
    clean = Image.frombytes(img.mode, img.size, img.tobytes())
    return ProcessedImage(
        data=_encode(clean, fmt),
        content_type=fmt.content_type,
        extension=fmt.extension,
        width=clean.width,
        height=clean.height,
    )


def _decode(raw: bytes, fmt: _Format, *, max_pixels: int, max_side: int) -> Image.Image:
    try:
        # ``formats`` pins the decoder to the sniffed type, so no other Pillow plugin
        # (some far less hardened than these three) ever parses the upload.
        with Image.open(io.BytesIO(raw), formats=[fmt.pillow_name]) as opened:
            # Dimensions come from the header alone: check before pixels are allocated.
            if opened.width * opened.height > max_pixels:
                raise _too_many_pixels(max_pixels)
            # JPEG can decode at 1/2, 1/4 or 1/8 scale, so a large photo never needs its
            # full-size bitmap in memory; other formats ignore this.
            opened.draft(opened.mode, (max_side, max_side))
            opened.load()
            return opened
    except Image.DecompressionBombError as exc:
        # Pillow's own global guard (2 x Image.MAX_IMAGE_PIXELS) fired first.
        raise _too_many_pixels(max_pixels) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Truncated data, bad chunks, broken headers: Pillow reports them with all of
        # these types. UnidentifiedImageError is an OSError.
        raise ImageRejected(
            RejectReason.CORRUPT,
            text(MessageKey.IMAGE_DAMAGED),
        ) from exc


def _upright(img: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(img)
    except Exception:  # noqa: BLE001
        # A hostile or broken EXIF block can make Pillow's parser raise almost anything;
        # orientation is cosmetic, so keep the pixels as stored rather than refuse a photo.
        return img


def _to_8_bit(img: Image.Image) -> Image.Image:
    if not img.mode.startswith("I"):
        return img
    # 16-bit grayscale PNGs decode to "I;16"/"I"; a plain convert clips every value above
    # 255 to white, so scale the 0-65535 range down instead.
    return img.convert("I").point(lambda value: value / 256).convert("L")


def _output_mode(img: Image.Image, fmt: _Format) -> str:
    if fmt is _JPEG:
        return "RGB"
    # Palette, 16-bit and grayscale inputs are widened to 8-bit RGB(A): one mode per case
    # keeps resizing and encoding predictable, and palette images resize badly.
    return "RGBA" if img.has_transparency_data else "RGB"


def _encode(img: Image.Image, fmt: _Format) -> bytes:
    out = io.BytesIO()
    # No exif=, icc_profile=, xmp= or comment= arguments: the output carries pixels only.
    if fmt is _JPEG:
        img.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif fmt is _PNG:
        img.save(out, "PNG", optimize=True)
    else:
        img.save(out, "WEBP", quality=WEBP_QUALITY)
    return out.getvalue()


def _too_large(max_bytes: int) -> ImageRejected:
    limit = max_bytes + 1
    if limit % _MIB == 0:
        mb = limit // _MIB
        message = text(MessageKey.IMAGE_TOO_LARGE_MB, mb=mb)
    else:
        message = text(MessageKey.IMAGE_TOO_LARGE_BYTES, bytes=f"{max_bytes:,}")
    return ImageRejected(RejectReason.TOO_LARGE, message)


def _too_many_pixels(max_pixels: int) -> ImageRejected:
    megapixels = f"{max_pixels / 1_000_000:g}"
    return ImageRejected(
        RejectReason.TOO_MANY_PIXELS,
        text(MessageKey.IMAGE_TOO_MANY_PIXELS, megapixels=megapixels),
    )
