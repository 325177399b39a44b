"""A typographic cover for e-books whose article has no lead image.

:func:`typographic_cover` draws the publication's name on a coloured band,
the headline (wrapped, sized to fill the page) and the date on a paper
background, with Pillow alone, and returns PNG bytes.

The image is drawn in one 8-bit channel whose values index a two-ramp palette
(paper to ink for text on paper, accent to paper for text on the band), so the
PNG is small and cheap to encode and keeps its anti-aliasing. The bytes are
deterministic: no timestamp or other varying chunk is written, and the same
text, fonts and Pillow build give the same file.

Fonts are looked up through fontconfig (``fc-match``), asking for a serif face
that covers every character of the text (a script-specific Noto face first for
languages whose script Noto Serif lacks); when fontconfig is missing or finds
nothing, Pillow's built-in font is used. Right-to-left text is shaped and
ordered by Pillow's Raqm layout when Pillow has it.

TrueType faces are drawn without their hinting programs (see
:func:`_without_hinting`): at cover sizes (48 to 132 pixels) hints change
nothing a reader could see, and running them was half the cost of a cover.
"""

from __future__ import annotations

import bisect
import contextlib
import io
import os
import re
import shutil
import struct
import subprocess
import threading
import unicodedata
import zlib
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, TypeAlias

import attrs
from PIL import Image, ImageDraw, ImageFont, features

from . import _deflate

if TYPE_CHECKING:
    from PIL._imaging import ImagingCore

__all__ = ["COVER_SIZE", "prepare", "typographic_cover"]

COVER_SIZE = (1200, 1800)
"""Width and height of the cover in pixels (2:3, what e-book stores ask for)."""

_MARGIN = 100
#: The canvas is one pixel wider than the cover: its first column is the filter
#: type ("None", 0) that starts each row of PNG data, so its bytes need no copying.
_FILTER_COLUMN = 1
_BAND_HEIGHT = 340
_HEADLINE_TOP = _BAND_HEIGHT + 130
_RULE_Y = COVER_SIZE[1] - 330
_DATE_Y = _RULE_Y + 70

_PAPER = (247, 243, 235)
_INK = (22, 24, 29)
_ACCENT = (176, 30, 45)

# Values 0..127 of the drawing channel are paper → ink; 128..255 are accent → paper.
_INK_RAMP = 127
_ACCENT_SOLID = 128

#: Serif families for scripts Noto Serif does not cover, by primary language subtag.
_FAMILIES: dict[str, str] = {
    "am": "Noto Serif Ethiopic",
    "ar": "Noto Naskh Arabic",
    "bn": "Noto Serif Bengali",
    "ckb": "Noto Naskh Arabic",
    "fa": "Noto Naskh Arabic",
    "gu": "Noto Serif Gujarati",
    "he": "Noto Serif Hebrew",
    "hi": "Noto Serif Devanagari",
    "hy": "Noto Serif Armenian",
    "ja": "Noto Serif CJK JP",
    "ka": "Noto Serif Georgian",
    "km": "Noto Serif Khmer",
    "kn": "Noto Serif Kannada",
    "ko": "Noto Serif CJK KR",
    "ml": "Noto Serif Malayalam",
    "mr": "Noto Serif Devanagari",
    "my": "Noto Serif Myanmar",
    "ne": "Noto Serif Devanagari",
    "pa": "Noto Serif Gurmukhi",
    "ps": "Noto Naskh Arabic",
    "si": "Noto Serif Sinhala",
    "ta": "Noto Serif Tamil",
    "te": "Noto Serif Telugu",
    "th": "Noto Serif Thai",
    "ur": "Noto Naskh Arabic",
    "yi": "Noto Serif Hebrew",
    "zh": "Noto Serif CJK SC",
}
_DEFAULT_FAMILY = "Noto Serif"

#: Languages written without spaces between words: lines may break between any two characters.
_UNSPACED = frozenset({"ja", "km", "lo", "my", "th", "zh"})


