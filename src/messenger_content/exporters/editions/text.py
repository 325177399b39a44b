"""An edition as plain text: a title block, a contents list, then every article in order.

::

    The Morning Edition                        the edition's title, underlined with "="
    ===================
    Monday 7 December 2026                     subtitle, then the date
    7 December 2026

    Contents                                   the contents: section titles, and the
    --------                                   articles numbered across the edition
    City
      1. Council backs a year-long night-bus pilot ...
      2. ...

    ########################################   a rule of "#" opens each section,
    City                                       its title between two rules
    ########################################

    ...the article, as to_text writes it...   each article keeps its own "Links"
                                               list, numbered from [1]
    ########################################   a rule between articles

Each article is written by :func:`~messenger_content.to_text` in its own
language (its labels, its dates), so nothing of one article leaks into another.
"""

from __future__ import annotations

from collections.abc import Mapping

from ...i18n import labels_for
from ...models import Edition
from ..text import MIN_WIDTH, cell_width, to_text
from ._contents import groups, issued_text

__all__ = ["edition_to_text"]


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    """*text* broken at spaces into lines of at most *width* cells, continued under *indent*."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and cell_width(indent + candidate) > width:
            lines.append(indent + line if lines else line)
            line = word
        else:
            line = candidate
    if line or not lines:
        lines.append(indent + line if lines else line)
    return lines


def _underlined(text: str, width: int, char: str) -> list[str]:
    lines = _wrap(text, width)
    return [*lines, char * max(cell_width(line) for line in lines)]


def edition_to_text(
    edition: Edition, *, width: int = 72, labels: Mapping[str, str] | None = None
) -> str:
    """Render *edition* as plain text, lines at most *width* cells (as ``to_text`` does).

    Raises:
        ValueError: *width* is smaller than :data:`~messenger_content.exporters.text.MIN_WIDTH`,
            or a *labels* key or phrase is not valid.
    """
    if isinstance(width, bool) or not isinstance(width, int) or width < MIN_WIDTH:
        raise ValueError(f"width must be an integer of at least {MIN_WIDTH}, got {width!r}")
    words = labels_for(edition.language, labels)
    head = _underlined(edition.title, width, "=")
    for line in (edition.subtitle, issued_text(edition)):
        if line is not None:
            head += _wrap(line, width)
    parts = ["\n".join(head)]

    grouped = groups(edition)
    label = len(f"{len(edition.all_articles)}. ")
    contents = _underlined(words.contents, width, "-")
    for title, entries in grouped:
        indent = ""
        if title is not None:
            contents += _wrap(title, width)
            indent = "  "
        for number, entry in entries:
            marker = f"{number}.".rjust(label - 1) + " "
            lines = _wrap(entry.article.headline, width, indent + " " * label)
            contents += [indent + marker + lines[0], *lines[1:]]
    parts.append("\n".join(contents))

    rule = "#" * width
    for title, entries in grouped:
        if title is not None:
            parts.append("\n".join([rule, *_wrap(title, width), rule]))
        for index, (_, entry) in enumerate(entries):
            if title is None or index:
                parts.append(rule)
            parts.append(to_text(entry.article, width=width, labels=labels).rstrip("\n"))
    return "\n\n".join(parts) + "\n"
