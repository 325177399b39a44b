"""What an input is: an article, an IPTC ninjs item, a schema.org JSON-LD document or a web page.

A :class:`Reader` turns an input's bytes into an article and the warnings of
its import, in the format it is told or the one it detects. It is what
``convert --from`` builds, and what the batch (:mod:`messenger_content.batch`)
calls in its workers, so imported inputs are converted exactly like articles.

Detecting (``"auto"``): text whose first character (after a byte order mark
and white space) is ``<`` is HTML, and so is a file named ``*.html`` or
``*.htm`` that does not start with ``{`` or ``[``; anything else is parsed as
JSON and named by :func:`messenger_content.interchange.detect`. A JSON object
that is none of the three fails ("not an article, ninjs or JSON-LD document");
what is not JSON, or JSON other than an object (or a list of JSON-LD nodes),
gets the article format's own error, as a broken article would. An article
(``headline`` and ``body``, no JSON-LD keyword) is recognised without
importing :mod:`messenger_content.interchange`, which needs lxml.

HTML is read by ``messenger_content.interchange.web:from_html``, part of the
``web`` extra, imported on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Final, Literal, TypeAlias, TypeGuard, get_args

import attrs

from .codec import parse_json, structure
from .errors import ContentError, Problem, ValidationError
from .models import Article

__all__ = [
    "FROM_HTML",
    "INPUT_FORMATS",
    "InputFormat",
    "Reader",
    "detect_input",
    "html_reader",
    "is_url",
]

InputFormat: TypeAlias = Literal["auto", "article", "ninjs", "jsonld", "html"]
"""What an input is read as: ``"auto"`` detects it from its content."""

#: Every value of :data:`InputFormat`, ``"auto"`` first.
INPUT_FORMATS: Final[tuple[InputFormat, ...]] = get_args(InputFormat)

#: Where the web import lives (``module:function``); it needs the ``web`` extra.
FROM_HTML: Final = "messenger_content.interchange.web:from_html"

_WEB_EXTRA: Final = "HTML import needs the web extra: pip install 'messenger-content[web]'"
_UNKNOWN: Final = "not an article, ninjs or JSON-LD document; give --from"
_HTML_SUFFIXES: Final = (".html", ".htm")
_JSONLD_KEYS: Final = ("@context", "@graph", "@type")

#: One import: the article and the warnings (a :class:`~messenger_content.interchange.Imported`).
Read: TypeAlias = "tuple[Article, tuple[Problem, ...]]"


def html_reader() -> Callable[..., Read]:
    """The web import, ``from_html(markup, url=None)``, imported now.

    Raises:
        ContentError: the ``web`` extra is not installed (the message says how to install it).
    """
    module_name, _, function = FROM_HTML.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ContentError(f"{_WEB_EXTRA} ({error})") from None
    reader: Callable[..., Read] = getattr(module, function)
    return reader


def is_url(name: str) -> bool:
    """Whether the input *name* is an http(s) URL (fetched) rather than a file."""
    return name[:8].lower().startswith(("http://", "https://"))


def _first_character(data: bytes) -> str:
    """The first character of *data* after a byte order mark and white space.

    ``""`` when there is none, or when *data* does not start as UTF-8 (the
    JSON parser then says where the bytes go wrong).
    """
    head = data[:1024]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # not merely a character cut at the end
            return ""
        text = head[: error.start].decode("utf-8")
    return text.lstrip("\ufeff \t\r\n\f")[:1]


def _looks_like_html(start: str, name: str) -> bool:
    """Whether an input starting with *start* and named *name* is a web page."""
    return start == "<" or (start not in ("{", "[") and name.lower().endswith(_HTML_SUFFIXES))


def detect_input(value: object) -> Literal["article", "ninjs", "jsonld"] | None:
    """Which format a parsed JSON value is in, as :func:`~messenger_content.interchange.detect`.

    Our own format is recognised here, so that reading an article does not
    import the interchange package; anything else is left to ``detect``.
    """
    if _is_mapping_with(value, "headline", "body") and not any(k in value for k in _JSONLD_KEYS):
        return "article"
    from .interchange import detect

    return detect(value)


def _is_mapping_with(value: object, *keys: str) -> TypeGuard[Mapping[str, object]]:
    return isinstance(value, Mapping) and all(key in value for key in keys)


def _meant_as_article(value: Mapping[str, object]) -> bool:
    """Whether *value* is meant as an article, so its own errors say more than "unknown"."""
    if any(key in value for key in _JSONLD_KEYS):
        return False
    return "headline" in value or "body" in value or value.get("type") == "article"


@attrs.frozen(kw_only=True)
class Reader:
    """Reads one input in the format given (or detected); picklable, for the batch's workers.

    Calling it with the input's bytes and its name returns the article and the
    import's warnings (none for an article in this package's format).
    """

    format: InputFormat = "auto"
    """The input's format, or ``"auto"`` to detect it from the content."""
    strict: bool = False
    """Fail an import that has warnings (a :class:`ValidationError` listing them)."""

    def __call__(self, data: bytes, source: str) -> Read:
        """Read *data* (the input named *source*).

        Raises:
            ParseError: the input is not JSON (or HTML) that can be read.
            ValidationError: it is a JSON object but no article, ninjs or JSON-LD
                document (``"auto"``),
                it does not describe a valid article, or (:attr:`strict`) its
                import has warnings.
            ContentError: it is HTML and the ``web`` extra is missing.
        """
        article, warnings = self._read(data, source)
        if self.strict and warnings:
            raise ValidationError(warnings, source=source)
        return article, warnings

    def _read(self, data: bytes, source: str) -> Read:
        kind = self.format
        start = _first_character(data) if kind == "auto" else ""
        if kind == "html" or (kind == "auto" and _looks_like_html(start, source)):
            from_html = html_reader()
            # A page fetched by URL resolves its relative links and images against it.
            url = source if is_url(source) else None
            return _with_source(lambda: from_html(data, url=url), source)
        value = parse_json(data, source=source)
        if kind == "auto":
            detected = detect_input(value)
            if detected is None and isinstance(value, Mapping) and not _meant_as_article(value):
                raise ValidationError([Problem("", _UNKNOWN)], source=source)
            kind = detected or "article"
        if kind == "article":
            return _with_source(lambda: (structure(value), ()), source)
        from . import interchange

        imports = {"ninjs": interchange.from_ninjs, "jsonld": interchange.from_jsonld}
        return _with_source(lambda: imports[kind](value), source)


def _with_source(read: Callable[[], Read], source: str) -> Read:
    """Run *read*, naming *source* in the validation error it raises."""
    try:
        article, warnings = read()
    except ValidationError as error:
        raise (error if error.source else error.with_source(source)) from None
    return article, tuple(warnings)
