"""The content models: the vocabulary of the whole project.

Every model is an immutable value (an attrs ``frozen`` class, slotted and
keyword-only). Models check their own invariants when built, so an
:class:`Article` written in Python is held to the same rules as one loaded from
JSON; a broken rule raises :class:`~messenger_content.errors.ValidationError`
naming the field.

Inline text (a paragraph's ``text``, a caption, a list item) is a tuple of
:data:`Inline` items: plain strings and inline nodes. Constructors also take a
plain string, and normalise what they are given (adjacent strings merged, empty
strings dropped), so equal content always makes equal values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from . import _rules
from .errors import Problem, ValidationError

__all__ = [
    "Article",
    "Author",
    "Block",
    "Code",
    "Correction",
    "Divider",
    "Edition",
    "EditionArticle",
    "Embed",
    "Emphasis",
    "Heading",
    "Image",
    "Inline",
    "ItemList",
    "LineBreak",
    "Link",
    "Newsletter",
    "Paragraph",
    "Preformatted",
    "Publication",
    "Quote",
    "RelatedLink",
    "Rule",
    "Section",
    "Strong",
    "Table",
    "Text",
]


# --- field rules -----------------------------------------------------------
#
# Each rule is a validator that also knows its JSON Schema fragment, so the
# schema is generated from the same objects that check the values.


def _fail(path: str, message: str) -> ValidationError:
    return ValidationError([Problem(path, message)])


def _check_str(path: str, value: object, *, empty_ok: bool = False) -> None:
    if not isinstance(value, str):
        raise _fail(path, f"expected a string, got {type(value).__name__}")
    if not empty_ok and not value.strip():
        raise _fail(path, "must not be empty")
    problem = _rules.text_problem(value)
    if problem is not None:
        raise _fail(path, problem)


_STRING_SCHEMA: dict[str, Any] = {
    "type": "string",
    "allOf": [{"pattern": _rules.NONBLANK_PATTERN}, {"pattern": _rules.TEXT_PATTERN}],
}


@attrs.frozen
class Rule:
    """A field validator that also publishes its JSON Schema fragment."""

    check: Callable[[str, Any], None]
    """Raises :class:`ValidationError` (path relative to the field) if the value is bad."""
    schema: dict[str, Any]
    """JSON Schema fragment for the field's value."""
    loader_checks: bool = False
    """Whether the JSON loader's hook for the field's type already checks all of this rule."""

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        """Check *value* as attrs validators do; ``None`` passes where it is the default."""
        if value is None and attribute.default is None:
            return
        self.check(attribute.name, value)


def _string_check(path: str, value: object) -> None:
    _check_str(path, value)


def _url_rule(problem_of: Callable[[str], str | None], pattern: str) -> Rule:
    def check(path: str, value: object) -> None:
        _check_str(path, value)
        assert isinstance(value, str)
        problem = problem_of(value)
        if problem is not None:
            raise _fail(path, problem)

    return Rule(
        check,
        {"type": "string", "allOf": [{"pattern": _rules.NONBLANK_PATTERN}, {"pattern": pattern}]},
    )


def _language_check(path: str, value: object) -> None:
    _check_str(path, value)
    assert isinstance(value, str)
    problem = _rules.language_problem(value)
    if problem is not None:
        raise _fail(path, problem)


def _datetime_check(path: str, value: object) -> None:
    problem = _rules.datetime_problem(value)
    if problem is not None:
        raise _fail(path, problem)


def _date_check(path: str, value: object) -> None:
    problem = _rules.date_problem(value)
    if problem is not None:
        raise _fail(path, problem)


def _positive_int_check(path: str, value: object) -> None:
    if type(value) is not int:
        raise _fail(path, f"expected an integer, got {type(value).__name__}")
    if value < 1:
        raise _fail(path, f"expected a positive integer, got {value}")


def _choice(*allowed: object) -> Rule:
    def check(path: str, value: object) -> None:
        if not any(type(value) is type(a) and value == a for a in allowed):
            shown = ", ".join(map(repr, allowed))
            raise _fail(path, f"expected one of {shown}, got {value!r}")

    return Rule(check, {"enum": list(allowed)})


def _flag_check(path: str, value: object) -> None:
    if type(value) is not bool:
        raise _fail(path, f"expected true or false, got {type(value).__name__}")


