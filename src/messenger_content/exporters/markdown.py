r"""Markdown exporter: :func:`to_markdown` writes an article as CommonMark (GFM-compatible).

Layout, blocks separated by one blank line::

    ---                                   YAML front matter: every value a double-quoted
    title: "The headline"                 JSON-style string (valid YAML whatever the text),
    authors:                              keys title, subtitle, authors (name/role/url),
      - name: "Jane Doe"                  date, updated, language, section, tags, url,
        role: "Senior Reporter"           publication (name/slogan/url), rights, summary
    date: "2023-07-28T10:05:00-04:00"
    ---

    # The headline

    *The subheadline*

    By [Jane Doe](https://…) (Senior Reporter)\
    Published July 28, 2023, 10:05 AM GMT-04:00

    ![Alt text](lead.jpg)                 the lead image, as an image block

    *Caption*\
    Credit: Photographer/Agency

    KYIV, Ukraine — First paragraph …     the dateline, run in

    … the body …

    ## Corrections                        corrections: a dated one starts with
                                          its day, then a hard break
    *Corrected December 1, 2026*\
    What was corrected.

    Copyright line

The words the exporter adds (byline, dates, ``Credit:``, ``**Related:**``,
``**Newsletter:**``) are the English phrases of :mod:`messenger_content.i18n`,
shown here; an article in another language gets that language's, and
``labels=`` replaces them.

Blocks:

- **paragraph**; **heading** ``##`` to ``######`` at its level;
- **image**: a paragraph holding only ``![alt](src)``, then a paragraph with the
  caption (emphasised) and ``Credit: …`` after a hard break;
- **quote**: a block quote, then ``> — Name, *Source*`` (the source, or else the
  name, linked to the quote's URL) as its last paragraph; a **pull quote** is
  the same with its text in strong emphasis;
- **list**: ``-`` bullets or ``1.`` numbers, continuation lines indented under
  the item's text. Two lists in a row switch to ``*`` or ``1)`` so that they
  stay two lists;
- **related link**: a block quote starting with ``**Related:**``, then the
  linked title and, after a hard break, the summary;
- **newsletter**: a block quote starting with ``**Newsletter:**`` and the
  title, then paragraphs for the description, the sign-up link (the button
  label, in strong emphasis, linking to ``signup_url``) and the legal line
  (emphasised). The success title and message are left out: they belong to an
  interactive form;
- **divider**: ``---``, always after a blank line, so never a setext heading.
- **table**: a GFM pipe table, its caption (emphasised) in a paragraph above.
  GFM has one header row: a table's first header row is it, further ones lead
  the body rows in strong emphasis, and a table without header rows gets a
  header row of empty cells (as pandoc writes it: making the first row the
  header would change what it says). Every row has as many cells as the
  widest, since GFM drops the cells past the header's. Cells are single lines:
  a line break is ``<br />``, a newline ``&#10;``; pipes are escaped, in code
  spans and link destinations too (GFM splits the row before it reads them).
- **preformatted**: code is a fenced block of backticks, longer than any run
  of backticks inside, its language as the info string; verse is a paragraph
  per stanza (blank lines separate stanzas), each line ended by a hard break,
  so it keeps its lines in the text face;
- **embed**: a block quote holding the poster (an image like the others, with
  its caption and credit), the title linked to the URL (strong) and the
  provider, the fallback text and ``View online: <url>``.

The **dateline** starts the first paragraph (``KYIV, Ukraine — …``), or is a
paragraph of its own when the body does not start with one.

Inline content: emphasis ``*x*``, strong ``**x**``, links ``[text](url)``
(the URL in ``<…>`` when it holds parentheses or angle brackets), code in as
many backticks as it takes (padded with spaces when it starts or ends with a
backtick), a line break as a backslash at the end of the line. A newline in
text becomes a line ending (a soft break), which is white space, as in HTML.

Escaping is the heart of it: no text can become formatting. ``\``, backtick,
``*``, ``_``, ``{``, ``}``, ``[``, ``]``, ``<``, ``>``, ``#``, ``|``, ``~`` and
``&`` are always backslash-escaped; at the start of a line, so are ``-``, ``+``
and ``=``, and the ``.`` or ``)`` after a number (``1\. not a list``). The other
punctuation (``!``, ``(``, ``.`` …) cannot mean anything once those are escaped,
so it is left alone for readability. White space at the start or end of a
line, which CommonMark would drop (or read as indentation), is written as a
character reference (``&#32;``), and so is a newline that would make a blank
line (``&#10;``). Where ``*`` delimiters would not be read as emphasis by every
CommonMark parser (inside a word, next to punctuation, nested without a gap),
the HTML tags ``<em>``/``<strong>`` are written instead; likewise ``<br />``
for a line break at the end of a block or inside a heading, where CommonMark
has no hard break. Link inside link is not possible in CommonMark (nor in
HTML), so an inner link keeps only its text. So parsing the output with a
CommonMark parser gives back exactly the article's text and structure. Lines
are not wrapped.

Not escaped: GFM's extended autolinks (a bare ``www.example.com`` becomes a
link in GFM, with the same text), and emoji short codes such as ``:smile:``,
which GitHub (not GFM) replaces.
"""

