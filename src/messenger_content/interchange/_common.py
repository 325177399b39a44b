"""What the three imports share: the result type, warnings, and value clean-up.

Every import turns foreign values into model values here, so that one rule
decides what a date without an offset becomes, which link targets survive and
what happens to text the format forbids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from typing import Any, Literal, NamedTuple, TypeAlias, TypeVar

from .. import _rules, urls
from ..errors import ParseError, Problem, ValidationError
from ..models import Article

__all__ = ["Imported", "Notes", "detect", "parse_json"]

T = TypeVar("T")
_Day: TypeAlias = date | datetime  # spelled here: inside Notes, ``date`` is its method


class Imported(NamedTuple):
    """An imported article and what the import could not carry over.

    Unpacks as ``article, warnings = from_ninjs(document)``.
    """

    article: Article
    """The article, valid by the models' rules."""
    warnings: tuple[Problem, ...]
    """One :class:`~messenger_content.Problem` per value dropped or changed."""


_DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NAIVE = re.compile(
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)(\.[0-9]+)?$"
)
_ZONED = re.compile(
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)(\.[0-9]+)?"
    r"([Zz]|[+\-][0-9]{2}:?[0-9]{2})$"
)


class Notes:
    """Collects the warnings of one import, each with the path of the value it is about."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        """Record that the value at *path* was dropped or changed, and why."""
        self.items.append(Problem(path, message))

    def text(self, value: object, path: str) -> str | None:
        """*value* as model text: a non-blank string without forbidden characters, or ``None``."""
        if value is None:
            return None
        if not isinstance(value, str):
            self.add(path, f"expected a string, got {_json_type(value)}; ignored")
            return None
        if _rules.FORBIDDEN.search(value):
            value = _rules.FORBIDDEN.sub("", value)
            self.add(path, "control characters removed")
        return value if value.strip() else None

    def date(self, value: object, path: str) -> datetime | None:
        """*value* as an offset-aware datetime.

        A date-time without an offset is read as UTC (agencies send UTC), with
        a warning; a date alone or anything else is dropped with a warning.
        """
        text = self.text(value, path)
        if text is None:
            return None
        text = text.strip()
        zoned = _ZONED.fullmatch(text)
        naive = _NAIVE.fullmatch(text)
        if zoned is not None:
            clock, fraction, offset = zoned.groups()
            if len(offset) == 5:  # +0200: RFC 3339 wants +02:00
                offset = f"{offset[:3]}:{offset[3:]}"
        elif naive is not None:
            clock, fraction = naive.groups()
            offset = "Z"
            self.add(path, f"the date-time {text!r} has no offset; read as UTC")
        else:
            self.add(path, f"expected a date-time with a time of day, got {text[:40]!r}; ignored")
            return None
        if len(clock) == 16:  # no seconds
            clock += ":00"
        fraction = (fraction or "")[:7]  # datetime holds microseconds
        try:
            return _rules.parse_datetime(f"{clock}{fraction}{offset}")
        except ValueError as error:
            self.add(path, f"{error}; ignored")
            return None

    def day(self, value: object, path: str) -> _Day | None:
        """*value* as a date (``2024-03-01``) or, as :meth:`date` reads it, a date-time."""
        text = self.text(value, path)
        if text is not None and _DAY.fullmatch(text.strip()):
            try:
                return _rules.parse_date(text.strip())
            except ValueError as error:
                self.add(path, f"{error}; ignored")
                return None
        return self.date(text, path)

    def language(self, value: object, path: str) -> str | None:
        """*value* as a BCP 47 language tag, or ``None`` with a warning."""
        text = self.text(value, path)
        if text is None:
            return None
        problem = _rules.language_problem(text.strip())
        if problem is not None:
            self.add(path, f"{problem}; ignored")
            return None
        return text.strip()

    def http_url(self, value: object, path: str) -> str | None:
        """*value* as an absolute http(s) URL (escaped where needed), or ``None``."""
        text = self.text(value, path)
        if text is None:
            return None
        fixed = urls.http_url(text.strip())
        if fixed is None:
            self.add(path, f"not an absolute http(s) URL: {text[:80]!r}; ignored")
        return fixed

    def href(self, value: object, path: str) -> str | None:
        """*value* as a link target the models accept, or ``None`` with a warning."""
        text = self.text(value, path)
        if text is None:
            return None
        fixed = link_target(text)
        if fixed is None:
            self.add(path, f"link target {text[:80]!r} refused; ignored")
        return fixed

    def build(self, make: Callable[..., T], path: str, **fields: Any) -> T | None:
        """``make(**fields)``, or ``None`` with the models' complaint as a warning."""
        try:
            return make(**fields)
        except ValidationError as error:
            for problem in error.problems:
                where = f"{path}.{problem.path}" if path and problem.path else path or problem.path
                self.add(where, f"{problem.message}; ignored")
            return None