def _strings_check(path: str, value: object) -> None:
    assert isinstance(value, tuple)
    for index, item in enumerate(value):
        _check_str(f"{path}[{index}]", item)


def _instances(kind: type | tuple[type, ...], what: str) -> Rule:
    def check(path: str, value: object) -> None:
        items = value if isinstance(value, tuple) else (value,)
        for index, item in enumerate(items):
            if not isinstance(item, kind):
                where = f"{path}[{index}]" if isinstance(value, tuple) else path
                raise _fail(where, f"expected {what}, got {type(item).__name__}")

    return Rule(check, {})


_string = Rule(_string_check, _STRING_SCHEMA)
_href = _url_rule(_rules.href_problem, _rules.HREF_PATTERN)
_http_url = _url_rule(_rules.http_url_problem, _rules.HTTP_URL_PATTERN)
_src = _url_rule(_rules.src_problem, _rules.SRC_PATTERN)
_language = Rule(_language_check, {"type": "string", "pattern": _rules.LANGUAGE_PATTERN})
_datetime = Rule(
    _datetime_check,
    {"type": "string", "format": "date-time", "pattern": _rules.DATETIME_PATTERN},
)
_date = Rule(
    _date_check,
    {
        "anyOf": [
            {"type": "string", "format": "date", "pattern": _rules.DATE_PATTERN},
            {"type": "string", "format": "date-time", "pattern": _rules.DATETIME_PATTERN},
        ]
    },
)
_positive_int = Rule(_positive_int_check, {"type": "integer", "minimum": 1})
_flag = Rule(_flag_check, {"type": "boolean"})
_strings = Rule(_strings_check, {"type": "array", "items": _STRING_SCHEMA})


# --- inline content ----------------------------------------------------------


def to_text(value: str | InlineNode | Iterable[Inline]) -> Text:
    """Normalise inline content: a string or node becomes a 1-tuple, strings merge, empties go."""
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, (Emphasis, Strong, Link, Code, LineBreak)):
        return (value,)
    result: list[Inline] = []
    for item in value:
        if isinstance(item, str):
            if not item:
                continue
            if result and isinstance(result[-1], str):
                result[-1] += item
                continue
        result.append(item)
    return tuple(result)


def _check_text(path: str, value: Text, *, empty_ok: bool) -> None:
    if not value and not empty_ok:
        raise _fail(path, "must not be empty")
    for index, item in enumerate(value):
        if isinstance(item, str):
            _check_str(f"{path}[{index}]", item, empty_ok=True)
        elif not isinstance(item, INLINE_NODE_CLASSES):
            raise _fail(
                f"{path}[{index}]",
                f"expected a string or an inline node, got {type(item).__name__}",
            )


def _text_check(path: str, value: object) -> None:
    if not isinstance(value, tuple):
        raise _fail(path, f"expected inline content, got {type(value).__name__}")
    _check_text(path, value, empty_ok=False)


_text = Rule(_text_check, {"$ref": "#/$defs/text"}, loader_checks=True)


def _nesting(text: Text, limit: int) -> int:
    """How many inline nodes deep *text* goes (0 for plain strings); stops past *limit*."""
    deepest = 0
    pending: list[tuple[Text, int]] = [(text, 1)]
    while pending:
        items, depth = pending.pop()
        for item in items:
            if isinstance(item, str):
                continue
            if depth > limit:
                return depth
            deepest = max(deepest, depth)
            inner = getattr(item, "text", None)
            if isinstance(inner, tuple):
                pending.append((inner, depth + 1))
    return deepest


def _node_text_check(path: str, value: object) -> None:
    _text_check(path, value)
    assert isinstance(value, tuple)
    # The node itself is one level: what it holds may go one level less deep.
    if _nesting(value, _rules.MAX_INLINE_DEPTH - 1) > _rules.MAX_INLINE_DEPTH - 1:
        raise _fail(
            path, f"inline content is nested more than {_rules.MAX_INLINE_DEPTH} levels deep"
        )


#: The content of an inline node: inline text, at most MAX_INLINE_DEPTH nodes deep
#: in all, as the loader enforces (models built in Python hold to the same rule).
_node_text = Rule(_node_text_check, {"$ref": "#/$defs/text"}, loader_checks=True)