from __future__ import annotations

import functools
import heapq
import json
import os
import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final, TypeAlias

import attrs
from typing_extensions import assert_never

from .._rules import format_datetime
from ..i18n import Labels, format_day, labels_for
from ..models import (
    Article,
    Block,
    Code,
    Correction,
    Divider,
    Edition,
    Embed,
    Emphasis,
    Heading,
    Image,
    Inline,
    ItemList,
    LineBreak,
    Link,
    Newsletter,
    Paragraph,
    Preformatted,
    Quote,
    RelatedLink,
    Strong,
    Table,
    Text,
)
from . import _images
from .text import _spliced, byline, cell_width

__all__ = [
    "article_markdown",
    "escape",
    "image_destinations",
    "inline_markdown",
    "to_markdown",
    "yaml_string",
]

#: Characters escaped wherever they are.
_ALWAYS: Final = frozenset("\\`*_{}[]<>#|~&")
#: Characters escaped at the start of a line (lists, setext underlines, thematic breaks).
_LINE_START: Final = frozenset("-+=")
_DIGITS: Final = frozenset("0123456789")
#: The newsletter button's wording when the article does not name it (the model's
#: default): replaced by the label in the article's language.
_DEFAULT_BUTTON: Final = attrs.fields(Newsletter).button_label.default

#: Text is cut into pieces: a run of characters that are written as they are
#: wherever they stand, or one character that may need escaping. A run starts
#: with a character escaped nowhere and not even at the start of a line, ends
#: with one that is neither escaped nor white space, and holds no newline, so
#: it never touches a line's start or end; one character at a time, a long
#: paragraph would cost a Python step per character in every pass.
_SPECIAL: Final = "".join(sorted(_ALWAYS)) + "\ufeff"
_TEXT_PIECE: Final = re.compile(
    f"[^\\s{re.escape(_SPECIAL + '-+=.)0123456789')}]"
    f"(?:[^\\n{re.escape(_SPECIAL)}]*[^\\s{re.escape(_SPECIAL)}])?"
    "|.",
    re.DOTALL,
)


# --- pieces of inline output ---------------------------------------------------


@attrs.frozen
class _Markup:
    """Markdown syntax written as is."""

    source: str
    closes_link: bool = False
    code: str | None = None
    """For a code span, the code it holds."""


@attrs.frozen
class _Newline:
    """A newline in the text: a soft line break, or ``&#10;`` where it would leave a blank line."""


@attrs.frozen
class _HardBreak:
    """A hard line break: a backslash at the end of the line, or ``<br />``."""


@attrs.define(eq=False)
class _Group:
    """The two delimiters of one emphasis; falls back to HTML tags when they cannot work."""

    marker: str
    tag: str
    html: bool = False


@attrs.frozen(eq=False)
class _Delimiter:
    """An emphasis delimiter (``*`` or ``**``), or the HTML tag that replaces it."""

    group: _Group
    opening: bool

    @property
    def source(self) -> str:
        """What is written for this delimiter."""
        if not self.group.html:
            return self.group.marker
        return f"<{self.group.tag}>" if self.opening else f"</{self.group.tag}>"


_NEWLINE: Final = _Newline()
_HARD_BREAK: Final = _HardBreak()

#: One piece of inline output; a ``str`` is text still to be escaped: one character, or a
#: run of characters that need no escaping (see :data:`_TEXT_PIECE`).
_Piece: TypeAlias = "str | _Markup | _Newline | _HardBreak | _Delimiter"


def _is_space(char: str) -> bool:
    """Unicode white space, as CommonMark's flanking rules see it."""
    return char in "\t\n\x0b\x0c\r " or unicodedata.category(char) == "Zs"


def _kinds(char: str) -> set[str]:
    """How CommonMark parsers may classify *char* next to a delimiter run.

    ``space``, ``punct`` or ``other``; symbols and non-BMP punctuation are
    punctuation to some parsers (CommonMark 0.31) and not to others, so they
    count as both.
    """
    if _is_space(char):
        return {"space"}
    category = unicodedata.category(char)
    if char.isascii():
        return {"punct"} if char in string.punctuation else {"other"}
    if category[0] == "P" and ord(char) <= 0xFFFF:
        return {"punct"}
    if category[0] in "PS":
        return {"punct", "other"}
    return {"other"}


