"""Plain-text exporter: :func:`to_text` renders an article for terminals, e-mail and ``.txt`` files.

The text is wrapped to ``width`` columns measured in display cells (with
:mod:`wcwidth`: East Asian wide characters count two cells, combining marks
none), so CJK text and accented letters line up in a terminal. Parts are
separated by one blank line, in this order::

                              The Messenger              masthead: name and slogan,
                         Slogan of the publication       centred, over a rule of "="
    ========================================================================

    The headline, wrapped                                 underlined with "=" as wide
    =====================                                 as its widest line

    The subheadline, wrapped.

    By Jane Doe (Senior Reporter) and John Roe            byline, then the dates in
    Published July 28, 2023, 10:05 AM GMT-04:00           their own offset ("UTC"
    Updated July 28, 2023, 11:30 AM GMT-04:00             for Z)

    [Image: alt text]                                     the lead image, as an
    Caption                                               image block
    Credit: Photographer/Agency

    KYIV, Ukraine — First paragraph ...                   the dateline, run in

    ... the body ...

    Corrections                                           corrections, under their
    -----------                                           label; a dated one starts
    Corrected December 1, 2026                            with its day
    What was corrected.

    Copyright line

    Links                                                 every link target, by
    -----                                                 number
    [1] https://example.com/report

The words the exporter adds ("By", "Published", "Credit:", "Links", ...) are
phrases of :mod:`messenger_content.i18n` in the article's language, and can be
replaced with ``labels=``; dates, and the list of authors, are written as CLDR
says for that language (through Babel). The English phrases are shown here.

Blocks:

- **paragraph**: wrapped to ``width``.
- **heading**: wrapped and underlined as wide as its widest line, with ``-``
  for level 2, ``~`` for level 3 and ``.`` for levels 4 to 6. The text is not
  upper-cased, since that changes some words (``ß`` becomes ``SS``).
- **quote**: indented four spaces and followed by ``— Attribution, Source``
  (plus ``[n]`` when it has a URL, or ``— <url>`` when the URL is all there
  is). A **pull quote** is set between two rules of ``=``, indented four
  spaces on both sides.
- **image**: ``[Image: alt]`` (``[Image]`` without alt text), then the caption
  and ``Credit: …``.
- **list**: ``-`` bullets or right-aligned numbers, with hanging indents.
- **related link**: ``Related: Title <url>``, the summary indented below.
- **newsletter**: a box drawn with ``+``, ``-`` and ``|`` holding the title,
  the description, ``Button label: <sign-up URL>`` and the legal line. The
  success title and message are not shown: plain text has no interaction,
  so nobody ever signs up in it.
- **divider**: ``* * *``, centred.
- **table**: the caption, then the cells in columns aligned in display cells
  (two spaces apart), between rules of ``-`` over each column; a third rule
  sets the header rows apart. Short rows are padded with empty cells. A table
  too wide for the line narrows its widest columns, whose cells wrap (rows of
  several lines then have a blank line between them), but no column narrows
  below its longest word: then the table sticks out, as a long word does.
- **preformatted**: indented four spaces, its lines as written (a tab moves to
  the next multiple of four cells). Code is never wrapped; a verse line too
  long for the line turns over, indented four more.
- **embed**: its poster as an image, then ``Title (Provider) [n]`` (the title
  numbered as a link's text), the fallback text and ``View online: <url>``.

The **dateline** runs into the first paragraph, ``KYIV, Ukraine — …``, or
stands on its own line when the body does not start with a paragraph.
**Corrections** follow the body, before the rights line.

Inline content:

- emphasis is written ``_like this_``, strong ``*like this*``;
- a link keeps its text, followed by a reference number ``[n]``; numbers count
  up in reading order, the same URL always gets the same number, and the
  targets are listed under "Links" at the end. A link without text shows its
  URL instead;
- code is kept literally: its spaces are neither collapsed nor broken, a
  newline in it starts a new line, a tab becomes a space;
- a line break starts a new line;
- in plain text, newlines, tabs and the Unicode line and paragraph separators
  are white space (as in HTML), and runs of white space collapse to one space.

Lines break at spaces and, in Chinese, Japanese and Korean text, between
ideographs (not before closing punctuation such as ``。`` or after opening
punctuation). A word wider than the line is not broken, except inside the
newsletter box, which stays closed. Right-to-left text is written in logical
order and wrapped like any other: reordering is the terminal's job.

The output is deterministic, has no trailing spaces and ends with exactly one
newline.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Final, NamedTuple, TypeAlias

import attrs
from typing_extensions import assert_never
from wcwidth import wcswidth, wcwidth

from ..i18n import Labels, format_date, format_day, join_list, labels_for
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

__all__ = ["MIN_WIDTH", "byline", "cell_width", "date_line", "to_text"]

#: The narrowest ``width`` :func:`to_text` accepts.
MIN_WIDTH: Final = 20

#: Underline character of each heading level (1 is the headline).
_UNDERLINES = {1: "=", 2: "-", 3: "~", 4: ".", 5: ".", 6: "."}

#: White space that collapses and where lines may break (with the line and
#: paragraph separators, which would otherwise end lines in some readers).
_SPACES = " \t\n\u2028\u2029"
#: A run of text between white space (see _chunks).
_WORD = re.compile(f"[^{_SPACES}]+")
_CODE_LINE_ENDS = re.compile("[\n\u2028\u2029]")
#: Spaces kept as they are, after which a line may break.
_BREAK_AFTER = frozenset(
    "\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u200b\u205f\u3000"
)
#: Characters a line must not start with (kinsoku), besides closing and other
#: punctuation (categories Pe, Pf, Po): the prolonged sound mark, iteration marks, small kana.
_NO_BREAK_BEFORE = frozenset("ー々〻ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ")
_ZERO_WIDTH_JOINER = "\u200d"
#: Columns a tab in preformatted text moves to the next multiple of.
_TAB_SIZE: Final = 4
#: Between two columns of a table.
_COLUMN_GAP: Final = "  "
#: A width no line reaches: wrapping to it gives a text's lines as its line breaks make them.
_UNBOUNDED: Final = 1 << 62
#: The newsletter button's wording when the article does not name it (the model's
#: default): replaced by the label in the article's language.
_DEFAULT_BUTTON: Final = attrs.fields(Newsletter).button_label.default


def cell_width(text: str) -> int:
    """Return how many terminal cells *text* takes (wide characters 2, combining marks 0)."""
    if text.isascii() and text.isprintable():
        return len(text)  # one cell each: the common case, without a call per character
    width = int(wcswidth(text))
    if width >= 0:
        return width
    # Only tab and newline (and forbidden control characters) have no width.
    return sum(max(int(wcwidth(char)), 0) for char in text)


def _spliced(parts: Iterable[str | Sequence[Inline]]) -> list[Inline]:
    """A phrase's parts as inline content, each placeholder's value spliced in."""
    result: list[Inline] = []
    for part in parts:
        if isinstance(part, str):
            result.append(part)
        else:
            result.extend(part)
    return result


def date_line(labels: Labels, key: str, value: datetime, language: str) -> str:
    """The ``published`` or ``updated`` phrase with its date, in the phrase's language.

    The date speaks the language of the phrase around it: the article's, or
    English where English words stand in for a missing translation.
    """
    return labels.format(key, date=format_date(value, labels.lang(key) or language))


def byline(article: Article, labels: Labels, *, links: bool) -> Text:
    """Build the byline as inline content: ``By A (Role) and B``, then the dates.

    Shared with the Markdown exporter. Each part is on its own line (separated
    by :class:`LineBreak`), a whole phrase of *labels* in the article's
    language, names joined by CLDR's list pattern; authors' names are links to
    their pages when *links* is true. Returns an empty tuple when there is
    nothing to show.
    """
    lines: list[list[Inline]] = []
    if article.authors:
        names: list[list[Inline]] = []
        for author in article.authors:
            name: list[Inline] = [
                Link(href=author.url, text=author.name)
                if links and author.url is not None
                else author.name
            ]
            if author.role is not None:
                role: list[Inline] = [author.role]
                name = _spliced(labels.parts("author_role", name=name, role=role))
            names.append(name)
        language = labels.lang("by") or article.language
        joined = _spliced(join_list(names, language))
        key = "by" if len(names) == 1 else "by_many"
        lines.append(_spliced(labels.parts(key, authors=joined)))
    if article.published is not None:
        lines.append([date_line(labels, "published", article.published, article.language)])
    if article.updated is not None:
        lines.append([date_line(labels, "updated", article.updated, article.language)])
    result: list[Inline] = []
    for index, line in enumerate(lines):
        if index:
            result.append(LineBreak())
        result.extend(line)
    return tuple(result)


# --- inline content as pieces of text ------------------------------------------


@attrs.frozen
class _Piece:
    """A run of output text; *glue* text has no break opportunities and keeps its spaces."""

    text: str
    glue: bool = False


@attrs.frozen
class _Break:
    """A forced line break."""


_BREAK: Final = _Break()

_Item: TypeAlias = "_Piece | _Break"


class _Chunk(NamedTuple):
    """Text that cannot be broken, and whether a (collapsible) space precedes it.

    A tuple rather than an attrs class: a long paragraph makes millions of them.
    """

    text: str
    space: bool


def _ideographic(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F") and unicodedata.category(char)[0] in (
        "L",
        "N",
        "P",
    )


def _can_break(before: str, after: str) -> bool:
    """Whether a line may break between two adjacent non-space characters."""
    if int(wcwidth(after)) == 0 or _ZERO_WIDTH_JOINER in (before, after):
        return False
    if before in _BREAK_AFTER:
        return True
    if after in _NO_BREAK_BEFORE or unicodedata.category(after) in ("Pe", "Pf", "Po"):
        return False
    if unicodedata.category(before) in ("Ps", "Pi"):
        return False
    return _ideographic(before) or _ideographic(after)


def _breaks(word: str) -> list[int]:
    """Where a line may break inside *word* (a run without white space): indices after 0.

    Two ASCII characters never allow a break between them, so an ASCII word is
    not looked at character by character.
    """
    if word.isascii():
        return []
    return [index for index in range(1, len(word)) if _can_break(word[index - 1], word[index])]


def _chunks(items: Iterable[_Item]) -> list[_Chunk | _Break]:
    """Cut pieces into unbreakable chunks, collapsing white space.

    Glue is added whole. Other text goes word by word (runs between white
    space), cut where :func:`_can_break` allows, also between a word and what
    came just before it without a space.
    """
    out: list[_Chunk | _Break] = []
    current = ""
    current_space = False
    pending_space = False
    previous: tuple[str, bool] | None = None  # last character of current, and its glue

    def add(text: str) -> None:
        nonlocal current, current_space, pending_space
        if not current:
            current_space = pending_space
            pending_space = False
        current += text

    def cut() -> None:
        nonlocal current
        if current:
            out.append(_Chunk(current, current_space))
            current = ""

    for item in items:
        if isinstance(item, _Break):
            cut()
            out.append(item)
            pending_space = False
            previous = None
            continue
        text = item.text
        if not text:
            continue
        if item.glue:
            add(text)
            previous = (text[-1], True)
            continue
        end = 0
        for found in _WORD.finditer(text):
            if found.start() > end:  # white space before the word
                cut()
                pending_space = True
                previous = None
            word = found.group()
            end = found.end()
            if (
                current
                and previous is not None
                and not previous[1]
                and _can_break(previous[0], word[0])
            ):
                cut()
            start = 0
            for index in _breaks(word):
                add(word[start:index])
                cut()
                start = index
            add(word[start:])
            previous = (word[-1], False)
        if end < len(text):  # white space at the end
            cut()
            pending_space = True
            previous = None
    cut()
    return out


def _split_cells(text: str, width: int) -> list[str]:
    """Cut *text* into pieces at most *width* cells wide (combining marks stay attached)."""
    pieces: list[str] = []
    current = ""
    for char in text:
        if current and int(wcwidth(char)) > 0 and cell_width(current + char) > width:
            pieces.append(current)
            current = ""
        current += char
    pieces.append(current)
    return pieces


def _wrap(items: Iterable[_Item], width: int, *, hard: bool = False) -> list[str]:
    """Wrap pieces greedily into lines of at most *width* cells.

    Leading and trailing empty lines are dropped. With *hard*, chunks wider
    than the line are cut; otherwise they stick out.
    """
    lines: list[str] = []
    line = ""
    used = 0
    for chunk in _chunks(items):
        if isinstance(chunk, _Break):
            lines.append(line)
            line, used = "", 0
            continue
        text = chunk.text
        size = cell_width(text)
        if line:
            gap = 1 if chunk.space else 0
            if used + gap + size <= width:
                line += " " * gap + text
                used += gap + size
                continue
            lines.append(line)
        if hard and size > width:
            *full, text = _split_cells(text, width)
            lines.extend(full)
            size = cell_width(text)
        line, used = text, size
    lines.append(line)
    lines = [line.rstrip(" ") for line in lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _expand_tabs(line: str) -> str:
    """*line* with each tab turned into spaces up to the next tab stop, counted in cells."""
    if "\t" not in line:
        return line
    first, *rest = line.split("\t")
    expanded = first
    for part in rest:
        expanded += " " * (_TAB_SIZE - cell_width(expanded) % _TAB_SIZE) + part
    return expanded


def _table_row(cells: Sequence[Sequence[_Item]], widths: Sequence[int]) -> list[str]:
    """One table row as lines: each cell wrapped to its column and padded to its width."""
    wrapped = [_wrap(items, width) for items, width in zip(cells, widths, strict=True)]
    height = max(1, *map(len, wrapped))
    lines = []
    for index in range(height):
        texts = [lines_[index] if index < len(lines_) else "" for lines_ in wrapped]
        padded = [
            text + " " * max(w - cell_width(text), 0) for text, w in zip(texts, widths, strict=True)
        ]
        lines.append(_COLUMN_GAP.join(padded).rstrip(" "))
    return lines


def _stacked(rows: Sequence[list[str]], spaced: bool) -> list[str]:
    """Rows of lines one under the other, with a blank line between rows when *spaced*."""
    lines: list[str] = []
    for index, row in enumerate(rows):
        if index and spaced:
            lines.append("")
        lines += row
    return lines


def _trim(items: Sequence[_Item]) -> tuple[list[_Item], list[_Item], list[_Item]]:
    """Split pieces into leading white space and breaks, the core, and trailing ones."""
    # Leading items are taken off a reversed copy and trailing ones collected in
    # reverse, so that a run of a million line breaks costs a million steps.
    core = list(reversed(items))
    lead: list[_Item] = []
    while core:
        first = core[-1]
        if isinstance(first, _Break):
            lead.append(core.pop())
            continue
        if first.glue:
            break
        stripped = first.text.lstrip(_SPACES)
        if len(stripped) < len(first.text):
            lead.append(_Piece(first.text[: len(first.text) - len(stripped)]))
        if stripped:
            core[-1] = _Piece(stripped)
            break
        core.pop()
    core.reverse()
    trail: list[_Item] = []
    while core:
        last = core[-1]
        if isinstance(last, _Break):
            trail.append(core.pop())
            continue
        if last.glue:
            break
        stripped = last.text.rstrip(_SPACES)
        if len(stripped) < len(last.text):
            trail.append(_Piece(last.text[len(stripped) :]))
        if stripped:
            core[-1] = _Piece(stripped)
            break
        core.pop()
    trail.reverse()
    return lead, core, trail


def _marked(marker: str, items: Sequence[_Item]) -> list[_Item]:
    """Surround pieces with *marker*, keeping edge white space outside the markers."""
    lead, core, trail = _trim(items)
    if not core:
        return lead + trail
    return [*lead, _Piece(marker, glue=True), *core, _Piece(marker, glue=True), *trail]


# --- the renderer ----------------------------------------------------------------


class _Renderer:
    """Renders one article; keeps the link numbers in reading order."""

    def __init__(self, width: int, labels: Labels) -> None:
        self.width = width
        self.labels = labels
        self.links: dict[str, int] = {}

    def reference(self, href: str) -> int:
        """Return the number of *href*, numbering it if it is new."""
        return self.links.setdefault(href, len(self.links) + 1)

    # inline

    def inline(self, text: Text) -> list[_Item]:
        """Turn inline content into pieces."""
        items: list[_Item] = []
        for item in text:
            items.extend(self.inline_item(item))
        return items

    def inline_item(self, item: Inline) -> list[_Item]:
        """Turn one inline item into pieces."""
        match item:
            case str():
                return [_Piece(item)]
            case Emphasis():
                return _marked("_", self.inline(item.text))
            case Strong():
                return _marked("*", self.inline(item.text))
            case Link():
                if item.text is None:
                    return [_Piece(item.href, glue=True)]
                lead, core, trail = _trim(self.inline(item.text))
                number = _Piece(f" [{self.reference(item.href)}]", glue=True)
                return [*lead, *core, number, *trail]
            case Code():
                pieces: list[_Item] = []
                for index, line in enumerate(_CODE_LINE_ENDS.split(item.text)):
                    if index:
                        pieces.append(_BREAK)
                    if line:
                        pieces.append(_Piece(line.replace("\t", " "), glue=True))
                return pieces
            case LineBreak():
                return [_BREAK]
            case _:
                assert_never(item)

    # layout helpers

    def wrap(
        self,
        items: Iterable[_Item],
        first: str = "",
        rest: str | None = None,
        *,
        width: int | None = None,
    ) -> list[str]:
        """Wrap pieces behind prefixes (*rest* defaults to *first*) to *width* or the page's."""
        rest = first if rest is None else rest
        width = self.width if width is None else width
        available = max(width - max(cell_width(first), cell_width(rest)), 1)
        lines = _wrap(items, available)
        return [
            ((first if index == 0 else rest) + line).rstrip(" ") for index, line in enumerate(lines)
        ]

    def center(self, line: str) -> str:
        """Centre *line* on the page."""
        return " " * max((self.width - cell_width(line)) // 2, 0) + line

    @staticmethod
    def underline(lines: list[str], char: str) -> list[str]:
        """Underline *lines* as wide as the widest of them (text of no width gets no line)."""
        width = max((cell_width(line) for line in lines), default=0)
        return [*lines, char * width] if width else lines

    # blocks

    def block(self, block: Block) -> list[str]:
        """Render one body block as lines."""
        match block:
            case Paragraph():
                return self.wrap(self.inline(block.text))
            case Heading():
                return self.underline(self.wrap(self.inline(block.text)), _UNDERLINES[block.level])
            case Quote():
                return self.quote(block)
            case Image():
                return self.image(block)
            case ItemList():
                return self.item_list(block)
            case RelatedLink():
                return self.related(block)
            case Newsletter():
                return self.newsletter(block)
            case Divider():
                return [self.center("* * *")]
            case Table():
                return self.table(block)
            case Preformatted():
                return self.preformatted(block)
            case Embed():
                return self.embed(block)
            case _:
                assert_never(block)

    def quote(self, quote: Quote) -> list[str]:
        """Indent a quote, add its attribution; frame a pull quote with rules."""
        indent = "    "
        pull = quote.style == "pull"
        width = self.width - len(indent) if pull else self.width
        lines = self.wrap(self.inline(quote.text), indent, width=width)
        attribution = self.attribution(quote)
        if attribution:
            lines += self.wrap(attribution, indent, indent + "  ", width=width)
        if pull:
            rule = indent + "=" * (self.width - 2 * len(indent))
            lines = [rule, *lines, rule]
        return lines

    def attribution(self, quote: Quote) -> list[_Item]:
        """The ``— Name, Source [n]`` line of a quote, or nothing."""
        names = [part.strip(_SPACES) for part in (quote.attribution, quote.source) if part]
        names = [name for name in names if name]
        items: list[_Item] = [_Piece(", ".join(names))] if names else []
        if quote.url is not None:
            if names:
                items.append(_Piece(f" [{self.reference(quote.url)}]", glue=True))
            else:
                items.append(_Piece(f"<{quote.url}>", glue=True))
        if not items:
            return []
        return [_Piece("— ", glue=True), *items]

    def image(self, image: Image) -> list[str]:
        """``[Image: alt]``, the caption and the credit."""
        if image.alt is not None:
            alt: list[_Item] = [_Piece(image.alt.strip(_SPACES))]
            label = [
                _Piece("[", glue=True),
                *self.phrase(self.labels.parts("image_alt", alt=alt)),
                _Piece("]", glue=True),
            ]
        else:
            label = [_Piece(f"[{self.labels.image}]", glue=True)]
        lines = self.wrap(label)
        if image.caption is not None:
            lines += self.wrap(self.inline(image.caption))
        if image.credit is not None:
            credit: list[_Item] = [_Piece(image.credit.strip(_SPACES))]
            lines += self.wrap(self.phrase(self.labels.parts("credit", credit=credit)))
        return lines

    @staticmethod
    def phrase(parts: Iterable[str | list[_Item]]) -> list[_Item]:
        """A label's phrase as pieces: its words glued together, its placeholders as given."""
        items: list[_Item] = []
        for part in parts:
            if isinstance(part, str):
                items.append(_Piece(part, glue=True))
            else:
                items += part
        return items

    def item_list(self, block: ItemList) -> list[str]:
        """Bullets or right-aligned numbers, with hanging indents."""
        digits = len(str(len(block.items)))
        lines: list[str] = []
        for number, item in enumerate(block.items, 1):
            marker = f"{number}.".rjust(digits + 1) if block.ordered else "-"
            first = f"  {marker} "
            wrapped = self.wrap(self.inline(item), first, " " * len(first))
            lines += wrapped or [first.rstrip()]
        return lines

    def related(self, related: RelatedLink) -> list[str]:
        """``Related: Title <url>`` and the summary indented below."""
        title: list[_Item] = [_Piece(related.title)]
        items = self.phrase(self.labels.parts("related_link", title=title))
        if related.url is not None:
            items += [_Piece(" "), _Piece(f"<{related.url}>", glue=True)]
        lines = self.wrap(items)
        if related.summary is not None:
            lines += self.wrap([_Piece(related.summary)], "  ")
        return lines

    def newsletter(self, box: Newsletter) -> list[str]:
        """A closed box: title, description, sign-up line and legal line."""
        inner = self.width - 4
        sections = [[_Piece(box.title)]]
        if box.description is not None:
            sections.append([_Piece(box.description)])
        if box.signup_url is not None:
            label = box.button_label.strip(_SPACES)
            if label == _DEFAULT_BUTTON:
                label = self.labels.sign_up
            sections.append([_Piece(f"{label}: "), _Piece(f"<{box.signup_url}>", glue=True)])
        if box.legal is not None:
            sections.append([_Piece(box.legal)])
        body: list[str] = []
        for section in sections:
            lines = _wrap(section, inner, hard=True)
            if lines:
                if body:
                    body.append("")
                body += lines
        border = "+" + "-" * (self.width - 2) + "+"
        rows = [f"| {line}{' ' * max(inner - cell_width(line), 0)} |" for line in body]
        return [border, *rows, border]

    def table(self, table: Table) -> list[str]:
        """The caption, then the columns aligned between rules, the header rows above the second."""
        lines = [] if table.caption is None else self.wrap(self.inline(table.caption))
        columns = max(len(row) for row in (*table.header_rows, *table.rows))
        # Cells become pieces once, in reading order, so that link numbers count up as read.
        header = [self.cells(row, columns) for row in table.header_rows]
        body = [self.cells(row, columns) for row in table.rows]
        widths = self.column_widths([*header, *body], columns)
        rule = _COLUMN_GAP.join("-" * width for width in widths)
        header_lines = [_table_row(row, widths) for row in header]
        body_lines = [_table_row(row, widths) for row in body]
        # Rows of several lines are told apart by a blank line between them.
        tall = any(len(row) > 1 for row in (*header_lines, *body_lines))
        lines.append(rule)
        if header_lines:
            lines += _stacked(header_lines, tall)
            lines.append(rule)
        lines += _stacked(body_lines, tall)
        lines.append(rule)
        return lines

    def cells(self, row: tuple[Text, ...], columns: int) -> list[list[_Item]]:
        """A row's cells as pieces, padded with empty cells to *columns*."""
        return [self.inline(cell) for cell in row] + [[] for _ in range(columns - len(row))]

    def column_widths(self, rows: Sequence[Sequence[Sequence[_Item]]], columns: int) -> list[int]:
        """Each column's width: as wide as its widest line, the widest narrowed to fit the page.

        Columns narrower than a fair share of the page keep their width, as a
        browser lays out a table; the others share the rest in proportion to
        how much they would like, each wrapping its cells. No column narrows
        below its widest unbreakable run of text: a table too wide for the page
        sticks out, as a long word does, rather than cutting words.
        """
        natural = [1] * columns
        narrowest = [1] * columns
        for row in rows:
            for column, items in enumerate(row):
                chunks = [chunk for chunk in _chunks(items) if isinstance(chunk, _Chunk)]
                lines = _wrap(items, _UNBOUNDED)
                natural[column] = max(natural[column], 0, *map(cell_width, lines))
                narrowest[column] = max(
                    narrowest[column], 0, *(cell_width(chunk.text) for chunk in chunks)
                )
        available = self.width - len(_COLUMN_GAP) * (columns - 1)
        if sum(natural) <= available:
            return natural
        if sum(narrowest) >= available:
            return narrowest
        widths = list(natural)
        wide = set(range(columns))
        room = available
        settled = True
        while settled and wide:
            share = room // len(wide)
            settled = False
            for column in sorted(wide):
                if natural[column] <= share:
                    wide.discard(column)
                    room -= natural[column]
                    settled = True
        if sum(narrowest[column] for column in wide) > room:
            wide, room = set(range(columns)), available  # the narrow ones must give way too
        spare = room - sum(narrowest[column] for column in wide)
        wanted = {column: natural[column] - narrowest[column] for column in wide}
        total = sum(wanted.values())
        for column in sorted(wide):
            widths[column] = narrowest[column] + wanted[column] * spare // total
        left = available - sum(widths)
        for column in sorted(wide):
            if left and widths[column] < natural[column]:
                widths[column] += 1
                left -= 1
        return widths

    def preformatted(self, block: Preformatted) -> list[str]:
        """Indented lines, as written: code never wrapped, a verse line too long turned over."""
        indent = "    "
        lines = [_expand_tabs(line).rstrip(" ") for line in _CODE_LINE_ENDS.split(block.text)]
        while lines and not lines[0].strip(_SPACES):
            lines.pop(0)
        while lines and not lines[-1].strip(_SPACES):
            lines.pop()
        result: list[str] = []
        for line in lines:
            if not line.strip(_SPACES):
                result.append("")
            elif block.style == "code" or cell_width(indent + line) <= self.width:
                result.append(indent + line)
            else:
                words = line.lstrip(" ")
                lead = indent + " " * (len(line) - len(words))
                result += self.wrap([_Piece(words)], lead, lead + "    ")
        return result

    def embed(self, embed: Embed) -> list[str]:
        """The poster, ``Title (Provider) [n]``, the fallback and ``View online: <url>``."""
        lines = [] if embed.poster is None else self.image(embed.poster)
        head: list[_Item] = []
        if embed.title is not None:
            head.append(_Piece(embed.title.strip(_SPACES)))
        if embed.provider is not None:
            provider = embed.provider.strip(_SPACES)
            head += [_Piece(" "), _Piece(f"({provider})")] if head else [_Piece(provider)]
        if embed.title is not None:  # the title is the text of a link to the URL
            head.append(_Piece(f" [{self.reference(embed.url)}]", glue=True))
        lines += self.wrap(head)
        if embed.fallback is not None:
            lines += self.wrap(self.inline(embed.fallback))
        address: list[_Item] = [_Piece(embed.url, glue=True)]
        lines += self.wrap(self.phrase(self.labels.parts("embed_at", url=address)))
        return lines

    def corrections(self, corrections: Sequence[Correction], language: str) -> list[str]:
        """``Corrections`` underlined, then each correction: ``Corrected <day>`` and its text."""
        if not corrections:
            return []
        lines = self.underline(self.wrap([_Piece(self.labels.corrections)]), _UNDERLINES[2])
        entries: list[list[str]] = []
        for correction in corrections:
            entry: list[str] = []
            if correction.date is not None:
                day = format_day(correction.date, self.labels.lang("corrected") or language)
                dated: list[_Item] = [_Piece(day)]
                entry += self.wrap(self.phrase(self.labels.parts("corrected", date=dated)))
            entry += self.wrap(self.inline(correction.text))
            if entry:  # text of line breaks alone shows nothing
                entries.append(entry)
        return lines + _stacked(entries, spaced=True)

    def body(self, article: Article) -> list[list[str]]:
        """The body's blocks, the dateline run in before a first paragraph (else on its own)."""
        parts: list[list[str]] = []
        blocks = list(article.body)
        if article.dateline is not None:
            dateline = [_Piece(article.dateline.strip(_SPACES)), _Piece(" —", glue=True)]
            first = blocks[0] if blocks else None
            if isinstance(first, Paragraph):
                parts.append(self.wrap([*dateline, _Piece(" "), *self.inline(first.text)]))
                blocks.pop(0)
            else:
                parts.append(self.wrap([_Piece(article.dateline)]))
        parts += [self.block(block) for block in blocks]
        return parts

    # the article

    def article(self, article: Article) -> str:
        """Render the whole article."""
        parts: list[list[str]] = []
        publication = article.publication
        if publication is not None:
            masthead = [self.center(line) for line in self.wrap([_Piece(publication.name)])]
            if publication.slogan is not None:
                masthead += [self.center(line) for line in self.wrap([_Piece(publication.slogan)])]
            parts.append([*masthead, "=" * self.width])
        parts.append(self.underline(self.wrap([_Piece(article.headline)]), _UNDERLINES[1]))
        if article.subheadline is not None:
            parts.append(self.wrap([_Piece(article.subheadline)]))
        parts.append(self.wrap(self.inline(byline(article, self.labels, links=False))))
        if article.lead_image is not None:
            parts.append(self.image(article.lead_image))
        parts += self.body(article)
        parts.append(self.corrections(article.corrections, article.language))
        if article.rights is not None:
            parts.append(self.wrap([_Piece(article.rights)]))
        if self.links:
            label = max(len(f"[{number}]") for number in self.links.values())
            references = [
                f"{f'[{number}]'.ljust(label)} {href}" for href, number in self.links.items()
            ]
            parts.append(self.underline([self.labels.links], _UNDERLINES[2]) + references)
        return "\n\n".join("\n".join(lines) for lines in parts if lines) + "\n"


def to_text(
    article: Article | Edition, *, width: int = 72, labels: Mapping[str, str] | None = None
) -> str:
    """Render *article* as plain text wrapped to *width* display cells.

    An :class:`~messenger_content.Edition` is written as its title, a contents
    list, then each article in order, each with its own "Links" list (see
    ``docs/editions.md``).

    Args:
        article: The article (or edition) to render.
        width: Line width in terminal cells; at least :data:`MIN_WIDTH`.
        labels: Replace some of the words the exporter adds, by key
            (:data:`~messenger_content.i18n.LABEL_KEYS`), e.g.
            ``{"by": "Words by {authors}"}``.

    Returns:
        The text, ending with exactly one newline.

    Raises:
        ValueError: *width* is smaller than :data:`MIN_WIDTH`, or a *labels*
            key or phrase is not valid.
    """
    if isinstance(article, Edition):
        from .editions.text import edition_to_text

        return edition_to_text(article, width=width, labels=labels)
    if isinstance(width, bool) or not isinstance(width, int) or width < MIN_WIDTH:
        raise ValueError(f"width must be an integer of at least {MIN_WIDTH}, got {width!r}")
    return _Renderer(width, labels_for(article.language, labels)).article(article)
