"""The resource policy: which image sources are read, and how.

Remote tests talk only to HTTP servers these tests start on 127.0.0.1. Those
servers count every request, so "refused before any request" is checked on
the server's side, not taken on trust.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import io
import ipaddress
import os
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
import urllib.parse
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from messenger_content.errors import ContentError, ResourceError
from messenger_content.resources import (
    IPAddress,
    Limits,
    Redirect,
    Request,
    Resource,
    ResourcePolicy,
    TransportError,
    is_public_address,
    policy_for,
)

# --- images ------------------------------------------------------------------------


def _image(image_format: str = "PNG", size: tuple[int, int] = (3, 2)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return buffer.getvalue()


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    checksum = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", checksum)


@pytest.fixture(scope="session")
def png_bomb() -> bytes:
    """A valid 30000x30000 one-bit PNG of about 110 KB that decodes to 112 MB."""
    width = height = 30_000
    rows_per_block = 1_000
    block = b"\0" * (1 + width // 8) * rows_per_block  # filter byte + packed row, per row
    compressor = zlib.compressobj(9)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor forgets what it saw, so every further
    # block compresses to the same bytes: compress one, repeat it.
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(height // rows_per_block):
        checksum = zlib.adler32(block, checksum)
    blocks = height // rows_per_block
    stream = first + again * (blocks - 1) + b"\x03\x00" + struct.pack(">I", checksum)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", stream)
        + _png_chunk(b"IEND", b"")
    )


def _claiming_size(image_format: str, width: int, height: int) -> bytes:
    """A real tiny image whose header is edited to claim another size."""
    data = bytearray(_image(image_format))
    if image_format == "GIF":
        data[6:10] = struct.pack("<HH", width, height)
    elif image_format == "JPEG":
        frame = data.index(b"\xff\xc0")  # baseline start of frame: length, precision, h, w
        data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    else:
        assert image_format == "WEBP"
        assert data[12:16] == b"VP8 "  # a simple lossy file
        data[26:30] = struct.pack("<HH", width, height)
    return bytes(data)


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def article(tmp_path: Path) -> Path:
    """An article folder with one PNG, next to a PNG outside it."""
    folder = tmp_path / "article"
    _write(folder, "photo.png", _image())
    _write(tmp_path, "outside.png", _image())
    return folder


def _refusal(policy: ResourcePolicy, src: str) -> str:
    with pytest.raises(ResourceError) as caught:
        policy.fetch(src)
    assert caught.value.src == src
    return caught.value.reason


# --- local files -------------------------------------------------------------------


def test_relative_path_is_read(article: Path) -> None:
    """A path relative to the article's folder gives the file's bytes, type and size."""
    resource = ResourcePolicy(base_dir=article).fetch("photo.png")
    assert resource == Resource(
        data=(article / "photo.png").read_bytes(),
        media_type="image/png",
        width=3,
        height=2,
        suffix=".png",
    )


def test_relative_path_is_percent_decoded(article: Path) -> None:
    """A relative source is a URL path: escapes are decoded, query and fragment ignored."""
    _write(article, "pics/my photo é.png", _image())
    policy = ResourcePolicy(base_dir=article)
    assert policy.fetch("pics/my%20photo%20%C3%A9.png?v=2#top").width == 3
    assert policy.fetch("pics/my%20photo%20é.png").width == 3


@pytest.mark.parametrize(
    ("image_format", "media_type", "suffix"),
    [
        ("PNG", "image/png", ".png"),
        ("JPEG", "image/jpeg", ".jpg"),
        ("GIF", "image/gif", ".gif"),
        ("WEBP", "image/webp", ".webp"),
    ],
)
def test_type_comes_from_the_bytes(
    tmp_path: Path, image_format: str, media_type: str, suffix: str
) -> None:
    """Each accepted format is recognised from its bytes, whatever the file is named."""
    _write(tmp_path, "picture.jpg", _image(image_format, (5, 4)))
    resource = ResourcePolicy(base_dir=tmp_path).fetch("picture.jpg")
    assert (resource.media_type, resource.suffix, resource.width, resource.height) == (
        media_type,
        suffix,
        5,
        4,
    )


def test_absolute_path_is_refused(article: Path) -> None:
    """An absolute path is refused even when it names a file inside the folder."""
    policy = ResourcePolicy(base_dir=article)
    for src in (str(article / "photo.png"), "%2F" + str(article / "photo.png").lstrip("/")):
        assert "absolute paths are not allowed" in _refusal(policy, src)


@pytest.mark.parametrize("src", ["file://{path}", "FILE://{path}", "file:{path}"])
def test_file_url_is_refused(article: Path, src: str) -> None:
    """A file: URL is refused, in any spelling, even for a file inside the folder."""
    policy = ResourcePolicy(base_dir=article)
    reason = _refusal(policy, src.format(path=article / "photo.png"))
    assert "file: URLs are not allowed" in reason


@pytest.mark.parametrize(
    "src",
    [
        "../outside.png",
        "pics/../../outside.png",
        "%2e%2e/outside.png",
        "%2E%2E%2Foutside.png",
        ".%2e/outside.png",
        "pics/%2e%2e/%2e%2e/outside.png",
    ],
)
def test_parent_escape_is_refused(article: Path, src: str) -> None:
    """``../`` leading out of the folder is refused, plain or percent-encoded."""
    reason = _refusal(ResourcePolicy(base_dir=article), src)
    assert reason == "the path leads outside the article's folder"


def test_parent_segment_inside_the_folder_is_read(article: Path) -> None:
    """``..`` that stays inside the folder is fine."""
    (article / "pics").mkdir()
    assert ResourcePolicy(base_dir=article).fetch("pics/../photo.png").width == 3


def test_folder_name_prefix_is_not_inside(tmp_path: Path) -> None:
    """A sibling folder whose name starts with the article folder's name is outside."""
    article = tmp_path / "a" / "b"
    article.mkdir(parents=True)
    _write(tmp_path / "a" / "bc", "photo.png", _image())
    (article / "link.png").symlink_to(tmp_path / "a" / "bc" / "photo.png")
    policy = ResourcePolicy(base_dir=article)
    assert "outside" in _refusal(policy, "../bc/photo.png")
    assert "outside" in _refusal(policy, "link.png")