def _optional_text(value: str | InlineNode | Iterable[Inline] | None) -> Text | None:
    return None if value is None else to_text(value)


@attrs.frozen(kw_only=True)
class Emphasis:
    """Emphasised text (rendered in italics)."""

    type: ClassVar[str] = "emphasis"
    text: Text = attrs.field(converter=to_text, validator=_node_text)
    """The emphasised inline content."""


@attrs.frozen(kw_only=True)
class Strong:
    """Strongly emphasised text (rendered in bold)."""

    type: ClassVar[str] = "strong"
    text: Text = attrs.field(converter=to_text, validator=_node_text)
    """The strong inline content."""


@attrs.frozen(kw_only=True)
class Link:
    """A hyperlink around inline content."""

    type: ClassVar[str] = "link"
    href: str = attrs.field(validator=_href)
    """Target: http(s) or mailto URL, relative URL or ``#fragment``; other schemes are refused."""
    text: Text | None = attrs.field(default=None, converter=_optional_text, validator=_node_text)
    """The link's inline content; the ``href`` itself is shown when absent."""


@attrs.frozen(kw_only=True)
class Code:
    """Inline code or a literal, shown in a monospace face."""

    type: ClassVar[str] = "code"
    text: str = attrs.field(validator=_string)
    """The literal text (no nested nodes)."""


@attrs.frozen(kw_only=True)
class LineBreak:
    """A hard line break inside a paragraph, caption or list item."""

    type: ClassVar[str] = "line_break"


InlineNode: TypeAlias = Emphasis | Strong | Link | Code | LineBreak
"""Any inline node (inline content other than a plain string)."""
Inline: TypeAlias = str | InlineNode
"""One piece of inline content: a plain string or an inline node."""
Text: TypeAlias = tuple[Inline, ...]
"""Inline content, normalised: no empty strings, no two strings in a row."""

INLINE_NODE_CLASSES: tuple[type[InlineNode], ...] = (Emphasis, Strong, Link, Code, LineBreak)


# --- article parts -----------------------------------------------------------


@attrs.frozen(kw_only=True)
class Image:
    """An image: the ``image`` block, an article's lead image or a publication's logo."""

    type: ClassVar[str] = "image"
    src: str = attrs.field(validator=_src)
    """A path relative to the article's JSON file, a ``data:`` URI or an http(s) URL."""
    alt: str | None = attrs.field(default=None, validator=_string)
    """Alternative text for readers who cannot see the image."""
    caption: Text | None = attrs.field(default=None, converter=_optional_text, validator=_text)
    """Inline caption shown under the image."""
    credit: str | None = attrs.field(default=None, validator=_string)
    """Photographer or agency credit, e.g. ``"STEFANO RELLANDINI/AFP via Getty Images"``."""
    width: int | None = attrs.field(default=None, validator=_positive_int)
    """Intrinsic width in pixels, if known."""
    height: int | None = attrs.field(default=None, validator=_positive_int)
    """Intrinsic height in pixels, if known."""


@attrs.frozen(kw_only=True)
class Publication:
    """The publication an article appears in."""

    name: str = attrs.field(validator=_string)
    """The publication's name, e.g. ``"The Messenger"``."""
    slogan: str | None = attrs.field(default=None, validator=_string)
    """Its slogan or tagline."""
    url: str | None = attrs.field(default=None, validator=_http_url)
    """Its home page (absolute http or https URL)."""
    logo: Image | None = attrs.field(default=None, validator=_instances(Image, "an Image"))
    """Its logo."""


@attrs.frozen(kw_only=True)
class Author:
    """A person credited on the article."""

    name: str = attrs.field(validator=_string)
    """The author's name as shown in the byline."""
    role: str | None = attrs.field(default=None, validator=_string)
    """Role in the byline, e.g. ``"Senior Reporter"``."""
    url: str | None = attrs.field(default=None, validator=_href)
    """Author page or profile link."""


# --- blocks ------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Paragraph:
    """A paragraph of body text."""

    type: ClassVar[str] = "paragraph"
    text: Text = attrs.field(converter=to_text, validator=_text)
    """The paragraph's inline content."""


HeadingLevel: TypeAlias = Literal[2, 3, 4, 5, 6]
"""Heading levels allowed in the body; level 1 is the headline."""