def _flanking(before: str, after: str) -> tuple[bool, bool]:
    """Left- and right-flanking, for one classification of the neighbours."""
    left = after != "space" and (after != "punct" or before in ("space", "punct"))
    right = before != "space" and (before != "punct" or after in ("space", "punct"))
    return left, right


def _delimiter_works(opening: bool, nested: bool, before: set[str], after: set[str]) -> bool:
    """Whether a ``*`` run does its job under every classification of its neighbours.

    A closer must be right-flanking. An opener must be left-flanking, and
    inside another emphasis also not right-flanking: else it could close the
    outer one. Both-flanking runs are otherwise harmless here, since runs are
    1 or 2 long and paired with a run of the same length, so the "multiple of
    3" rule never applies.
    """
    for previous in before:
        for following in after:
            left, right = _flanking(previous, following)
            if opening and not (left and not (nested and right)):
                return False
            if not opening and not right:
                return False
    return True


def _code_span(text: str) -> str:
    """Write one line of code between enough backticks to hold it."""
    runs = {len(run) for run in re.findall("`+", text)}
    fence = 1
    while fence in runs:
        fence += 1
    ticks = "`" * fence
    if (
        text.startswith("`")
        or text.endswith("`")
        or (text.startswith(" ") and text.endswith(" ") and text.strip(" "))
    ):
        text = f" {text} "
    return f"{ticks}{text}{ticks}"


def _destination(url: str) -> str:
    """Write a link destination; in ``<…>`` when it holds parentheses or angle brackets."""
    if any(char in url for char in "()<> "):
        return "<" + re.sub(r"([<>\\&])", r"\\\1", url) + ">"
    return re.sub(r"([\\&])", r"\\\1", url)


def _trim(pieces: Sequence[_Piece]) -> tuple[list[_Piece], list[_Piece], list[_Piece]]:
    """Split off leading and trailing white space and line breaks."""

    def blank(piece: _Piece) -> bool:
        return (
            piece is _NEWLINE
            or piece is _HARD_BREAK
            or (isinstance(piece, str) and len(piece) == 1 and _is_space(piece))
        )

    start = 0
    while start < len(pieces) and blank(pieces[start]):
        start += 1
    end = len(pieces)
    while end > start and blank(pieces[end - 1]):
        end -= 1
    return list(pieces[:start]), list(pieces[start:end]), list(pieces[end:])


def _pieces(text: Text, *, in_link: bool = False) -> list[_Piece]:
    """Turn inline content into pieces of output."""
    pieces: list[_Piece] = []
    for item in text:
        pieces.extend(_inline_pieces(item, in_link=in_link))
    return pieces


def _inline_pieces(item: Inline, *, in_link: bool) -> list[_Piece]:
    match item:
        case str():
            return [_NEWLINE if part == "\n" else part for part in _TEXT_PIECE.findall(item)]
        case Emphasis():
            return _emphasis(_pieces(item.text, in_link=in_link), "*", "em")
        case Strong():
            return _emphasis(_pieces(item.text, in_link=in_link), "**", "strong")
        case Link():
            content = _pieces(item.text if item.text is not None else (item.href,), in_link=True)
            if in_link:
                return content
            closing = _Markup(f"]({_destination(item.href)})", closes_link=True)
            return [_Markup("["), *content, closing]
        case Code():
            pieces: list[_Piece] = []
            for index, line in enumerate(item.text.split("\n")):
                if index:
                    pieces.append(_NEWLINE)
                if line:
                    pieces.append(_Markup(_code_span(line), code=line))
            return pieces
        case LineBreak():
            return [_HARD_BREAK]
        case _:
            assert_never(item)


def _emphasis(inner: list[_Piece], marker: str, tag: str) -> list[_Piece]:
    lead, core, trail = _trim(inner)
    if not core:
        return lead + trail
    group = _Group(marker, tag)
    return [*lead, _Delimiter(group, True), *core, _Delimiter(group, False), *trail]


# --- turning pieces into Markdown source ------------------------------------------