def parse_json(document: object, what: str) -> object:
    """*document* parsed if it is JSON text (``str`` or UTF-8 ``bytes``), else as it is.

    Raises:
        ParseError: the text is not JSON.
    """
    if isinstance(document, (bytes, bytearray)):
        try:
            document = bytes(document).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ParseError(f"{what} is not valid UTF-8") from None
    if not isinstance(document, str):
        return document
    try:
        return json.loads(document)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ParseError(f"not valid {what}: {error.msg} ({where})") from None
    except (RecursionError, ValueError):
        raise ParseError(f"not valid {what}: nested too deeply or unreadable") from None


def detect(value: object) -> Literal["article", "ninjs", "jsonld"] | None:
    """Which format a parsed JSON value is in: this package's, ninjs or JSON-LD (or ``None``).

    JSON-LD has ``@context``, ``@graph`` or ``@type`` (or is a list of such
    nodes); an article has ``headline`` and ``body``; ninjs has ``uri`` and
    one of its own properties.
    """
    if isinstance(value, list):
        nodes = [item for item in value if isinstance(item, Mapping)]
        return "jsonld" if nodes and all(_is_jsonld(node) for node in nodes) else None
    if not isinstance(value, Mapping):
        return None
    if _is_jsonld(value):
        return "jsonld"
    if "headline" in value and "body" in value:
        return "article"
    if "uri" in value and any(key.lower() in _NINJS_KEYS for key in value):
        return "ninjs"
    return None


def _is_jsonld(node: Mapping[str, Any]) -> bool:
    return any(key in node for key in ("@context", "@graph", "@type"))


_NINJS_KEYS = frozenset(
    {"headlines", "bodies", "versioncreated", "firstcreated", "renditions", "associations"}
    | {"headline", "byline", "descriptions", "pubstatus", "type"}
)


def _json_type(value: object) -> str:
    """The JSON name of *value*'s type, for messages."""
    names = {dict: "an object", list: "an array", bool: "a boolean", int: "a number"}
    names |= {float: "a number", str: "a string", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _fixed(value: str, check: Callable[[str], str | None], schemes: tuple[str, ...]) -> str | None:
    """*value* made valid for *check* by escaping, if its scheme is one of *schemes*."""
    # As browsers read URLs: ASCII white space at the ends goes, tabs and newlines
    # inside are removed ("java\tscript:" is "javascript:"); U+00A0 is data.
    value = re.sub("[\t\n\r]", "", value.strip(" \t\n\r\f"))
    if check(value) is None:
        return value
    found = urls.scheme(value)
    if found in ("http", "https") and "http" in schemes:
        fixed = urls.http_url(value)
    elif found == "mailto" and "mailto" in schemes:
        fixed = urls.mailto_url(value)
    elif found is None and value:
        fixed = urls.escape(value)
    else:
        return None
    return fixed if fixed is not None and check(fixed) is None else None


def link_target(value: str) -> str | None:
    """*value* as a link the models accept (http, https, mailto, relative), or ``None``."""
    return _fixed(value, _rules.href_problem, ("http", "mailto"))


def image_source(value: str) -> str | None:
    """*value* as an image source the models accept (http(s), ``data:``, a path), or ``None``."""
    return _fixed(value, _rules.src_problem, ("http",))


def field(obj: Mapping[str, Any], name: str) -> Any:
    """*obj*'s property *name* as ninjs 3 spells it (``versionCreated``) or ninjs 2 does."""
    if name in obj:
        return obj[name]
    return obj.get(name.lower())


def utc(value: datetime) -> datetime:
    """*value* in UTC (for comparing instants)."""
    return value.astimezone(timezone.utc)