def _palette() -> list[int]:
    def blend(start: tuple[int, int, int], end: tuple[int, int, int], share: float) -> list[int]:
        return [round(a + (b - a) * share) for a, b in zip(start, end, strict=True)]

    palette: list[int] = []
    for step in range(128):
        palette += blend(_PAPER, _INK, step / _INK_RAMP)
    for step in range(128):
        palette += blend(_ACCENT, _PAPER, step / 127)
    return palette


_PALETTE = _palette()


# --- fonts ---------------------------------------------------------------------


def _charset(text: str) -> str:
    """Write the characters of *text* in fontconfig's charset syntax: ``20 41-5a 61-7a``."""
    points = sorted({ord(char) for char in text})
    ranges: list[tuple[int, int]] = []
    for point in points:
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return " ".join(f"{a:x}" if a == b else f"{a:x}-{b:x}" for a, b in ranges)


@attrs.frozen
class _Font:
    """A font file fontconfig found, with the characters it covers."""

    path: str
    index: int
    """Which face of a collection (``.ttc``) file."""
    ranges: tuple[tuple[int, int], ...]
    """Covered code points as sorted, inclusive ``(first, last)`` ranges."""

    def covers(self, text: str) -> bool:
        """Whether the font has a glyph for every character of *text*."""
        starts = [first for first, _ in self.ranges]
        for point in {ord(char) for char in text}:
            index = bisect.bisect_right(starts, point) - 1
            if index < 0 or point > self.ranges[index][1]:
                return False
        return True


def _parse_charset(text: str) -> tuple[tuple[int, int], ...]:
    ranges = []
    for part in text.split():
        first, _, last = part.partition("-")
        ranges.append((int(first, 16), int(last or first, 16)))
    return tuple(sorted(ranges))


