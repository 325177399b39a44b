"""Right to left in the PDF: list markers and the quote rule sit on the right, and mirror back."""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import attrs
import pytest
from PIL import Image, ImageChops

import messenger_content as mc

DATA = Path(__file__).parent / "data" / "pdf"

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) is not installed",
)

#: Resolution of the page images the quote rule is looked for in.
DPI = 100
#: The quote rule's colour in print.css (#b0141c), with room for anti-aliasing.
_RED = ((150, 210), (0, 60), (0, 70))
#: A red run at least this tall (in points) is a rule: one line of body text is 15 pt,
#: the tallest red letters (the 7.5 pt kicker) less than 10 pt.
_RULE_MIN_HEIGHT = 12


@attrs.frozen
class Word:
    """A word pdftotext found, with its box in points from the page's top left."""

    text: str
    page: int
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def _lines(pdf: bytes) -> list[list[Word]]:
    """The lines of words of every page, from ``pdftotext -bbox-layout``."""
    xhtml = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-bbox-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    root = ET.fromstring(xhtml)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    lines = []
    for number, page in enumerate(root.iterfind(".//x:page", ns), start=1):
        for line in page.iterfind(".//x:line", ns):
            lines.append(
                [
                    Word(
                        word.text or "",
                        number,
                        *(float(word.attrib[key]) for key in ("xMin", "yMin", "xMax", "yMax")),
                    )
                    for word in line.iterfind("x:word", ns)
                ]
            )
    return lines


@attrs.frozen
class Rule:
    """A vertical red rule found in a page image, in points."""

    page: int
    x: float
    top: float
    bottom: float


def _red_mask(image: Image.Image) -> Image.Image:
    """A grey image, 255 where a pixel has the rule's colour and 0 elsewhere."""
    bands = [
        band.point(lambda value, low=low, high=high: 255 if low <= value <= high else 0)
        for band, (low, high) in zip(image.convert("RGB").split(), _RED, strict=True)
    ]
    return ImageChops.multiply(ImageChops.multiply(bands[0], bands[1]), bands[2])


def _rules(pdf: bytes) -> list[Rule]:
    """The vertical red rules of every page (the block quotes' rules)."""
    rules: list[Rule] = []
    scale = 72 / DPI
    min_run = round(_RULE_MIN_HEIGHT / scale)
    page = 1
    while True:
        found = subprocess.run(
            ["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-singlefile", "-"],
            input=pdf,
            capture_output=True,
            check=False,
        )
        if found.returncode != 0 or not found.stdout:
            return rules
        mask = _red_mask(Image.open(io.BytesIO(found.stdout)))
        width, height = mask.size
        for x in range(width):
            column = mask.crop((x, 0, x + 1, height))
            if column.histogram()[255] < min_run:
                continue  # too few red pixels in this column for a rule
            values = column.tobytes()
            run = 0
            for y, value in enumerate([*values, 0]):
                if value:
                    run += 1
                    continue
                if run >= min_run:
                    rules.append(Rule(page, x * scale, (y - run) * scale, y * scale))
                run = 0
        page += 1


ARTICLES = {
    "arabic": mc.load(DATA / "arabic.json"),
    "hebrew": mc.load(DATA / "hebrew.json"),
}


@functools.cache
def _render(name: str, language: str | None = None) -> bytes:
    """The PDF of one of :data:`ARTICLES`, declared in *language* if given (rendered once)."""
    article = ARTICLES[name]
    if language is not None:
        article = attrs.evolve(article, language=language)
    return mc.to_pdf(article, base_dir=DATA)


def _marker_sides(pdf: bytes) -> list[str]:
    """For each line that starts a list item, the side its bullet is on."""
    sides = []
    for line in _lines(pdf):
        bullets = [word for word in line if word.text == "•"]
        rest = [word for word in line if word.text != "•"]
        if len(bullets) != 1 or not rest:
            continue
        bullet = bullets[0]
        if bullet.x_min >= max(word.x_max for word in rest):
            sides.append("right")
        elif bullet.x_max <= min(word.x_min for word in rest):
            sides.append("left")
        else:
            sides.append("inside")
    return sides


def _rule_sides(pdf: bytes) -> list[str]:
    """For each block quote rule, the side of its quote's text it is on."""
    words = [word for line in _lines(pdf) for word in line]
    sides = []
    for rule in _rules(pdf):
        beside = [
            word
            for word in words
            if word.page == rule.page and rule.top <= (word.y_min + word.y_max) / 2 <= rule.bottom
        ]
        assert beside, f"no text beside the rule {rule}"
        if rule.x >= max(word.x_max for word in beside):
            sides.append("right")
        elif rule.x <= min(word.x_min for word in beside):
            sides.append("left")
        else:
            sides.append("inside")
    return sides


@pytest.mark.parametrize("name", list(ARTICLES))
def test_list_markers_are_on_the_right_in_rtl(name: str) -> None:
    """Every bullet of a right-to-left list stands to the right of its item's text."""
    sides = _marker_sides(_render(name))
    assert len(sides) == 3
    assert set(sides) == {"right"}


@pytest.mark.parametrize("name", list(ARTICLES))
def test_quote_rule_is_on_the_right_in_rtl(name: str) -> None:
    """The block quote's rule runs down the right of the quoted text."""
    assert _rule_sides(_render(name)) == ["right"]


def test_the_same_article_in_ltr_puts_them_on_the_left() -> None:
    """Declared English, the Hebrew article's bullets and quote rule move to the left."""
    pdf = _render("hebrew", "en")
    assert set(_marker_sides(pdf)) == {"left"}
    assert _rule_sides(pdf) == ["left"]