def _line_endings(pieces: Sequence[_Piece], single_line: bool) -> dict[int, str]:
    """Choose how each newline and hard break is written; index -> source."""
    sources: dict[int, str] = {}
    at_line_start = True
    count = len(pieces)
    for index, piece in enumerate(pieces):
        following = pieces[index + 1] if index + 1 < count else None
        if piece is _NEWLINE:
            real = (
                not single_line
                and not at_line_start
                and following is not None
                and following is not _NEWLINE
                and following is not _HARD_BREAK
            )
            sources[index] = "\n" if real else "&#10;"
            at_line_start = real
        elif piece is _HARD_BREAK:
            if single_line or following is None:
                # CommonMark has no hard break at the end of a block or in a heading.
                # Alone on a block's first line, <br /> would be an HTML block.
                alone = not single_line and count == 1
                sources[index] = "<br /><!-- -->" if alone else "<br />"
                at_line_start = False
            else:
                sources[index] = "\\\n"
                at_line_start = True
        else:
            at_line_start = False
    return sources


def _merge_code(pieces: Sequence[_Piece]) -> list[_Piece]:
    """Join adjacent code spans: their backtick fences would run together."""
    merged: list[_Piece] = []
    run: list[str] = []  # the code of adjacent spans, joined once the run ends

    def end_run() -> None:
        if len(run) > 1:
            code = "".join(run)
            merged[-1] = _Markup(_code_span(code), code=code)
        run.clear()

    for piece in pieces:
        if isinstance(piece, _Markup) and piece.code is not None:
            if not run:
                merged.append(piece)
            run.append(piece.code)
        else:
            end_run()
            merged.append(piece)
    end_run()
    return merged


def _render(pieces: Sequence[_Piece], *, single_line: bool = False, cell: bool = False) -> str:
    r"""Write pieces as Markdown source: escapes, line ends, emphasis delimiters.

    In a table *cell*, the pipes of code spans and link destinations are
    escaped too: GFM splits a row at every unescaped pipe before it reads
    code or links, then drops the backslash of each ``\|``.
    """
    pieces = _merge_code(pieces)
    endings = _line_endings(pieces, single_line)
    count = len(pieces)

    def boundary(index: int) -> bool:
        """Whether a line starts or ends between piece *index* - 1 and *index*."""
        if index <= 0 or index >= count:
            return True
        before = endings.get(index - 1, "")
        after = endings.get(index, "")
        return before.endswith("\n") or after.endswith("\n")

    sources: list[str] = []
    line = "start"  # "start" of a line, "digits" only so far, or "other"
    for index, piece in enumerate(pieces):
        if index in endings:
            source = endings[index]
            line = "start" if source.endswith("\n") else "other"
        elif isinstance(piece, str) and len(piece) > 1:
            source = piece  # a run: nothing in it needs escaping
            line = "other"
        elif isinstance(piece, str):
            if (piece.isspace() or piece == "\ufeff") and (boundary(index) or boundary(index + 1)):
                source = f"&#{ord(piece)};"
            elif (
                piece in _ALWAYS
                or (line == "start" and piece in _LINE_START)
                or (line == "digits" and piece in ".)")
            ):
                source = "\\" + piece
            else:
                source = piece
            if line in ("start", "digits") and piece in _DIGITS and source == piece:
                line = "digits"
            else:
                line = "other"
        else:
            source = ""  # markup and delimiters are filled in below
            line = "other"
        sources.append(source)
    _resolve_delimiters(pieces, sources)
    if cell:
        for index, piece in enumerate(pieces):
            if isinstance(piece, _Markup):
                sources[index] = sources[index].replace("|", "\\|")
    return "".join(sources)


def _resolve_delimiters(pieces: Sequence[_Piece], sources: list[str]) -> None:
    """Fill in markup, turning emphasis that would not parse into HTML tags, one at a time.

    The first delimiter (in document order) that does not work has its emphasis
    turned into HTML tags, and the delimiters are checked again, until all work.
    Turning one emphasis into tags changes only its own two delimiters, so only
    their neighbours and the delimiters inside it can change their answer: those
    are checked again, the others keep theirs. Whatever the text, that is a few
    checks per delimiter rather than a pass over all of them per change.
    """
    delimiters: list[int] = []  # piece index of each delimiter, in order
    ordinal_of: dict[int, int] = {}
    enclosing: dict[int, tuple[_Group, ...]] = {}
    spans: dict[_Group, tuple[int, int]] = {}  # ordinals of each group's two delimiters
    stack: list[tuple[_Group, int]] = []
    for index, piece in enumerate(pieces):
        if isinstance(piece, _Markup):
            sources[index] = piece.source
        elif isinstance(piece, _Delimiter):
            ordinal = len(delimiters)
            ordinal_of[index] = ordinal
            delimiters.append(index)
            sources[index] = piece.source
            if piece.opening:
                enclosing[index] = tuple(group for group, _ in stack)
                stack.append((piece.group, ordinal))
            else:
                group, start = stack.pop()
                spans[group] = (start, ordinal)

    def neighbour(index: int, step: int) -> int | None:
        """The ordinal of the delimiter a check at *index* sees on one side, if any."""
        other = index + step
        while 0 <= other < len(pieces) and not sources[other]:
            other += step
        return ordinal_of.get(other)

    pending = list(range(len(delimiters)))  # a heap of ordinals still to check
    queued = [True] * len(delimiters)
    while pending:
        ordinal = heapq.heappop(pending)
        queued[ordinal] = False
        index = delimiters[ordinal]
        if _works(pieces, sources, index, enclosing.get(index, ())):
            continue
        piece = pieces[index]
        assert isinstance(piece, _Delimiter)
        piece.group.html = True
        start, end = spans[piece.group]
        again = set(range(start, end + 1))
        for changed in (delimiters[start], delimiters[end]):
            changed_piece = pieces[changed]
            assert isinstance(changed_piece, _Delimiter)
            sources[changed] = changed_piece.source
            for step in (-1, 1):
                seen = neighbour(changed, step)
                if seen is not None:
                    again.add(seen)
        for other in again:
            if not queued[other]:
                queued[other] = True
                heapq.heappush(pending, other)