def test_symlink_out_of_the_folder_is_refused(article: Path) -> None:
    """A symlink whose target lies outside the folder is refused, file or folder."""
    (article / "link.png").symlink_to(article.parent / "outside.png")
    (article / "elsewhere").symlink_to(article.parent)
    policy = ResourcePolicy(base_dir=article)
    assert "outside" in _refusal(policy, "link.png")
    assert "outside" in _refusal(policy, "elsewhere/outside.png")


def test_symlink_inside_the_folder_is_read(article: Path) -> None:
    """A symlink to a file in the same folder is followed."""
    _write(article, "pics/real.png", _image(size=(7, 1)))
    (article / "alias.png").symlink_to(Path("pics") / "real.png")
    assert ResourcePolicy(base_dir=article).fetch("alias.png").width == 7


def test_symlinked_article_folder_works(article: Path) -> None:
    """The folder itself may be reached through a symlink."""
    alias = article.parent / "alias"
    alias.symlink_to(article)
    assert ResourcePolicy(base_dir=alias).fetch("photo.png").width == 3


def test_repointed_folder_symlink_is_followed(article: Path) -> None:
    """A symlink to the folder, re-pointed between two reads, is followed to its new target."""
    _write(article.parent / "other", "photo.png", _image(size=(5, 1)))
    alias = article.parent / "alias"
    alias.symlink_to(article)
    policy = ResourcePolicy(base_dir=alias)
    assert policy.fetch("photo.png").width == 3
    alias.unlink()
    alias.symlink_to(article.parent / "other")
    assert policy.fetch("photo.png").width == 5


def test_replaced_folder_is_read_anew(article: Path) -> None:
    """A folder moved away and replaced by another of the same name is read from the new one."""
    policy = ResourcePolicy(base_dir=article)
    assert policy.fetch("photo.png").width == 3
    article.rename(article.parent / "moved")
    _write(article, "photo.png", _image(size=(5, 1)))
    assert policy.fetch("photo.png").width == 5


def test_moved_folder_is_read_where_its_symlink_now_leads(article: Path) -> None:
    """A folder moved, its symlink re-pointed and its old place refilled, is read where it went."""
    alias = article.parent / "alias"
    alias.symlink_to(article)
    policy = ResourcePolicy(base_dir=alias)
    assert policy.fetch("photo.png").width == 3
    article.rename(article.parent / "moved")
    alias.unlink()
    alias.symlink_to(article.parent / "moved")
    _write(article, "photo.png", _image(size=(5, 1)))
    assert policy.fetch("photo.png").width == 3


def test_file_replaced_by_a_symlink_out_is_refused(article: Path) -> None:
    """A file read once, then replaced by a symlink out of the folder, is refused."""
    policy = ResourcePolicy(base_dir=article)
    assert policy.fetch("photo.png").width == 3
    (article / "photo.png").unlink()
    (article / "photo.png").symlink_to(article.parent / "outside.png")
    assert "outside" in _refusal(policy, "photo.png")


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("javascript:alert(1)", "javascript: sources are not allowed"),
        ("JavaScript:alert(1)", "javascript: sources are not allowed"),
        ("vbscript:msgbox(1)", "vbscript: sources are not allowed"),
        ("ftp://127.0.0.1/photo.png", "ftp: sources are not allowed"),
        ("blob:https://example.com/1", "blob: sources are not allowed"),
        ("java\tscript:alert(1)", "control character (U+0009)"),
        (" photo.png", "white space"),
        ("//127.0.0.1/photo.png", "//host/ reference"),
        ("pics\\photo.png", "backslashes"),
        ("pics%5Cphoto.png", "backslashes"),
        ("%00photo.png", "NUL"),
        ("%FFphoto.png", "not UTF-8"),
        ("?v=1", "the path is empty"),
        ("", "the source is empty"),
    ],
)
def test_bad_sources_are_refused(article: Path, src: str, expected: str) -> None:
    """Other schemes and malformed sources are refused with the reason."""
    assert expected in _refusal(ResourcePolicy(base_dir=article), src)


def test_missing_file_is_refused(article: Path) -> None:
    """A file that does not exist is a ResourceError, not a FileNotFoundError."""
    assert _refusal(ResourcePolicy(base_dir=article), "nope.png") == (
        "not found in the article's folder"
    )


def test_folder_is_refused(article: Path) -> None:
    """A folder is not read as an image."""
    (article / "pics").mkdir()
    policy = ResourcePolicy(base_dir=article)
    assert "not a regular file (a folder)" in _refusal(policy, "pics")
    assert "names the article's folder" in _refusal(policy, "pics/..")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_blocking(article: Path) -> None:
    """A FIFO is refused at once instead of waiting for a writer."""
    fifo = article / "pipe.png"
    os.mkfifo(fifo)
    outcome: list[str] = []

    def fetch() -> None:
        outcome.append(_refusal(ResourcePolicy(base_dir=article), "pipe.png"))

    worker = threading.Thread(target=fetch)
    worker.start()
    worker.join(timeout=5)
    if worker.is_alive():  # release the blocked reader before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=5)
        pytest.fail("reading a FIFO blocked")
    assert outcome == ["is not a regular file (a FIFO)"]


def test_empty_file_is_refused(article: Path) -> None:
    """An empty file is refused."""
    _write(article, "empty.png", b"")
    assert _refusal(ResourcePolicy(base_dir=article), "empty.png") == "is empty"


def test_oversized_file_is_refused_from_its_size(article: Path) -> None:
    """A 10 GB (sparse) file is refused from its size, without reading it."""
    with (article / "huge.png").open("wb") as stream:
        stream.truncate(10 * 1024**3)
    reason = _refusal(ResourcePolicy(base_dir=article), "huge.png")
    assert reason == f"is {10 * 1024**3} bytes, over the limit of {20 * 1024 * 1024} bytes"