def _has_words(text: Text) -> bool:
    """Whether *text* shows anything but white space and line breaks."""
    for item in text:
        match item:
            case str():
                if not item.isspace():
                    return True
            case Code():
                if not item.text.isspace():
                    return True
            case Link(text=None):
                return True  # its address is shown
            case Emphasis() | Strong() | Link():
                assert item.text is not None
                if _has_words(item.text):
                    return True
    return False


def _heading_text_check(path: str, value: object) -> None:
    _text_check(path, value)
    assert isinstance(value, tuple)
    if not _has_words(value):
        raise _fail(path, "a heading needs words, not only white space and line breaks")


@attrs.frozen(kw_only=True)
class Heading:
    """A section heading inside the body."""

    type: ClassVar[str] = "heading"
    text: Text = attrs.field(
        converter=to_text, validator=Rule(_heading_text_check, {"$ref": "#/$defs/text"})
    )
    """The heading's inline content."""
    level: HeadingLevel = attrs.field(default=2, validator=_choice(2, 3, 4, 5, 6))
    """Outline level, 2 to 6 (the headline is level 1)."""


QuoteStyle: TypeAlias = Literal["block", "pull"]
"""How a quote is set: ``block`` in the text flow, ``pull`` set apart for display."""


@attrs.frozen(kw_only=True)
class Quote:
    """Quoted speech or writing set as a block."""

    type: ClassVar[str] = "quote"
    text: Text = attrs.field(converter=to_text, validator=_text)
    """The quoted inline content."""
    attribution: str | None = attrs.field(default=None, validator=_string)
    """Who said or wrote it."""
    source: str | None = attrs.field(default=None, validator=_string)
    """Where it was said or published, e.g. ``"Rolling Stone"``."""
    url: str | None = attrs.field(default=None, validator=_href)
    """Link to the source."""
    style: QuoteStyle = attrs.field(default="block", validator=_choice("block", "pull"))
    """``"block"`` (default) or ``"pull"`` for a display pull quote."""


def _items(value: Iterable[str | InlineNode | Iterable[Inline]]) -> tuple[Text, ...]:
    return tuple(to_text(item) for item in value)


def _items_check(path: str, value: object) -> None:
    assert isinstance(value, tuple)
    if not value:
        raise _fail(path, "a list needs at least one item")
    for index, item in enumerate(value):
        _check_text(f"{path}[{index}]", item, empty_ok=False)


_check_items = Rule(
    _items_check,
    {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/text"}},
    loader_checks=True,
)


@attrs.frozen(kw_only=True)
class ItemList:
    """A bulleted or numbered list (the ``list`` block)."""

    type: ClassVar[str] = "list"
    items: tuple[Text, ...] = attrs.field(converter=_items, validator=_check_items)
    """The items, each inline content; at least one, none empty."""
    ordered: bool = attrs.field(default=False, validator=_flag)
    """Numbered (``true``) or bulleted (``false``, the default)."""


@attrs.frozen(kw_only=True)
class RelatedLink:
    """A pointer to a related story, set apart from the text flow."""

    type: ClassVar[str] = "related_link"
    title: str = attrs.field(validator=_string)
    """The related story's title."""
    url: str | None = attrs.field(default=None, validator=_href)
    """Where the related story lives."""
    summary: str | None = attrs.field(default=None, validator=_string)
    """A line about the related story."""


@attrs.frozen(kw_only=True)
class Newsletter:
    """A newsletter sign-up box."""

    type: ClassVar[str] = "newsletter"
    title: str = attrs.field(validator=_string)
    """The box's title, e.g. ``"The Messenger Newsletters"``."""
    description: str | None = attrs.field(default=None, validator=_string)
    """What the newsletter offers."""
    legal: str | None = attrs.field(default=None, validator=_string)
    """Legal line shown under the form (terms, privacy)."""
    signup_url: str | None = attrs.field(default=None, validator=_href)
    """Where the sign-up form posts; without it no form is rendered."""
    button_label: str = attrs.field(default="Sign up", validator=_string)
    """Label of the sign-up button."""
    success_title: str | None = attrs.field(default=None, validator=_string)
    """Title shown once signed up, e.g. ``"Thanks for signing up!"``."""
    success_message: str | None = attrs.field(default=None, validator=_string)
    """Message shown once signed up."""


@attrs.frozen(kw_only=True)
class Divider:
    """A thematic break between parts of the body."""

    type: ClassVar[str] = "divider"


def _cells(value: Iterable[str | InlineNode | Iterable[Inline]]) -> tuple[Text, ...]:
    return tuple(to_text(cell) for cell in value)


def _rows(
    value: Iterable[Iterable[str | InlineNode | Iterable[Inline]]],
) -> tuple[tuple[Text, ...], ...]:
    return tuple(_cells(row) for row in value)


def _rows_check(path: str, value: object, *, at_least_one: bool) -> None:
    assert isinstance(value, tuple)
    if at_least_one and not value:
        raise _fail(path, "a table needs at least one row")
    for index, row in enumerate(value):
        if not isinstance(row, tuple) or not row:
            raise _fail(f"{path}[{index}]", "a row needs at least one cell")
        for column, cell in enumerate(row):
            if not isinstance(cell, tuple):
                raise _fail(
                    f"{path}[{index}][{column}]",
                    f"expected inline content, got {type(cell).__name__}",
                )
            _check_text(f"{path}[{index}][{column}]", cell, empty_ok=True)


#: A table cell in JSON: inline content that, unlike a paragraph's, may be empty.
_CELL_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {"type": "string", "pattern": _rules.TEXT_PATTERN},
        {"type": "array", "items": {"$ref": "#/$defs/inline"}},
    ]
}


