"""The typographic cover's own PNG encoder and its unhinted fonts (``exporters/_cover.py``).

The cover as a whole is tested through the books it goes into (``test_epub.py``);
these tests hold the two shortcuts that make it cheap to their promises: the
PNG is an ordinary one with exactly the drawn pixels, and a font without its
hints lays text out exactly as the font itself does.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from messenger_content.exporters import _cover

PALETTE = list(range(256)) * 3


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, data) of every chunk, checking each one's CRC."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    found, position = [], 8
    while position < len(png):
        (size,) = struct.unpack_from(">I", png, position)
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + size]
        (crc,) = struct.unpack_from(">I", png, position + 8 + size)
        assert crc == zlib.crc32(kind + data), kind
        found.append((kind, data))
        position += 12 + size
    return found


def framed(image: Image.Image) -> Image.Image:
    """*image* on a canvas one column wider, that column full of ink (the encoder must clear it)."""
    canvas = Image.new("L", (image.width + 1, image.height), 255)
    canvas.paste(image, (1, 0))
    return canvas


def encoded(image: Image.Image) -> bytes:
    """*image* as the cover's PNG, its rows read out of a canvas."""
    return _cover._png(_cover._rows(framed(image)), image.width, image.height, PALETTE)


def drawn(width: int, height: int, seed: int) -> Image.Image:
    """An 8-bit image like a cover: plain runs of rows, a band, and rows with marks on them."""
    rng = random.Random(seed)
    image = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, rng.randrange(height // 3 + 1)), fill=128)
    for _ in range(rng.randrange(1, 12)):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.rectangle(
            (x, y, x + rng.randrange(1, 40), y + rng.randrange(1, 9)), fill=rng.randrange(256)
        )
    return image


@pytest.mark.parametrize(
    ("width", "height", "seed"), [(1200, 1800, 1), (37, 300, 2), (1, 1, 3), (640, 3, 4)]
)
def test_png_holds_exactly_the_pixels(width: int, height: int, seed: int) -> None:
    """Decoded (by Pillow, and by zlib with its checksum), the PNG gives back every pixel."""
    image = drawn(width, height, seed)
    png = encoded(image)
    kinds = [kind for kind, _ in chunks(png)]
    assert kinds == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]
    ihdr, _, idat, _ = (data for _, data in chunks(png))
    assert struct.unpack(">IIBBBBB", ihdr) == (width, height, 8, 3, 0, 0, 0)
    rows = zlib.decompress(idat)  # raises if the Adler-32 is wrong
    assert rows == b"".join(
        b"\0" + image.tobytes()[y * width : (y + 1) * width] for y in range(height)
    )
    with Image.open(io.BytesIO(png)) as decoded:
        assert decoded.mode == "P"
        assert decoded.tobytes() == image.tobytes()
        assert decoded.getpalette() == PALETTE


@pytest.mark.parametrize("value", [0, 128, 255])
def test_png_of_a_plain_image(value: int) -> None:
    image = Image.new("L", (1200, 1800), value)
    png = encoded(image)
    (idat,) = (data for kind, data in chunks(png) if kind == b"IDAT")
    assert zlib.decompress(idat) == (b"\0" + bytes((value,)) * 1200) * 1800
    assert len(png) < 20_000


def test_png_without_isal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where ISA-L is not installed, zlib writes the same pixels."""
    image = drawn(300, 500, 7)
    before = image.tobytes()
    fast = encoded(image)
    monkeypatch.setitem(sys.modules, "isal", None)  # makes "from isal import ..." fail
    slow = encoded(image)
    assert fast != slow
    for png in (fast, slow):
        with Image.open(io.BytesIO(png)) as decoded:
            assert decoded.tobytes() == before


def test_canvas_is_drawn_in_the_png_rows() -> None:
    """What is drawn on a new canvas lands in its buffer, which then is the PNG's row data."""
    canvas, rows = _cover._canvas(300, 200)
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, 300, 40), fill=128)
    canvas.paste(77, (50, 100, 90, 120), Image.new("L", (40, 20), 200))
    assert _cover._rows(canvas, rows) is rows
    assert bytes(rows) == canvas.tobytes()
    assert rows[:2] == b"\0\x80"  # the filter byte, then the band
    assert all(rows[y * 301] == 0 for y in range(200))


def test_rows_of_a_canvas_no_longer_drawn_in_place() -> None:
    """Should Pillow copy the canvas away from its buffer, the rows are read from the image."""
    rows = bytearray(301 * 200)
    canvas = Image.frombuffer("L", (301, 200), rows, "raw", "L", 0, 1)  # read-only: copies
    ImageDraw.Draw(canvas).rectangle((0, 0, 300, 40), fill=128)
    found = _cover._rows(canvas, rows)
    assert found is not rows
    assert found == canvas.tobytes()
    assert found[:2] == b"\0\x80"


# --- fonts without hints ----------------------------------------------------------------


def serif() -> tuple[str, int]:
    found = _cover.font_file("Council approves night bus", "en")
    if found is None:
        pytest.skip("fontconfig finds no serif font")
    return found


