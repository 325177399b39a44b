"""What the editions in several formats share: the articles grouped by section, the date line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ...i18n import format_date, format_day
from ...models import Edition, EditionArticle

__all__ = ["Group", "groups", "issued_text"]

#: A section's title (``None`` for an edition without sections) and its
#: articles, each with its number in the edition (from 1).
Group = tuple[str | None, Sequence[tuple[int, EditionArticle]]]


def groups(edition: Edition) -> list[Group]:
    """The edition's articles in reading order, numbered, grouped by section."""
    if not edition.sections:
        return [(None, list(enumerate(edition.articles, start=1)))]
    result: list[Group] = []
    number = 1
    for section in edition.sections:
        result.append((section.title, list(enumerate(section.articles, start=number))))
        number += len(section.articles)
    return result


def issued_text(edition: Edition) -> str | None:
    """When the edition was issued, written as CLDR says for the edition's language."""
    issued = edition.issued
    if issued is None:
        return None
    if isinstance(issued, datetime):
        return format_date(issued, edition.language)
    return format_day(issued, edition.language)
