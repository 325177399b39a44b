r"""What a stylesheet asks to load, read with tinycss2's tokenizer.

Both the PDF and the EPUB exporter take user CSS and must refuse the loads it
asks for that their output cannot or may not make. Regular expressions miss
CSS escapes (``@\69mport``, ``u\72l(...)``); tinycss2 decodes them as a
browser does, so each exporter judges the loads this module finds, by policy:
the PDF exporter sends image URLs through the resource policy, the EPUB
exporter accepts ``data:`` URIs only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Literal

import attrs
import tinycss2

__all__ = ["Load", "loads"]


@attrs.frozen(kw_only=True)
class Load:
    """One thing a stylesheet asks to load."""

    kind: Literal["import", "font", "url"]
    """``import`` for an ``@import`` rule, ``font`` for a ``@font-face`` source by URL,
    ``url`` for any other ``url(...)`` (backgrounds, list images, cursors ...)."""
    url: str
    """The URL, with CSS escapes decoded (empty when an ``@import`` names none)."""


def loads(css: str) -> list[Load]:
    """Every load *css* asks for, in source order.

    ``local()`` font sources load nothing and are not listed.
    """
    found: list[Load] = []
    _walk_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), found)
    return found


def _walk_rules(rules: Iterable[Any], found: list[Load]) -> None:
    for rule in rules:
        if rule.type == "at-rule":
            keyword = rule.lower_at_keyword
            if keyword == "import":
                urls = list(_urls(rule.prelude, strings=True))
                found.append(Load(kind="import", url=urls[0] if urls else ""))
                continue
            found.extend(Load(kind="url", url=url) for url in _urls(rule.prelude))
            if rule.content is None:
                continue
            if keyword == "font-face":
                found.extend(Load(kind="font", url=url) for url in _urls(rule.content))
            else:
                # Conditional and page rules (@media, @supports, @page ...) hold rules or
                # declarations; parsing their content as rules finds the urls of both.
                _walk_rules(
                    tinycss2.parse_blocks_contents(
                        rule.content, skip_comments=True, skip_whitespace=True
                    ),
                    found,
                )
        elif rule.type == "qualified-rule":
            found.extend(Load(kind="url", url=url) for url in _urls(rule.prelude))
            found.extend(Load(kind="url", url=url) for url in _urls(rule.content))
        elif rule.type == "declaration":
            found.extend(Load(kind="url", url=url) for url in _urls(rule.value))


def _urls(tokens: Iterable[Any], *, strings: bool = False) -> Iterator[str]:
    """The ``url(...)`` values among *tokens*, at any depth (and bare strings if *strings*)."""
    for token in tokens:
        kind = token.type
        if kind == "url":
            yield str(token.value)
        elif kind == "function":
            if token.lower_name == "url":
                yield from (str(t.value) for t in token.arguments if t.type == "string")
            elif token.lower_name != "local":
                yield from _urls(token.arguments, strings=strings)
        elif kind == "string" and strings:
            yield str(token.value)
        elif kind in ("() block", "[] block", "{} block"):
            yield from _urls(token.content, strings=strings)
