"""The seed example carries the page it comes from: every sentence, in order, nothing invented.

The page's full text is ``shared/seed/000_3f96dee570885a48.txt`` beside the
clone; ``examples/kardashian-armenian-genocide/SOURCE.txt`` is a byte-for-byte
copy, so these tests do not need anything outside the repository.
``SOURCE.md`` maps each piece of the page to its field and lists what was added.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import messenger_content as mc

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kardashian-armenian-genocide"
SEED_NAME = "000_3f96dee570885a48.txt"
SHARED_SEED = ROOT.parent / "shared" / "seed" / SEED_NAME
PAGE = (EXAMPLE / "SOURCE.txt").read_text(encoding="utf-8")
DOCUMENT: dict[str, Any] = json.loads((EXAMPLE / "article.json").read_text(encoding="utf-8"))

#: Page text the article does not carry, and why.
NOT_ARTICLE_TEXT = {
    "The Messenger's slogan": "the screen-reader label of the slogan, not text of the article",
}
#: The photo credit: the page prints it after the related-story line, the format
#: keeps it with its image (checked on its own below).
CREDIT = "STEFANO RELLANDINI/AFP via Getty Images"
#: Keys whose strings are not text of the page: markup, addresses and what SOURCE.md
#: lists as added (alt text, the format's default button label).
NOT_PAGE_TEXT = {"$schema", "type", "id", "url", "language", "src", "href", "signup_url"}
ADDED = {"alt", "button_label"}

# A sentence ends at . ! or ? (perhaps closing a quote) before white space, or
# where the page runs two texts together ("the news.The Messenger's slogan").
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"”])\s+|(?<=[a-z][.!?])(?=[A-Z])")


def page_sentences(page: str) -> list[str]:
    """The page's text as sentences in page order; the title line gives headline and site."""
    title, *lines = page.split("\n")
    headline, site = title.rsplit(" - ", 1)
    sentences = [headline, site]
    for line in lines:
        sentences.extend(piece for piece in SENTENCE_END.split(line.strip()) if piece)
    return sentences


def strings(
    value: object, key: str | None = None, skip: frozenset[str] = frozenset()
) -> Iterator[str]:
    """Every string in a JSON value, in document order, leaving out those under *skip* keys."""
    if isinstance(value, str):
        if key not in skip:
            yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, key, skip)
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from strings(item, name, skip)


def article_text(document: dict[str, Any]) -> str:
    """The article's text fields in document order, one per line."""
    return "\n".join(strings(document, skip=frozenset(NOT_PAGE_TEXT)))


def not_found_in_order(sentences: list[str], text: str) -> list[str]:
    """The sentences that are not in *text* after the previous one, each with what is wrong."""
    problems: list[str] = []
    position = 0
    for sentence in sentences:
        found = text.find(sentence, position)
        if found >= 0:
            position = found + len(sentence)
        elif sentence in text:
            problems.append(f"out of order: {sentence}")
        else:
            problems.append(f"missing: {sentence}")
    return problems


def checked_sentences() -> list[str]:
    """The page's sentences the order check covers."""
    return [s for s in page_sentences(PAGE) if s not in NOT_ARTICLE_TEXT and s != CREDIT]


def blocks(kind: str) -> list[dict[str, Any]]:
    """The body blocks of one type, in order."""
    return [block for block in DOCUMENT["body"] if block["type"] == kind]


def test_copy_equals_the_shared_seed() -> None:
    """SOURCE.txt is byte for byte the seed file in shared/seed beside the clone."""
    if not SHARED_SEED.is_file():
        pytest.skip(f"{SHARED_SEED} is not beside this clone")
    assert (EXAMPLE / "SOURCE.txt").read_bytes() == SHARED_SEED.read_bytes()


def test_page_splits_into_its_sentences() -> None:
    """The splitter finds the run-together texts and the title's two parts."""
    sentences = page_sentences(PAGE)
    assert sentences[:4] == [
        "Kim Kardashian Urges Biden to 'Stop Another Armenian Genocide'",
        "The Messenger",
        "It's time to break the news.",
        "The Messenger's slogan",
    ]
    assert CREDIT in sentences
    assert sentences[-1] == "You are now signed up for our newsletters."


def test_every_sentence_of_the_page_is_in_the_article_in_order() -> None:
    """Each sentence of the page is in article.json's text, after the one before it."""
    assert not_found_in_order(checked_sentences(), article_text(DOCUMENT)) == []


def test_order_check_fails_on_a_missing_or_moved_sentence() -> None:
    """The check reports a dropped sentence and two swapped paragraphs."""
    sentences = checked_sentences()
    dropped = json.loads(json.dumps(DOCUMENT))
    dropped["body"][3]["text"] = dropped["body"][3]["text"].replace(
        " There is no more time for thoughts, prayers, or concern.", ""
    )
    assert not_found_in_order(sentences, article_text(dropped)) == [
        'missing: There is no more time for thoughts, prayers, or concern."'
    ]
    swapped = json.loads(json.dumps(DOCUMENT))
    body = swapped["body"]
    body[4], body[5] = body[5], body[4]
    assert not_found_in_order(sentences, article_text(swapped)) == [
        "out of order: " + body[4]["text"]
    ]


def test_paragraphs_are_the_page_paragraphs_verbatim() -> None:
    """The fourteen body paragraphs are the page's paragraph lines, whole and unchanged."""
    lines = [line for line in PAGE.split("\n")[2:] if line.strip()]
    newsletter = lines.index("The Messenger Newsletters")
    photo = next(i for i, line in enumerate(lines) if line.startswith("Kim Kardashian poses"))
    expected = lines[:photo] + lines[photo + 2 : newsletter]
    paragraphs = [block["text"] for block in blocks("paragraph")]
    assert len(paragraphs) == 14
    assert paragraphs == expected


def test_photo_lines_map_to_caption_related_story_and_credit() -> None:
    """The caption and credit belong to the image, the energy-drink line is the related story."""
    lines = PAGE.split("\n")
    photo = next(i for i, line in enumerate(lines) if line.startswith("Kim Kardashian poses"))
    (image,) = blocks("image")
    (related,) = blocks("related_link")
    assert image["caption"] == lines[photo]
    assert lines[photo + 1] == related["title"] + image["credit"]
    assert image["credit"] == CREDIT
    body = DOCUMENT["body"]
    assert body.index(related) == body.index(image) + 1


def test_newsletter_texts_are_the_page_lines() -> None:
    """Title, description, legal line and both confirmation texts are the page's last lines."""
    (box,) = blocks("newsletter")
    lines = [line for line in PAGE.split("\n") if line.strip()]
    fields = ["title", "description", "legal", "success_title", "success_message"]
    assert [box[field] for field in fields] == lines[-5:]


def test_nothing_invented() -> None:
    """Every text of article.json is on the page, but for what SOURCE.md lists as added."""
    text_fields = list(strings(DOCUMENT, skip=frozenset(NOT_PAGE_TEXT | ADDED)))
    assert text_fields
    assert [text for text in text_fields if text not in PAGE] == []
    source = (EXAMPLE / "SOURCE.md").read_text(encoding="utf-8")
    for key in ADDED:
        assert f"`{key}`" in source, f"SOURCE.md does not list {key} as added"


def test_seed_example_loads() -> None:
    """article.json is a valid article whose headline and slogan are the page's."""
    article = mc.load(EXAMPLE / "article.json")
    assert article.publication is not None
    assert (article.headline, article.publication.name) == tuple(
        PAGE.split("\n", 1)[0].rsplit(" - ", 1)
    )
    assert article.publication.slogan == "It's time to break the news."