def _rows_rule(*, at_least_one: bool) -> Rule:
    row = {"type": "array", "minItems": 1, "items": _CELL_SCHEMA}
    schema: dict[str, Any] = {"type": "array", "items": row}
    if at_least_one:
        schema["minItems"] = 1
    return Rule(lambda path, value: _rows_check(path, value, at_least_one=at_least_one), schema)


@attrs.frozen(kw_only=True)
class Table:
    """A table of inline cells, with optional header rows and caption."""

    type: ClassVar[str] = "table"
    caption: Text | None = attrs.field(default=None, converter=_optional_text, validator=_text)
    """Inline caption naming the table."""
    header_rows: tuple[tuple[Text, ...], ...] = attrs.field(
        default=(), converter=_rows, validator=_rows_rule(at_least_one=False)
    )
    """Rows of column headings, above the body rows; each cell inline content (may be empty)."""
    rows: tuple[tuple[Text, ...], ...] = attrs.field(
        converter=_rows, validator=_rows_rule(at_least_one=True)
    )
    """The body rows, at least one; each a list of cells of inline content (may be empty)."""


PreformattedStyle: TypeAlias = Literal["code", "verse"]
"""How preformatted text is set: ``code`` in a monospace face, ``verse`` in the text face."""

#: A code language name as Markdown fences and HTML classes use it (``python``, ``c++``).
_CODE_LANGUAGE_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_+#.-]{0,39}$"
_CODE_LANGUAGE = re.compile(_CODE_LANGUAGE_PATTERN)


def _code_language_check(path: str, value: object) -> None:
    _check_str(path, value)
    assert isinstance(value, str)
    if not _CODE_LANGUAGE.fullmatch(value):
        raise _fail(
            path,
            f"expected a language name such as 'python' (letters, digits, _+#.-), got {value!r}",
        )


@attrs.frozen(kw_only=True)
class Preformatted:
    """Text whose line breaks and spaces are kept: code, or verse."""

    type: ClassVar[str] = "preformatted"
    text: str = attrs.field(validator=_string)
    """The text, line breaks and spaces kept as written."""
    style: PreformattedStyle = attrs.field(default="code", validator=_choice("code", "verse"))
    """``"code"`` (default, monospace) or ``"verse"`` (lines of a poem or lyric)."""
    language: str | None = attrs.field(
        default=None,
        validator=Rule(_code_language_check, {"type": "string", "pattern": _CODE_LANGUAGE_PATTERN}),
    )
    """The code's language, e.g. ``"python"``, for syntax-aware readers."""


