"""Language tags: what the format accepts and what an EPUB may declare.

Two classes of RFC 5646 (BCP 47) conformance matter here:

* **Well-formed** (RFC 5646 section 2.2.9): the tag follows the ABNF of
  section 2.1. The format asks this of ``language`` (:func:`is_well_formed`),
  and the JSON Schema publishes the same grammar (:data:`LANGUAGE_PATTERN`).
* **No repeated variant or extension singleton** (``sl-rozaj-rozaj``,
  ``en-a-bb-a-cc``): part of "valid" in RFC 5646, and refused by the parsers
  reading systems and EPUBCheck use. :func:`book_language` cuts such a tag back.

Subtags are not looked up in the IANA registry: an unregistered but
well-formed tag (``xx-YY``) is kept, as it always was.

langcodes' parser is not used for either check: it reads CLDR's looser syntax
(``en_US``, ``12``, ``abcd-efg``) and refuses the 5 to 8 letter language
subtags the ABNF allows, so it cannot decide RFC 5646 well-formedness, and its
``is_valid`` also asks for registered subtags.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

__all__ = ["LANGUAGE_PATTERN", "book_language", "is_well_formed"]

#: A well-formed BCP 47 language tag (the RFC 5646 ABNF, without the irregular
#: grandfathered tags): ``en``, ``hy-AM``, ``zh-Hant-TW``, ``de-CH-1901``.
LANGUAGE_PATTERN: Final = (
    "^(?:(?:[a-zA-Z]{2,3}(?:-[a-zA-Z]{3}){0,3}|[a-zA-Z]{4,8})"
    "(?:-[a-zA-Z]{4})?"
    "(?:-(?:[a-zA-Z]{2}|[0-9]{3}))?"
    "(?:-(?:[a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*"
    "(?:-[a-wyzA-WYZ0-9](?:-[a-zA-Z0-9]{2,8})+)*"
    "(?:-[xX](?:-[a-zA-Z0-9]{1,8})+)?"
    "|[xX](?:-[a-zA-Z0-9]{1,8})+)$"
)

_WELL_FORMED = re.compile(LANGUAGE_PATTERN)
#: The same grammar, naming the variants and extensions so repeats can be found
#: (compiled when an EPUB first needs it).
_PARTS = (
    "(?:[a-zA-Z]{2,3}(?:-[a-zA-Z]{3}){0,3}|[a-zA-Z]{4,8})"
    "(?:-[a-zA-Z]{4})?"
    "(?:-(?:[a-zA-Z]{2}|[0-9]{3}))?"
    "(?P<variants>(?:-(?:[a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*)"
    "(?P<extensions>(?:-[a-wyzA-WYZ0-9](?:-[a-zA-Z0-9]{2,8})+)*)"
    "(?:-[xX](?:-[a-zA-Z0-9]{1,8})+)?"
)


def is_well_formed(tag: str) -> bool:
    """Whether *tag* is a well-formed BCP 47 language tag (RFC 5646 section 2.1)."""
    return _WELL_FORMED.fullmatch(tag) is not None


def _repeats(tag: str) -> bool:
    """Whether a well-formed *tag* repeats a variant or an extension singleton (any case)."""
    found = re.fullmatch(_PARTS, tag)
    if found is None:  # private use only ("x-..."): nothing can repeat
        return False
    variants = found.group("variants").lower().split("-")[1:]
    singletons = [part for part in found.group("extensions").lower().split("-") if len(part) == 1]
    return len(set(variants)) < len(variants) or len(set(singletons)) < len(singletons)


@lru_cache(maxsize=64)
def book_language(tag: str) -> str:
    """Return *tag* as an EPUB may declare it: reading systems must be able to parse it.

    The tag itself if it is well-formed and repeats no variant or extension
    singleton, else its longest prefix that is (subtags dropped from the end),
    else ``und`` ("undetermined").
    """
    subtags = tag.split("-")
    while subtags:
        candidate = "-".join(subtags)
        if is_well_formed(candidate) and not _repeats(candidate):
            return candidate
        subtags.pop()
    return "und"
