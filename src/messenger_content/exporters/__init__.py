"""The exporters: one module per output format, each with one entry point.

:data:`FORMATS` names every format the package writes. Exporter modules are
imported only when their format is used, so ``import messenger_content`` never
pays for WeasyPrint or ebooklib.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

import attrs

from ..errors import ExportError
from ..models import Article, Edition

__all__ = [
    "CONTEXT_OPTIONS",
    "FORMATS",
    "READING_FORMATS",
    "Format",
    "format_for",
    "format_of_path",
    "render",
    "split_suffix",
]


@attrs.frozen(kw_only=True)
class Format:
    """An output format and where its exporter lives."""

    name: str
    """Short name used by the API and the CLI (``-t``), e.g. ``"pdf"``."""
    suffix: str
    """File name suffix, e.g. ``".pdf"``."""
    media_type: str
    """IANA media type of the output."""
    binary: bool
    """Whether the exporter returns ``bytes`` (else ``str``)."""
    entry_point: str
    """``module:function`` of the exporter, imported on first use."""
    reading: bool = True
    """A document for people to read (``-t all`` writes these), not data for other tools."""

    def exporter(self) -> Callable[..., str | bytes]:
        """Import and return the exporter function."""
        module_name, _, function = self.entry_point.partition(":")
        module = importlib.import_module(module_name, __package__)
        exporter: Callable[..., str | bytes] = getattr(module, function)
        return exporter


#: Every format, by name: the reading formats in the order ``-t all`` writes them, then the data.
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            name="html",
            suffix=".html",
            media_type="text/html",
            binary=False,
            entry_point=".html:to_html",
        ),
        Format(
            name="txt",
            suffix=".txt",
            media_type="text/plain",
            binary=False,
            entry_point=".text:to_text",
        ),
        Format(
            name="md",
            suffix=".md",
            media_type="text/markdown",
            binary=False,
            entry_point=".markdown:to_markdown",
        ),
        Format(
            name="pdf",
            suffix=".pdf",
            media_type="application/pdf",
            binary=True,
            entry_point=".pdf:to_pdf",
        ),
        Format(
            name="epub",
            suffix=".epub",
            media_type="application/epub+zip",
            binary=True,
            entry_point=".epub:to_epub",
        ),
        Format(
            name="json",
            suffix=".json",
            media_type="application/json",
            binary=False,
            entry_point=".article_json:to_json",
            reading=False,
        ),
        Format(
            name="ninjs",
            suffix=".ninjs.json",
            media_type="application/json",
            binary=False,
            entry_point=".ninjs:to_ninjs_text",
            reading=False,
        ),
        Format(
            name="jsonld",
            suffix=".jsonld",
            media_type="application/ld+json",
            binary=False,
            entry_point=".jsonld:to_jsonld_text",
            reading=False,
        ),
    )
}

#: What ``-t all`` writes: the documents to read, not the data formats.
READING_FORMATS: tuple[str, ...] = tuple(f.name for f in FORMATS.values() if f.reading)

_SUFFIXES = {f.suffix: f for f in FORMATS.values()} | {
    ".htm": FORMATS["html"],
    ".markdown": FORMATS["md"],
    ".text": FORMATS["txt"],
    ".ninjs": FORMATS["ninjs"],
    ".jsonld.json": FORMATS["jsonld"],
}
#: Suffixes of two parts (``.ninjs.json``), looked for before the last part alone.
_DOUBLE = sorted((suffix for suffix in _SUFFIXES if suffix.count(".") == 2), key=len, reverse=True)


def format_for(name_or_suffix: str) -> Format:
    """Find a format by name (``"pdf"``) or file suffix (``".pdf"``)."""
    key = name_or_suffix.lower()
    found = FORMATS.get(key) or _SUFFIXES.get(key if key.startswith(".") else f".{key}")
    if found is None:
        known = ", ".join(FORMATS)
        raise ExportError(f"unknown format {name_or_suffix!r} (known: {known})")
    return found


def split_suffix(name: str) -> tuple[str, Format | None]:
    """A file name's stem and the format its suffix names (``"a.ninjs.json"``: ``"a"``, ninjs).

    Two-part suffixes are looked for first, so ``.ninjs.json`` is ninjs and
    ``.json`` alone is the article format. An unknown suffix gives the name
    without its last suffix, and ``None``.
    """
    lowered = name.lower()
    for suffix in _DOUBLE:
        if lowered.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], _SUFFIXES[suffix]
    path = PurePath(name)
    return path.stem, _SUFFIXES.get(path.suffix.lower())


def format_of_path(path: str | PurePath) -> Format:
    """The format a file's name names by its suffix (see :func:`split_suffix`).

    Raises:
        ExportError: the suffix names no format.
    """
    name = PurePath(path).name
    _, found = split_suffix(name)
    if found is None:
        return format_for(PurePath(name).suffix)
    return found


#: Options that describe the article's surroundings rather than the output;
#: exporters that never read an image (text, Markdown) do not take them.
CONTEXT_OPTIONS = frozenset({"base_dir", "allow_remote"})


def render(article: Article | Edition, format_name: str, **options: Any) -> bytes:
    """Render *article* (or an edition) in the named format and return the file's bytes.

    ``base_dir`` and ``allow_remote`` are passed only to exporters that take
    them, so one set of options serves every format; any other option an
    exporter does not take is an error.
    """
    exporter = format_for(format_name).exporter()
    accepted = inspect.signature(exporter).parameters
    options = {
        key: value
        for key, value in options.items()
        if key not in CONTEXT_OPTIONS or key in accepted
    }
    output = exporter(article, **options)
    return output.encode("utf-8") if isinstance(output, str) else output