def test_byte_limit_is_configurable(article: Path) -> None:
    """``Limits.max_bytes`` applies to files."""
    policy = ResourcePolicy(base_dir=article, limits=Limits(max_bytes=10))
    assert "over the limit of 10 bytes" in _refusal(policy, "photo.png")


# --- what counts as an image -------------------------------------------------------


def test_text_file_named_png_is_refused(article: Path) -> None:
    """A text file with an image's name is refused: the bytes decide."""
    _write(article, "notes.png", b"just some text\n")
    reason = _refusal(ResourcePolicy(base_dir=article), "notes.png")
    assert reason.startswith("is not a PNG, JPEG, GIF or WebP image")


def test_other_image_formats_are_refused(article: Path) -> None:
    """Formats Pillow knows but the policy does not accept (BMP, TIFF) are refused."""
    _write(article, "old.bmp", _image("BMP"))
    _write(article, "scan.png", _image("TIFF"))
    policy = ResourcePolicy(base_dir=article)
    assert "not a PNG, JPEG, GIF or WebP image" in _refusal(policy, "old.bmp")
    assert "not a PNG, JPEG, GIF or WebP image" in _refusal(policy, "scan.png")


_SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    "src",
    [
        "drawing.svg",
        "drawing.png",
        "data:image/svg+xml;base64," + base64.b64encode(_SVG).decode(),
        "data:text/plain," + urllib.parse.quote(_SVG),
    ],
)
def test_svg_is_refused(article: Path, src: str) -> None:
    """SVG is refused, whatever it is named or labelled, because it can carry script."""
    _write(article, "drawing.svg", _SVG)
    _write(article, "drawing.png", _SVG)
    reason = _refusal(ResourcePolicy(base_dir=article), src)
    assert reason == "SVG images are not accepted (they can carry script)"


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "GIF", "WEBP"])
def test_truncated_image_is_refused(article: Path, image_format: str) -> None:
    """An image cut short is refused as damaged, in every accepted format."""
    data = _image(image_format, (40, 30))
    _write(article, "cut.img", data[: len(data) - 12])
    assert "damaged or truncated" in _refusal(ResourcePolicy(base_dir=article), "cut.img")


def test_corrupt_png_is_refused(article: Path) -> None:
    """A PNG whose pixel data is altered (bad checksum) is refused."""
    data = bytearray(_image(size=(40, 30)))
    data[data.index(b"IDAT") + 8] ^= 0xFF
    _write(article, "corrupt.png", bytes(data))
    assert "damaged or truncated" in _refusal(ResourcePolicy(base_dir=article), "corrupt.png")


@pytest.mark.parametrize("progressive", [False, True])
@pytest.mark.parametrize("kept", [0.5, 0.98])
def test_truncated_large_jpeg_is_refused(article: Path, progressive: bool, kept: float) -> None:
    """A JPEG big enough to be decoded at reduced scale is still refused when cut short."""
    buffer = io.BytesIO()
    noise = Image.effect_noise((640, 480), 64).convert("RGB")
    noise.save(buffer, format="JPEG", quality=90, progressive=progressive)
    data = buffer.getvalue()
    _write(article, "whole.jpg", data)
    assert ResourcePolicy(base_dir=article).fetch("whole.jpg").width == 640
    _write(article, "cut.jpg", data[: int(len(data) * kept)])
    assert "damaged or truncated" in _refusal(ResourcePolicy(base_dir=article), "cut.jpg")


def test_image_rewritten_in_place_is_checked_again(article: Path) -> None:
    """Damaged bytes of the same size and time as an image read before are still refused."""
    data = _image(size=(40, 30))
    path = _write(article, "photo.png", data)
    policy = ResourcePolicy(base_dir=article)
    assert policy.fetch("photo.png").data == data
    before = path.stat()
    damaged = bytearray(data)
    damaged[damaged.index(b"IDAT") + 8] ^= 0xFF
    path.write_bytes(bytes(damaged))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert "damaged or truncated" in _refusal(policy, "photo.png")


def test_image_read_before_meets_each_policys_limits(article: Path) -> None:
    """An image that passed one policy is refused by a stricter one."""
    _write(article, "small.png", _image(size=(11, 10)))
    assert ResourcePolicy(base_dir=article).fetch("small.png").width == 11
    strict = ResourcePolicy(base_dir=article, limits=Limits(max_pixels=100, max_bytes=10_000))
    assert _refusal(strict, "small.png").startswith("is 11x10 pixels, over the limit of 100")
    tiny = ResourcePolicy(base_dir=article, limits=Limits(max_bytes=20))
    assert _refusal(tiny, "small.png").endswith("over the limit of 20 bytes")


def test_image_read_before_meets_a_lowered_pillow_limit(
    article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lowering Pillow's global limit refuses an image that was read before it was lowered."""
    _write(article, "small.png", _image(size=(6, 5)))
    policy = ResourcePolicy(base_dir=article)
    assert policy.fetch("small.png").height == 5
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)
    assert "more pixels than Pillow accepts" in _refusal(policy, "small.png")


