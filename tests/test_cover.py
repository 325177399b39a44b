"""The typographic cover (``exporters/epub/cover.py``): drawn by Pillow, shaped, reproducible.

The cover as part of a book is tested through the books it goes into
(``test_epub.py``); these tests hold the drawing itself: the PNG Pillow
writes, the fonts fontconfig finds, text shaped by Raqm and set from the
right side for right-to-left languages, and headlines fitted to the page.
"""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from PIL import Image, features

from messenger_content.exporters.epub import cover

HEADLINES = {
    "en": "Council approves night bus pilot for the harbour district",
    "hy": "Գյումրիում վերաբացվեց վերականգնված դրամատիկական թատրոնը",
    "ar": "مزارعو صفاقس يتوقعون موسماً قياسياً لزيت الزيتون",
    "ru": "Городской совет утвердил пилотный проект ночных автобусов",
    "zh": "市议会批准港区夜间公交试点项目",
}

#: The Noto face each language's cover should find, when it is installed.
FAMILIES = {
    "en": "NotoSerif-Bold",
    "hy": "NotoSerifArmenian",
    "ar": "NotoNaskhArabic",
    "ru": "NotoSerif-Bold",
    "zh": "NotoSerifCJK",
}


def draw(language: str, headline: str | None = None) -> bytes:
    """The cover of a headline in *language*, with a publication and a date."""
    return cover.typographic_cover(
        headline=headline or HEADLINES[language],
        publication="The Test Courier",
        date="2026-11-26",
        language=language,
        rtl=language == "ar",
    )


def installed(family_file: str) -> bool:
    """Whether fontconfig lists a font file whose name contains *family_file*."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    listed = subprocess.run([fc_list, ":", "file"], capture_output=True, text=True, check=False)
    return family_file in listed.stdout


def font_for(language: str) -> tuple[str, int]:
    """The headline font fontconfig finds for *language*, or skip when its face is missing."""
    if not installed(FAMILIES[language]):
        pytest.skip(f"the Noto face for {language!r} is not installed")
    found = cover.font_file(HEADLINES[language], language)
    assert found is not None
    return found


def needs_raqm() -> None:
    if not features.check("raqm"):
        pytest.skip("Pillow was built without Raqm: text is not shaped")


@pytest.mark.parametrize("language", sorted(HEADLINES))
def test_cover_is_a_palette_png_of_the_cover_size(language: str) -> None:
    """Pillow writes an ordinary palette PNG, with no time chunk, the same bytes each time."""
    png = draw(language)
    assert png == draw(language)
    assert b"tIME" not in png
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.mode == "P"
        assert image.size == cover.COVER_SIZE
        image.load()
        # Anti-aliased text: many shades between paper and ink, and between accent and paper.
        assert len(image.getcolors(256) or ()) > 40


@pytest.mark.parametrize("language", sorted(HEADLINES))
def test_each_script_gets_its_noto_face(language: str) -> None:
    """For each script, fontconfig answers with the Noto serif face made for it."""
    path, _ = font_for(language)
    assert FAMILIES[language] in path, path


def test_arabic_is_shaped() -> None:
    """Arabic letters join (Raqm): a word is narrower than its letters set apart."""
    needs_raqm()
    face = cover._Face(font_for("ar"), "ar", rtl=True)
    word = "يتوقعون"
    (joined,) = face.widths([word], 100)
    apart = sum(face.widths(list(word), 100))
    assert joined < apart * 0.9


def test_armenian_is_drawn_with_its_own_face() -> None:
    """Armenian is drawn, not replaced by missing-glyph boxes: each letter has its own width."""
    face = cover._Face(font_for("hy"), "hy", rtl=False)
    widths = face.widths(list("Գյումրի"), 100)
    assert len(set(widths)) > 3


def ink_columns(png: bytes, top: int, bottom: int) -> tuple[int, int]:
    """The leftmost and rightmost column with ink between rows *top* and *bottom*."""
    with Image.open(io.BytesIO(png)) as image:
        indices = Image.frombytes("L", image.size, image.tobytes())  # palette indices
    band = indices.crop((0, top, cover.COVER_SIZE[0], bottom))
    box = band.point(lambda v: 255 if 40 < v < 128 else 0).getbbox()  # ink on paper
    assert box is not None
    return box[0], box[2]


def test_right_to_left_lines_start_at_the_right_margin() -> None:
    """An Arabic headline is set from the right margin; an English one from the left."""
    needs_raqm()
    headline = (cover._HEADLINE_TOP, cover._RULE_Y - 90)
    left, right = ink_columns(draw("ar"), *headline)
    assert abs(right - (cover.COVER_SIZE[0] - cover._MARGIN)) <= 12
    assert left > cover._MARGIN + 12
    left, right = ink_columns(draw("en"), *headline)
    assert abs(left - cover._MARGIN) <= 12


def test_long_headlines_are_set_smaller() -> None:
    """The headline is set at the largest size at which it fits the page."""
    face = cover._Face(cover.font_file(HEADLINES["en"], "en"), "en", rtl=False)

    def fitted(text: str) -> tuple[int, list[str]]:
        return cover._fit(
            text, face, width=1000, height=900, sizes=range(132, 43, -6), leading=1.18
        )

    short_size, short_lines = fitted("Bus pilot")
    long_size, long_lines = fitted(" ".join([HEADLINES["en"]] * 4))
    assert short_size == 132
    assert short_lines == ["Bus pilot"]
    assert long_size < short_size
    assert len(long_lines) * long_size * 1.18 <= 900


def test_unspaced_languages_break_between_characters() -> None:
    """Chinese has no spaces: lines break between characters and keep every one of them."""
    face = cover._Face(cover.font_file(HEADLINES["zh"], "zh"), "zh", rtl=False)
    _, lines = cover._fit(
        HEADLINES["zh"] * 3, face, width=1000, height=900, sizes=range(132, 43, -6), leading=1.18
    )
    assert len(lines) > 1
    assert "".join(lines) == HEADLINES["zh"] * 3


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "November 26, 2026"),
        ("en-GB", "26 November 2026"),
        ("hy", "2026 \u0569. \u0576\u0578\u0575\u0565\u0574\u0562\u0565\u0580\u056b 26"),
    ],
)
def test_cover_date(language: str, expected: str) -> None:
    """The date line is CLDR's long date of the language, in the value's own offset."""
    from datetime import datetime, timedelta, timezone

    day = datetime(2026, 11, 26, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert cover.cover_date(day, language) == expected
