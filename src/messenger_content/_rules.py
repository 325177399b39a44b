"""The format's value rules, shared by the models, the codec and the JSON Schema.

Each rule exists once, as a regular expression the schema can publish and a
check the models run, so that the loader and the schema cannot drift apart.
URL and language rules live in :mod:`.urls` and :mod:`.languages`; their
patterns are re-exported here with the others.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from .languages import LANGUAGE_PATTERN, is_well_formed
from .urls import _SCHEME_SYNTAX, HREF_PATTERN, HTTP_URL_PATTERN, SRC_PATTERN, scheme

__all__ = [
    "DATETIME_PATTERN",
    "DATE_PATTERN",
    "FORBIDDEN",
    "FORBIDDEN_CHARACTERS",
    "HREF_PATTERN",
    "HTTP_URL_PATTERN",
    "LANGUAGE_PATTERN",
    "MAX_INLINE_DEPTH",
    "NONBLANK_PATTERN",
    "RELATIVE_PATH_PATTERNS",
    "SRC_PATTERN",
    "TEXT_PATTERN",
    "date_problem",
    "datetime_problem",
    "format_datetime",
    "href_problem",
    "http_url_problem",
    "language_problem",
    "parse_date",
    "parse_datetime",
    "relative_path_problem",
    "src_problem",
    "text_problem",
]

#: How deep inline nodes may nest (emphasis in a link in strong ...): the loader
#: refuses deeper JSON and the models refuse deeper values, so no exporter ever
#: recurses without limit.
MAX_INLINE_DEPTH = 32

#: Characters no text may contain: C0 controls other than tab and newline, DEL,
#: C1 controls, lone surrogates, the two non-characters XML forbids and the
#: non-characters U+FDD0 to U+FDEF, which HTML forbids (format 1.1).
FORBIDDEN_CHARACTERS = (
    "\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\ufdd0-\\ufdef\\ufffe\\uffff"
)
TEXT_PATTERN = f"^[^{FORBIDDEN_CHARACTERS}]*$"
#: Matches one forbidden character; importers remove them with ``FORBIDDEN.sub("", text)``.
FORBIDDEN = re.compile(f"[{FORBIDDEN_CHARACTERS}]")

_YEAR = "(?!0000)[0-9]{4}"
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_MONTH_DAY = (
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_DATE = f"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
_TIME = "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,6})?"
_OFFSET = "(?:[Zz]|[+\\-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
#: An RFC 3339 date-time that carries its offset (real calendar dates only;
#: no leap seconds, at most microseconds, as Python's datetime holds them).
DATETIME_PATTERN = f"^{_DATE}[Tt ]{_TIME}{_OFFSET}$"
#: An RFC 3339 full-date (``2026-12-07``), real calendar dates only.
DATE_PATTERN = f"^{_DATE}$"
#: Text that is not empty or only white space.
NONBLANK_PATTERN = "\\S"
#: A file path inside a folder, as an edition names its article files: each
#: pattern is one rule of :func:`relative_path_problem` (all must match).
RELATIVE_PATH_PATTERNS = (
    NONBLANK_PATTERN,
    TEXT_PATTERN,
    f"^(?!{_SCHEME_SYNTAX}:)",
    "^(?!/)",
    "^[^\\\\]*$",
    "^(?!(?:.*/)?\\.\\.(?:/|$))",
)

_HREF = re.compile(HREF_PATTERN)
_HTTP_URL = re.compile(HTTP_URL_PATTERN)
_SRC = re.compile(SRC_PATTERN)
_DATETIME = re.compile(DATETIME_PATTERN)
_DATE_ONLY = re.compile(DATE_PATTERN)
_DATETIME_PARTS = re.compile(
    "^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    "(?:\\.([0-9]{1,6}))?(?:([Zz])|([+\\-])([0-9]{2}):([0-9]{2}))$"
)


def text_problem(value: str) -> str | None:
    """Say what is wrong with *value* as text, or return ``None`` if it is fine."""
    # Every forbidden character is unprintable (Cc, Cs or Cn), and isprintable()
    # is cheaper than the search: most text in an article (every
    # string without a tab or newline) is settled here.
    if value.isprintable():
        return None
    found = FORBIDDEN.search(value)
    if found is None:
        return None
    code = ord(found.group())
    if 0xFDD0 <= code <= 0xFDEF or code in (0xFFFE, 0xFFFF):
        return f"contains the non-character U+{code:04X} at index {found.start()}"
    return (
        f"contains the control character U+{code:04X} at index {found.start()};"
        " only tab and newline are allowed"
    )


def _scheme_problem(value: str, what: str, allowed: str, schemes: tuple[str, ...]) -> str:
    found = scheme(value)
    article = "an" if what[0] in "aeiou" else "a"
    if value == "":
        return f"expected {article} {what}, got an empty string"
    if found is not None and found not in schemes:
        return f"{found}: {what}s are not allowed (use {allowed})"
    if found in ("http", "https") and value[len(found) + 3 : len(found) + 4] in ("", ":"):
        return f"expected {article} {what} ({allowed}) with a host name after '//'"
    return f"expected {article} {what} ({allowed}) without white space or control characters"


def href_problem(value: str) -> str | None:
    """Say what is wrong with *value* as a link target, or return ``None``."""
    if _HREF.fullmatch(value):
        return None
    return _scheme_problem(
        value,
        "link",
        "http, https, mailto, a relative URL or a #fragment",
        ("http", "https", "mailto"),
    )


def http_url_problem(value: str) -> str | None:
    """Say what is wrong with *value* as an absolute http(s) URL, or return ``None``."""
    if _HTTP_URL.fullmatch(value):
        return None
    return _scheme_problem(value, "URL", "an absolute http or https URL", ("http", "https"))


def src_problem(value: str) -> str | None:
    """Say what is wrong with *value* as an image source, or return ``None``."""
    if _SRC.fullmatch(value):
        return None
    return _scheme_problem(
        value,
        "image source",
        "a relative path, a data: URI or an http(s) URL",
        ("http", "https", "data"),
    )


def language_problem(value: str) -> str | None:
    """Say what is wrong with *value* as a BCP 47 language tag, or return ``None``."""
    if is_well_formed(value):
        return None
    return f"expected a BCP 47 language tag such as 'en' or 'hy-AM', got {value!r}"


def parse_datetime(value: str) -> datetime:
    """Parse an RFC 3339 date-time that carries an offset.

    Raises:
        ValueError: with a message saying what was expected.
    """
    found = _DATETIME_PARTS.fullmatch(value)
    if found is None:
        if re.match("^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9:.]+$", value):
            raise ValueError(
                f"the date-time {value!r} has no offset; add one, such as 'Z' or '-04:00'"
            )
        raise ValueError(
            "expected an RFC 3339 date-time with an offset, such as"
            f" '2023-07-28T14:05:00-04:00', got {value[:60]!r}"
        )
    if not _DATETIME.fullmatch(value):
        raise ValueError(f"not a real date and time: {value!r}")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = found.groups()
    if zulu:
        tz = timezone.utc
    else:
        delta = timedelta(hours=int(off_h), minutes=int(off_m))
        tz = timezone(-delta if sign == "-" else delta)
    return datetime(
        int(year),
        int(month),
        int(day),
        int(hour),
        int(minute),
        int(second),
        int((fraction or "0").ljust(6, "0")),
        tzinfo=tz,
    )


def format_datetime(value: datetime) -> str:
    """Format an offset-aware datetime as RFC 3339, writing ``Z`` for UTC."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def datetime_problem(value: object) -> str | None:
    """Say what is wrong with *value* as a model datetime, or return ``None``."""
    if not isinstance(value, datetime):
        return f"expected a datetime, got {type(value).__name__}"
    offset = value.utcoffset()
    if offset is None:
        return "the datetime has no offset (naive datetimes are not allowed)"
    if offset.seconds % 60 or offset.microseconds:
        return "the offset must be a whole number of minutes"
    return None


