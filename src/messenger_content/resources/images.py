"""Image checks: is this data a PNG, JPEG, GIF or WebP image, of an acceptable size, that decodes?

Before Pillow decodes anything, the width and height are read from the header
and ``width * height`` is checked against the caller's pixel limit
(decompression bombs); Pillow's global ``Image.MAX_IMAGE_PIXELS`` is not relied
on, nor changed. The image is then verified and its first frame decoded, so
truncated or corrupt files are refused here rather than in a renderer.

Truncation is refused whatever the host process set Pillow's global
``ImageFile.LOAD_TRUNCATED_IMAGES`` to (WeasyPrint sets it on import): Pillow
reads the pixel data from a file object that refuses to be read past its end,
so a decoder that runs out of data fails instead of filling the rest in. The
flag is read, never written.

A verdict is remembered for the life of the process by the SHA-256 of the
bytes (not by path, size or time, which can be forged), so a batch that shows
the same logo in every article decodes it once. Only "decodes cleanly, is this
format and size" is kept: the byte and pixel limits are checked on every call,
and refusals are not remembered.
"""

from __future__ import annotations

import hashlib
import io
import struct
import threading
from collections.abc import Callable
from typing import Final, Literal, TypeAlias, TypeVar

import attrs

from ..errors import ResourceError

__all__ = ["Identified", "MediaType", "Suffix", "clear_verdicts", "identify"]

MediaType: TypeAlias = Literal["image/png", "image/jpeg", "image/gif", "image/webp"]
"""The media types an accepted image can have."""

Suffix: TypeAlias = Literal[".png", ".jpg", ".gif", ".webp"]
"""The file suffixes an accepted image can have."""

_T = TypeVar("_T")

#: Pillow format name -> (media type, file suffix). MPO is how Pillow reports
#: a JPEG that carries several pictures (many camera files); it is a JPEG.
_FORMATS: Final[dict[str, tuple[MediaType, Suffix]]] = {
    "PNG": ("image/png", ".png"),
    "JPEG": ("image/jpeg", ".jpg"),
    "MPO": ("image/jpeg", ".jpg"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
}
_PILLOW_FORMATS: Final = ("PNG", "JPEG", "GIF", "WEBP")
_NOT_AN_IMAGE: Final = (
    "is not a PNG, JPEG, GIF or WebP image (the type comes from the contents, not the name)"
)
#: The start-of-frame markers of a JPEG, which carry its size (not DHT, JPG, DAC).
_JPEG_SOF: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


@attrs.frozen(kw_only=True)
class Identified:
    """What an accepted image is."""

    media_type: MediaType
    """``image/png``, ``image/jpeg``, ``image/gif`` or ``image/webp``, from the bytes."""
    suffix: Suffix
    """File suffix for the media type."""
    width: int
    """Width in pixels (of the first frame's canvas)."""
    height: int
    """Height in pixels."""


def identify(src: str, data: bytes, *, max_bytes: int, max_pixels: int) -> Identified:
    """Check that *data* is an acceptable image and describe it.

    Args:
        src: The source as the article names it, for error messages.
        data: The image file's bytes.
        max_bytes: The largest accepted size in bytes.
        max_pixels: The largest accepted ``width * height``.

    Raises:
        ResourceError: If *data* is empty, too large, SVG, not one of the four
            formats, too many pixels, or damaged or truncated.
    """
    if not data:
        raise ResourceError(src, "is empty")
    if len(data) > max_bytes:
        raise ResourceError(src, f"is {len(data)} bytes, over the limit of {max_bytes} bytes")
    if _looks_like_svg(data):
        raise ResourceError(src, "SVG images are not accepted (they can carry script)")
    declared = _declared_size(data)
    if declared is not None:
        _check_pixels(src, *declared, max_pixels, from_header=True)
    key = hashlib.sha256(data).digest()
    verdict = _VERDICTS.get(key)
    if verdict is not None and not _over_pillow_limit(*verdict[1:]):
        pillow_format, width, height = verdict
        _check_pixels(src, width, height, max_pixels, from_header=False)
    else:
        pillow_format, width, height = _with_pillow(src, _probe, data)
        if pillow_format not in _FORMATS:
            raise ResourceError(src, _NOT_AN_IMAGE)
        _check_pixels(src, width, height, max_pixels, from_header=False)
        _with_pillow(src, _decode, data)
        _VERDICTS.put(key, (pillow_format, width, height))
    media_type, suffix = _FORMATS[pillow_format]
    return Identified(media_type=media_type, suffix=suffix, width=width, height=height)


def clear_verdicts() -> None:
    """Forget every image that passed (the next check decodes it again)."""
    _VERDICTS.clear()


class _Verdicts:
    """What is known of images that decoded cleanly: SHA-256 -> (format, width, height).

    Bounded (least recently used entries go first) and safe to share between threads.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: dict[bytes, tuple[str, int, int]] = {}
        self._lock = threading.Lock()

    def get(self, key: bytes) -> tuple[str, int, int] | None:
        with self._lock:
            verdict = self._entries.pop(key, None)
            if verdict is not None:
                self._entries[key] = verdict  # now the most recently used
            return verdict

    def put(self, key: bytes, verdict: tuple[str, int, int]) -> None:
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = verdict
            while len(self._entries) > self._size:
                del self._entries[next(iter(self._entries))]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_VERDICTS: Final = _Verdicts(512)


def _over_pillow_limit(width: int, height: int) -> bool:
    """Whether Pillow's global pixel limit (which may have been lowered since) refuses this size.

    A remembered verdict is not used then, so Pillow's refusal is reported as before.
    """
    from PIL import Image

    limit = Image.MAX_IMAGE_PIXELS
    return limit is not None and width * height > limit


def _check_pixels(src: str, width: int, height: int, limit: int, *, from_header: bool) -> None:
    if width * height > limit:
        raise ResourceError(
            src,
            f"is {width}x{height} pixels, over the limit of {limit} pixels"
            " (a possible decompression bomb)",
        )
    if not from_header and (width <= 0 or height <= 0):
        raise ResourceError(src, f"has no pixels ({width}x{height})")


def _probe(data: bytes) -> tuple[str, int, int]:
    """Identify the image and read its size; Pillow reads only the header here."""
    from PIL import Image

    with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS) as image:
        return image.format or "", image.width, image.height


def _decode(data: bytes) -> None:
    """Verify the file's structure, then decode the first frame to catch damaged data."""
    from PIL import Image

    with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS) as image:
        image.verify()
    # verify() leaves the image unusable, and checks little beyond PNG chunks:
    # a truncated JPEG only shows when decoded.
    whole = _WholeFile(data)
    with Image.open(whole, formats=_PILLOW_FORMATS) as image:
        if image.format in ("JPEG", "MPO"):
            # Scale the output down 8 times: the whole scan is still read and
            # entropy-decoded (truncation and damage show there), but the
            # inverse DCT and colour conversion run on 1/64 of the pixels.
            image.draft(None, (1, 1))
        whole.past_end_is_truncation = True
        image.load()