def _works(
    pieces: Sequence[_Piece], sources: Sequence[str], index: int, enclosing: Iterable[_Group]
) -> bool:
    """Whether the delimiter at *index* is read as intended by any CommonMark parser."""
    piece = pieces[index]
    assert isinstance(piece, _Delimiter)
    if piece.group.html:
        return True
    before: set[str] = {"space"}
    for previous in range(index - 1, -1, -1):
        if sources[previous]:
            if _is_live_delimiter(pieces[previous]):
                return False  # two runs of * would merge into one
            before = _kinds(sources[previous][-1])
            break
    after: set[str] = {"space"}
    for following in range(index + 1, len(pieces)):
        if sources[following]:
            if _is_live_delimiter(pieces[following]):
                return False
            after = _kinds(sources[following][0])
            next_piece = pieces[following]
            if isinstance(next_piece, _Markup) and next_piece.closes_link:
                # Some parsers see the end of the link text, others the "]".
                after |= {"space"}
            break
    nested = any(not group.html for group in enclosing)
    return _delimiter_works(piece.opening, nested, before, after)


def _is_live_delimiter(piece: _Piece) -> bool:
    return isinstance(piece, _Delimiter) and not piece.group.html


def escape(text: str) -> str:
    """Escape plain text so that, as a Markdown paragraph, it reads back unchanged."""
    return _render(_pieces((text,)))


def inline_markdown(text: Text, *, single_line: bool = False) -> str:
    """Inline content as CommonMark, escaped; *single_line* for a heading or a list item's line."""
    return _render(_pieces(text), single_line=single_line)


# --- blocks -----------------------------------------------------------------------


def _prefixed(source: str, first: str, rest: str) -> str:
    """Put *first* before the first line of *source* and *rest* before the others."""
    lines = source.split("\n")
    return "\n".join((first if index == 0 else rest) + line for index, line in enumerate(lines))


def _fence(text: str) -> str:
    """A run of backticks longer than any in *text*, and at least three."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _preformatted(block: Preformatted) -> str:
    """Code as a fenced block (its language as the info string); verse as lines with hard breaks.

    A verse's stanzas (separated by blank lines) are paragraphs, its lines ended
    by hard breaks, so a reader shows them as lines of the text face.
    """
    if block.style == "code":
        fence = _fence(block.text)
        return f"{fence}{block.language or ''}\n{block.text}\n{fence}"
    stanzas: list[list[str]] = [[]]
    for line in block.text.split("\n"):
        if line.strip():
            stanzas[-1].append(line)
        elif stanzas[-1]:
            stanzas.append([])
    paragraphs = []
    for stanza in stanzas:
        if stanza:
            pieces: list[_Piece] = []
            for index, line in enumerate(stanza):
                if index:
                    pieces.append(_HARD_BREAK)
                pieces += _pieces((line,))
            paragraphs.append(_render(pieces))
    return "\n\n".join(paragraphs)


def _block_quote(paragraphs: Iterable[str]) -> str:
    return "\n>\n".join(_prefixed(paragraph, "> ", "> ") for paragraph in paragraphs)


def yaml_string(value: str) -> str:
    """A double-quoted YAML scalar: JSON's escapes, plus line and paragraph separators."""
    quoted = json.dumps(value, ensure_ascii=False)
    return (
        quoted.replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        .replace("\ufeff", "\\ufeff")
    )


