"""Language tags to CLDR locales and catalog names, with CLDR's likely subtags and parents."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

__all__ = ["fallback_chain", "locale_for", "normalize"]

ENGLISH = "en"
"""The language every chain ends with: the phrases' source language."""


def _parts(language: str) -> tuple[str, str | None, str | None] | None:
    """Language, script and territory of a BCP 47 tag (``None`` for a malformed one)."""
    from babel.core import get_global, parse_locale

    try:
        parsed = parse_locale(language.replace("_", "-"), sep="-")
    except ValueError:
        return None
    code, territory, script = parsed[0].lower(), parsed[1], parsed[2]
    aliases = get_global("language_aliases")
    code = str(aliases.get(code, code)).split("_")[0]  # iw → he, in → id
    return code, script, territory


@lru_cache(maxsize=256)
def normalize(language: str) -> str | None:
    """Return *language* as a BCP 47 tag with CLDR's likely script added, or ``None`` if malformed.

    ``zh-TW`` becomes ``zh-Hant-TW``, ``zh`` becomes ``zh-Hans``, ``iw`` becomes
    ``he-Hebr``: the script is what tells a catalog (and a font) apart.
    """
    from babel.core import get_global, parse_locale

    parts = _parts(language)
    if parts is None:
        return None
    code, script, territory = parts
    if script is None:
        likely = get_global("likely_subtags")
        guess = likely.get(f"{code}_{territory}") if territory else None
        guess = guess or likely.get(code)
        if guess:
            script = parse_locale(str(guess))[2]
    return "-".join(part for part in (code, script, territory) if part)


@lru_cache(maxsize=256)
def fallback_chain(language: str) -> tuple[str, ...]:
    """Return the tags to look a catalog up by, most specific first, ending with ``en``.

    ``zh-TW`` gives ``("zh-Hant-TW", "zh-Hant", "zh-TW", "en")``: the script
    comes from CLDR's likely subtags. The bare language (``zh``) is left out
    where CLDR gives the script no parent in it (Traditional Chinese does not
    fall back to Simplified, nor Latin Serbian to Cyrillic), as CLDR's own
    parent locales say; otherwise it comes last before English.
    """
    from babel.core import get_global

    tag = normalize(language)
    if tag is None:
        return (ENGLISH,)
    parts = _parts(tag)
    assert parts is not None
    code, script, territory = parts
    chain: list[str] = []

    def add(*subtags: str | None) -> None:
        if all(subtags):
            candidate = "-".join(str(subtag) for subtag in subtags)
            if candidate not in chain:
                chain.append(candidate)

    add(code, script, territory)
    add(code, script)
    add(code, territory)
    default_script = normalize(code)
    own_script = default_script is not None and default_script == f"{code}-{script}"
    parent_exceptions = get_global("parent_exceptions")
    if script is None or (own_script and f"{code}_{script}" not in parent_exceptions):
        add(code)
    add(ENGLISH)
    return tuple(chain)


@lru_cache(maxsize=256)
def _locale(language: str) -> Locale | None:
    from babel import Locale, UnknownLocaleError

    for tag in fallback_chain(language)[:-1]:
        try:
            return Locale.parse(tag, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return None


def locale_for(language: str) -> Locale:
    """Return the CLDR locale for *language* (a BCP 47 tag), English if CLDR has none for it."""
    from babel import Locale

    return _locale(language) or Locale.parse(ENGLISH)