def test_decompression_bomb_is_refused(
    article: Path, png_bomb: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 110 KB PNG of 30000x30000 pixels is refused from its header, not Pillow's limit."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    assert len(png_bomb) < 120_000
    with Image.open(io.BytesIO(png_bomb)) as image:
        assert image.size == (30_000, 30_000)
    _write(article, "bomb.png", png_bomb)
    reason = _refusal(ResourcePolicy(base_dir=article), "bomb.png")
    assert reason == (
        "is 30000x30000 pixels, over the limit of 40000000 pixels (a possible decompression bomb)"
    )


@pytest.mark.parametrize(
    ("image_format", "width", "height"),
    [("GIF", 65_535, 65_535), ("JPEG", 30_000, 30_000), ("WEBP", 16_383, 16_383)],
)
def test_header_size_is_checked_before_pillow(
    article: Path, monkeypatch: pytest.MonkeyPatch, image_format: str, width: int, height: int
) -> None:
    """GIF, JPEG and WebP headers claiming huge sizes are refused before any decoding."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    _write(article, "big.img", _claiming_size(image_format, width, height))
    reason = _refusal(ResourcePolicy(base_dir=article), "big.img")
    assert reason.startswith(f"is {width}x{height} pixels, over the limit")


def test_pixel_limit_is_configurable(article: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``Limits.max_pixels`` applies, whatever Pillow's global limit is."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    _write(article, "small.png", _image(size=(11, 10)))
    policy = ResourcePolicy(base_dir=article, limits=Limits(max_pixels=100))
    assert _refusal(policy, "small.png").startswith("is 11x10 pixels, over the limit of 100")
    assert ResourcePolicy(base_dir=article, limits=Limits(max_pixels=110)).fetch("small.png")


def test_pillow_global_limit_still_gives_a_resource_error(
    article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where Pillow's own limit is the lower one, its refusal is a ResourceError too."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)
    _write(article, "small.png", _image(size=(5, 5)))
    reason = _refusal(ResourcePolicy(base_dir=article), "small.png")
    assert "more pixels than Pillow accepts" in reason


# --- data: URIs ----------------------------------------------------------------------


def test_base64_data_uri_is_read(tmp_path: Path) -> None:
    """A base64 data: URI is decoded; its declared type does not matter, the bytes do."""
    png = _image()
    encoded = base64.b64encode(png).decode()
    policy = ResourcePolicy(base_dir=tmp_path)
    assert policy.fetch(f"data:image/png;base64,{encoded}").data == png
    assert policy.fetch(f"data:image/gif;BASE64,{encoded}").media_type == "image/png"
    unpadded = encoded.rstrip("=")
    wrapped = "%0A".join(unpadded[i : i + 20] for i in range(0, len(unpadded), 20))
    assert policy.fetch(f"data:;base64,{wrapped}").data == png


def test_percent_encoded_data_uri_is_read(tmp_path: Path) -> None:
    """A data: URI without base64 is percent-decoded."""
    gif = _image("GIF")
    resource = ResourcePolicy(base_dir=tmp_path).fetch("data:image/gif," + urllib.parse.quote(gif))
    assert (resource.data, resource.media_type) == (gif, "image/gif")


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("data:image/png;base64,iVBORw0KGgo!!!", "its base64 data is not valid"),
        ("data:image/png;base64,iVBORw0KG", "its base64 data is not valid"),
        ("data:image/png;base64,iVBO-w0K_go", "its base64 data is not valid"),
        ("data:image/png;base64", "needs a comma"),
        ("data:image/png;base64,", "is empty"),
        ("data:,hello", "is not a PNG, JPEG, GIF or WebP image"),
    ],
)
def test_bad_data_uri_is_refused(tmp_path: Path, src: str, expected: str) -> None:
    """Malformed or non-image data: URIs are refused with the reason."""
    assert expected in _refusal(ResourcePolicy(base_dir=tmp_path), src)


def test_data_uri_byte_limit(tmp_path: Path) -> None:
    """``Limits.max_bytes`` applies to a data: URI's decoded data."""
    src = "data:image/png;base64," + base64.b64encode(_image()).decode()
    policy = ResourcePolicy(base_dir=tmp_path, limits=Limits(max_bytes=20))
    assert "over the limit of 20 bytes" in _refusal(policy, src)


def test_data_uri_method_embeds_the_image(article: Path) -> None:
    """``data_uri`` returns a base64 data: URI of the image's exact bytes."""
    uri = ResourcePolicy(base_dir=article).data_uri("photo.png")
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    assert base64.b64decode(uri[len(prefix) :]) == (article / "photo.png").read_bytes()


# --- never another exception --------------------------------------------------------

_SAMPLES = {name: _image(name, (12, 9)) for name in ("PNG", "JPEG", "GIF", "WEBP")}


@given(
    sample=st.sampled_from(sorted(_SAMPLES)),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=4),
    cut=st.integers(0, 10_000),
)
def test_damaged_images_give_resource_errors(
    sample: str, edits: list[tuple[int, int]], cut: int
) -> None:
    """Any damage to a real image gives a Resource or a ResourceError, nothing else."""
    data = bytearray(_SAMPLES[sample])
    for position, value in edits:
        data[position % len(data)] = value
    src = "data:;base64," + base64.b64encode(bytes(data[: max(cut, 1)])).decode()
    policy = policy_for(None, limits=Limits(max_pixels=1_000_000))
    with contextlib.suppress(ResourceError):
        resource = policy.fetch(src)
        assert resource.width * resource.height <= 1_000_000


@pytest.fixture(scope="module")
def fuzz_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding 3x2 images and a symlink out, next to a 5x5 image outside it."""
    root = tmp_path_factory.mktemp("fuzz")
    folder = root / "a"
    _write(folder, "a.png", _image())
    _write(folder, "e/a.png", _image())
    _write(root, "a.png", _image(size=(5, 5)))
    (folder / "f").symlink_to(root)
    return folder


_SOURCE_PARTS = [*"./%2eEfF0:\\?#a-~ \t\x00\u00e9", "a.png", "%2e%2e/", "data:,"]


@given(parts=st.lists(st.sampled_from(_SOURCE_PARTS), max_size=12))
def test_odd_sources_give_resource_errors(fuzz_folder: Path, parts: list[str]) -> None:
    """Any source string gives a Resource from inside the folder or a ResourceError."""
    src = "".join(parts)
    try:
        resource = ResourcePolicy(base_dir=fuzz_folder).fetch(src)
    except ResourceError:
        return
    assert (resource.width, resource.height) == (3, 2)  # never the image outside


# --- check ---------------------------------------------------------------------------


def _no_resolver(host: str, port: int) -> list[str]:
    raise AssertionError(f"check() resolved {host}:{port}")


def test_check_reads_nothing(article: Path) -> None:
    """``check`` passes allowed sources without reading files or resolving names."""
    policy = ResourcePolicy(base_dir=article, allow_remote=True, resolver=_no_resolver)
    policy.check("not-there-yet.png")
    policy.check("photo.png")
    policy.check("https://images.example/photo.png")
    policy.check("data:image/png;base64," + base64.b64encode(_image()).decode())


@pytest.mark.parametrize(
    "src",
    [
        "../outside.png",
        "/etc/passwd",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "https://127.0.0.1/photo.png",
        "http://[::1]/photo.png",
        "https://user:secret@images.example/photo.png",
        "data:image/png;base64,@@",
    ],
)
def test_check_refuses_what_fetch_refuses(article: Path, src: str) -> None:
    """``check`` refuses sources the policy forbids, IP literals included."""
    policy = ResourcePolicy(base_dir=article, allow_remote=True, resolver=_no_resolver)
    with pytest.raises(ResourceError):
        policy.check(src)


def test_check_refuses_remote_by_default(article: Path) -> None:
    """``check`` refuses http(s) sources unless remote access is allowed."""
    with pytest.raises(ResourceError, match="remote images are not fetched"):
        ResourcePolicy(base_dir=article).check("https://images.example/photo.png")


# --- policies and limits -------------------------------------------------------------


def test_policy_for_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``policy_for`` returns one policy per arguments; ``None`` means the working folder."""
    monkeypatch.chdir(tmp_path)
    policy = policy_for(None)
    assert policy is policy_for(str(tmp_path)) is policy_for(Path("."), False, Limits())
    assert policy.base_dir == tmp_path
    assert not policy.allow_remote
    assert policy_for(tmp_path, allow_remote=True).allow_remote
    assert policy_for(tmp_path, limits=Limits(max_bytes=5)).limits.max_bytes == 5