def _front_matter(article: Article) -> str:
    lines = ["---"]

    def field(key: str, value: str | None, indent: str = "") -> None:
        if value is not None:
            lines.append(f"{indent}{key}: {yaml_string(value)}")

    field("title", article.headline)
    field("subtitle", article.subheadline)
    if article.authors:
        lines.append("authors:")
        for author in article.authors:
            lines.append(f"  - name: {yaml_string(author.name)}")
            field("role", author.role, "    ")
            field("url", author.url, "    ")
    if article.published is not None:
        field("date", format_datetime(article.published))
    if article.updated is not None:
        field("updated", format_datetime(article.updated))
    field("language", article.language)
    field("section", article.section)
    if article.tags:
        lines.append("tags:")
        lines += [f"  - {yaml_string(tag)}" for tag in article.tags]
    field("url", article.url)
    if article.publication is not None:
        lines.append("publication:")
        field("name", article.publication.name, "  ")
        field("slogan", article.publication.slogan, "  ")
        field("url", article.publication.url, "  ")
    field("rights", article.rights)
    field("summary", article.summary)
    lines.append("---")
    return "\n".join(lines)


def _strong_words(parts: Iterable[str | Sequence[Inline]]) -> tuple[Inline, ...]:
    """A label's phrase with its words in strong emphasis and its placeholders' values as they are.

    *parts* come from :meth:`~messenger_content.i18n.Labels.parts`: the
    phrase's words as strings, each placeholder's value as a sequence. The
    spaces around the words stay outside the emphasis, where CommonMark wants them.
    """
    result: list[Inline] = []
    for part in parts:
        if not isinstance(part, str):
            result += part
            continue
        words = part.strip()
        if not words:
            result.append(part)
            continue
        start = part.index(words)
        result += [part[:start], Strong(text=words), part[start + len(words) :]]
    return tuple(piece for piece in result if piece != "")


