"""Deflate, by ISA-L when it is installed (about eight times as fast as zlib), else by zlib.

The EPUB exporter compresses its cover image and its zip entries with it. The
output is an ordinary zlib stream or raw deflate data; for the same input and
the same library version it is the same bytes. :func:`crc32`, the checksum of
every zip entry, is ISA-L's too when it is installed (the same number, about
four times as fast).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from functools import cache
from typing import Protocol

__all__ = ["Compressor", "compress", "compressor", "crc32"]


class Compressor(Protocol):
    """What :func:`zlib.compressobj` returns, as far as it is used here."""

    def compress(self, data: bytes | bytearray, /) -> bytes:
        """Compress *data*, returning what is ready of the output."""
        ...

    def flush(self) -> bytes:
        """Return the rest of the output, ending the stream."""
        ...


#: ISA-L's levels are 0 to 3; 2 packs about as tightly as zlib's 6 here, much faster.
_ISAL_LEVEL = 2


def compressor(*, raw: bool = False, zlib_level: int = 6) -> Compressor:
    """A compressor of a zlib stream, or of raw deflate data (``raw=True``, as in a zip file).

    *zlib_level* is the level used when ISA-L is not installed.
    """
    window = -zlib.MAX_WBITS if raw else zlib.MAX_WBITS
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib.compressobj(zlib_level, zlib.DEFLATED, window)
    made: Compressor = isal_zlib.compressobj(_ISAL_LEVEL, zlib.DEFLATED, window)
    return made


def compress(data: bytes | bytearray, *, raw: bool = False, zlib_level: int = 6) -> bytes:
    """*data* compressed in one go, as :func:`compressor` would."""
    made = compressor(raw=raw, zlib_level=zlib_level)
    return made.compress(data) + made.flush()


def crc32(data: bytes) -> int:
    """The CRC-32 of *data*, as :func:`zlib.crc32` gives it."""
    return _crc32()(data)


@cache
def _crc32() -> Callable[[bytes], int]:
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib.crc32
    checksum: Callable[[bytes], int] = isal_zlib.crc32
    return checksum