class _Truncated(Exception):
    """The decoder asked for bytes past the end of the image file."""


class _WholeFile(io.BytesIO):
    """An image file that raises :class:`_Truncated` when read past its end, once told to.

    Pillow stops decoding quietly at the end of the data, filling in the rest,
    when the host set ``ImageFile.LOAD_TRUNCATED_IMAGES``; a complete image is
    never read past its end, so a read there means the file was cut short.
    """

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self._size = len(data)
        self.past_end_is_truncation = False

    def read(self, size: int | None = -1, /) -> bytes:
        """Read up to *size* bytes; asking for more at the end is truncation once armed."""
        armed = self.past_end_is_truncation and size is not None and size > 0
        if armed and self.tell() >= self._size:
            raise _Truncated("image file is truncated")
        return super().read(size)


def _with_pillow(src: str, action: Callable[[bytes], _T], data: bytes) -> _T:
    """Run a Pillow step, turning whatever Pillow raises on bad data into a ResourceError."""
    # Pillow is imported only when an image is read, not with the package.
    from PIL import Image, UnidentifiedImageError

    try:
        return action(data)
    except UnidentifiedImageError:
        raise ResourceError(src, _NOT_AN_IMAGE) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Only reachable when limits.max_pixels is above Pillow's own global limit.
        raise ResourceError(
            src, "has more pixels than Pillow accepts (PIL.Image.MAX_IMAGE_PIXELS)"
        ) from None
    except Exception as error:  # noqa: BLE001
        # Pillow's decoders raise many types on hostile input (OSError, SyntaxError,
        # ValueError, EOFError, struct.error, IndexError...): all mean "damaged".
        raise ResourceError(src, f"is damaged or truncated: {_describe(error)}") from None


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in head


def _declared_size(data: bytes) -> tuple[int, int] | None:
    """Read width and height from a PNG, GIF, WebP or JPEG header without Pillow."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _webp_size(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    """The canvas size of a WebP file, from its first chunk (the decoder allocates it at once)."""
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The size in a JPEG's first start-of-frame segment, found by walking the markers."""
    index = 2
    while index + 4 <= len(data):  # every step moves index forward
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        index += 2
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a segment
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header seen
            return None
        (length,) = struct.unpack(">H", data[index : index + 2])
        if length < 2:
            return None
        if marker in _JPEG_SOF and index + 7 <= len(data):
            height, width = struct.unpack(">HH", data[index + 3 : index + 7])
            return width, height
        index += length
    return None


def _describe(error: BaseException) -> str:
    text = (str(error).strip() or type(error).__name__).replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."