class _Writer:
    """Writes the blocks of one article, remembering the previous list's markers."""

    def __init__(self, labels: Labels, image_url: Callable[[str], str] | None = None) -> None:
        self.labels = labels
        self.previous_list: tuple[bool, str] | None = None
        self.image_url = image_url
        """Maps an image source to the destination written (``None``: as given)."""

    def block(self, block: Block) -> str:
        """Write one body block."""
        previous_list, self.previous_list = self.previous_list, None
        match block:
            case Paragraph():
                return inline_markdown(block.text)
            case Heading():
                return "#" * block.level + " " + inline_markdown(block.text, single_line=True)
            case Quote():
                return self.quote(block)
            case Image():
                return self.image(block)
            case ItemList():
                return self.item_list(block, previous_list)
            case RelatedLink():
                title: Inline = (
                    block.title if block.url is None else Link(href=block.url, text=block.title)
                )
                text = list(_strong_words(self.labels.parts("related_link", title=[title])))
                if block.summary is not None:
                    text += [LineBreak(), block.summary]
                return _block_quote([inline_markdown(tuple(text))])
            case Newsletter():
                return self.newsletter(block)
            case Divider():
                return "---"
            case Table():
                return self.table(block)
            case Preformatted():
                return _preformatted(block)
            case Embed():
                return self.embed(block)
            case _:
                assert_never(block)

    @staticmethod
    def quote(quote: Quote) -> str:
        """A block quote with an attribution paragraph; pull quotes in strong emphasis."""
        # The emphasis is added to the pieces, not as a Strong node around the text:
        # the text may already be nested as deep as the format allows.
        pieces = _pieces(quote.text)
        if quote.style == "pull":
            pieces = _emphasis(pieces, "**", "strong")
        paragraphs = [_render(pieces)]
        names: list[Inline] = []
        if quote.attribution is not None:
            names.append(quote.attribution)
        if quote.source is not None:
            if names:
                names.append(", ")
            names.append(Emphasis(text=quote.source))
        if quote.url is not None:
            if names:
                names[-1] = Link(href=quote.url, text=(names[-1],))
            else:
                names.append(Link(href=quote.url))
        if names:
            paragraphs.append(inline_markdown(("— ", *names)))
        return _block_quote(paragraphs)

    def image(self, image: Image) -> str:
        """The image alone in a paragraph, then caption and credit."""
        return "\n\n".join(self.image_paragraphs(image))

    def image_paragraphs(self, image: Image) -> list[str]:
        """The paragraphs of an image: the image alone, then caption and credit if any."""
        alt = inline_markdown((image.alt,), single_line=True) if image.alt is not None else ""
        src = image.src if self.image_url is None else self.image_url(image.src)
        parts = [f"![{alt}]({_destination(src)})"]
        caption: list[_Piece] = []
        if image.caption is not None:
            # Pieces, not an Emphasis node: the caption may be nested as deep as allowed.
            caption += _emphasis(_pieces(image.caption), "*", "em")
        if image.credit is not None:
            if caption:
                caption.append(_HARD_BREAK)
            caption += _pieces((self.labels.format("credit", credit=image.credit),))
        if caption:
            parts.append(_render(caption))
        return parts

    def item_list(self, block: ItemList, previous: tuple[bool, str] | None) -> str:
        """Items with their continuation lines indented under the text."""
        if block.ordered:
            marker = ")" if previous == (True, ".") else "."
        else:
            marker = "*" if previous == (False, "-") else "-"
        self.previous_list = (block.ordered, marker)
        items = []
        for number, item in enumerate(block.items, 1):
            first = f"{number}{marker} " if block.ordered else f"{marker} "
            items.append(_prefixed(inline_markdown(item), first, " " * len(first)))
        return "\n".join(items)

    @staticmethod
    def table(table: Table) -> str:
        """A GFM pipe table, its caption (emphasised) in a paragraph above it.

        GFM tables have one header row: the first header row is it, further
        ones become the first body rows, their cells in strong emphasis. A
        table without header rows gets a header row of empty cells, as pandoc
        writes one. Every row has as many cells as the widest (GFM would drop
        the cells past the header's), pipes aligned in display cells.
        """
        columns = max(len(row) for row in (*table.header_rows, *table.rows))

        def cells(row: Sequence[Text], strong: bool = False) -> list[str]:
            written = []
            for cell in row:
                pieces = _pieces(cell)
                if strong:
                    pieces = _emphasis(pieces, "**", "strong")
                written.append(_render(pieces, single_line=True, cell=True))
            return written + [""] * (columns - len(row))

        head = cells(table.header_rows[0]) if table.header_rows else [""] * columns
        rows = [cells(row, strong=True) for row in table.header_rows[1:]]
        rows += [cells(row) for row in table.rows]
        widths = [
            max(3, *(cell_width(row[column]) for row in (head, *rows))) for column in range(columns)
        ]

        def line(row: Sequence[str]) -> str:
            padded = [
                text + " " * (width - cell_width(text))
                for text, width in zip(row, widths, strict=True)
            ]
            return ("| " + " | ".join(padded) + " |").rstrip(" ")

        lines = [line(head), line(["-" * width for width in widths])]
        lines += [line(row) for row in rows]
        parts = (
            [] if table.caption is None else [_render(_emphasis(_pieces(table.caption), "*", "em"))]
        )
        return "\n\n".join([*parts, "\n".join(lines)])

    def embed(self, embed: Embed) -> str:
        """A block quote: poster, linked title and provider, fallback, ``View online: <url>``."""
        paragraphs = [] if embed.poster is None else self.image_paragraphs(embed.poster)
        head: list[Inline] = []
        if embed.title is not None:
            head.append(Strong(text=Link(href=embed.url, text=embed.title)))
        if embed.provider is not None:
            head += [" (", embed.provider, ")"] if head else [embed.provider]
        if head:
            paragraphs.append(inline_markdown(tuple(head)))
        if embed.fallback is not None:
            paragraphs.append(inline_markdown(embed.fallback))
        address = [Link(href=embed.url)]
        paragraphs.append(
            inline_markdown(tuple(_spliced(self.labels.parts("embed_at", url=address))))
        )
        return _block_quote(paragraphs)

    def corrections(self, corrections: Sequence[Correction], language: str) -> list[str]:
        """``## Corrections``, then each: ``*Corrected <day>*``, a hard break, the text."""
        if not corrections:
            return []
        parts = ["## " + inline_markdown((self.labels.corrections,), single_line=True)]
        for correction in corrections:
            pieces: list[_Piece] = []
            if correction.date is not None:
                day = format_day(correction.date, self.labels.lang("corrected") or language)
                dated = _pieces((self.labels.format("corrected", date=day),))
                pieces += [*_emphasis(dated, "*", "em"), _HARD_BREAK]
            parts.append(_render([*pieces, *_pieces(correction.text)]))
        return parts

    def newsletter(self, box: Newsletter) -> str:
        """A block quote: title, description, sign-up link and legal line."""
        paragraphs = [
            inline_markdown(_strong_words(self.labels.parts("newsletter", title=[box.title])))
        ]
        if box.description is not None:
            paragraphs.append(inline_markdown((box.description,)))
        if box.signup_url is not None:
            label = box.button_label
            if label == _DEFAULT_BUTTON:  # the model's default, not the article's words
                label = self.labels.sign_up
            button = Link(href=box.signup_url, text=(Strong(text=label),))
            paragraphs.append(inline_markdown((button,)))
        if box.legal is not None:
            paragraphs.append(inline_markdown((Emphasis(text=box.legal),)))
        return _block_quote(paragraphs)