@attrs.frozen(kw_only=True)
class Embed:
    """Content hosted elsewhere (a video, a post): shown as a link card, never loaded."""

    type: ClassVar[str] = "embed"
    url: str = attrs.field(validator=_http_url)
    """Where the embedded content lives (absolute http or https URL)."""
    title: str | None = attrs.field(default=None, validator=_string)
    """Its title, e.g. the video's."""
    provider: str | None = attrs.field(default=None, validator=_string)
    """Who hosts it, e.g. ``"YouTube"``."""
    fallback: Text | None = attrs.field(default=None, converter=_optional_text, validator=_text)
    """What readers who cannot open it should know: a transcript line, a description."""
    poster: Image | None = attrs.field(default=None, validator=_instances(Image, "an Image"))
    """A still image standing for it (same fields as the image block, without ``type``)."""


Block: TypeAlias = (
    Paragraph
    | Heading
    | Quote
    | Image
    | ItemList
    | RelatedLink
    | Newsletter
    | Divider
    | Table
    | Preformatted
    | Embed
)
"""Any body block."""

BLOCK_CLASSES: tuple[type[Block], ...] = (
    Paragraph,
    Heading,
    Quote,
    Image,
    ItemList,
    RelatedLink,
    Newsletter,
    Divider,
    Table,
    Preformatted,
    Embed,
)


# --- the article -------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Correction:
    """A correction to the article, shown at its end."""

    date: date | datetime | None = attrs.field(default=None, validator=_date)
    """When the correction was made: a date, or a date-time with its offset."""
    text: Text = attrs.field(converter=to_text, validator=_text)
    """What was corrected, as inline content."""


def _authors(value: Iterable[Author]) -> tuple[Author, ...]:
    return tuple(value)


