"""Small article documents, valid and malformed, for tests of the loader and the schema."""

from __future__ import annotations

import json
from typing import Any


def minimal(**fields: Any) -> dict[str, Any]:
    """A valid article document, with *fields* replacing or adding keys."""
    document: dict[str, Any] = {
        "headline": "A headline",
        "body": [{"type": "paragraph", "text": "Some text."}],
    }
    document.update(fields)
    return document


def with_block(block: Any) -> dict[str, Any]:
    """A valid article whose second block is *block*."""
    return minimal(body=[{"type": "paragraph", "text": "First."}, block])


def text_of(document: Any) -> str:
    """*document* as JSON text."""
    return json.dumps(document)


# Each case: (id, JSON text, path the first problem must name, words the message must contain).
MALFORMED: list[tuple[str, str, str, str]] = [
    ("missing-headline", text_of({"body": []}), "headline", "required key is missing"),
    ("missing-body", text_of({"headline": "x"}), "body", "required key is missing"),
    ("empty-headline", text_of(minimal(headline="")), "headline", "must not be empty"),
    ("blank-headline", text_of(minimal(headline="  \n ")), "headline", "must not be empty"),
    ("headline-number", text_of(minimal(headline=5)), "headline", "expected a string"),
    ("unknown-top-key", text_of(minimal(hedline="typo")), "hedline", "unknown key"),
    ("wrong-type-tag", text_of(minimal(type="blog")), "type", '"article"'),
    ("body-not-list", text_of(minimal(body={"type": "paragraph"})), "body", "expected an array"),
    ("block-not-object", text_of(minimal(body=["text"])), "body[0]", "expected a block object"),
    ("block-without-type", text_of(with_block({"text": "x"})), "body[1].type", "required key"),
    ("unknown-block-type", text_of(with_block({"type": "video"})), "body[1].type", "unknown block"),
    (
        "unknown-block-key",
        text_of(with_block({"type": "paragraph", "text": "x", "txt": "y"})),
        "body[1].txt",
        "unknown key",
    ),
    (
        "paragraph-without-text",
        text_of(with_block({"type": "paragraph"})),
        "body[1].text",
        "required key",
    ),
    (
        "empty-paragraph",
        text_of(with_block({"type": "paragraph", "text": ""})),
        "body[1].text",
        "must not be empty",
    ),
    (
        "empty-inline-list",
        text_of(with_block({"type": "paragraph", "text": []})),
        "body[1].text",
        "must not be empty",
    ),
    (
        "javascript-link",
        text_of(
            with_block(
                {
                    "type": "paragraph",
                    "text": ["see ", {"type": "link", "href": "javascript:alert(1)", "text": "x"}],
                }
            )
        ),
        "body[1].text[1].href",
        "javascript: links are not allowed",
    ),
    (
        "data-link",
        text_of(
            with_block(
                {"type": "paragraph", "text": [{"type": "link", "href": "data:text/html,<b>"}]}
            )
        ),
        "body[1].text[0].href",
        "data: links are not allowed",
    ),
    (
        "tab-hidden-javascript-link",
        text_of(
            with_block({"type": "paragraph", "text": [{"type": "link", "href": "java\tscript:x"}]})
        ),
        "body[1].text[0].href",
        "without white space",
    ),
    (
        "nested-bad-link",
        text_of(
            with_block(
                {
                    "type": "quote",
                    "text": [
                        {
                            "type": "emphasis",
                            "text": ["a", {"type": "link", "href": "file:///etc/passwd"}],
                        }
                    ],
                }
            )
        ),
        "body[1].text[0].text[1].href",
        "file: links are not allowed",
    ),
    (
        "unknown-inline-type",
        text_of(with_block({"type": "paragraph", "text": [{"type": "underline", "text": "x"}]})),
        "body[1].text[0].type",
        "unknown inline type",
    ),
    (
        "inline-number",
        text_of(with_block({"type": "paragraph", "text": ["a", 3]})),
        "body[1].text[1]",
        "expected a string or an inline object",
    ),
    (
        "control-character",
        text_of(with_block({"type": "paragraph", "text": "bell\u0007"})),
        "body[1].text",
        "U+0007",
    ),
    (
        "control-character-in-list",
        text_of(
            with_block(
                {"type": "paragraph", "text": ["ok", {"type": "strong", "text": "\u001b[31m"}]}
            )
        ),
        "body[1].text[1].text",
        "U+001B",
    ),
    (
        "carriage-return",
        text_of(minimal(headline="one\r\ntwo")),
        "headline",
        "U+000D",
    ),
    (
        "heading-level-1",
        text_of(with_block({"type": "heading", "text": "h", "level": 1})),
        "body[1].level",
        "expected one of 2, 3, 4, 5, 6",
    ),
    (
        "heading-level-7",
        text_of(with_block({"type": "heading", "text": "h", "level": 7})),
        "body[1].level",
        "got 7",
    ),
    (
        "heading-level-string",
        text_of(with_block({"type": "heading", "text": "h", "level": "2"})),
        "body[1].level",
        "expected one of",
    ),
    (
        "heading-level-bool",
        text_of(with_block({"type": "heading", "text": "h", "level": True})),
        "body[1].level",
        "expected one of",
    ),
    (
        "quote-style",
        text_of(with_block({"type": "quote", "text": "q", "style": "huge"})),
        "body[1].style",
        '"block", "pull"',
    ),
    (
        "empty-list",
        text_of(with_block({"type": "list", "items": []})),
        "body[1].items",
        "at least one item",
    ),
    (
        "empty-list-item",
        text_of(with_block({"type": "list", "items": ["a", ""]})),
        "body[1].items[1]",
        "must not be empty",
    ),
    (
        "ordered-not-bool",
        text_of(with_block({"type": "list", "items": ["a"], "ordered": 1})),
        "body[1].ordered",
        "expected true or false",
    ),
    (
        "image-without-src",
        text_of(with_block({"type": "image", "alt": "x"})),
        "body[1].src",
        "required key",
    ),
    (
        "image-javascript-src",
        text_of(with_block({"type": "image", "src": "javascript:x"})),
        "body[1].src",
        "javascript: image sources are not allowed",
    ),
    (
        "image-zero-width",
        text_of(with_block({"type": "image", "src": "a.png", "width": 0})),
        "body[1].width",
        "positive integer",
    ),
    (
        "image-float-height",
        text_of(with_block({"type": "image", "src": "a.png", "height": 2.5})),
        "body[1].height",
        "expected an integer",
    ),
    (
        "newsletter-without-title",
        text_of(with_block({"type": "newsletter"})),
        "body[1].title",
        "required key",
    ),
    (
        "related-link-bad-url",
        text_of(with_block({"type": "related_link", "title": "t", "url": "vbscript:x"})),
        "body[1].url",
        "vbscript: links are not allowed",
    ),
    (
        "divider-with-field",
        text_of(with_block({"type": "divider", "text": "x"})),
        "body[1].text",
        "unknown key",
    ),
    ("naive-date", text_of(minimal(published="2023-07-28T10:00:00")), "published", "has no offset"),
    ("date-only", text_of(minimal(published="2023-07-28")), "published", "RFC 3339"),
    (
        "impossible-date",
        text_of(minimal(updated="2023-02-30T10:00:00Z")),
        "updated",
        "not a real date",
    ),
    ("date-number", text_of(minimal(published=1690538400)), "published", "date-time string"),
    (
        "relative-canonical-url",
        text_of(minimal(url="/news/1")),
        "url",
        "absolute http or https URL",
    ),
    ("bad-language", text_of(minimal(language="English!")), "language", "BCP 47"),
    ("authors-not-list", text_of(minimal(authors="Jane")), "authors", "expected an array"),
    (
        "author-without-name",
        text_of(minimal(authors=[{"role": "Editor"}])),
        "authors[0].name",
        "required key",
    ),
    (
        "author-unknown-key",
        text_of(minimal(authors=[{"name": "A", "email": "a@b"}])),
        "authors[0].email",
        "unknown key",
    ),
    ("tag-empty", text_of(minimal(tags=["ok", ""])), "tags[1]", "must not be empty"),
    (
        "publication-without-name",
        text_of(minimal(publication={"slogan": "s"})),
        "publication.name",
        "required key",
    ),
    (
        "logo-bad-src",
        text_of(minimal(publication={"name": "P", "logo": {"src": "ftp://x/y.png"}})),
        "publication.logo.src",
        "ftp: image sources",
    ),
    (
        "lead-image-with-type",
        text_of(minimal(lead_image={"type": "image", "src": "a.png"})),
        "lead_image.type",
        "unknown key",
    ),
    ("null-optional", text_of(minimal(subheadline=None)), "subheadline", "null is not allowed"),
    ("schema-not-string", text_of(minimal(**{"$schema": 3})), "$schema", "expected a string"),
    *[
        # Format 1.1: tables, preformatted text, embeds, dateline and corrections.
        (name, text_of(document), path, words)
        for name, document, path, words in [
            (
                "table-rows-not-list",
                with_block({"type": "table", "rows": {"a": 1}}),
                "body[1].rows",
                "expected an array",
            ),
            (
                "table-without-rows",
                with_block({"type": "table", "header_rows": [["a"]]}),
                "body[1].rows",
                "required key",
            ),
            (
                "table-no-rows",
                with_block({"type": "table", "rows": []}),
                "body[1].rows",
                "at least one row",
            ),
            (
                "table-empty-row",
                with_block({"type": "table", "rows": [["a"], []]}),
                "body[1].rows[1]",
                "at least one cell",
            ),
            (
                "table-row-not-list",
                with_block({"type": "table", "rows": ["a"]}),
                "body[1].rows[0]",
                "expected an array",
            ),
            (
                "table-cell-number",
                with_block({"type": "table", "rows": [["a", 3]]}),
                "body[1].rows[0][1]",
                "expected a string or an array of inline content, got an integer",
            ),
            (
                "table-cell-null",
                with_block({"type": "table", "rows": [["a", None]]}),
                "body[1].rows[0][1]",
                "got null",
            ),
            (
                "table-header-cell-javascript",
                with_block(
                    {
                        "type": "table",
                        "header_rows": [[[{"type": "link", "href": "javascript:x", "text": "a"}]]],
                        "rows": [["a"]],
                    }
                ),
                "body[1].header_rows[0][0][0].href",
                "javascript: links are not allowed",
            ),
            (
                "table-cell-control",
                with_block({"type": "table", "rows": [["a\u0007"]]}),
                "body[1].rows[0][0]",
                "U+0007",
            ),
            (
                "table-empty-caption",
                with_block({"type": "table", "caption": "", "rows": [["a"]]}),
                "body[1].caption",
                "must not be empty",
            ),
            (
                "table-unknown-key",
                with_block({"type": "table", "row": [["a"]], "rows": [["a"]]}),
                "body[1].row",
                "did you mean 'rows'?",
            ),
            (
                "preformatted-without-text",
                with_block({"type": "preformatted"}),
                "body[1].text",
                "required key",
            ),
            (
                "preformatted-blank",
                with_block({"type": "preformatted", "text": "  \n"}),
                "body[1].text",
                "must not be empty",
            ),
            (
                "preformatted-inline-text",
                with_block({"type": "preformatted", "text": ["x"]}),
                "body[1].text",
                "expected a string",
            ),
            (
                "preformatted-style",
                with_block({"type": "preformatted", "text": "x", "style": "poem"}),
                "body[1].style",
                '"code", "verse"',
            ),
            (
                "preformatted-language-with-space",
                with_block({"type": "preformatted", "text": "x", "language": "java script"}),
                "body[1].language",
                "expected a language name such as 'python'",
            ),
            (
                "preformatted-language-with-backtick",
                with_block({"type": "preformatted", "text": "x", "language": "py`"}),
                "body[1].language",
                "expected a language name",
            ),
            (
                "embed-javascript",
                with_block({"type": "embed", "url": "javascript:alert(1)"}),
                "body[1].url",
                "javascript: URLs are not allowed",
            ),
            (
                "embed-relative-url",
                with_block({"type": "embed", "url": "/video"}),
                "body[1].url",
                "absolute http or https URL",
            ),
            (
                "embed-without-url",
                with_block({"type": "embed", "title": "x"}),
                "body[1].url",
                "required key",
            ),
            (
                "embed-poster-without-src",
                with_block({"type": "embed", "url": "https://v.example/1", "poster": {"alt": "x"}}),
                "body[1].poster.src",
                "required key",
            ),
            (
                "embed-poster-file",
                with_block(
                    {"type": "embed", "url": "https://v.example/1", "poster": {"src": "file:///x"}}
                ),
                "body[1].poster.src",
                "file: image sources",
            ),
            (
                "embed-poster-with-type",
                with_block(
                    {
                        "type": "embed",
                        "url": "https://v.example/1",
                        "poster": {"type": "image", "src": "a.png"},
                    }
                ),
                "body[1].poster.type",
                "unknown key",
            ),
            (
                "embed-empty-fallback",
                with_block({"type": "embed", "url": "https://v.example/1", "fallback": []}),
                "body[1].fallback",
                "must not be empty",
            ),
            (
                "embed-unknown-key",
                with_block({"type": "embed", "url": "https://v.example/1", "titel": "x"}),
                "body[1].titel",
                "did you mean 'title'?",
            ),
            ("dateline-blank", minimal(dateline=" "), "dateline", "must not be empty"),
            ("dateline-number", minimal(dateline=1), "dateline", "expected a string"),
            (
                "corrections-not-list",
                minimal(corrections={"text": "x"}),
                "corrections",
                "expected an array",
            ),
            (
                "correction-without-text",
                minimal(corrections=[{"date": "2026-12-01"}]),
                "corrections[0].text",
                "required key",
            ),
            (
                "correction-naive-date-time",
                minimal(corrections=[{"date": "2026-12-01T10:00:00", "text": "x"}]),
                "corrections[0].date",
                "has no offset",
            ),
            (
                "correction-not-a-date",
                minimal(corrections=[{"date": "yesterday", "text": "x"}]),
                "corrections[0].date",
                "expected a date such as",
            ),
            (
                "correction-unreal-date",
                minimal(corrections=[{"date": "2026-02-30", "text": "x"}]),
                "corrections[0].date",
                "not a real date",
            ),
            (
                "correction-date-number",
                minimal(corrections=[{"date": 20261201, "text": "x"}]),
                "corrections[0].date",
                "expected a date string",
            ),
            (
                "correction-unknown-key",
                minimal(corrections=[{"dat": "2026-12-01", "text": "x"}]),
                "corrections[0].dat",
                "did you mean 'date'?",
            ),
            (
                "correction-empty-text",
                minimal(corrections=[{"text": ""}]),
                "corrections[0].text",
                "must not be empty",
            ),
        ]
    ],
]