def to_markdown(
    article: Article | Edition,
    *,
    embed_images: bool = False,
    image_src: Callable[[str], str] | None = None,
    image_base: str | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    allow_remote: bool = False,
    labels: Mapping[str, str] | None = None,
) -> str:
    """Render *article* as CommonMark with YAML front matter.

    Image destinations are the sources as given, unless one of *embed_images*,
    *image_src* or *image_base* is set; then every source goes through the
    resource policy of *base_dir* first, as in :func:`~messenger_content.to_html`.
    To write a file whose images resolve wherever it is saved, use
    :func:`messenger_content.export`, which copies them beside the file.

    An :class:`~messenger_content.Edition` is written as its title, a contents
    list, then each article in order (see ``docs/editions.md``); *base_dir* is
    then the edition's folder.

    Args:
        article: The article (or edition) to render.
        embed_images: Write every image as a ``data:`` URI.
        image_src: Maps each image's source to the destination written.
        image_base: Join each relative image source to this URL.
        base_dir: The article's folder, which relative image sources are
            resolved against and may not leave (``None``: the current folder).
        allow_remote: Let http(s) images through the resource policy (and be
            fetched when embedding).
        labels: Replace some of the words the exporter adds, by key
            (:data:`~messenger_content.i18n.LABEL_KEYS`), e.g.
            ``{"related_link": "See also: {title}"}``.

    Returns:
        The Markdown text, ending with exactly one newline.

    Raises:
        ResourceError: an image was refused by the resource policy or unreadable.
        ValueError: more than one of *embed_images*, *image_src* and *image_base*;
            a *labels* key or phrase is not valid.
    """
    if isinstance(article, Edition):
        from .editions.markdown import edition_to_markdown

        return edition_to_markdown(
            article,
            embed_images=embed_images,
            image_src=image_src,
            image_base=image_base,
            base_dir=base_dir,
            allow_remote=allow_remote,
            labels=labels,
        )
    words = labels_for(article.language, labels)
    image_url = image_destinations(
        base_dir, allow_remote, embed=embed_images, image_src=image_src, image_base=image_base
    )
    return f"{_front_matter(article)}\n\n{article_markdown(article, words, image_url)}\n"


def image_destinations(
    base_dir: str | os.PathLike[str] | None,
    allow_remote: bool,
    *,
    embed: bool,
    image_src: Callable[[str], str] | None,
    image_base: str | None,
) -> Callable[[str], str] | None:
    """What an image's destination is made from its source, as :func:`to_markdown`'s options say.

    ``None`` (sources written as given) unless *embed*, *image_src* or
    *image_base* is set; then every source goes through the resource policy of
    *base_dir* first.

    Raises:
        ValueError: more than one of *embed*, *image_src* and *image_base*.
    """
    _images.check_choice(embed=embed, image_src=image_src, image_base=image_base)
    if not (embed or image_src is not None or image_base is not None):
        return None
    from ..resources import policy_for

    return functools.partial(
        _images.reference,
        policy_for(base_dir, allow_remote),
        embed=embed,
        image_src=image_src,
        image_base=image_base,
    )


def article_markdown(
    article: Article, labels: Labels, image_url: Callable[[str], str] | None = None
) -> str:
    """*article* as :func:`to_markdown` writes it, without its front matter and final newline.

    *labels* are the words in the article's language; *image_url* makes each
    image's destination from its source (:func:`image_destinations`). An
    edition writes each of its articles so, under its own front matter.
    """
    parts = ["# " + inline_markdown((article.headline,), single_line=True)]
    if article.subheadline is not None:
        parts.append(inline_markdown((Emphasis(text=article.subheadline),)))
    credits = byline(article, labels, links=True)
    if credits:
        parts.append(inline_markdown(credits))
    writer = _Writer(labels, image_url)
    if article.lead_image is not None:
        parts.append(writer.image(article.lead_image))
    body = list(article.body)
    if article.dateline is not None:
        first = body[0] if body else None
        if isinstance(first, Paragraph):
            parts.append(inline_markdown((article.dateline, " — ", *first.text)))
            body.pop(0)
        else:
            parts.append(inline_markdown((article.dateline,)))
    parts += [writer.block(block) for block in body]
    parts += writer.corrections(article.corrections, article.language)
    if article.rights is not None:
        parts.append(inline_markdown((article.rights,)))
    return "\n\n".join(parts)