@lru_cache(maxsize=128)
def _match(pattern: str) -> _Font | None:
    """The font fontconfig picks for *pattern* (one ``fc-match`` run, then cached), or ``None``."""
    command = shutil.which("fc-match")
    if command is None:
        return None
    try:
        found = subprocess.run(
            [command, "--format=%{file}\n%{index}\n%{charset}\n", pattern],
            capture_output=True,
            check=False,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, rest = found.stdout.partition("\n")
    index, _, charset = rest.partition("\n")
    if found.returncode != 0 or not path or not os.path.isfile(path):
        return None
    try:
        return _Font(path, int(index or 0), _parse_charset(charset))
    except ValueError:
        return _Font(path, 0, ())


def font_file(text: str, language: str, *, bold: bool = True) -> tuple[str, int] | None:
    """Find a serif font file covering *text*, preferring the script's Noto face.

    The preferred family (the script's Noto serif, then Noto Serif) is looked up
    once per process and used when it covers the text; otherwise fontconfig is
    asked for the best face covering every character.

    Args:
        text: Every character the font will draw.
        language: BCP 47 tag of the text, which picks the preferred family.
        bold: Ask for the bold weight.

    Returns:
        The font's path and face index, or ``None`` when fontconfig is not available.
    """
    subtags = language.lower().split("-")
    preferred = _FAMILIES.get(subtags[0], _DEFAULT_FAMILY)
    if subtags[0] == "zh" and {"hant", "tw", "hk", "mo"} & set(subtags[1:]):
        preferred = "Noto Serif CJK TC"
    families = list(dict.fromkeys([preferred, _DEFAULT_FAMILY]))
    weight = ":weight=bold" if bold else ""
    for family in families:
        font = _match(f"{family}{weight}")
        if font is not None and font.covers(text):
            return font.path, font.index
    font = _match(f"{','.join(families)}{weight}:charset={_charset(text)}")
    return None if font is None else (font.path, font.index)


def prepare() -> None:
    """Do the start-up work every cover shares, before any cover is drawn.

    Imports Pillow's image plugins and the compressor, and asks fontconfig for
    the default serif faces (a subprocess each; the answers are kept). No font
    is opened, so a process that forks afterwards shares no open font files:
    a batch calls this before starting its workers.
    """
    Image.preinit()
    _deflate.compressor()
    for bold in (True, False):
        font_file("A", "en", bold=bold)
    _has_raqm()


@lru_cache(maxsize=1)
def _has_raqm() -> bool:
    return bool(features.check_feature("raqm"))


_AnyFont = ImageFont.FreeTypeFont | ImageFont.ImageFont
_FONTS = threading.local()
_FONTS_PER_THREAD = 32


def _load_font(file: tuple[str, int] | None, size: int) -> _AnyFont:
    """A font file at *size* pixels, or Pillow's built-in font.

    Loading a face costs about half a millisecond and a cover uses four or five,
    so they are kept, but per thread: FreeType faces are not safe to share
    between threads that draw at the same time.
    """
    cache: dict[tuple[tuple[str, int] | None, int], _AnyFont] | None
    cache = getattr(_FONTS, "cache", None)
    if cache is None:
        cache = _FONTS.cache = {}
    font = cache.get((file, size))
    if font is None:
        if len(cache) >= _FONTS_PER_THREAD:
            cache.clear()
        font = cache[(file, size)] = _open_font(file, size)
    return font


def _open_font(file: tuple[str, int] | None, size: int) -> _AnyFont:
    if file is not None:
        unhinted = _without_hinting(*file)
        with contextlib.suppress(OSError):
            if unhinted is not None:
                font = ImageFont.truetype(io.BytesIO(unhinted), size, index=file[1])
                if font.getname()[0] not in _TRICKY:
                    return font
            return ImageFont.truetype(file[0], size, index=file[1])
    return ImageFont.load_default(size)


#: Fonts FreeType calls "tricky": their glyphs are only right once their hints have run.
_TRICKY = frozenset(
    {
        "cpop",
        "DFGirl-W6-WIN-BF",
        "DFGothic-EB",
        "DFGyoSho-Lt",
        "DFHei",
        "DFHSGothic-W5",
        "DFHSMincho-W3",
        "DFHSMincho-W7",
        "DFKaiSho-SB",
        "DFKaiShu",
        "DFKai-SB",
        "DFMincho",
        "DLC",
        "HuaTianKaiTi?",
        "HuaTianSongTi?",
        "Ming(for ISO10646)",
        "MingLiU",
        "MingMedium",
        "PMingLiU",
        "MingLi43",
    }
)
#: Fonts larger than this are used as they are (read whole, each size would copy them).
_UNHINTED_MAX_BYTES = 4 << 20


@lru_cache(maxsize=8)
def _without_hinting(path: str, index: int) -> bytes | None:
    """The TrueType font at *path* with its hinting programs switched off, or ``None``.

    FreeType runs a TrueType font's bytecode hints for every glyph it loads, and
    Pillow loads each glyph twice per line; for Noto Serif that is about 60 µs a
    glyph, three times what drawing the outline costs. With the font program
    (``fpgm``), the control-value program (``prep``) and the control values
    (``cvt ``) shown as empty and ``maxp.maxSizeOfInstructions`` as 0, FreeType
    sees an unhinted font and neither reads the glyphs' instructions nor runs
    them (it applies its light auto-hinter instead). Outlines, advance widths
    and so the layout are the font's own. Only this process's copy is changed.

    ``None`` for anything else (CFF outlines, collections whose face has no
    ``glyf`` table, files too large or unreadable): the file is then used as it is.
    """
    try:
        if os.path.getsize(path) > _UNHINTED_MAX_BYTES:
            return None
        with open(path, "rb") as stream:
            data = bytearray(stream.read())
        directory = 0
        if data[:4] == b"ttcf":
            (directory,) = struct.unpack_from(">I", data, 12 + 4 * index)
        (count,) = struct.unpack_from(">H", data, directory + 4)
        tables = {}
        for entry in range(directory + 12, directory + 12 + 16 * count, 16):
            tag = bytes(data[entry : entry + 4])
            offset, length = struct.unpack_from(">II", data, entry + 8)
            tables[tag] = (entry, offset, length)
        maxp = tables.get(b"maxp")
        if b"glyf" not in tables or maxp is None or maxp[2] < 32:
            return None
        if struct.unpack_from(">I", data, maxp[1])[0] != 0x00010000:
            return None
        for tag in (b"fpgm", b"prep", b"cvt "):
            if tag in tables:
                struct.pack_into(">I", data, tables[tag][0] + 12, 0)
        struct.pack_into(">H", data, maxp[1] + 26, 0)  # maxSizeOfInstructions
    except (OSError, struct.error):
        return None
    return bytes(data)


@attrs.frozen
class _Face:
    """A font file (or Pillow's built-in font) with the layout options for one text."""

    file: tuple[str, int] | None
    """Font path and face index; ``None`` for Pillow's built-in font."""
    language: str
    rtl: bool

    def font(self, size: int) -> _AnyFont:
        """The face at *size* pixels (loaded once per thread, see :func:`_load_font`)."""
        return _load_font(self.file, size)

    @property
    def direction(self) -> str | None:
        """The text direction for Pillow, which only its Raqm layout understands."""
        if not _has_raqm():
            return None
        return "rtl" if self.rtl else "ltr"

    @property
    def layout_language(self) -> str | None:
        """The language for shaping (Raqm only)."""
        return self.language if _has_raqm() else None

    def widths(self, texts: Sequence[str], size: int) -> list[float]:
        """The advance width of each of *texts* at *size* pixels."""
        if all(_by_glyph(self, text) for text in texts):
            cache, scale = _glyph_cache(), size / _MEASURE_SIZE
            return [_pen_positions(self, text, cache)[1] * scale for text in texts]
        font = self.font(size)
        direction, language = self.direction, self.layout_language
        return [float(font.getlength(t, direction=direction, language=language)) for t in texts]


# --- layout --------------------------------------------------------------------


def _units(text: str, language: str) -> tuple[list[str], str]:
    """Split *text* into unbreakable units and the joiner put between them on a line."""
    if language.lower().split("-")[0] in _UNSPACED:
        # Spaces stay (Latin words in Japanese; lines are stripped), but any run of
        # white space is one space: a line break is no character to draw or measure.
        return list(" ".join(text.split())), ""
    return text.split(), " "


def _wrap(
    units: Sequence[str], joiner: str, widths: Sequence[float], space: float, limit: float
) -> list[str] | None:
    """Greedy line breaking; ``None`` when a single unit is wider than *limit*."""
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for unit, width in zip(units, widths, strict=True):
        if width > limit:
            return None
        extra = width if not line else space + width
        if line and used + extra > limit:
            lines.append(joiner.join(line))
            line, used = [unit], width
        else:
            line.append(unit)
            used += extra
    if line:
        lines.append(joiner.join(line))
    return lines


def _fit(
    text: str,
    face: _Face,
    *,
    width: float,
    height: float,
    sizes: Sequence[int],
    leading: float,
) -> tuple[int, list[str]]:
    """Pick the largest size in *sizes* at which *text* wraps into the box.

    Unit widths are measured once, at the first size, and scaled: glyph advances
    grow linearly with the size, and a 3 % margin absorbs hinting differences.
    """
    units, joiner = _units(text, face.language)
    reference = sizes[0]
    *widths, space = [advance * 1.03 for advance in face.widths([*units, joiner], reference)]
    lines: list[str] | None = None
    for size in sizes:
        scale = size / reference
        lines = _wrap(units, joiner, [w * scale for w in widths], space * scale, width)
        if lines is not None and len(lines) * size * leading <= height:
            return size, lines
    smallest = sizes[-1]
    if lines is None:  # a unit too wide even at the smallest size: break inside it
        lines = _wrap(list(text), "", face.widths(list(text), smallest), 0.0, width)
        lines = lines or [text]
    fitting = max(1, int(height // (smallest * leading)))
    return smallest, lines[:fitting]


def _draw_lines(
    canvas: Image.Image,
    lines: Sequence[str],
    face: _Face,
    size: int,
    *,
    top: float,
    leading: float,
    fill: int,
    center: bool = False,
) -> float:
    """Draw *lines* from *top*, aligned to the start side (or centred); return the bottom."""
    draw = ImageDraw.Draw(canvas)
    font = face.font(size)
    width = COVER_SIZE[0]
    if center:
        x, anchor = width / 2, "ms"
    elif face.rtl:
        x, anchor = width - _MARGIN, "rs"
    else:
        x, anchor = _MARGIN, "ls"
    x += _FILTER_COLUMN
    baseline = top + size * 0.9
    for line in lines:
        text = line.strip()
        if not _draw_by_glyph(
            canvas, text, face, size, x=x, baseline=baseline, fill=fill, center=center
        ):
            draw.text(
                (x, baseline),
                text,
                font=font,
                fill=fill,
                anchor=anchor,
                direction=face.direction,
                language=face.layout_language,
            )
        baseline += size * leading
    return baseline - size * leading + size * 0.3


# --- drawing glyph by glyph -------------------------------------------------------------
#
# Pillow lays out and rasterises a whole line at every call: about 40 µs a glyph at
# headline sizes, most of a cover's time. For text that needs no shaping beyond
# kerning, a line is the sum of its glyphs: each one is drawn once per face and size
# (and kept), and placed where the line's layout would put it: the sum of the
# advances before it, each with the kerning of its pair (Noto Serif kerns by pairs
# only, so Pillow's own layout of "ab" against "a" and "b" gives a pair's kerning).
# Advances and kerning are measured once per face, at one large size, and scaled:
# without hinting, an advance grows linearly with the size (Raqm's layout gives the
# scaled value to within 1/64 pixel). Ligatures (the f-ligatures are the only ones
# Noto Serif forms by default) are kept as units.


#: Faces whose substitutions and positioning are known to be what the fast path
#: reproduces: pair kerning, the f-ligatures, and single substitutions by language.
_GLYPH_BY_GLYPH_FACES = re.compile(r"NotoSerif-(Regular|Bold)\.ttf")
#: Languages whose forms depend on the letters around them (Catalan's l·l).
_CONTEXTUAL_LANGUAGES = frozenset({"ca"})
_UNIT = re.compile(r"f(?:f[il]?|[il])|.", re.DOTALL)
_GLYPHS = threading.local()
_GLYPHS_PER_THREAD = 8192
#: The size advances and kerning are measured at, then scaled from.
_MEASURE_SIZE = 1000


@lru_cache(maxsize=4096)
def _plain_character(char: str) -> bool:
    """Whether *char* is drawn the same alone as next to others (no mark, control or joiner)."""
    point = ord(char)
    if not (
        0x20 <= point < 0x250  # Latin
        or 0x370 <= point < 0x530  # Greek, Cyrillic
        or 0x2010 <= point <= 0x205E  # punctuation
        or 0x20A0 <= point <= 0x20C0  # currency signs
    ):
        return False
    return unicodedata.category(char)[0] not in "MCZ" or char == " "


def _by_glyph(face: _Face, text: str) -> bool:
    """Whether *text* in *face* can be drawn (and measured) glyph by glyph."""
    return _glyph_by_glyph_face(face) and all(_plain_character(char) for char in text)


@lru_cache(maxsize=64)
def _glyph_by_glyph_face(face: _Face) -> bool:
    """Whether *face* (font, language, direction) is one the glyph-by-glyph path reproduces.

    Asked for every word a cover fits and every line it draws: answered once per face.
    """
    return not (
        face.rtl
        or face.file is None
        or not _has_raqm()
        or _GLYPH_BY_GLYPH_FACES.search(os.path.basename(face.file[0])) is None
        or face.language.lower().split("-")[0] in _CONTEXTUAL_LANGUAGES
    )


_Glyph: TypeAlias = "tuple[ImagingCore, tuple[int, int], tuple[int, int]] | None"
"""A unit's coverage (Pillow's core image), its size, and where its top left is from the
pen on the baseline (``None``: no ink)."""


class _GlyphCache:
    """Advances and kerning per face and language; drawn units per face, size and language."""

    def __init__(self) -> None:
        self.advances: dict[tuple[object, ...], float] = {}
        self.kerning: dict[tuple[object, ...], float] = {}
        self.glyphs: dict[tuple[object, ...], _Glyph] = {}

    def __len__(self) -> int:
        return len(self.advances) + len(self.kerning) + len(self.glyphs)


def _glyph_cache() -> _GlyphCache:
    cache: _GlyphCache | None = getattr(_GLYPHS, "cache", None)
    if cache is None or len(cache) >= _GLYPHS_PER_THREAD:
        cache = _GLYPHS.cache = _GlyphCache()
    return cache


def _pen_positions(
    face: _Face, text: str, cache: _GlyphCache
) -> tuple[list[tuple[str, float]], float]:
    """The units of *text*, each with where the pen stands before it, and the line's advance.

    In pixels at :data:`_MEASURE_SIZE`: multiply by ``size / _MEASURE_SIZE``.
    """
    language = face.layout_language
    font = face.font(_MEASURE_SIZE)

    def advance(piece: str) -> float:
        key = (face.file, language, piece)
        found = cache.advances.get(key)
        if found is None:
            found = float(font.getlength(piece, direction="ltr", language=language))
            cache.advances[key] = found
        return found

    def kerning(first: str, second: str) -> float:
        # At this size advances are whole pixels, so the difference is the kerning alone.
        key = (face.file, language, first, second)
        found = cache.kerning.get(key)
        if found is None:
            found = advance(first + second) - advance(first) - advance(second)
            cache.kerning[key] = found
        return found

    units = _UNIT.findall(text)
    placed = []
    pen = 0.0
    for index, unit in enumerate(units):
        placed.append((unit, pen))
        pen += advance(unit)
        if index + 1 < len(units):
            pen += kerning(unit, units[index + 1])
    return placed, pen


def _draw_by_glyph(
    canvas: Image.Image,
    text: str,
    face: _Face,
    size: int,
    *,
    x: float,
    baseline: float,
    fill: int,
    center: bool,
) -> bool:
    """Draw a left-to-right line glyph by glyph if the fast path applies; whether it did."""
    if not _by_glyph(face, text):
        return False
    font = face.font(size)
    if not isinstance(font, ImageFont.FreeTypeFont):
        return False
    cache = _glyph_cache()
    placed, advance = _pen_positions(face, text, cache)
    scale = size / _MEASURE_SIZE
    start = x - advance * scale / 2 if center else x
    language = face.layout_language
    line = round(baseline)
    for unit, position in placed:
        key = (face.file, size, language, unit)
        if key in cache.glyphs:
            glyph = cache.glyphs[key]
        else:
            glyph = cache.glyphs[key] = _glyph(font, unit, language)
        if glyph is not None:
            mask, (width, height), (left, top) = glyph
            left += round(start + position * scale)
            top += line
            # Pillow's core paste (what Image.paste calls, after checks that cost as
            # much as the paste itself); it clips to the canvas.
            canvas.im.paste(fill, (left, top, left + width, top + height), mask)
    return True


def _glyph(font: ImageFont.FreeTypeFont, unit: str, language: str | None) -> _Glyph:
    """Draw one unit alone (as ``ImageDraw.text`` would at a whole-pixel position)."""
    mask, offset = font.getmask2(unit, mode="L", anchor="ls", direction="ltr", language=language)
    width, height = mask.size
    if width <= 0 or height <= 0:
        return None
    return mask, (width, height), offset


def typographic_cover(
    *,
    headline: str,
    publication: str | None,
    date: str | None,
    language: str,
    rtl: bool,
) -> bytes:
    """Draw a cover from text alone and return it as PNG bytes.

    Args:
        headline: The article's headline, wrapped and sized to fill the page.
        publication: The publication's name, set on the coloured band (or nothing).
        date: The date line under the headline (or nothing).
        language: BCP 47 tag of the texts (font choice, shaping).
        rtl: Set lines from the right (right-to-left languages).

    Returns:
        A palette PNG of :data:`COVER_SIZE`.
    """
    width = COVER_SIZE[0]
    text_width = width - 2 * _MARGIN
    height = COVER_SIZE[1]
    canvas, rows = _canvas(width, height)
    draw = ImageDraw.Draw(canvas)

    # The band: solid accent, and text blended from there to paper (the second ramp).
    draw.rectangle(
        (_FILTER_COLUMN, 0, _FILTER_COLUMN + width, _BAND_HEIGHT - 1), fill=_ACCENT_SOLID
    )
    if publication:
        face = _Face(font_file(publication, language), language, rtl)
        size, lines = _fit(
            publication,
            face,
            width=text_width,
            height=_BAND_HEIGHT - 120,
            sizes=range(84, 35, -4),
            leading=1.2,
        )
        block = len(lines) * size * 1.2
        _draw_lines(
            canvas,
            lines,
            face,
            size,
            top=(_BAND_HEIGHT - block) / 2,
            leading=1.2,
            fill=255,
            center=True,
        )

    face = _Face(font_file(headline, language), language, rtl)
    size, lines = _fit(
        headline,
        face,
        width=text_width,
        height=_RULE_Y - 90 - _HEADLINE_TOP,
        sizes=range(132, 43, -6),
        leading=1.18,
    )
    _draw_lines(canvas, lines, face, size, top=_HEADLINE_TOP, leading=1.18, fill=_INK_RAMP)

    rule_x = _FILTER_COLUMN + (width - _MARGIN - 180 if rtl else _MARGIN)
    draw.rectangle((rule_x, _RULE_Y, rule_x + 180, _RULE_Y + 12), fill=_ACCENT_SOLID)
    if date:
        face = _Face(font_file(date, language, bold=False), language, rtl)
        _draw_lines(canvas, [date], face, 48, top=_DATE_Y, leading=1.2, fill=_INK_RAMP)

    return _png(_rows(canvas, rows), width, height, _PALETTE)


# --- PNG -----------------------------------------------------------------------
#
# Pillow's PNG encoder takes about 5 ms for a cover before it compresses anything
# (it filters row by row, and reads an 8-bit image slowly), and even reading the
# image's bytes out (``tobytes``) takes 3 ms. So the cover is drawn straight into
# the PNG's row data: a buffer Pillow draws in, one column wider than the cover,
# that column being the filter type ("None", 0) that starts each row.


def _canvas(width: int, height: int) -> tuple[Image.Image, bytearray]:
    """A blank 8-bit canvas for a *width* by *height* PNG, and the buffer it is drawn in."""
    rows = bytearray((_FILTER_COLUMN + width) * height)
    canvas = Image.frombuffer("L", (_FILTER_COLUMN + width, height), rows, "raw", "L", 0, 1)
    # An image made by frombuffer shares the buffer's memory, but is marked read-only
    # so that a change would first copy it: marked writable, it is drawn in place.
    # (_rows checks that this held.)
    canvas.readonly = 0
    return canvas, rows


def _rows(canvas: Image.Image, rows: bytearray | None = None) -> bytes | bytearray:
    """The canvas's bytes, each row's first one set to 0: the PNG's rows, filtered with "None".

    *rows* is the buffer :func:`_canvas` made the canvas on: when the canvas is
    still drawn in it, it is the answer as it is; otherwise (and for any other
    canvas) the bytes are read out of the image.
    """
    canvas.paste(0, (0, 0, _FILTER_COLUMN, canvas.height))
    if rows is not None:
        canvas.paste(1, (0, 0, 1, 1))
        shared = rows[0] == 1
        canvas.paste(0, (0, 0, 1, 1))
        if shared:
            return rows
    return canvas.tobytes()


def _png(rows: bytes | bytearray, width: int, height: int, palette: Sequence[int]) -> bytes:
    """A palette PNG of *width* by *height* pixels from its rows' data (see :func:`_rows`).

    Compressed by ISA-L when it is installed (see :mod:`._deflate`): about 1 ms
    for a cover, where zlib's level 1 takes 5 and its level 6 over 20.
    """
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # 8-bit palette, no interlace
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", bytes(palette)),
            _chunk(b"IDAT", _deflate.compress(rows, zlib_level=1)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
