"""A typographic cover for e-books whose article has no lead image.

:func:`typographic_cover` draws the publication's name on a coloured band,
the headline (wrapped, sized to fill the page) and the date on a paper
background with Pillow's ``ImageDraw.text``, and returns PNG bytes written by
Pillow's PNG encoder.

Text is laid out by Pillow's Raqm layout when Pillow has it (HarfBuzz shaping
and FriBiDi ordering), with the text's language and direction, so Arabic joins,
Armenian and Indic scripts take their forms and right-to-left lines run from
the right; without Raqm, Pillow's basic layout draws what it can.

The image is drawn in one 8-bit channel whose values index a two-ramp palette
(paper to ink for text on paper, accent to paper for text on the band), so
anti-aliased text becomes a small palette PNG. The bytes are deterministic:
Pillow writes no timestamp, and the same text, fonts and Pillow build give
the same file.

Fonts are looked up through fontconfig (``fc-match``), asking for a serif face
that covers every character of the text (a script-specific Noto face first for
languages whose script Noto Serif lacks); when fontconfig is missing or finds
nothing, Pillow's built-in font is used.
"""

from __future__ import annotations

import bisect
import io
import os
import shutil
import subprocess
import threading
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

import attrs
from PIL import Image, ImageDraw, ImageFont, features

from ...fonts import faces_for

__all__ = ["COVER_SIZE", "cover_date", "font_file", "prepare", "typographic_cover"]

COVER_SIZE = (1200, 1800)
"""Width and height of the cover in pixels (2:3, what e-book stores ask for)."""

_MARGIN = 100
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
_ON_ACCENT = 255

#: zlib level of the cover's PNG: a flat picture compresses well at the fastest level.
_PNG_LEVEL = 1

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


def cover_date(value: datetime, language: str) -> str:
    """The date line of a typographic cover: the day in CLDR's long form, in its own offset.

    ``November 26, 2026`` in English, ``26 November 2026`` in British English,
    ``2026 թ. նոյեմբերի 26`` in Armenian (see :func:`~messenger_content.i18n.format_day`).
    """
    from ...i18n import format_day

    return format_day(value, language)


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

    The preferred family (the serif face :func:`messenger_content.fonts.faces_for`
    names for the language, then Noto Serif) is looked up once per process and
    used when it covers the text; otherwise fontconfig is asked for the best
    face covering every character (Thai, Ethiopic ... are found that way).

    Args:
        text: Every character the font will draw.
        language: BCP 47 tag of the text, which picks the preferred family.
        bold: Ask for the bold weight.

    Returns:
        The font's path and face index, or ``None`` when fontconfig is not available.
    """
    preferred = faces_for(language).serif  # the stylesheets' face for the language's script
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

    Imports Pillow's image plugins and asks fontconfig for the default serif
    faces (a subprocess each; the answers are kept). No font is opened, so a
    process that forks afterwards shares no open font files: a batch calls
    this before starting its workers.
    """
    Image.preinit()
    for bold in (True, False):
        font_file("A", "en", bold=bold)
    _has_raqm()


@lru_cache(maxsize=1)
def _has_raqm() -> bool:
    return bool(features.check("raqm"))


_AnyFont = ImageFont.FreeTypeFont | ImageFont.ImageFont
_FONTS = threading.local()
_FONTS_PER_THREAD = 32


def _load_font(file: tuple[str, int] | None, size: int) -> _AnyFont:
    """A font file at *size* pixels, or Pillow's built-in font.

    A cover uses four or five faces and a batch draws many covers, so they are
    kept, but per thread: FreeType faces are not safe to share between threads
    that draw at the same time.
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
        layout = ImageFont.Layout.RAQM if _has_raqm() else ImageFont.Layout.BASIC
        try:
            return ImageFont.truetype(file[0], size, index=file[1], layout_engine=layout)
        except OSError:
            pass  # a file fontconfig lists but FreeType cannot read: the built-in font
    return ImageFont.load_default(size)


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
    draw: ImageDraw.ImageDraw,
    lines: Sequence[str],
    face: _Face,
    size: int,
    *,
    top: float,
    leading: float,
    fill: int,
    center: bool = False,
) -> None:
    """Draw *lines* from *top*, aligned to the start side (or centred)."""
    font = face.font(size)
    if center:
        x, anchor = COVER_SIZE[0] / 2, "ms"
    elif face.rtl:
        x, anchor = COVER_SIZE[0] - _MARGIN, "rs"
    else:
        x, anchor = _MARGIN, "ls"
    baseline = top + size * 0.9
    for line in lines:
        draw.text(
            (x, baseline),
            line.strip(),
            font=font,
            fill=fill,
            anchor=anchor,
            direction=face.direction,
            language=face.layout_language,
        )
        baseline += size * leading


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
    canvas = Image.new("L", COVER_SIZE, 0)
    draw = ImageDraw.Draw(canvas)

    # The band: solid accent, and text blended from there to paper (the second ramp).
    draw.rectangle((0, 0, width, _BAND_HEIGHT - 1), fill=_ACCENT_SOLID)
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
        top = (_BAND_HEIGHT - block) / 2
        _draw_lines(draw, lines, face, size, top=top, leading=1.2, fill=_ON_ACCENT, center=True)

    face = _Face(font_file(headline, language), language, rtl)
    size, lines = _fit(
        headline,
        face,
        width=text_width,
        height=_RULE_Y - 90 - _HEADLINE_TOP,
        sizes=range(132, 43, -6),
        leading=1.18,
    )
    _draw_lines(draw, lines, face, size, top=_HEADLINE_TOP, leading=1.18, fill=_INK_RAMP)

    rule_x = width - _MARGIN - 180 if rtl else _MARGIN
    draw.rectangle((rule_x, _RULE_Y, rule_x + 180, _RULE_Y + 12), fill=_ACCENT_SOLID)
    if date:
        face = _Face(font_file(date, language, bold=False), language, rtl)
        _draw_lines(draw, [date], face, 48, top=_DATE_Y, leading=1.2, fill=_INK_RAMP)

    canvas.putpalette(_PALETTE)  # the channel's values become palette indices: mode "P"
    output = io.BytesIO()
    canvas.save(output, "PNG", compress_level=_PNG_LEVEL)
    return output.getvalue()
