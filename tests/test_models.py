"""Models built in Python are held to the same rules as models loaded from JSON."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import attrs
import pytest

import messenger_content as mc
from messenger_content.models import Correction, Embed, Image, Preformatted, Table


def test_models_are_frozen_slotted_values() -> None:
    """Models are immutable, slotted and compare by value."""
    first = mc.Paragraph(text=["a", mc.Emphasis(text="b")])
    second = mc.Paragraph(text=("a", mc.Emphasis(text=("b",))))
    assert first == second
    assert hash(first) == hash(second)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        first.text = ("c",)  # type: ignore[misc]
    assert not hasattr(first, "__dict__")


def test_models_are_keyword_only() -> None:
    """Fields are passed by name, so adding fields never breaks callers."""
    with pytest.raises(TypeError):
        mc.Paragraph("text")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("build", "path", "words"),
    [
        (lambda: mc.Article(headline="", body=()), "headline", "must not be empty"),
        (lambda: mc.Article(headline="x", body=(), language="xx_YY"), "language", "BCP 47"),
        (lambda: mc.Article(headline="x", body=(), url="ftp://a/b"), "url", "ftp: URLs"),
        (
            lambda: mc.Article(headline="x", body=(), published=datetime(2023, 7, 28)),
            "published",
            "no offset",
        ),
        (lambda: mc.Article(headline="x", body=("text",)), "body[0]", "expected a block"),  # type: ignore[arg-type]
        (
            lambda: mc.Article(headline="x", body=(), tags=("a", " ")),
            "tags[1]",
            "must not be empty",
        ),
        (lambda: mc.Heading(text="h", level=1), "level", "expected one of 2, 3, 4, 5, 6"),  # type: ignore[arg-type]
        (lambda: mc.Heading(text="h", level=True), "level", "expected one of"),  # type: ignore[arg-type]
        (lambda: mc.Quote(text="q", style="loud"), "style", "expected one of"),  # type: ignore[arg-type]
        (lambda: mc.Link(href="javascript:alert(1)"), "href", "javascript: links are not allowed"),
        (lambda: mc.Link(href=" https://example.org"), "href", "without white space"),
        (lambda: mc.Link(href="https://x.org", text=""), "text", "must not be empty"),
        (lambda: mc.Paragraph(text=""), "text", "must not be empty"),
        (lambda: mc.Paragraph(text=["ok", "bad\x00"]), "text[0]", "U+0000"),
        (lambda: mc.Paragraph(text=[3]), "text[0]", "expected a string or an inline node"),  # type: ignore[list-item]
        (lambda: mc.ItemList(items=[]), "items", "at least one item"),
        (lambda: mc.ItemList(items=["a", []]), "items[1]", "must not be empty"),
        (lambda: mc.ItemList(items=["a"], ordered=1), "ordered", "true or false"),  # type: ignore[arg-type]
        (lambda: mc.Image(src="file:///etc/passwd"), "src", "file: image sources"),
        (lambda: mc.Image(src="a.png", width=0), "width", "positive integer"),
        (lambda: mc.Code(text=" "), "text", "must not be empty"),
        (lambda: mc.Newsletter(title="t", button_label=""), "button_label", "must not be empty"),
        (lambda: mc.Author(name="\x1b"), "name", "U+001B"),
        (lambda: Table(rows=[]), "rows", "at least one row"),
        (lambda: Table(rows=[[]]), "rows[0]", "at least one cell"),
        (lambda: Table(rows=[["a", [3]]]), "rows[0][1][0]", "expected a string or an inline node"),  # type: ignore[list-item]
        (
            lambda: Table(header_rows=[["a", "b\x1b"]], rows=[["a"]]),
            "header_rows[0][1][0]",
            "U+001B",
        ),
        (lambda: Preformatted(text=" \n"), "text", "must not be empty"),
        (lambda: Preformatted(text="x", style="poem"), "style", "expected one of 'code', 'verse'"),  # type: ignore[arg-type]
        (lambda: Preformatted(text="x", language="java script"), "language", "language name"),
        (lambda: Embed(url="javascript:alert(1)"), "url", "javascript: URLs are not allowed"),
        (lambda: Embed(url="https://v.example", poster="a.png"), "poster", "expected an Image"),  # type: ignore[arg-type]
        (lambda: Embed(url="https://v.example", fallback=""), "fallback", "must not be empty"),
        (lambda: Correction(date=datetime(2026, 12, 1, 10), text="x"), "date", "no offset"),
        (lambda: Correction(date="2026-12-01", text="x"), "date", "expected a date or a datetime"),  # type: ignore[arg-type]
        (lambda: Correction(text=""), "text", "must not be empty"),
        (lambda: mc.Article(headline="x", body=(), dateline=" "), "dateline", "must not be empty"),
        (
            lambda: mc.Article(headline="x", body=(), corrections=("x",)),  # type: ignore[arg-type]
            "corrections[0]",
            "expected a Correction",
        ),
    ],
)
def test_invalid_models_raise_validation_error(build: object, path: str, words: str) -> None:
    """Building a model that breaks a rule raises ValidationError naming the field."""
    with pytest.raises(mc.ValidationError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.path == path
    assert words in str(caught.value)
    assert isinstance(caught.value, mc.ContentError)
    assert isinstance(caught.value, ValueError)


def test_inline_text_normalises_in_python_too() -> None:
    """Constructors merge adjacent strings and drop empty ones, as the loader does."""
    paragraph = mc.Paragraph(text=["a", "", "b", mc.LineBreak(), "c"])
    assert paragraph.text == ("ab", mc.LineBreak(), "c")


def test_python_built_article_round_trips() -> None:
    """An article built in code dumps to JSON that loads back equal."""
    article = mc.Article(
        headline="Built in code",
        published=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        authors=[mc.Author(name="A. Writer", role="Reporter")],
        tags=["one", "two"],
        body=[
            mc.Paragraph(text=["Hello ", mc.Link(href="https://example.org", text="world")]),
            mc.ItemList(items=["one", ["two ", mc.Code(text="x = 1")]], ordered=True),
            mc.Divider(),
        ],
    )
    assert mc.loads(mc.dumps(article)) == article
    assert isinstance(article.body, tuple)
    assert isinstance(article.authors, tuple)


def test_python_built_format_1_1_article_round_trips() -> None:
    """Tables (ragged, empty cells), code, verse, embeds, dateline and corrections round-trip."""
    article = mc.Article(
        headline="Format 1.1",
        dateline="KYIV, Ukraine",
        corrections=[
            Correction(date=date(2026, 12, 1), text="Dated by the day."),
            Correction(date=datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc), text="By the time."),
            Correction(text="Undated."),
        ],
        body=[
            Table(caption="T", header_rows=[["a", ""]], rows=[["", mc.Code(text="x")], ["only"]]),
            Preformatted(text="x = 1\n\ty = 2", language="python"),
            Preformatted(text="a line\n\nanother", style="verse"),
            Embed(url="https://v.example/1", title="V", poster=Image(src="p.jpg", alt="P")),
        ],
    )
    document = mc.dumps(article)
    assert mc.loads(document) == article
    assert '"date": "2026-12-01"' in document
    assert '"date": "2026-12-02T09:00:00Z"' in document
    table = json.loads(document)["body"][0]
    assert table["rows"] == [["", [{"type": "code", "text": "x"}]], ["only"]]
    assert table["header_rows"] == [["a", ""]]
