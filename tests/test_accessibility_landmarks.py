"""Landmarks in the HTML, checked without a browser: what axe-core's rules rely on.

``tests/test_accessibility_html.py`` runs axe-core itself when Chromium is
installed; these tests pin the structure down everywhere.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

import messenger_content as mc
from messenger_content.exporters.html import to_html
from messenger_content.theme import Media

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted(ROOT.glob("examples/*/article.json"))
EVERY_FIELD = Path(__file__).parent / "data" / "html" / "every-field.json"


def _page(path: Path, media: Media = "screen") -> lxml.html.HtmlElement:
    article = mc.load(path)
    return lxml.html.document_fromstring(
        to_html(article, base_dir=path.parent, allow_remote=True, media=media)
    )


@pytest.mark.parametrize("path", [*EXAMPLES, EVERY_FIELD], ids=lambda p: p.parent.name)
def test_the_article_is_the_pages_one_main_landmark(path: Path) -> None:
    """The body holds one <main>, and it holds the <article> and nothing else."""
    body = _page(path).body
    assert [child.tag for child in body] == ["main"]
    assert [child.tag for child in body[0]] == ["article"]


@pytest.mark.parametrize("media", ["screen", "print", "epub"])
def test_boxes_are_named_by_their_visible_text(media: Media) -> None:
    """Newsletter and related-story <aside>s are named by ids that exist, each differently."""
    page = _page(EVERY_FIELD, media=media)
    names = []
    for aside in page.xpath("//aside[contains(@class, 'newsletter') or @class='related']"):
        ids = aside.get("aria-labelledby", "").split()
        assert ids, lxml.html.tostring(aside)
        texts = [" ".join(page.get_element_by_id(i).text_content().split()) for i in ids]
        assert all(texts), ids
        names.append(" ".join(texts))
    assert len(names) >= 3
    assert len(set(names)) == len(names), names


def test_a_fragment_brings_no_main() -> None:
    """A fragment is one <article> with its language: the host page owns the landmarks."""
    fragment = lxml.html.fragment_fromstring(to_html(mc.load(EXAMPLES[0]), fragment=True))
    assert fragment.tag == "article"
    assert fragment.get("lang") == mc.load(EXAMPLES[0]).language
    assert fragment.xpath("//main") == []