def _tags(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _body(value: Iterable[Block]) -> tuple[Block, ...]:
    return tuple(value)


def _corrections(value: Iterable[Correction]) -> tuple[Correction, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Article:
    """A news article: metadata and a body of blocks."""

    type: ClassVar[str] = "article"
    id: str | None = attrs.field(default=None, validator=_string)
    """Stable identifier; seeds the EPUB identifier and output file names."""
    url: str | None = attrs.field(default=None, validator=_http_url)
    """Canonical absolute http(s) URL of the article."""
    language: str = attrs.field(default="en", validator=_language)
    """BCP 47 language tag; drives ``lang``/``dir``, hyphenation and metadata."""
    headline: str = attrs.field(validator=_string)
    """The headline, plain text."""
    subheadline: str | None = attrs.field(default=None, validator=_string)
    """Dek or standfirst under the headline."""
    summary: str | None = attrs.field(default=None, validator=_string)
    """One-paragraph description for metadata."""
    publication: Publication | None = attrs.field(
        default=None, validator=_instances(Publication, "a Publication")
    )
    """The publication the article appears in."""
    authors: tuple[Author, ...] = attrs.field(
        default=(), converter=_authors, validator=_instances(Author, "an Author")
    )
    """Credited authors, in byline order."""
    published: datetime | None = attrs.field(default=None, validator=_datetime)
    """First publication time, with its offset."""
    updated: datetime | None = attrs.field(default=None, validator=_datetime)
    """Last update time, with its offset."""
    dateline: str | None = attrs.field(default=None, validator=_string)
    """Where the story was reported from, e.g. ``"KYIV, Ukraine"``; set before the body."""
    section: str | None = attrs.field(default=None, validator=_string)
    """Section of the publication, e.g. ``"Entertainment"``."""
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tags, validator=_strings)
    """Keywords."""
    lead_image: Image | None = attrs.field(default=None, validator=_instances(Image, "an Image"))
    """The image shown at the top of the article."""
    rights: str | None = attrs.field(default=None, validator=_string)
    """Copyright line."""
    corrections: tuple[Correction, ...] = attrs.field(
        default=(), converter=_corrections, validator=_instances(Correction, "a Correction")
    )
    """Corrections made since publication, oldest first; shown at the end of the article."""
    body: tuple[Block, ...] = attrs.field(
        converter=_body, validator=_instances(BLOCK_CLASSES, "a block")
    )
    """The body, in reading order."""


# --- editions ----------------------------------------------------------------


def _folder(value: str | os.PathLike[str] | None) -> Path | None:
    """A folder as a :class:`~pathlib.Path`; the edition's own folder (``"."``) is ``None``."""
    if value is None:
        return None
    path = Path(value)
    return None if path == Path() else path


def _folder_check(path: str, value: object) -> None:
    if not isinstance(value, Path):
        raise _fail(path, f"expected a folder as a pathlib.Path, got {type(value).__name__}")
    if not value.is_absolute() and ".." in value.parts:
        raise _fail(path, "a folder relative to the edition may not go up with '..'")


#: A relative folder in JSON: what :func:`_folder_check` and the edition loader accept.
_folder_rule = Rule(_folder_check, {"$ref": "#/$defs/relativePath"})


@attrs.frozen(kw_only=True)
class EditionArticle:
    """An article in an edition, with the folder its images are read from."""

    folder: Path | None = attrs.field(default=None, converter=_folder, validator=_folder_rule)
    """Folder the article's relative image paths resolve against.

    Relative to the edition's folder (as loaded from JSON), or absolute (as built
    in Python); ``None`` is the edition's folder itself.
    """
    article: Article = attrs.field(validator=_instances(Article, "an Article"))
    """The article."""


def _entries(value: Iterable[EditionArticle | Article]) -> tuple[EditionArticle, ...]:
    """Articles given bare are read from the edition's folder."""
    return tuple(
        EditionArticle(article=item) if isinstance(item, Article) else item for item in value
    )


def _entries_check(path: str, value: object) -> None:
    _instances(EditionArticle, "an EditionArticle or an Article").check(path, value)


def _nonempty_entries_check(path: str, value: object) -> None:
    if not value:
        raise _fail(path, "a section needs at least one article")
    _entries_check(path, value)


_entries_rule = Rule(_entries_check, {})


@attrs.frozen(kw_only=True)
class Section:
    """A titled group of articles in an edition."""

    title: str = attrs.field(validator=_string)
    """The section's title, e.g. ``"World"``."""
    articles: tuple[EditionArticle, ...] = attrs.field(
        converter=_entries, validator=Rule(_nonempty_entries_check, {})
    )
    """The section's articles, in reading order; at least one."""


def _sections(value: Iterable[Section]) -> tuple[Section, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Edition:
    """Several articles in one document: a morning edition, a digest, a dossier.

    An edition holds either ``articles`` or ``sections`` (each a titled group of
    articles), never both, and at least one article.
    """

    type: ClassVar[str] = "edition"
    id: str | None = attrs.field(default=None, validator=_string)
    """Stable identifier; seeds the EPUB identifier and output file names."""
    language: str = attrs.field(default="en", validator=_language)
    """BCP 47 language tag of the title page and contents; each article keeps its own."""
    title: str = attrs.field(validator=_string)
    """The edition's title, e.g. ``"The Morning Edition"``."""
    subtitle: str | None = attrs.field(default=None, validator=_string)
    """A line under the title."""
    description: str | None = attrs.field(default=None, validator=_string)
    """One-paragraph description for metadata."""
    publication: Publication | None = attrs.field(
        default=None, validator=_instances(Publication, "a Publication")
    )
    """The publication that issues the edition."""
    issued: date | datetime | None = attrs.field(default=None, validator=_date)
    """When the edition was issued: a date, or a date-time with its offset."""
    cover_image: Image | None = attrs.field(default=None, validator=_instances(Image, "an Image"))
    """The cover image, its ``src`` relative to the edition's folder."""
    rights: str | None = attrs.field(default=None, validator=_string)
    """Copyright line."""
    articles: tuple[EditionArticle, ...] = attrs.field(
        default=(), converter=_entries, validator=_entries_rule
    )
    """The articles, in reading order (when the edition has no sections)."""
    sections: tuple[Section, ...] = attrs.field(
        default=(), converter=_sections, validator=_instances(Section, "a Section")
    )
    """The sections, in reading order (when the edition has no flat list of articles)."""

    def __attrs_post_init__(self) -> None:
        if self.articles and self.sections:
            raise _fail("sections", "an edition has articles or sections, not both")
        if not self.articles and not self.sections:
            raise _fail("articles", "an edition needs at least one article (or sections)")

    @property
    def all_articles(self) -> tuple[EditionArticle, ...]:
        """Every article of the edition in reading order, sections flattened."""
        if self.articles:
            return self.articles
        return tuple(entry for section in self.sections for entry in section.articles)
