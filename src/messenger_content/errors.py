"""Errors raised by messenger_content.

Every error raised because of bad input is a :class:`ContentError`, so callers
need to catch one class::

    ContentError                 base of everything this package raises on bad input
    ├── ValidationError          content breaks the format (also a ValueError)
    │   └── ParseError           not JSON at all: syntax, encoding, nesting depth
    ├── ResourceError            an image or other resource was refused or unreadable
    └── ExportError              an article could not be rendered to a format

A :class:`ValidationError` carries every problem found as :class:`Problem`
values, each with the JSON path of the offending value (``body[3].text[1].href``)
and what was expected there.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

__all__ = [
    "ContentError",
    "ExportError",
    "ParseError",
    "Problem",
    "ResourceError",
    "ValidationError",
]


@attrs.frozen
class Problem:
    """One problem found in the input."""

    path: str
    """JSON path of the offending value (``body[3].text[1].href``); ``""`` for the document."""

    message: str
    """What was wrong, or what was expected instead."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ContentError(Exception):
    """Base class of every error raised for bad input."""

    source: str | None
    """Where the input came from (a file name), when known."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.source = source

    def __str__(self) -> str:
        message = super().__str__()
        return f"{self.source}: {message}" if self.source else message


class ValidationError(ContentError, ValueError):
    """The content does not follow the format; :attr:`problems` lists each problem."""

    problems: tuple[Problem, ...]
    """Every problem found, in document order."""

    def __init__(self, problems: Sequence[Problem], *, source: str | None = None) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(map(str, self.problems)), source=source)

    @property
    def path(self) -> str:
        """The JSON path of the first problem."""
        return self.problems[0].path if self.problems else ""

    def __str__(self) -> str:
        if self.source is None:
            return "\n".join(map(str, self.problems))
        return "\n".join(f"{self.source}: {problem}" for problem in self.problems)

    def with_source(self, source: str) -> ValidationError:
        """Return a copy of this error that names *source*."""
        return type(self)(self.problems, source=source)


class ParseError(ValidationError):
    """The input is not a JSON document this package can read."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__([Problem("", message)], source=source)

    def with_source(self, source: str) -> ParseError:
        """Return a copy of this error that names *source*."""
        return type(self)(self.problems[0].message, source=source)


class ResourceError(ContentError):
    """An image or other resource was refused by the resource policy or could not be read."""

    src: str
    """The source as the article names it."""

    def __init__(self, src: str, reason: str, *, source: str | None = None) -> None:
        self.src = src
        self.reason = reason
        shown = src if len(src) <= 80 else src[:77] + "..."
        super().__init__(f"image {shown!r}: {reason}", source=source)


class ExportError(ContentError):
    """An article could not be rendered to the requested format."""