@pytest.mark.parametrize(
    "arguments",
    [{"max_bytes": 0}, {"max_pixels": -1}, {"timeout": 0}, {"max_redirects": -1}],
)
def test_limits_must_be_positive(arguments: dict[str, Any]) -> None:
    """Limits refuse zero or negative caps."""
    with pytest.raises(ValueError, match="must be"):
        Limits(**arguments)


def test_resource_error_is_a_content_error(article: Path) -> None:
    """Refusals are ContentErrors that name the source."""
    with pytest.raises(ContentError) as caught:
        ResourcePolicy(base_dir=article).fetch("../outside.png")
    assert (
        str(caught.value) == "image '../outside.png': the path leads outside the article's folder"
    )


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.0.0.2",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "2001:db8::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "64:ff9b::7f00:1",
        "2002:a9fe:a9fe::1",
    ],
)
def test_non_public_addresses(address: str) -> None:
    """Private, loopback, link-local and special addresses are not public, in any IPv6 dress."""
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses(address: str) -> None:
    """Ordinary internet addresses are public."""
    assert is_public_address(ipaddress.ip_address(address))


# --- remote fetches against a loopback test server -----------------------------------

Route = Callable[["_Handler"], None]


class _Server(http.server.ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that serves fixed routes and records every request."""

    def __init__(self, routes: dict[str, Route], tls: Certificate | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = routes
        self.requests: list[tuple[str, str]] = []
        """``(path, Host header)`` of every request received."""
        self.server_names: list[str | None] = []
        """The TLS server name (SNI) of every handshake."""
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.port: int = self.socket.getsockname()[1]
        self.scheme = "http" if tls is None else "https"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(tls.certificate, tls.key)
            context.sni_callback = self._record_server_name
            self.socket = context.wrap_socket(self.socket, server_side=True)

    def _record_server_name(
        self, connection: ssl.SSLObject | ssl.SSLSocket, name: str | None, context: ssl.SSLContext
    ) -> None:
        with self.lock:
            self.server_names.append(name)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients hanging up mid-answer: the fetcher does that on purpose."""


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests.append((self.path, self.headers.get("Host", "")))
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
        else:
            route(self)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


@attrs.frozen
class Certificate:
    """A self-signed TLS certificate and its key, in PEM files."""

    certificate: Path
    key: Path


class ServerFactory(Protocol):
    """Starts a loopback test server."""

    def __call__(self, routes: dict[str, Route], *, tls: Certificate | None = None) -> _Server:
        """Serve *routes* over HTTP, or HTTPS with *tls*."""


@pytest.fixture
def serve() -> Iterator[ServerFactory]:
    """Start loopback servers for a test; stop them, and their handlers, when it ends."""
    started: list[tuple[_Server, threading.Thread]] = []

    def start(routes: dict[str, Route], *, tls: Certificate | None = None) -> _Server:
        server = _Server(routes, tls)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
        thread.start()
        started.append((server, thread))
        return server

    yield start
    for server, thread in started:
        server.stop.set()  # releases stalling handlers
        server.shutdown()
        server.server_close()  # joins the handler threads
        thread.join(timeout=5)


def _answer(
    body: bytes, *, status: int = 200, headers: Sequence[tuple[str, str]] = (), length: bool = True
) -> Route:
    def route(handler: _Handler) -> None:
        handler.send_response(status)
        for name, value in headers:
            handler.send_header(name, value)
        if length:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return route


def _redirect(location: str, status: int = 302) -> Route:
    return _answer(b"", status=status, headers=[("Location", location)])


def _flood(*, headers: Sequence[tuple[str, str]] = (), chunked: bool = False) -> Route:
    """Send 4 MiB, more than any cap used here, then hold the connection open."""

    def route(handler: _Handler) -> None:
        handler.send_response(200)
        for name, value in headers:
            handler.send_header(name, value)
        handler.end_headers()
        block = _image() + b"\0" * (64 * 1024 - len(_image()))
        try:
            for _ in range(64):
                if chunked:
                    handler.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
                else:
                    handler.wfile.write(block)
            handler.server.stop.wait(5)
        except OSError:
            pass  # the fetcher hung up, as it should

    return route


def _stall(handler: _Handler) -> None:
    handler.server.stop.wait(5)


def _drip(where: str) -> Route:
    """Send a byte every 50 ms (for at most 10 s), in the headers or in the body."""

    def route(handler: _Handler) -> None:
        if where == "headers":
            handler.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
        else:
            handler.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\n")
        try:
            for _ in range(200):
                if handler.server.stop.wait(0.05):
                    break
                handler.wfile.write(b"a")
        except OSError:
            pass

    return route


_TEST_SERVER = ipaddress.ip_address("127.0.0.1")


def _trust_test_server(address: IPAddress) -> bool:
    """Treat the test server's 127.0.0.1 as public; judge every other address as usual."""
    return address == _TEST_SERVER or is_public_address(address)


def _remote(tmp_path: Path, **limits: Any) -> ResourcePolicy:
    return ResourcePolicy(
        base_dir=tmp_path,
        allow_remote=True,
        limits=Limits(**{"timeout": 3.0, **limits}),
        address_check=_trust_test_server,
    )


def test_remote_is_refused_by_default(tmp_path: Path, serve: ServerFactory) -> None:
    """Without allow_remote no request is sent, even to a live server."""
    server = serve({"/photo.png": _answer(_image())})
    for src in (server.url("/photo.png"), server.url("/photo.png").replace("http", "https")):
        assert "remote images are not fetched" in _refusal(ResourcePolicy(base_dir=tmp_path), src)
    assert server.requests == []


def test_loopback_is_refused_before_any_request(tmp_path: Path, serve: ServerFactory) -> None:
    """With allow_remote, loopback URLs (any spelling) are refused before connecting."""
    server = serve({"/photo.png": _answer(_image())})
    policy = ResourcePolicy(base_dir=tmp_path, allow_remote=True)
    for host in ("127.0.0.1", "localhost", "2130706433", "0.0.0.0", "[::ffff:127.0.0.1]"):
        reason = _refusal(policy, server.url("/photo.png", host))
        assert "only public addresses are fetched" in reason
    assert server.requests == []


def test_remote_image_is_fetched(tmp_path: Path, serve: ServerFactory) -> None:
    """An allowed remote image is downloaded and identified."""
    png = _image(size=(9, 8))
    server = serve({"/photo.png": _answer(png, headers=[("Content-Type", "text/html")])})
    resource = _remote(tmp_path).fetch(server.url("/photo.png"))
    assert (resource.data, resource.media_type, resource.width) == (png, "image/png", 9)
    assert server.requests == [("/photo.png", f"127.0.0.1:{server.port}")]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_is_followed(tmp_path: Path, serve: ServerFactory, status: int) -> None:
    """Redirects to allowed addresses are followed, relative locations included."""
    server = serve({"/old": _redirect("/photo.png", status), "/photo.png": _answer(_image())})
    assert _remote(tmp_path).fetch(server.url("/old")).media_type == "image/png"
    assert [path for path, _ in server.requests] == ["/old", "/photo.png"]


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.2:{port}/photo.png",
        "http://[::1]:{port}/photo.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://10.0.0.1/photo.png",
        "http://[fe80::1]/photo.png",
    ],
)
def test_redirect_to_a_non_public_address_is_refused(
    tmp_path: Path, serve: ServerFactory, location: str
) -> None:
    """A redirect to loopback, private or link-local addresses is refused before connecting."""
    server = serve({"/old": _redirect(location.format(port=0)), "/photo.png": _answer(_image())})
    server.routes["/old"] = _redirect(location.format(port=server.port))
    reason = _refusal(_remote(tmp_path), server.url("/old"))
    assert reason.startswith("redirect 1 to ")
    assert reason.endswith("only public addresses are fetched")
    assert [path for path, _ in server.requests] == ["/old"]


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("file:///etc/passwd", "file: URLs are not fetched"),
        ("ftp://127.0.0.1/photo.png", "ftp: URLs are not fetched"),
        ("javascript:alert(1)", "javascript: URLs are not fetched"),
        ("data:image/png;base64,AAAA", "data: URLs are not fetched"),
        ("http://user:pw@127.0.0.1/photo.png", "credentials in URLs are not allowed"),
    ],
)
def test_redirect_to_another_scheme_is_refused(
    tmp_path: Path, serve: ServerFactory, location: str, expected: str
) -> None:
    """A redirect may only lead to another checked http(s) URL."""
    server = serve({"/old": _redirect(location)})
    assert expected in _refusal(_remote(tmp_path), server.url("/old"))
    assert len(server.requests) == 1


