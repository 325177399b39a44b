"""Right to left and fonts in the HTML, read from Chromium's computed layout of screen.css."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import attrs
import pytest

import messenger_content as mc

DATA = Path(__file__).parent / "data" / "pdf"
CHROMIUM = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")

#: Measures the page once loaded and leaves the figures in an attribute of <body>.
_PROBE = """<script>
const style = (element) => getComputedStyle(element);
const list = document.querySelector(".article-body ul");
const item = list && list.querySelector("li");
const quote = document.querySelector(".article-body > .quote");
const box = (element) => element.getBoundingClientRect();
document.body.setAttribute("data-probe", JSON.stringify({
  list: list && {
    paddingLeft: parseFloat(style(list).paddingLeft),
    paddingRight: parseFloat(style(list).paddingRight),
    gapLeft: box(item).left - box(list).left,
    gapRight: box(list).right - box(item).right,
  },
  quote: quote && {
    left: parseFloat(style(quote).borderLeftWidth),
    right: parseFloat(style(quote).borderRightWidth),
  },
  headline: style(document.querySelector(".headline")).fontFamily,
  byline: style(document.querySelector(".byline")).fontFamily,
}));
</script>"""


def _probe(article: mc.Article, folder: Path) -> dict[str, Any]:
    """Chromium's computed layout of *article*'s HTML page (see :data:`_PROBE`)."""
    assert CHROMIUM is not None
    page = folder / "page.html"
    page.write_text(mc.to_html(article).replace("</body>", f"{_PROBE}</body>"), encoding="utf-8")
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True,
        check=True,
        text=True,
        timeout=120,
    ).stdout
    found = re.search(r'data-probe="([^"]*)"', dom)
    assert found, "the probe did not run"
    result: dict[str, Any] = json.loads(html.unescape(found[1]))
    return result


@pytest.mark.parametrize("name", ["arabic", "hebrew"])
def test_list_indent_and_quote_rule_are_on_the_right_in_rtl(name: str, tmp_path: Path) -> None:
    """The list's marker gutter and the quote's rule are on the right of a right-to-left page."""
    probe = _probe(mc.load(DATA / f"{name}.json"), tmp_path)
    assert probe["list"]["paddingRight"] > 0
    assert probe["list"]["paddingLeft"] == 0
    assert probe["list"]["gapRight"] > probe["list"]["gapLeft"]
    assert probe["quote"]["right"] > 0
    assert probe["quote"]["left"] == 0


def test_the_same_page_in_ltr_mirrors_back(tmp_path: Path) -> None:
    """Declared English, the Hebrew article's list gutter and quote rule are on the left."""
    article = attrs.evolve(mc.load(DATA / "hebrew.json"), language="en")
    probe = _probe(article, tmp_path)
    assert probe["list"]["paddingLeft"] > 0
    assert probe["list"]["paddingRight"] == 0
    assert probe["quote"]["left"] > 0
    assert probe["quote"]["right"] == 0


@pytest.mark.parametrize(
    ("language", "serif", "sans"),
    [
        ("zh-Hans", "Noto Serif CJK SC", "Noto Sans CJK SC"),
        ("zh-TW", "Noto Serif CJK TC", "Noto Sans CJK TC"),
        ("ja", "Noto Serif CJK JP", "Noto Sans CJK JP"),
        ("hy", "Noto Serif Armenian", "Noto Sans Armenian"),
    ],
)
def test_the_page_names_the_faces_of_its_language(
    language: str, serif: str, sans: str, tmp_path: Path
) -> None:
    """The headline's stack starts with the language's serif face; the byline's has its sans."""
    article = mc.Article(
        language=language,
        headline="图書館 Գյումրի",
        authors=(mc.Author(name="A"),),
        body=(mc.Paragraph(text="x"),),
    )
    probe = _probe(article, tmp_path)
    assert probe["headline"].split(",")[0].strip('" ') == serif
    assert sans in probe["byline"]
