"""Dates, lists and numbers as CLDR writes them for a language, through Babel.

Babel formats numbers and dates with ASCII digits whatever the locale's
numbering system; CLDR says Persian, for one, is written with Extended
Arabic-Indic digits (``arabext``). :func:`localize_digits` puts the digits of
the locale's default numbering system in, so a date reads as CLDR intends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Final, Literal, TypeVar

from ._locales import locale_for

if TYPE_CHECKING:
    from babel import Locale

__all__ = [
    "format_date",
    "format_day",
    "format_list",
    "format_number",
    "join_list",
    "localize_digits",
]

_T = TypeVar("_T")

#: The digit zero of each CLDR numbering system that some locale uses by default
#: (the other nine follow it in Unicode). Babel has no table of their digits.
NUMBERING_ZEROS: Final[dict[str, str]] = {
    "adlm": "\U0001e950",
    "arab": "\u0660",
    "arabext": "\u06f0",
    "beng": "\u09e6",
    "cakm": "\U00011136",
    "deva": "\u0966",
    "hmnp": "\U0001e140",
    "latn": "0",
    "mtei": "\uabf0",
    "mymr": "\u1040",
    "nkoo": "\u07c0",
    "olck": "\u1c50",
    "tibt": "\u0f20",
}

_VS = re.compile("v+")


@lru_cache(maxsize=64)
def _digits(locale: Locale) -> dict[int, str] | None:
    """``str.translate`` table from ASCII digits to the locale's, or ``None`` for ASCII."""
    zero = NUMBERING_ZEROS.get(locale.default_numbering_system, "0")
    if zero == "0":
        return None
    return {ord("0") + value: chr(ord(zero) + value) for value in range(10)}


def localize_digits(text: str, language: str) -> str:
    """Write the ASCII digits of *text* in the default numbering system of *language*'s locale."""
    table = _digits(locale_for(language))
    return text if table is None else text.translate(table)


@lru_cache(maxsize=128)
def _time_pattern(locale: Locale, utc: bool) -> str:
    """The locale's hour and minute pattern with the offset where CLDR puts a zone.

    CLDR's ``hmv``/``Hmv`` skeletons place the zone (before the time in
    Chinese, in brackets in Traditional Chinese); the hour cycle is the one of
    the locale's short time format. The zone becomes the long localized GMT
    format (``GMT-04:00``, ``UTC+05:30`` in French), which a fixed offset has,
    or for offset zero (*utc*) CLDR's short name of UTC (``UTC``, ``TU``).
    """
    zone = "z" if utc else "OOOO"
    short = str(locale.time_formats["short"].pattern)
    unquoted = "".join(short.split("'")[::2])
    skeleton = "hmv" if ("h" in unquoted or "K" in unquoted) else "Hmv"
    found = locale.datetime_skeletons.get(skeleton)
    if found is None:
        return f"{short} {zone}"
    pieces = str(found.pattern).split("'")
    # Even pieces are outside quotes: only there is "v" a pattern letter.
    pieces[::2] = [_VS.sub(zone, piece) for piece in pieces[::2]]
    return "'".join(pieces)


def format_date(
    value: datetime, language: str, *, width: Literal["medium", "long"] = "long"
) -> str:
    """Format an offset-aware datetime for readers of *language*, in its own offset.

    The date is CLDR's *width* date format, the time has hours and minutes in
    the locale's hour cycle, the offset is CLDR's localized GMT format, and
    CLDR's date-time pattern joins them: ``July 28, 2023, 10:05 AM GMT-04:00``
    (``... AM UTC`` for offset zero),
    ``2023 թ. հուլիսի 28, 10:05 GMT-04:00``, ``2023年7月28日 GMT-04:00 10:05``.
    Digits follow the locale's numbering system.

    Args:
        value: The moment, with its UTC offset (naive datetimes are refused).
        language: A BCP 47 tag; English where CLDR has no locale for it.
        width: ``"long"`` (month names) or ``"medium"`` (abbreviated or numeric).

    Raises:
        ValueError: *value* has no offset.
    """
    from babel.dates import format_date as babel_date
    from babel.dates import format_time, get_datetime_format

    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"a date to show needs an offset, got {value.isoformat()}")
    locale = locale_for(language)
    day = babel_date(value, width, locale=locale)
    pattern = _time_pattern(locale, not value.utcoffset())
    time = format_time(value, pattern, tzinfo=value.tzinfo, locale=locale)
    glue = str(get_datetime_format(width, locale=locale))
    text = glue.replace("'", "").replace("{1}", day).replace("{0}", time)
    return localize_digits(text, language)


def format_day(
    value: date | datetime, language: str, *, width: Literal["medium", "long"] = "long"
) -> str:
    """Format a day (a date, or a datetime's) for readers of *language*: CLDR's *width* format.

    A datetime's day is the one of its own offset (no conversion), written
    ``July 28, 2023``, ``28 juillet 2023``, ``2023年7月28日``, digits in the
    locale's numbering system. For a cover or a title page, where the time
    would be noise.
    """
    from babel.dates import format_date as babel_date

    return localize_digits(babel_date(value, width, locale=locale_for(language)), language)


def join_list(items: Sequence[_T], language: str) -> tuple[str | _T, ...]:
    """Interleave *items* with the separators of CLDR's list pattern for *language*.

    ``[a, b, c]`` gives ``(a, ", ", b, " and ", c)`` in English and
    ``(a, " و", b, " و", c)`` in Arabic; items may be anything (links, say).
    """
    from babel.lists import format_list as babel_list

    if not items:
        return ()
    # Babel joins strings; private-use markers stand for the items, then split it back.
    markers = [f"\ue000{index}\ue001" for index in range(len(items))]
    joined = babel_list(markers, locale=locale_for(language))
    result: list[str | _T] = []
    for index, piece in enumerate(re.split("\ue000([0-9]+)\ue001", joined)):
        if index % 2:
            result.append(items[int(piece)])
        elif piece:
            result.append(piece)
    return tuple(result)


def format_list(items: Sequence[str], language: str) -> str:
    """Join *items* with CLDR's list pattern: ``A, B and C``, ``A، B وC``, ``A、B和C``."""
    return "".join(join_list(items, language))


def format_number(number: int | float | Decimal, language: str) -> str:
    """Format *number* with the locale's separators and digits (``1 234,5`` in French)."""
    from babel.numbers import format_decimal

    locale = locale_for(language)
    text = format_decimal(number, locale=locale, numbering_system="default")
    return localize_digits(text, language)