def test_redirect_loop_is_cut(tmp_path: Path, serve: ServerFactory) -> None:
    """At most ``max_redirects`` redirects are followed."""
    server = serve({"/loop": _redirect("/loop")})
    assert _refusal(_remote(tmp_path, max_redirects=3), server.url("/loop")) == (
        "more than 3 redirects"
    )
    assert len(server.requests) == 4


def test_any_non_public_address_of_a_host_refuses_it(tmp_path: Path, serve: ServerFactory) -> None:
    """A host is refused if any one of its addresses is not public."""
    server = serve({"/photo.png": _answer(_image())})

    def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1", "10.9.8.7"]

    policy = ResourcePolicy(
        base_dir=tmp_path, allow_remote=True, address_check=_trust_test_server, resolver=resolver
    )
    reason = _refusal(policy, f"http://images.example:{server.port}/photo.png")
    assert reason == (
        "images.example resolves to 10.9.8.7, which is private; only public addresses are fetched"
    )
    assert server.requests == []


def test_connection_goes_to_the_checked_address(tmp_path: Path, serve: ServerFactory) -> None:
    """The request goes to the address that was checked, with the Host header kept."""
    server = serve({"/photo.png": _answer(_image())})
    calls: list[tuple[str, int]] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append((host, port))
        return ["127.0.0.1"]

    policy = ResourcePolicy(
        base_dir=tmp_path, allow_remote=True, address_check=_trust_test_server, resolver=resolver
    )
    # images.example has no DNS entry: the fetch works only if the connection is pinned.
    assert policy.fetch(f"http://images.example:{server.port}/photo.png").width == 3
    assert calls == [("images.example", server.port)]
    assert server.requests == [("/photo.png", f"images.example:{server.port}")]


def test_announced_size_over_the_cap_is_refused(tmp_path: Path, serve: ServerFactory) -> None:
    """A Content-Length above ``max_bytes`` is refused before the body is read."""
    server = serve({"/big.png": _answer(_image() + b"\0" * 2000)})
    reason = _refusal(_remote(tmp_path, max_bytes=1000), server.url("/big.png"))
    assert reason == f"the server announces {len(_image()) + 2000} bytes, over the limit of 1000"


