"""Editions for the HTML, PDF and command-line edition tests: the example, two folders, words."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import messenger_content as mc
from messenger_content.theme import plain_text
from tests.helpers.articles import PHOTO, article_json, write_article

ROOT = Path(__file__).parent.parent.parent
MORNING = ROOT / "examples" / "morning-edition.json"
"""The example edition: four articles in two sections, one Armenian."""
ARABIC = ROOT / "tests" / "data" / "pdf" / "arabic.json"
"""A right-to-left article."""

_WORD = re.compile(r"\w+")


def article_words(article: mc.Article) -> set[str]:
    """Every word of the article's text (headline, dek, body, captions, boxes), lower-cased."""
    texts: list[str] = [article.headline, article.subheadline or "", article.rights or ""]
    texts += [author.name for author in article.authors]
    images = [article.lead_image]
    for block in article.body:
        match block:
            case mc.Paragraph() | mc.Heading():
                texts.append(plain_text(block.text))
            case mc.Quote():
                texts += [plain_text(block.text), block.attribution or "", block.source or ""]
            case mc.ItemList():
                texts += [plain_text(item) for item in block.items]
            case mc.RelatedLink():
                texts += [block.title, block.summary or ""]
            case mc.Newsletter():
                texts += [block.title, block.description or "", block.legal or ""]
            case mc.Image():
                images.append(block)
            case _:
                pass
    for image in images:
        if image is not None:
            texts += [plain_text(image.caption) if image.caption else "", image.credit or ""]
    return {word.lower() for text in texts for word in _WORD.findall(text)}


def missing_words(article: mc.Article, text: str) -> set[str]:
    """The article's words that are not in *text*, as words or (letter-spaced) within it."""
    words = {word.lower() for word in _WORD.findall(text)}
    squashed = re.sub(r"\s+", "", text).lower()
    return {word for word in article_words(article) if word not in words and word not in squashed}


def two_folder_edition(folder: Path, *, same_photo: bool = True, cover: str | None = None) -> Path:
    """Write an edition file whose two articles live in folders of their own, each with photo.jpg.

    With *same_photo* both photos have the same bytes; else the second differs.
    Each article links to its own heading by ``#a-heading``. *cover* is the
    source of a cover image (alt text "The cover"). Returns the edition file.
    """
    for number in (1, 2):
        article_folder = folder / f"story-{number}"
        article_folder.mkdir(parents=True)
        document = article_json(number, image=True)
        document["body"].append(
            {
                "type": "paragraph",
                "text": ["See ", {"type": "link", "href": "#a-heading"}, "."],
            }
        )
        write_article(article_folder / "article.json", document)
        shutil.copy(PHOTO, article_folder / "photo.jpg")
    if not same_photo:
        with (folder / "story-2" / "photo.jpg").open("ab") as photo:
            photo.write(b"\0")  # a JPEG reader ignores bytes after the end marker
    edition_document: dict[str, Any] = {
        "type": "edition",
        "title": "Two folders",
        "id": "two-folders",
        "articles": ["story-1/article.json", "story-2/article.json"],
    }
    if cover is not None:
        edition_document["cover_image"] = {"src": cover, "alt": "The cover"}
    edition = folder / "edition.json"
    edition.write_text(json.dumps(edition_document), encoding="utf-8")
    return edition