@pytest.mark.parametrize("size", [48, 90, 132])
def test_unhinted_font_lays_text_out_as_the_font_does(size: int) -> None:
    """Same advances, same ink box (give or take a pixel), nearly the same pixels."""
    path, index = serif()
    unhinted = _cover._without_hinting(path, index)
    assert unhinted is not None
    hinted_font = ImageFont.truetype(path, size, index=index)
    plain_font = ImageFont.truetype(io.BytesIO(unhinted), size, index=index)
    text = "Council approves night bus pilot, 28 November 2026"
    assert plain_font.getlength(text) == hinted_font.getlength(text)
    hinted_box, plain_box = hinted_font.getbbox(text), plain_font.getbbox(text)
    assert all(abs(a - b) <= 1 for a, b in zip(hinted_box, plain_box, strict=True))
    size_box = (int(hinted_font.getlength(text)) + 20, size * 2)
    pictures = []
    for font in (hinted_font, plain_font):
        picture = Image.new("L", size_box, 0)
        ImageDraw.Draw(picture).text((10, size // 2), text, font=font, fill=255)
        pictures.append(picture.tobytes())
    inked = [sum(p) for p in pictures]
    assert abs(inked[0] - inked[1]) / inked[0] < 0.02  # the same glyphs, as bold


def test_unhinted_font_is_not_made_from_what_has_no_hints_to_drop(tmp_path: Path) -> None:
    """CFF outlines and files that are no fonts are used as they are."""
    cff = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
    if cff.exists():
        assert _cover._without_hinting(str(cff), 0) is None
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"\0\1\0\0" + b"\xff" * 40)
    assert _cover._without_hinting(str(junk), 0) is None
    assert _cover._without_hinting(str(tmp_path / "missing.ttf"), 0) is None


# --- drawing glyph by glyph ---------------------------------------------------------------


def draw_line(text: str, language: str, *, fast: bool, center: bool = False) -> Image.Image:
    """One line of the cover's headline face at 100 px, by glyphs or by Pillow's layout."""
    face = _cover._Face(_cover.font_file(text, language), language, rtl=False)
    canvas = Image.new("L", (1201, 300), 0)
    if fast:
        done = _cover._draw_by_glyph(
            canvas, text, face, 100, x=101, baseline=200, fill=255, center=center
        )
        assert done
    else:
        ImageDraw.Draw(canvas).text(
            (101, 200),
            text,
            font=face.font(100),
            fill=255,
            anchor="ms" if center else "ls",
            direction="ltr",
            language=language,
        )
    return canvas


LINES = [
    ("en", "Official traffic AVAWAY To: “office” 12% affluent"),
    ("ru", "Правительство утвердило бюджет"),
    ("el", "\u039f δήμος ενέκρινε το λεωφορείο"),
    ("de", "Größere Straßenbahnflächen"),
    ("ro", "Ştiri şi ţări"),  # Romanian forms: a substitution by language, per glyph
]


@pytest.mark.parametrize(("language", "text"), LINES)
@pytest.mark.parametrize("center", [False, True])
def test_glyph_by_glyph_looks_like_the_line_layout(language: str, text: str, center: bool) -> None:
    """Same glyphs (ligatures too) in the same places, give or take a pixel of rounding."""
    serif()
    slow = draw_line(text, language, fast=False, center=center)
    fast = draw_line(text, language, fast=True, center=center)
    slow_box, fast_box = slow.getbbox(), fast.getbbox()
    assert slow_box is not None
    assert fast_box is not None
    assert all(abs(a - b) <= 1 for a, b in zip(slow_box, fast_box, strict=True))
    slow_ink, fast_ink = sum(slow.tobytes()), sum(fast.tobytes())
    assert abs(slow_ink - fast_ink) / slow_ink < 0.01
    # Pixel by pixel, once glyphs may sit one pixel left or right of where Pillow put them.
    nearest = ImageChops.lighter(  # the least difference over the three placements
        ImageChops.invert(ImageChops.difference(fast, slow)),
        ImageChops.lighter(
            ImageChops.invert(ImageChops.difference(fast, ImageChops.offset(slow, 1, 0))),
            ImageChops.invert(ImageChops.difference(fast, ImageChops.offset(slow, -1, 0))),
        ),
    )
    off = sum(ImageChops.invert(nearest).point(lambda v: 255 if v > 48 else 0).tobytes()) // 255
    assert off <= 0.002 * fast_box[2] * fast_box[3], off


def test_ligatures_are_kept_as_units() -> None:
    assert _cover._UNIT.findall("office flaffle fix") == [
        "o",
        "ffi",
        "c",
        "e",
        " ",
        "fl",
        "a",
        "ffl",
        "e",
        " ",
        "fi",
        "x",
    ]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Cafe\u0301 au lait"),  # a combining mark
        ("en", "zero\u200bwidth"),  # a format character
        ("ca", "Col·legi"),  # Catalan: forms depend on the letters around
        ("ar", "مجلس المدينة"),
        ("hy", "Գյումրի"),
        ("ja", "夜行バス"),
    ],
)
def test_text_that_needs_shaping_goes_through_pillow(language: str, text: str) -> None:
    face = _cover._Face(_cover.font_file(text, language), language, rtl=language == "ar")
    canvas = Image.new("L", (1201, 300), 0)
    assert not _cover._draw_by_glyph(
        canvas, text, face, 100, x=101, baseline=200, fill=255, center=False
    )
    assert canvas.getbbox() is None