@pytest.mark.parametrize(
    ("headers", "chunked"),
    [
        ((), False),
        ((("Transfer-Encoding", "chunked"),), True),
        ((("Content-Length", "100"), ("Transfer-Encoding", "chunked")), True),
    ],
    ids=["no-length", "chunked", "chunked-with-lying-length"],
)
def test_body_over_the_cap_is_cut_while_streaming(
    tmp_path: Path, serve: ServerFactory, headers: tuple[tuple[str, str], ...], chunked: bool
) -> None:
    """A body that keeps coming is cut as soon as it passes ``max_bytes``."""
    server = serve({"/flood.png": _flood(headers=headers, chunked=chunked)})
    started = time.monotonic()
    reason = _refusal(_remote(tmp_path, max_bytes=100_000), server.url("/flood.png"))
    assert reason == "larger than the limit of 100000 bytes (download stopped)"
    assert time.monotonic() - started < 2  # not waiting for the (held open) end


def test_short_lying_length_reads_no_further(tmp_path: Path, serve: ServerFactory) -> None:
    """With a Content-Length smaller than the body, exactly that many bytes are read."""
    server = serve({"/flood.png": _flood(headers=[("Content-Length", "100")])})
    started = time.monotonic()
    resource = _remote(tmp_path, max_bytes=100_000).fetch(server.url("/flood.png"))
    # The flood starts with a complete PNG: 100 bytes are that PNG plus zero padding.
    assert resource.data == (_image() + bytes(100))[:100]
    assert time.monotonic() - started < 2


def test_truncated_download_is_refused(tmp_path: Path, serve: ServerFactory) -> None:
    """A body shorter than its Content-Length is refused."""
    server = serve({"/cut.png": _answer(b"", headers=[("Content-Length", "1000")], length=False)})
    assert _refusal(_remote(tmp_path), server.url("/cut.png")) == (
        "the connection closed after 0 of 1000 bytes"
    )


def test_stalled_server_times_out(tmp_path: Path, serve: ServerFactory) -> None:
    """A server that never answers is given up on after ``timeout`` seconds."""
    server = serve({"/slow.png": _stall})
    started = time.monotonic()
    assert _refusal(_remote(tmp_path, timeout=0.5), server.url("/slow.png")) == (
        "timed out after 0.5 s"
    )
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("where", ["headers", "body"])
def test_dripping_server_hits_the_deadline(
    tmp_path: Path, serve: ServerFactory, where: str
) -> None:
    """A server sending a byte every 50 ms cannot stretch the fetch past ``timeout``."""
    server = serve({"/drip.png": _drip(where)})
    started = time.monotonic()
    assert _refusal(_remote(tmp_path, timeout=0.5), server.url("/drip.png")) == (
        "timed out after 0.5 s"
    )
    assert time.monotonic() - started < 2


def test_error_status_is_refused(tmp_path: Path, serve: ServerFactory) -> None:
    """A status other than 200 is refused with the server's answer."""
    server = serve({})
    assert _refusal(_remote(tmp_path), server.url("/missing.png")) == (
        "the server answered 404 Not Found"
    )


def test_remote_non_image_is_refused(tmp_path: Path, serve: ServerFactory) -> None:
    """A web page where an image was expected is refused."""
    server = serve({"/photo.png": _answer(b"<!doctype html><p>Not found</p>")})
    assert "is not a PNG, JPEG, GIF or WebP image" in _refusal(
        _remote(tmp_path), server.url("/photo.png")
    )


def test_unreachable_server_is_refused(tmp_path: Path) -> None:
    """A connection failure is a ResourceError."""
    with socket.socket() as probe:  # find a free loopback port, then leave it closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    reason = _refusal(_remote(tmp_path), f"http://127.0.0.1:{port}/photo.png")
    assert reason.startswith("download failed:")