def parse_date(value: str) -> date | datetime:
    """Parse an RFC 3339 full-date (``2026-12-07``) or a date-time that carries an offset.

    Raises:
        ValueError: with a message saying what was expected.
    """
    if re.fullmatch("[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        if not _DATE_ONLY.fullmatch(value):
            raise ValueError(f"not a real date: {value!r}")
        return date(int(value[:4]), int(value[5:7]), int(value[8:10]))
    try:
        return parse_datetime(value)
    except ValueError as error:
        if "has no offset" in str(error):
            raise
        raise ValueError(
            "expected a date such as '2026-12-07' or an RFC 3339 date-time with an offset,"
            f" such as '2026-12-07T06:00:00+01:00', got {value[:60]!r}"
        ) from None


def date_problem(value: object) -> str | None:
    """Say what is wrong with *value* as a model date or datetime, or return ``None``."""
    if isinstance(value, datetime):
        return datetime_problem(value)
    if isinstance(value, date):
        return None
    return f"expected a date or a datetime, got {type(value).__name__}"


def relative_path_problem(value: str) -> str | None:
    """Say what is wrong with *value* as a path inside an edition's folder, or return ``None``.

    The path is a plain file path (not a URL: nothing is percent-decoded), with
    ``/`` between folders, that cannot leave the folder it is relative to.
    """
    if not value.strip():
        return "expected a path relative to the edition's file, got an empty string"
    problem = text_problem(value)
    if problem is not None:
        return problem
    found = scheme(value)
    if found is not None:
        return f"{found}: URLs are not allowed; use a path relative to the edition's file"
    if value.startswith("/"):
        return "absolute paths are not allowed; use a path relative to the edition's file"
    if "\\" in value:
        return "backslashes are not allowed in paths; use /"
    if ".." in value.split("/"):
        return "the path leads outside the edition's folder ('..' is not allowed)"
    return None