# --- HTTPS -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for images.example, made with the openssl tool."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    made = Certificate(certificate=folder / "cert.pem", key=folder / "key.pem")
    options = (
        "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
        " -subj /CN=images.example -addext subjectAltName=DNS:images.example"
    )
    files = ["-keyout", str(made.key), "-out", str(made.certificate)]
    subprocess.run(
        [openssl, *options.split(), *files],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return made


def _pinned(tmp_path: Path) -> ResourcePolicy:
    """A remote policy that resolves every host to the test server's 127.0.0.1."""

    def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    return ResourcePolicy(
        base_dir=tmp_path,
        allow_remote=True,
        limits=Limits(timeout=3.0),
        address_check=_trust_test_server,
        resolver=resolver,
    )


def test_https_names_the_host_to_the_pinned_address(
    tmp_path: Path, serve: ServerFactory, certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over HTTPS the pinned connection sends the host name (SNI) and Host header."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.certificate))  # trust the test CA
    server = serve({"/photo.png": _answer(_image())}, tls=certificate)
    resource = _pinned(tmp_path).fetch(server.url("/photo.png", "images.example"))
    assert resource.media_type == "image/png"
    assert server.server_names == ["images.example"]
    assert server.requests == [("/photo.png", f"images.example:{server.port}")]


def test_https_certificate_is_checked(
    tmp_path: Path, serve: ServerFactory, certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An untrusted certificate, or one for another name, is refused before any request."""
    server = serve({"/photo.png": _answer(_image())}, tls=certificate)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.certificate))
    reason = _refusal(_pinned(tmp_path), server.url("/photo.png", "other.example"))
    assert reason.startswith("download failed:")
    assert "match" in reason  # hostname mismatch
    monkeypatch.setenv("SSL_CERT_FILE", os.devnull)
    monkeypatch.setenv("SSL_CERT_DIR", os.devnull)
    reason = _refusal(_pinned(tmp_path), server.url("/photo.png", "images.example"))
    assert "certificate verify failed" in reason
    assert server.requests == []


@pytest.mark.parametrize("image_format", ["JPEG", "GIF"])
def test_truncated_image_is_refused_after_weasyprint_is_imported(
    article: Path, image_format: str
) -> None:
    """WeasyPrint makes Pillow accept truncated images; the policy still refuses them."""
    pytest.importorskip("weasyprint")
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # what importing WeasyPrint does
    data = _image(image_format, (40, 30))
    _write(article, "cut.img", data[: len(data) - 12])
    assert "damaged or truncated" in _refusal(ResourcePolicy(base_dir=article), "cut.img")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as WeasyPrint wants it


# --- host settings stay the host's ---------------------------------------------------


@pytest.mark.parametrize("host_setting", [False, True])
@pytest.mark.parametrize(
    ("image_format", "options"),
    [
        ("PNG", {}),
        ("JPEG", {}),
        ("JPEG", {"progressive": True}),
        ("GIF", {}),
        ("WEBP", {}),
    ],
)
def test_truncated_images_are_refused_whatever_the_host_set(
    article: Path,
    monkeypatch: pytest.MonkeyPatch,
    host_setting: bool,
    image_format: str,
    options: dict[str, Any],
) -> None:
    """A cut image is refused with Pillow's LOAD_TRUNCATED_IMAGES on or off, and it stays as set."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", host_setting)  # the host's choice
    buffer = io.BytesIO()
    Image.effect_noise((64, 48), 64).convert("RGB").save(buffer, format=image_format, **options)
    data = buffer.getvalue()
    _write(article, "whole.img", data)
    assert ResourcePolicy(base_dir=article).fetch("whole.img").width == 64
    for kept in (len(data) - 12, len(data) // 2):
        _write(article, "cut.img", data[:kept])
        assert "damaged or truncated" in _refusal(ResourcePolicy(base_dir=article), "cut.img")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is host_setting


def test_reading_images_changes_no_global_setting(article: Path) -> None:
    """Checking good, cut and oversized images leaves Pillow, warnings and sockets as they were."""
    import warnings

    from PIL import ImageFile

    def settings() -> tuple[object, ...]:
        return (
            ImageFile.LOAD_TRUNCATED_IMAGES,
            Image.MAX_IMAGE_PIXELS,
            list(warnings.filters),
            socket.getdefaulttimeout(),
        )

    before = settings()
    data = _image("JPEG", (40, 30))
    _write(article, "cut.jpg", data[: len(data) // 2])
    policy = ResourcePolicy(base_dir=article, limits=Limits(max_pixels=100))
    with contextlib.suppress(ResourceError):
        policy.fetch("cut.jpg")
    with contextlib.suppress(ResourceError):
        policy.fetch("photo.png")
    ResourcePolicy(base_dir=article).fetch("photo.png")
    assert settings() == before


# --- the transport is injectable ------------------------------------------------------


@attrs.define
class _FakeTransport:
    """Answers from a table of (host, target) -> body or Redirect, recording every Request."""

    answers: dict[tuple[str, str], bytes | Redirect]
    requests: list[Request] = attrs.field(factory=list)

    def __call__(self, request: Request) -> bytes | Redirect:
        self.requests.append(request)
        return self.answers[(request.host, request.target)]


def _public_resolver(host: str, port: int) -> list[str]:
    return {"xn--bcher-kva.example": ["93.184.215.14"], "cdn.example": ["2606:4700::1"]}[host]


def test_policy_sends_checked_requests_through_its_transport(tmp_path: Path) -> None:
    """The transport gets the ASCII host, checked addresses, escaped target and the limits."""
    fake = _FakeTransport(
        {
            ("xn--bcher-kva.example", "/caf%C3%A9.png?v=1"): Redirect("https://cdn.example/a b"),
            ("cdn.example", "/a%20b"): _image(size=(7, 5)),
        }
    )
    policy = ResourcePolicy(
        base_dir=tmp_path,
        allow_remote=True,
        limits=Limits(max_bytes=50_000),
        resolver=_public_resolver,
        transport=fake,
    )
    started = time.monotonic()
    assert policy.fetch("http://BÜCHER.example/café.png?v=1").width == 7
    first, second = fake.requests
    assert (first.host, first.port, first.tls, first.addresses) == (
        "xn--bcher-kva.example",
        80,
        False,
        ("93.184.215.14",),
    )
    assert (second.host, second.port, second.tls, second.addresses) == (
        "cdn.example",
        443,
        True,
        ("2606:4700::1",),
    )
    assert first.max_bytes == 50_000
    assert first.deadline == second.deadline  # one deadline for the whole fetch
    assert started < first.deadline <= time.monotonic() + Limits().timeout


def test_redirect_to_a_private_address_never_reaches_the_transport(tmp_path: Path) -> None:
    """A redirect is checked like the first hop: the transport is not asked to follow it."""
    fake = _FakeTransport({("cdn.example", "/a.png"): Redirect("http://0x7f.1/admin")})
    policy = ResourcePolicy(
        base_dir=tmp_path, allow_remote=True, resolver=_public_resolver, transport=fake
    )
    reason = _refusal(policy, "https://cdn.example/a.png")
    assert reason == (
        "redirect 1 to 'http://0x7f.1/admin': 127.0.0.1 is loopback;"
        " only public addresses are fetched"
    )
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (TransportError("the server answered 404 Not Found"), "the server answered 404 Not Found"),
        (TransportError("timed out", timed_out=True), "timed out after 10 s"),
    ],
)
def test_transport_errors_become_resource_errors(
    tmp_path: Path, error: TransportError, reason: str
) -> None:
    """What the transport reports is the refusal's reason; a time-out names the policy's limit."""

    def failing(request: Request) -> bytes | Redirect:
        raise error

    policy = ResourcePolicy(
        base_dir=tmp_path, allow_remote=True, resolver=_public_resolver, transport=failing
    )
    assert _refusal(policy, "https://cdn.example/a.png") == reason


@pytest.mark.parametrize(
    "src",
    ["https://a_b.example/a.png", "https://xn--zz.example/a.png", "https://-a.example/a.png"],
)
def test_hosts_idna_refuses_are_not_resolved(tmp_path: Path, src: str) -> None:
    """A host that is no domain name by IDNA 2008 is refused before resolving or sending."""
    policy = ResourcePolicy(
        base_dir=tmp_path, allow_remote=True, resolver=_no_resolver, transport=_FakeTransport({})
    )
    assert _refusal(policy, src) == "the URL has no valid host name"
